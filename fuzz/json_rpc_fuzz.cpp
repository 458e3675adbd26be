// JSON-RPC messages as a client sends them, one per line (as over stdio),
// through the reference's whole validation path: bounded parsing, envelope
// classification, lifecycle and routing (Dispatcher) into a FrozenLake
// session. Every request gets exactly one well-formed answer with its id.
#include <chrono>
#include <memory>
#include <optional>

#include "common/bounded_json.hpp"
#include "fuzz/fuzz_check.hpp"
#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/dispatcher.hpp"
#include "reference/mcp/session_store.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::mcp::json;
using mcpgym::mcp::MessageKind;

// A JSON-RPC response the way the transports send it: serializable, with
// exactly one of result and error, and an error shaped as JSON-RPC says.
void check_response(const json& answer) {
  require(answer.is_object() && answer.value("jsonrpc", "") == "2.0", "answer is 2.0 object");
  require(answer.contains("id"), "answer has an id");
  require(answer.contains("result") != answer.contains("error"), "one of result/error");
  if (const auto error = answer.find("error"); error != answer.end()) {
    require(error->is_object() && error->contains("code") && error->at("code").is_number_integer(),
            "error has an integer code");
    require(error->contains("message") && error->at("message").is_string(),
            "error has a string message");
  }
  try {
    (void)answer.dump();
  } catch (const json::exception&) {
    require(false, "answer serializes (valid UTF-8)");
  }
}

class Server {
 public:
  void receive(std::string_view line) {
    auto parsed = mcpgym::parse_json(line);
    if (!parsed) return;  // the transport answers -32700 with the bounded_json message
    if (parsed->is_array()) {
      receive_batch(*parsed);
    } else {
      receive_message(*parsed);
    }
  }

 private:
  void receive_batch(const json& batch) {
    if (!session_) return;  // refused by the transport before the dispatcher
    auto answers = dispatcher_.handle_batch(*session_, batch);
    if (!answers || !answers->has_value()) return;
    require((*answers)->is_array(), "a batch is answered with an array");
    for (const auto& answer : **answers)
      check_response(answer);
  }

  void receive_message(const json& raw) {
    auto message = mcpgym::mcp::classify(raw);
    if (!message) {
      check_response(mcpgym::mcp::make_error(message.error().id, message.error().error));
      return;
    }
    std::optional<json> answer;
    if (session_) {
      answer = dispatcher_.handle(*session_, *message);
    } else if (message->kind == MessageKind::kRequest && message->method == "initialize") {
      auto initialized = dispatcher_.initialize(*message);
      if (initialized.session_id) session_ = store_.find(*initialized.session_id);
      answer = std::move(initialized.response);
    } else {
      answer = dispatcher_.handle_uninitialized(*message);
    }
    if (message->kind != MessageKind::kRequest) return;
    require(answer.has_value(), "every request is answered");
    check_response(*answer);
    require(answer->at("id") == message->id, "the answer carries the request's id");
  }

  mcpgym::gym::GymApp app_{mcpgym::gym::frozenlake_game(), {.default_seed = 7}};
  mcpgym::mcp::SessionStore store_{std::chrono::milliseconds(0)};
  mcpgym::mcp::Dispatcher dispatcher_{app_, store_};
  std::shared_ptr<mcpgym::mcp::SessionSlot> session_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = mcpgym::fuzz::as_text(data, size);
  Server server;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    server.receive(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return 0;
}
