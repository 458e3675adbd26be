#pragma once
// Text helpers every reporter shares (report/text.cpp). Results carry
// untrusted bytes, so a reporter passes every text through clean() before it
// escapes it for its format.
#include <chrono>
#include <string>
#include <string_view>

#include "conformance/core/runner.hpp"

namespace mcpgym::conformance::report_text {

// `text` as valid UTF-8: a byte that starts no well-formed sequence becomes
// U+FFFD. Unless `keep_controls`, "\r\n" becomes "\n" and every other C0/C1
// control (but tab and newline), DEL, U+FFFE and U+FFFF become U+FFFD too, so
// the text is safe on a terminal and in XML.
std::string clean(std::string_view text, bool keep_controls = false);
// The entity that stands for `c` in HTML and XML text ("&amp;", "&lt;",
// "&gt;"), or nullptr when `c` needs none: what every markup reporter escapes.
const char* markup_entity(char c);
// Valid UTF-8 `text` cut to at most about `max_bytes`, at a character
// boundary, with an ellipsis marking the cut.
std::string bounded(std::string text, std::size_t max_bytes);
// 1234 ms -> "1.2 s".
std::string seconds_text(std::chrono::milliseconds duration);
// fail, warn and error: the verdicts a report lists as not passing.
bool failing(Verdict verdict);
// "headers" for "headers.accept-missing".
std::string area_of(const std::string& check_id);
// The last line of a summary: whether the implementation conforms.
std::string conformance_line(const RunReport& report, bool strict);
// "3 pass, 1 fail, 0 warn, 0 skip, 0 error".
std::string counts_text(const RunReport& report);

}  // namespace mcpgym::conformance::report_text
