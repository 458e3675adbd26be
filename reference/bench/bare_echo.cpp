// mcpgym-bench-bare: the throughput baseline for docs/performance.md. A bare
// cpp-httplib endpoint (a thread per connection, blocking reads: the stock
// library the backend served on before its own transport) that answers every
// POST /mcp with a fixed small JSON-RPC result and does nothing else, so the
// backend's figure reads as a fraction of what HTTP alone costs.
#include <httplib.h>

#include <cstdio>
#include <string>

int main() {
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1'000'000);
  const std::string body =
      R"({"id":1,"jsonrpc":"2.0","result":{"content":[{"text":"ok","type":"text"}]}})";
  server.Post("/mcp", [&body](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port < 0) return 1;
  std::printf("listening on http://127.0.0.1:%d/mcp\n", port);
  std::fflush(stdout);
  server.listen_after_bind();
}
