#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mcpgym::numpy {

// numpy.random.SeedSequence(entropy) with default pool size 4 and no spawn key.
class SeedSequence {
 public:
  static constexpr std::size_t kPoolSize = 4;

  explicit SeedSequence(std::uint64_t entropy);

  std::vector<std::uint32_t> generate_state32(
      std::size_t n_words) const;  // generate_state(n, uint32)
  std::vector<std::uint64_t> generate_state64(
      std::size_t n_words) const;  // generate_state(n, uint64)
  const std::array<std::uint32_t, kPoolSize>& pool() const { return pool_; }

 private:
  std::array<std::uint32_t, kPoolSize> pool_{};
};

}  // namespace mcpgym::numpy
