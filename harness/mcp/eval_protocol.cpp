#include "harness/mcp/eval_protocol.hpp"

#include <cstdio>

#include "common/md5.hpp"

namespace mcpgym::harness {
namespace {

// One code point of a UTF-8 string, from `at`; U+FFFD for a malformed byte.
char32_t next_code_point(const std::string& text, std::size_t& at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  const int extra = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
  if (extra < 0 || at + extra >= text.size()) {
    ++at;
    return U'\uFFFD';
  }
  char32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i)
    cp = (cp << 6) | (byte(at + i) & 0x3F);
  at += extra + 1;
  return cp;
}

// `\uXXXX` for a UTF-16 code unit (at most 0xFFFF: four hex digits).
void append_u_escape(std::string& out, unsigned unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4)
    out += kHex[(unit >> shift) & 0xF];
}

// A Python str as json.dumps writes it with ensure_ascii (its default).
void append_python_string(std::string& out, const std::string& text) {
  out += '"';
  for (std::size_t at = 0; at < text.size();) {
    const char32_t cp = next_code_point(text, at);
    switch (cp) {
      case U'"':
        out += "\\\"";
        break;
      case U'\\':
        out += "\\\\";
        break;
      case U'\n':
        out += "\\n";
        break;
      case U'\r':
        out += "\\r";
        break;
      case U'\t':
        out += "\\t";
        break;
      case U'\b':
        out += "\\b";
        break;
      case U'\f':
        out += "\\f";
        break;
      default:
        if (cp >= 0x20 && cp < 0x7F) {
          out += static_cast<char>(cp);
        } else if (cp > 0xFFFF) {
          const char32_t v = cp - 0x10000;
          append_u_escape(out, 0xD800 + (v >> 10));
          append_u_escape(out, 0xDC00 + (v & 0x3FF));
        } else {
          append_u_escape(out, cp);
        }
    }
  }
  out += '"';
}

void append_python_json(std::string& out, const json& value) {
  if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, member] : value.items()) {  // nlohmann keeps keys sorted
      out += first ? "" : ", ";
      first = false;
      append_python_string(out, key);
      out += ": ";
      append_python_json(out, member);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < value.size(); ++i) {
      out += i == 0 ? "" : ", ";
      append_python_json(out, value[i]);
    }
    out += ']';
  } else if (value.is_string()) {
    append_python_string(out, value.get_ref<const std::string&>());
  } else {
    out += value.dump();  // null, true, false and numbers are spelled alike
  }
}

json seed_json(const EvalProtocolRow& row) {
  return row.seed ? json(*row.seed) : json(nullptr);
}

}  // namespace

std::string python_json_dumps(const json& value) {
  std::string out;
  append_python_json(out, value);
  return out;
}

std::string eval_protocol_key(const EvalProtocolRow& row) {
  const json stable = {{"seed", seed_json(row)},
                       {"config", row.config},
                       {"dataset_row_id", row.row_id},
                       {"model_id", row.model_id}};
  return md5_hex(python_json_dumps(stable));
}

json eval_protocol_extra(const EvalProtocolRow& row) {
  return {{"session_id", eval_protocol_key(row)},
          {"seed", seed_json(row)},
          {"config", row.config},
          {"dataset_row_id", row.row_id},
          {"model_id", row.model_id}};
}

ClientOptions eval_protocol_options(const EvalProtocolRow& row, ClientOptions base) {
  base.client_name = "reward-kit";
  base.client_version = "1.0.0";
  base.control_key = eval_protocol_key(row);
  return base;
}

Expected<std::unique_ptr<McpClient>, std::string> open_eval_protocol_session(
    const std::string& url, const EvalProtocolRow& row, ClientOptions base) {
  auto client = connect_http(url, eval_protocol_options(row, std::move(base)));
  if (!client) return unexpected(std::move(client).error());
  auto init = (*client)->initialize(eval_protocol_extra(row));
  if (!init) return unexpected(init.error().message());
  return std::move(*client);
}

Result<json> reset_session(McpClient& client, std::optional<std::int64_t> seed) {
  return client.post_control_http("reset_session", {{"seed", seed ? json(*seed) : json(nullptr)}});
}

}  // namespace mcpgym::harness
