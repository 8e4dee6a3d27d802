// Helpers shared by the tests: real files in a fresh directory per test.
#ifndef HERALD_TESTS_TEST_UTIL_H_
#define HERALD_TESTS_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace herald {

// A directory created empty for one test and removed with everything in it
// when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Returns path()/name.
  std::string File(absl::string_view name) const;

  // Writes `contents` to path()/name, byte for byte, and returns its path.
  std::string Write(absl::string_view name, absl::string_view contents) const;

 private:
  std::string path_;
};

// Loads the IANA zone `name` from the system's tzdata; fails the current test
// if it cannot.
absl::TimeZone LoadZone(const std::string& name);

// True when a file can be read at `path` (shared reference data may be
// absent, and the tests that need it then skip).
bool FileExists(const std::string& path);

// Returns the whole file at `path`; fails the current test if it cannot.
std::string ReadWholeFile(const std::string& path);

// The first column of the first row `sql` gives on the SQLite database at
// `path`, opened read-only; -1 when there is none. Fails the current test on
// an SQL error.
int64_t QueryInt(const std::string& path, const std::string& sql);

// Runs `command` with /bin/sh, stdout and stderr captured together into
// `*output`. Returns the command's exit status (-1 if it did not exit).
int RunCommand(const std::string& command, std::string* output);

// Starts argv[0] (a path) with `argv`, its stdout and stderr appended to the
// file `log`; returns its pid, or -1 when it could not be started.
int SpawnWithLog(const std::vector<std::string>& argv, const std::string& log);

}  // namespace herald

#endif  // HERALD_TESTS_TEST_UTIL_H_
