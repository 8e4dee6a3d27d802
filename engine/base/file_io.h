// Whole-file reads and buffered, error-checked writes.
#ifndef HERALD_ENGINE_BASE_FILE_IO_H_
#define HERALD_ENGINE_BASE_FILE_IO_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace herald {

// A status for the system error `err` (an errno value) from doing `what` to
// `path`, e.g. "contacts.csv: cannot open: No such file or directory", with
// the matching code (NotFound, PermissionDenied, ResourceExhausted for a
// full disk, a quota or a file size limit, otherwise Unavailable).
absl::Status ErrnoStatus(int err, absl::string_view what,
                         const std::string& path);

// Returns the contents of the file at `path`; errors name the path.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Returns the secret (a password) in the file at `path` without its trailing
// newline. A secret that others could read is no secret, so a file that is
// not regular, or that group or others may read or write, is refused
// (PermissionDenied, saying its mode and to chmod 600 it), as is an empty
// one. Errors name the path, never the contents.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

// Creates the folders of `path` that are missing, readable by their owner
// only (a state directory holds numbers and messages). Errors name the path.
absl::Status MakeDirectories(const std::string& path);

// Makes the file at `path` durable (fsync), so that what is recorded as
// made of it survives a crash with it. Errors name the path.
absl::Status SyncFile(const std::string& path);

// What identifies a version of a file's contents for a reader that comes
// back to it: size and modification time.
struct FileVersion {
  int64_t size = 0;
  int64_t modified_nanos = 0;
  friend bool operator==(const FileVersion&, const FileVersion&) = default;
};

// The current version of the file at `path`; errors name the path.
absl::StatusOr<FileVersion> StatFileVersion(const std::string& path);

// An append-only file written through a large buffer with write(2), so a
// full disk is an error the caller sees rather than a silently short file.
class OutputFile {
 public:
  enum class Mode { kTruncate, kAppend };

  // Creates `path`, or opens it to truncate it or append to it. Errors name
  // the path.
  static absl::StatusOr<std::unique_ptr<OutputFile>> Create(
      const std::string& path, Mode mode = Mode::kTruncate);

  ~OutputFile();  // closes; an unflushed error is lost, so call Close()
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Appends `data`, writing the buffer out once it is full.
  absl::Status Append(absl::string_view data);
  // Writes everything buffered so far.
  absl::Status Flush();
  // Flushes and closes; later calls return the first error or OK.
  absl::Status Close();

  const std::string& path() const { return path_; }

 private:
  OutputFile(std::string path, int fd);
  absl::Status WriteAll(absl::string_view data);

  std::string path_;
  int fd_;
  std::string buffer_;
  absl::Status status_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_BASE_FILE_IO_H_
