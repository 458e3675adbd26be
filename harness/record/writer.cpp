// RecordedStep::to_json and RecordingWriter: temporary file, fsync, rename.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "common/random_id.hpp"
#include "harness/record/excerpt.hpp"
#include "harness/record/recording.hpp"

namespace mcpgym::harness {

namespace fs = std::filesystem;

namespace {

std::string io_error(const std::string& what, const fs::path& path, int error) {
  return "[mcpgym.record.io] " + what + " " + path.string() + ": " +
         std::system_category().message(error);
}

std::string io_error(const std::string& what, const fs::path& path, const std::string& reason) {
  return "[mcpgym.record.io] " + what + " " + path.string() + ": " + reason;
}

std::string random_suffix() {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx",
                static_cast<unsigned long long>(random_below_or_equal(~std::uint64_t{0})));
  return text;
}

// fsync on a new descriptor of the file: fsync applies to the file itself.
int sync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errno;
  int error = 0;
  if (::fsync(fd) != 0 && !(errno == EINVAL && (flags & O_DIRECTORY))) error = errno;
  ::close(fd);
  return error;
}

}  // namespace

json RecordedStep::to_json() const {
  json line = {{"env_index", env_index}, {"step", step}, {"messages", messages}};
  if (seed) line["seed"] = *seed;
  return line;
}

Expected<RecordingWriter, std::string> RecordingWriter::open(const fs::path& path,
                                                             RecordingFormat format) {
  if (path.filename().empty()) return unexpected(io_error("cannot create", path, EISDIR));
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return unexpected(io_error("cannot create directory", parent, ec.value()));

  RecordingWriter writer;
  writer.path_ = path;
  writer.format_ = format;
  // O_EXCL makes the name ours alone; the stream then reopens the empty file.
  for (int attempt = 0;; ++attempt) {
    const std::string suffix = ".tmp." + std::to_string(::getpid()) + "." + random_suffix();
    writer.temp_path_ = parent / (path.filename().string() + suffix);
    const int fd = ::open(writer.temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      break;
    }
    const int error = errno;
    if (error != EEXIST || attempt >= 10) {
      writer.temp_path_.clear();
      return unexpected(
          io_error("cannot create", parent / (path.filename().string() + suffix), error));
    }
  }
  writer.out_.open(writer.temp_path_, std::ios::binary | std::ios::trunc);
  if (!writer.out_) {
    const int error = errno;
    return unexpected(io_error("cannot open", writer.temp_path_, error));  // ~writer removes it
  }
  return writer;
}

RecordingWriter::RecordingWriter(RecordingWriter&& other) noexcept
    : path_(std::move(other.path_)),
      temp_path_(std::move(other.temp_path_)),
      out_(std::move(other.out_)),
      format_(other.format_),
      committed_(other.committed_),
      written_(std::move(other.written_)) {
  other.temp_path_.clear();
  other.committed_ = false;
}

RecordingWriter& RecordingWriter::operator=(RecordingWriter&& other) noexcept {
  if (this != &other) {
    discard();
    path_ = std::move(other.path_);
    temp_path_ = std::move(other.temp_path_);
    out_ = std::move(other.out_);
    format_ = other.format_;
    committed_ = other.committed_;
    written_ = std::move(other.written_);
    other.temp_path_.clear();
    other.committed_ = false;
  }
  return *this;
}

RecordingWriter::~RecordingWriter() {
  discard();
}

void RecordingWriter::discard() noexcept {
  if (out_.is_open()) out_.close();
  if (!committed_ && !temp_path_.empty()) {
    std::error_code ignored;
    fs::remove(temp_path_, ignored);
  }
  temp_path_.clear();
}

Expected<void, std::string> RecordingWriter::write(const RecordedStep& given) {
  if (committed_) return unexpected(io_error("cannot write", path_, "already committed"));
  if (!out_.is_open()) {
    return unexpected(io_error("cannot write", path_, "the writer is not open"));
  }
  const auto refuse = [&](const std::string& reason) {
    return unexpected("[mcpgym.record.bad_step] cannot write env " +
                      std::to_string(given.env_index) + ", step " + std::to_string(given.step) +
                      " to " + path_.string() + ": " + reason);
  };
  if (given.env_index < 0) return refuse("env_index must not be negative");
  if (given.step < 0) return refuse("step must not be negative");
  std::optional<RecordedStep> converted;  // a copy only when the format changes
  if (given.format != format_) converted = convert(given, format_);
  const RecordedStep& step = converted ? *converted : given;
  if (step.step < 0) {
    return refuse("step 0 of " + format_name(given.format) +
                  " (before any move) has no number in " + format_name(format_) +
                  ", whose step 0 is the first move");
  }
  if (!step.messages.is_array()) return refuse("messages must be an array");
  if (record_detail::depth(step.messages, kMaxRecordingDepth) + 1 > kMaxRecordingDepth) {
    return refuse("nested deeper than " + std::to_string(kMaxRecordingDepth) + " levels");
  }
  if (written_.count({step.env_index, step.step}) != 0) return refuse("already written");

  const std::string line =
      step.to_json().dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  errno = 0;
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
  if (!out_) {
    const int error = errno != 0 ? errno : EIO;
    return unexpected(io_error("cannot write", temp_path_, error));
  }
  written_.insert({step.env_index, step.step});
  return {};
}

Expected<void, std::string> RecordingWriter::commit() {
  if (committed_) return unexpected(io_error("cannot commit", path_, "already committed"));
  if (!out_.is_open()) {
    return unexpected(io_error("cannot commit", path_, "the writer is not open"));
  }
  errno = 0;
  out_.flush();
  out_.close();
  if (!out_) {
    const int error = errno != 0 ? errno : EIO;
    return unexpected(io_error("cannot write", temp_path_, error));
  }
  if (const int error = sync_path(temp_path_, O_RDONLY); error != 0) {
    return unexpected(io_error("cannot sync", temp_path_, error));
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    return unexpected(io_error("cannot rename " + temp_path_.string() + " to", path_, error));
  }
  committed_ = true;
  temp_path_.clear();
  const fs::path parent = path_.parent_path().empty() ? fs::path(".") : path_.parent_path();
  if (const int error = sync_path(parent, O_RDONLY | O_DIRECTORY); error != 0) {
    return unexpected(io_error("cannot sync directory", parent, error));
  }
  return {};
}

}  // namespace mcpgym::harness
