// Statistics over a sample of session ids (SESS-002, SESS-003, SESS-012):
// pure functions, so each verdict's reasoning has unit tests of its own
// (conformance/tests/id_statistics_test.cpp).
#include "conformance/checks/id_statistics.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "common/text.hpp"

namespace mcpgym::conformance::id_statistics {

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int sample_size(bool behind_proxy, int direct) {
  return behind_proxy ? 64 : direct;
}

namespace {

std::string hex(std::uint64_t v, bool upper) {
  std::ostringstream s;
  if (upper) s << std::uppercase;
  s << std::hex << v;
  return s.str();
}

}  // namespace

std::string show_ids(const std::vector<std::string>& ids, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < n; ++i) {
    out += (i ? ", " : "") + std::string("\"") + excerpt(ids[i], 60) + "\"";
  }
  if (ids.size() > n) out += ", ...";
  return out;
}

std::size_t common_prefix(const std::vector<std::string>& ids) {
  if (ids.empty()) return 0;
  std::size_t n = ids[0].size();
  for (const auto& id : ids) {
    std::size_t k = 0;
    while (k < n && k < id.size() && id[k] == ids[0][k])
      ++k;
    n = k;
  }
  return n;
}

std::size_t common_suffix(const std::vector<std::string>& ids, std::size_t prefix) {
  if (ids.empty()) return 0;
  std::size_t n = ids[0].size() - prefix;
  for (const auto& id : ids) {
    std::size_t k = 0;
    while (k < n && k + prefix < id.size() &&
           id[id.size() - 1 - k] == ids[0][ids[0].size() - 1 - k]) {
      ++k;
    }
    n = k;
  }
  return n;
}

int numeric_compare(std::string a, std::string b) {
  auto strip = [](std::string& s) {
    std::size_t k = s.find_first_not_of('0');
    s = k == std::string::npos ? "" : s.substr(k);
  };
  strip(a);
  strip(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a < b ? -1 : (a > b ? 1 : 0);
}

double monotonic_share(const std::vector<std::string>& values) {
  if (values.size() < 2) return 0.0;
  std::size_t up = 0, down = 0;
  for (std::size_t i = 1; i < values.size(); ++i) {
    int c = numeric_compare(values[i - 1], values[i]);
    if (c < 0) ++up;
    if (c > 0) ++down;
  }
  return static_cast<double>(std::max(up, down)) / static_cast<double>(values.size() - 1);
}

std::vector<std::string> digit_runs(const std::string& id) {
  std::vector<std::string> runs;
  std::string cur;
  for (char c : id) {
    if (c >= '0' && c <= '9') {
      cur += c;
    } else if (!cur.empty()) {
      runs.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) runs.push_back(cur);
  return runs;
}

std::optional<std::string> find_sequence(const std::vector<std::string>& ids) {
  if (ids.size() < 16) return std::nullopt;
  const double limit = 0.95;
  const std::size_t prefix = common_prefix(ids);
  const std::size_t suffix = common_suffix(ids, prefix);
  std::vector<std::string> varying;
  for (const auto& id : ids)
    varying.push_back(id.substr(prefix, id.size() - prefix - suffix));
  const std::string steps = " of " + std::to_string(ids.size() - 1) + " steps";
  if (double share = monotonic_share(varying); share >= limit) {
    return "the ids rise or fall like a counter in issue order (" +
           std::to_string(static_cast<int>(std::lround(share * (ids.size() - 1)))) + steps +
           " go the same way): " + show_ids(ids, 4);
  }
  // Decimal numbers in the ids: the first, the last, and (when every id has
  // as many) each one in its place.
  std::vector<std::pair<std::string, std::vector<std::string>>> readings = {{"the first", {}},
                                                                            {"the last", {}}};
  std::size_t runs = digit_runs(ids[0]).size();
  for (const auto& id : ids) {
    auto r = digit_runs(id);
    if (r.empty()) return std::nullopt;
    readings[0].second.push_back(r.front());
    readings[1].second.push_back(r.back());
    if (r.size() != runs) runs = 0;
  }
  for (std::size_t k = 1; runs > 2 && runs <= 6 && k + 1 < runs; ++k) {
    readings.push_back({"number " + std::to_string(k + 1) + " of the", {}});
    for (const auto& id : ids)
      readings.back().second.push_back(digit_runs(id)[k]);
  }
  for (const auto& [which, values] : readings) {
    if (std::set<std::string>(values.begin(), values.end()).size() < ids.size() / 2) {
      continue;  // mostly the same number: a fixed field, not a counter
    }
    if (double share = monotonic_share(values); share >= limit) {
      return which + " decimal number in each id rises or falls like a counter in issue order (" +
             std::to_string(static_cast<int>(std::lround(share * (ids.size() - 1)))) + steps +
             " go the same way): " + show_ids(ids, 4);
    }
  }
  return std::nullopt;
}

std::set<std::string> clock_prefixes(std::int64_t ms) {
  const auto u = static_cast<std::uint64_t>(ms);
  std::set<std::string> out = {std::to_string(u / 1000).substr(0, 7)};
  for (bool upper : {false, true}) {
    out.insert(hex(u / 1000, upper).substr(0, 5));
    out.insert(hex(u, upper).substr(0, 6));
    out.insert(hex(u * 1000, upper).substr(0, 6));
    out.insert(hex(u * 1000000, upper).substr(0, 6));
  }
  return out;
}

std::optional<std::string> find_clock(const IdSample& s) {
  std::set<std::string> prefixes = clock_prefixes(s.start_ms);
  prefixes.merge(clock_prefixes(s.end_ms));
  for (const auto& p : prefixes) {
    std::size_t hits = 0;
    for (const auto& id : s.ids)
      hits += id.find(p) != std::string::npos;
    if (hits * 2 > s.ids.size()) {
      return std::to_string(hits) + " of " + std::to_string(s.ids.size()) + " ids contain \"" + p +
             "\", the leading digits of the current Unix time (" + std::to_string(s.start_ms) +
             " ms): the ids are derived from the clock: " + show_ids(s.ids, 3);
    }
  }
  return std::nullopt;
}

BitsEstimate estimate_bits(const std::vector<std::string>& ids) {
  BitsEstimate e;
  if (ids.size() < 2) return e;
  std::size_t len = ids[0].size();
  for (const auto& id : ids)
    len = std::min(len, id.size());
  e.positions = len;
  std::vector<std::set<char>> seen(len);
  for (const auto& id : ids) {
    for (std::size_t p = 0; p < len; ++p)
      seen[p].insert(id[p]);
  }
  std::set<char> alphabet;
  for (const auto& s : seen) {
    if (s.size() > 1) alphabet.insert(s.begin(), s.end());
  }
  e.alphabet = alphabet.size();
  if (alphabet.size() < 2) return e;
  const double g = static_cast<double>(alphabet.size());
  const double n = static_cast<double>(ids.size());
  const double expected_distinct = g * (1.0 - std::pow(1.0 - 1.0 / g, n));
  for (const auto& s : seen) {
    if (s.size() <= 1) continue;
    ++e.varying;
    const double d = static_cast<double>(s.size());
    e.bits += d >= 0.7 * expected_distinct ? std::log2(g) : std::log2(d);
  }
  return e;
}

std::string describe_bits(const BitsEstimate& e, std::size_t n) {
  std::ostringstream s;
  s << "about " << static_cast<int>(std::floor(e.bits + 1e-9)) << " random bits (" << e.varying
    << " of " << e.positions << " character positions vary over an alphabet of " << e.alphabet
    << ", across " << n << " ids)";
  return s.str();
}

std::string unissued_like(const std::string& id) {
  std::string out = id;
  for (char& c : out) {
    if (c >= '0' && c <= '8')
      c = static_cast<char>(c + 1);
    else if (c == '9')
      c = 'a';
    else if ((c >= 'a' && c <= 'e') || (c >= 'A' && c <= 'E'))
      c = static_cast<char>(c + 1);
    else if (c == 'f')
      c = '0';
    else if (c == 'F')
      c = '0';
  }
  if (out == id) out += "x";
  return out;
}

}  // namespace mcpgym::conformance::id_statistics
