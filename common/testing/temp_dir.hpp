#pragma once
// Test support (link mcpgym_test_support): a fresh temporary directory per
// test, removed with everything in it.
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace mcpgym::test_support {

// A directory <temp_directory_path()>/<prefix>-XXXXXX made by mkdtemp(3):
// unique across threads, processes and parallel ctest runs, private (0700),
// and removed with its contents when the TempDir goes. The prefix says which
// tests left it behind, should a crash keep it.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "mcpgym-test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp(" + pattern + ")");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;  // a destructor must not throw
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // The names of the files directly in the directory, sorted.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(path_))
      out.push_back(entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace mcpgym::test_support
