#pragma once
#include <string_view>

namespace mcpgym {

// Writes all of `data` to a file descriptor, retrying short writes and EINTR.
// False when the descriptor fails (e.g. the reader went away).
bool write_all(int fd, std::string_view data);

}  // namespace mcpgym
