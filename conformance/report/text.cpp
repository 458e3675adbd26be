// Text helpers every reporter shares: results carry untrusted bytes (whatever
// the implementation answered), so every reporter first makes text valid UTF-8
// and then escapes it for its format.
#include "conformance/report/text.hpp"

#include <vector>

namespace mcpgym::conformance::report_text {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

// The length of the well-formed UTF-8 sequence at the start of `text`
// (Unicode table 3-7: no overlongs, no surrogates, nothing past U+10FFFF), or 0.
std::size_t sequence_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

// A C0 or C1 control other than tab and newline, DEL, or U+FFFE/U+FFFF
// (which XML 1.0 forbids), as one whole UTF-8 sequence.
bool unwanted(std::string_view sequence) {
  const auto lead = static_cast<unsigned char>(sequence[0]);
  if (sequence.size() == 1) return (lead < 0x20 && lead != '\t' && lead != '\n') || lead == 0x7F;
  if (sequence.size() == 2) return lead == 0xC2 && static_cast<unsigned char>(sequence[1]) < 0xA0;
  return sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF";
}

}  // namespace

// `text` as valid UTF-8: a byte that starts no well-formed sequence becomes
// U+FFFD. Unless `keep_controls`, "\r\n" becomes "\n" and every unwanted()
// character becomes U+FFFD too, so the text is safe on a terminal and in XML.
std::string clean(std::string_view text, bool keep_controls) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t length = sequence_length(text);
    const std::string_view sequence = text.substr(0, length == 0 ? 1 : length);
    if (length == 0) {
      out += kReplacement;
    } else if (!keep_controls && sequence == "\r" && text.substr(1, 1) == "\n") {
      // dropped; the newline follows
    } else if (!keep_controls && unwanted(sequence)) {
      out += kReplacement;
    } else {
      out += sequence;
    }
    text.remove_prefix(sequence.size());
  }
  return out;
}

// Valid UTF-8 `text` cut to at most about `max_bytes`, at a character
// boundary, with an ellipsis marking the cut.
const char* markup_entity(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    default:
      return nullptr;
  }
}

std::string bounded(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  text.resize(cut);
  text += kEllipsis;
  return text;
}

// 1234 ms -> "1.2 s".
std::string seconds_text(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

bool failing(Verdict verdict) {
  return verdict == Verdict::kFail || verdict == Verdict::kWarn || verdict == Verdict::kError;
}

std::string area_of(const std::string& check_id) {
  return check_id.substr(0, check_id.find('.'));
}

// The last line of a summary: whether the implementation conforms.
std::string conformance_line(const RunReport& report, bool strict) {
  if (report.results.empty()) return "nothing judged: no check ran";
  std::size_t listed = 0;  // of the problems below, those the baseline expects
  for (const CheckResult& r : report.results) {
    const bool counted = r.verdict == Verdict::kFail || r.verdict == Verdict::kError ||
                         (strict && r.verdict == Verdict::kWarn);
    listed += counted && r.baselined;
  }
  std::vector<std::string> problems;
  if (const auto n = report.count(Verdict::kFail)) {
    problems.push_back(std::to_string(n) + " MUST rule(s) failed");
  }
  if (const auto n = report.count(Verdict::kError)) {
    problems.push_back(std::to_string(n) + " check(s) ended in error");
  }
  if (const auto n = report.count(Verdict::kWarn); strict && n > 0) {
    problems.push_back(std::to_string(n) + " SHOULD rule(s) warned (strict)");
  }
  if (problems.empty()) {
    return strict ? "conformant: every MUST passes and no SHOULD warns (strict)"
                  : "conformant: every MUST passes";
  }
  std::string line = "NOT conformant: ";
  for (std::size_t i = 0; i < problems.size(); ++i)
    line += (i ? ", " : "") + problems[i];
  if (listed > 0) line += " (" + std::to_string(listed) + " listed in the baseline)";
  return line;
}

std::string counts_text(const RunReport& report) {
  std::string text;
  for (Verdict v :
       {Verdict::kPass, Verdict::kFail, Verdict::kWarn, Verdict::kSkip, Verdict::kError}) {
    text += (text.empty() ? "" : ", ") + std::to_string(report.count(v)) + " " +
            std::string(verdict_name(v));
  }
  return text;
}

}  // namespace mcpgym::conformance::report_text
