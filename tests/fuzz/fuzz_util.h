// What the libFuzzer harnesses share: an invariant check that aborts (a
// finding, with the failed condition in the log), the input as a file for
// loaders that take a path, and UTF-8 checks.
#ifndef HERALD_TESTS_FUZZ_FUZZ_UTIL_H_
#define HERALD_TESTS_FUZZ_FUZZ_UTIL_H_

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/ingest/csv_reader.h"

// Aborts when `cond` is false, naming the invariant, so that libFuzzer keeps
// the input and the report says which check failed.
#define FUZZ_CHECK(cond)                                              \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                  \
      std::abort();                                                   \
    }                                                                 \
  } while (0)

// FUZZ_CHECK that also shows `text` (escaped), the value the check is about.
#define FUZZ_CHECK_TEXT(cond, text)                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n  text: \"%s\"\n",    \
                   __FILE__, __LINE__, #cond, absl::CHexEscape(text).c_str()); \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

#define FUZZ_CHECK_UTF8(text) \
  FUZZ_CHECK_TEXT(::herald::fuzz::IsValidUtf8(text), text)

namespace herald::fuzz {

// Runs `body`, aborting when an exception escapes it: herald's parsers
// report bad input as a status, and an exception out of nlohmann::json or
// std::sto* would take the whole run down.
template <typename Body>
void RunNoThrow(Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "exception escaped: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "a non-std exception escaped\n");
    std::abort();
  }
}

inline absl::string_view AsText(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

// The input as a file, for loaders that take a path: an anonymous memory file
// (memfd), so nothing is left on disk and parallel jobs never collide. Its
// path, /proc/self/fd/N, opens a fresh description positioned at 0.
class InputFile {
 public:
  explicit InputFile(absl::string_view bytes)
      : fd_(memfd_create("herald-fuzz", MFD_CLOEXEC)) {
    FUZZ_CHECK(fd_ >= 0);
    for (size_t done = 0; done < bytes.size();) {
      const ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
      FUZZ_CHECK(n > 0);
      done += static_cast<size_t>(n);
    }
    path_ = absl::StrCat("/proc/self/fd/", fd_);
  }
  ~InputFile() { close(fd_); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

// Whether `text` is valid UTF-8. NUL is a valid character, though herald's
// FindInvalidUtf8 (which this builds on) flags it too, for its cells.
inline bool IsValidUtf8(absl::string_view text) {
  for (;;) {
    const size_t bad = FindInvalidUtf8(text);
    if (bad == absl::string_view::npos) return true;
    if (text[bad] != '\0') return false;
    text.remove_prefix(bad + 1);
  }
}

// Decodes the character at the start of `text` (not empty) strictly: sets
// `*code_point` and returns its length, or returns 1 with U+FFFD for a byte
// that does not start a valid sequence, as herald's decoder counts it.
inline size_t DecodeChar(absl::string_view text, char32_t* code_point) {
  const uint8_t b0 = static_cast<uint8_t>(text[0]);
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  const size_t length = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2;
  if (length <= text.size() &&
      FindInvalidUtf8(text.substr(0, length)) == absl::string_view::npos) {
    char32_t c = b0 & (0x7F >> length);
    for (size_t i = 1; i < length; ++i) {
      c = (c << 6) | (static_cast<uint8_t>(text[i]) & 0x3F);
    }
    *code_point = c;
    return length;
  }
  *code_point = 0xFFFD;
  return 1;
}

// Whether the character `c` is a control character a one-line text for
// people must not hold: C0, DEL, C1, and the line and paragraph separators.
inline bool IsControl(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}

// Whether `text` holds a control character (IsControl), malformed bytes
// decoded as U+FFFD.
inline bool HasControl(absl::string_view text) {
  while (!text.empty()) {
    char32_t c;
    const size_t length = DecodeChar(text, &c);
    if (IsControl(c)) return true;
    text.remove_prefix(length);
  }
  return false;
}

// `text` with every byte that does not start a valid UTF-8 sequence replaced
// by U+FFFD, so harnesses can feed text that is valid as the engine promises.
inline std::string SanitizeUtf8(absl::string_view text) {
  std::string out;
  while (!text.empty()) {
    char32_t c;
    const size_t length = DecodeChar(text, &c);
    // A malformed byte is the only one-byte character at or above 0x80.
    const bool malformed = length == 1 && static_cast<uint8_t>(text[0]) >= 0x80;
    absl::StrAppend(&out, malformed ? "\xEF\xBF\xBD" : text.substr(0, length));
    text.remove_prefix(length);
  }
  return out;
}

}  // namespace herald::fuzz

#endif  // HERALD_TESTS_FUZZ_FUZZ_UTIL_H_
