// The header rules of the reference's HTTP transport (HTTP-003, -004, -010,
// -011) on arbitrary header values: no crash, and the rules agree with each
// other where docs/spec.md says they must.
#include <algorithm>
#include <cctype>
#include <string>

#include "common/protocol.hpp"
#include "fuzz/fuzz_check.hpp"
#include "reference/mcp/http_rules.hpp"

namespace {

using mcpgym::fuzz::require;
namespace mcp = mcpgym::mcp;

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view value = mcpgym::fuzz::as_text(data, size);
  const bool accepts = mcp::accept_lists_json_and_sse(value);
  const bool json_type = mcp::is_json_content_type(value);
  const bool loopback_host = mcp::is_loopback_host(value);
  (void)mcp::is_loopback_origin(value);
  (void)mcp::is_loopback_bind_address(value);
  (void)mcp::is_supported_version(value);

  // Media types and host names are case-insensitive.
  require(mcp::accept_lists_json_and_sse(upper(value)) == accepts, "Accept ignores case");
  require(mcp::is_json_content_type(upper(value)) == json_type, "Content-Type ignores case");
  // A host is loopback exactly when the origin http://<host> is, for hosts
  // with no path or user part (which an origin refuses on their own).
  if (value.find_first_of("/@") == std::string_view::npos) {
    require(mcp::is_loopback_origin("http://" + std::string(value)) == loopback_host,
            "Origin http://<host> agrees with Host <host>");
  }
  return 0;
}
