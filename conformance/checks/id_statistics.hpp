#pragma once
// Statistics over a sample of session ids or environment handles, for SESS-002
// and HANDLE-002 (unpredictable: no counter, no clock), SESS-003 (enough
// random bits) and SESS-012 (an id never issued). Pure functions of the ids,
// but for the sample's clock and size; taking the sample is the checks' job
// (sessions.cpp, handles.cpp).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mcpgym::conformance::id_statistics {

// Session ids in issue order, and the Unix time (ms) around their issue.
struct IdSample {
  std::vector<std::string> ids;  // in issue order
  std::int64_t start_ms = 0, end_ms = 0;
  std::string stopped;  // why sampling stopped early, if it did
};

// The Unix time now in ms: the clock of an IdSample's start and end.
std::int64_t unix_ms();
// Ids a sample takes behind a proxy, where each id starts a backend process
// (64 samples of hex digits are still judged reliably, see estimate_bits).
constexpr int kProxySample = 64;
// Ids a sample takes: `direct` from a server, kProxySample behind a proxy.
int sample_size(bool behind_proxy, int direct);

// The first `n` ids quoted and cut for a message: "\"a\", \"b\", ...".
std::string show_ids(const std::vector<std::string>& ids, std::size_t n = 3);
// The length of the prefix every id shares.
std::size_t common_prefix(const std::vector<std::string>& ids);
// The length of the suffix every id shares, within what follows `prefix`.
std::size_t common_suffix(const std::vector<std::string>& ids, std::size_t prefix);
// a < b read as numbers of any base whose digits sort like their characters:
// shorter (after leading zeros) is smaller, then character order. -1, 0 or 1.
int numeric_compare(std::string a, std::string b);
// The share of consecutive pairs that step the same way (up, or down, whichever
// is more) in a numeric reading of `values`; 0 for fewer than two.
double monotonic_share(const std::vector<std::string>& values);
// The runs of decimal digits in `id`, in order.
std::vector<std::string> digit_runs(const std::string& id);
// A counter or sequence: ids in issue order that rise (or fall) as numbers,
// read as the part that varies, or as any decimal number in a fixed place.
// nullopt (no finding) for fewer than 16 ids.
std::optional<std::string> find_sequence(const std::vector<std::string>& ids);
// Leading digits of the clock at `ms` that stay put for minutes: decimal
// seconds (shared by ms, us and ns), and hexadecimal s, ms, us and ns.
std::set<std::string> clock_prefixes(std::int64_t ms);
// Most ids contain the leading digits of the clock while they were issued.
std::optional<std::string> find_clock(const IdSample& s);

// An estimate of the random bits in each id: per character position (over the
// length every id has), how many distinct characters the sample shows there.
// A position whose spread is what a uniform draw from the ids' alphabet would
// give for this many samples (at least 70% of the expected number of distinct
// characters, so that 64 samples of hex digits are judged reliably) counts
// log2(alphabet) bits; a narrower one counts
// log2(distinct); a fixed one counts 0. A UUID v4 scores 30*4 + 2 = 122.
struct BitsEstimate {
  double bits = 0.0;
  std::size_t alphabet = 0;
  std::size_t positions = 0, varying = 0;
};
BitsEstimate estimate_bits(const std::vector<std::string>& ids);
// "about 122 random bits (31 of 36 character positions vary over an alphabet
// of 16, across 1000 ids)".
std::string describe_bits(const BitsEstimate& e, std::size_t n);

// A session id the server never issued, shaped like `id`: every hex digit
// moved on by one, any other character kept ("x" appended if none changed).
std::string unissued_like(const std::string& id);

}  // namespace mcpgym::conformance::id_statistics
