#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace mcpgym {

// Writes all of `data` to a file descriptor, retrying short writes and EINTR.
// False when the descriptor fails (e.g. the reader went away).
bool write_all(int fd, std::string_view data);

// The whole content of a regular file, or the errno that stopped the read
// (EISDIR for a directory, rather than the empty read Linux would give).
Expected<std::string, int> read_whole_file(const std::filesystem::path& path);

}  // namespace mcpgym
