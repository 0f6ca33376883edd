#include "chain/io/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace agritrace::chain {
namespace {

Status IoError(const std::string& what, const std::string& path) {
  return Reject(Reason::kIoError, what + " " + path + ": " + std::strerror(errno));
}

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Result<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Reject(Reason::kNotFound, "no such file: " + path);
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return Reject(Reason::kIoError, "cannot read " + path + ": " + ec.message());
  if (size > max_bytes) {
    return Reject(Reason::kTooLarge, path + " is " + std::to_string(size) +
                                         " bytes; the limit is " + std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Status WriteFileAtomic(const std::string& path, const std::string& data, bool private_mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, private_mode ? 0600 : 0644);
  if (fd < 0) return IoError("cannot create", tmp);
  bool ok = WriteAll(fd, data) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return IoError("cannot write", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return IoError("cannot rename onto", path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  // Without this the rename itself may be lost in a crash, and the old file come back.
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return IoError("cannot open directory", dir);
  ok = ::fsync(dir_fd) == 0;
  ::close(dir_fd);
  if (!ok) return IoError("cannot sync directory", dir);
  return Status::Ok();
}

}  // namespace agritrace::chain
