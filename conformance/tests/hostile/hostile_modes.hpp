#pragma once
// The misbehaviours of mcpgym-hostile-server, a test-only implementation that
// attacks whoever talks to it (docs/reliability.md, "Deadlines and hostile
// implementations"). Each mode is one small function; hostile_server.cpp wires
// them to sockets or to stdin/stdout. Plain POSIX I/O on purpose: nothing of
// the project's HTTP stack, so the misbehaviour is exactly what is written.
#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace mcpgym::hostile {

using json = nlohmann::json;

struct Options {
  std::string mode;
  bool from_start = false;  // misbehave on initialize too, not only on later requests
  int crash_after = 3;      // crash-mid-check: exit on this request
  std::string pid_file;     // every process of ours appends its pid here
  std::size_t flood_limit = std::size_t{256} << 20;  // log-flood: bytes, to spare the disk
};

// One request as the modes see it: its JSON-RPC id (null for none) and method.
struct Request {
  json id;
  std::string method;
  bool notification = false;
};

// The answer of a server that implements only initialize: every other method
// is "not found", naming the mode so a test can see that the answer arrived.
std::string polite_answer(const Options& options, const Request& request);
std::string initialize_answer(const Request& request);
// A valid response whose result nests `depth` arrays.
std::string deep_answer(const Request& request, std::size_t depth);
std::string random_bytes(std::size_t count);

// HTTP: the mode writes what it likes on `fd` after reading `request`; the
// caller closes the connection once the mode returns.
using HttpMode = std::function<void(int fd, const Options&, const Request&)>;
const std::map<std::string, HttpMode>& http_modes();
// Modes after whose answer the connection keeps serving requests (keep-alive).
bool keeps_connection(const std::string& mode);

// stdio: the mode answers `request` on stdout (or does not).
using StdioMode = std::function<void(const Options&, const Request&)>;
const std::map<std::string, StdioMode>& stdio_modes();

// Modes that misbehave outside any request: at start-up, in the background.
void escape_with_grandchild(const Options& options);  // escaping-grandchild
void flood_stderr(const Options& options);            // log-flood, on its own thread
void append_pid(const std::string& pid_file, int pid);

}  // namespace mcpgym::hostile
