#include "engine/base/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"

namespace herald {
namespace {

constexpr size_t kBufferBytes = 1 << 20;

}  // namespace

absl::Status MakeDirectories(const std::string& path) {
  std::filesystem::path partial;
  for (const std::filesystem::path& part : std::filesystem::path(path)) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": cannot create the directory: ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::Status ErrnoStatus(int err, absl::string_view what,
                         const std::string& path) {
  const std::string message =
      absl::StrCat(path, ": ", what, ": ", strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES) return absl::PermissionDeniedError(message);
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    return absl::ResourceExhaustedError(message);
  }
  return absl::UnavailableError(message);
}

absl::Status SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(err, "cannot sync", path);
  return absl::OkStatus();
}

absl::StatusOr<FileVersion> StatFileVersion(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return ErrnoStatus(errno, "stat", path);
  return FileVersion{static_cast<int64_t>(info.st_size),
                     static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 +
                         info.st_mtim.tv_nsec};
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
  std::string contents;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status status = ErrnoStatus(errno, "read failed", path);
      ::close(fd);
      return status;
    }
    if (n == 0) break;
    contents.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return contents;
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return ErrnoStatus(errno, "cannot stat", path);
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": not a regular file"));
  }
  if ((info.st_mode & 077) != 0) {
    const unsigned mode = info.st_mode & 07777;
    const char octal[] = {static_cast<char>('0' + (mode >> 9 & 7)),
                          static_cast<char>('0' + (mode >> 6 & 7)),
                          static_cast<char>('0' + (mode >> 3 & 7)),
                          static_cast<char>('0' + (mode & 7)), '\0'};
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": group or others may access it (mode ", octal,
                     "); chmod 600 it first"));
  }
  absl::StatusOr<std::string> contents = ReadFile(path);
  if (!contents.ok()) return contents.status();
  std::string secret = *std::move(contents);
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty password"));
  }
  return secret;
}

absl::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Create(
    const std::string& path, Mode mode) {
  const int fd = ::open(path.c_str(),
                        O_WRONLY | O_CREAT | O_CLOEXEC |
                            (mode == Mode::kAppend ? O_APPEND : O_TRUNC),
                        0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot create", path);
  return std::unique_ptr<OutputFile>(new OutputFile(path, fd));
}

OutputFile::OutputFile(std::string path, int fd)
    : path_(std::move(path)), fd_(fd) {
  buffer_.reserve(kBufferBytes);
}

OutputFile::~OutputFile() { Close().IgnoreError(); }

absl::Status OutputFile::WriteAll(absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "write failed", path_);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status OutputFile::Append(absl::string_view data) {
  if (!status_.ok()) return status_;
  if (buffer_.size() + data.size() > kBufferBytes) {
    status_ = Flush();
    if (!status_.ok()) return status_;
    if (data.size() > kBufferBytes) {
      status_ = WriteAll(data);
      return status_;
    }
  }
  buffer_.append(data.data(), data.size());
  return absl::OkStatus();
}

absl::Status OutputFile::Flush() {
  if (!status_.ok()) return status_;
  status_ = WriteAll(buffer_);
  buffer_.clear();
  return status_;
}

absl::Status OutputFile::Close() {
  if (fd_ < 0) return status_;
  absl::Status flushed = Flush();
  if (::close(fd_) != 0 && flushed.ok()) {
    flushed = ErrnoStatus(errno, "close failed", path_);
  }
  fd_ = -1;
  status_ = flushed;
  return status_;
}

}  // namespace herald
