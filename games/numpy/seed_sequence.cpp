#include "games/numpy/seed_sequence.hpp"

namespace mcpgym::numpy {
namespace {

// numpy/random/bit_generator.pyx; every operation wraps in uint32 like the Cython original.
constexpr std::uint32_t kInitA = 0x43b0d7e5;
constexpr std::uint32_t kMultA = 0x931e8875;
constexpr std::uint32_t kInitB = 0x8b51f9dd;
constexpr std::uint32_t kMultB = 0x58f38ded;
constexpr std::uint32_t kMixMultL = 0xca01f9dd;
constexpr std::uint32_t kMixMultR = 0x4973f715;
constexpr int kXShift = 16;

std::uint32_t hashmix(std::uint32_t value, std::uint32_t& hash_const) {
  value ^= hash_const;
  hash_const *= kMultA;
  value *= hash_const;
  value ^= value >> kXShift;
  return value;
}

std::uint32_t mix(std::uint32_t x, std::uint32_t y) {
  std::uint32_t result = kMixMultL * x - kMixMultR * y;
  result ^= result >> kXShift;
  return result;
}

// numpy's _int_to_uint32_array: little-endian words, and zero still yields one word.
std::vector<std::uint32_t> entropy_words(std::uint64_t entropy) {
  std::vector<std::uint32_t> words;
  do {
    words.push_back(static_cast<std::uint32_t>(entropy));
    entropy >>= 32;
  } while (entropy != 0);
  return words;
}

}  // namespace

SeedSequence::SeedSequence(std::uint64_t entropy) {
  const std::vector<std::uint32_t> words = entropy_words(entropy);
  std::uint32_t hash_const = kInitA;
  for (std::size_t i = 0; i < kPoolSize; ++i) {
    pool_[i] = hashmix(i < words.size() ? words[i] : 0, hash_const);
  }
  for (std::size_t src = 0; src < kPoolSize; ++src) {
    for (std::size_t dst = 0; dst < kPoolSize; ++dst) {
      if (src != dst) pool_[dst] = mix(pool_[dst], hashmix(pool_[src], hash_const));
    }
  }
  // numpy then folds in entropy words beyond the pool size; a uint64 has at most two.
}

std::vector<std::uint32_t> SeedSequence::generate_state32(std::size_t n_words) const {
  std::vector<std::uint32_t> state(n_words);
  std::uint32_t hash_const = kInitB;
  for (std::size_t i = 0; i < n_words; ++i) {
    std::uint32_t value = pool_[i % kPoolSize];
    value ^= hash_const;
    hash_const *= kMultB;
    value *= hash_const;
    value ^= value >> kXShift;
    state[i] = value;
  }
  return state;
}

std::vector<std::uint64_t> SeedSequence::generate_state64(std::size_t n_words) const {
  const std::vector<std::uint32_t> halves = generate_state32(2 * n_words);
  std::vector<std::uint64_t> state(n_words);
  for (std::size_t i = 0; i < n_words; ++i) {
    // numpy views the uint32 words as little-endian uint64: low word first.
    state[i] = std::uint64_t{halves[2 * i]} | (std::uint64_t{halves[2 * i + 1]} << 32);
  }
  return state;
}

}  // namespace mcpgym::numpy
