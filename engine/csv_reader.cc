#include "engine/csv_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/file_io.h"

namespace herald {
namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

// True when `text` leaves a quoted field open (an odd number of quotes).
bool EndsInsideQuotes(absl::string_view text) {
  return std::count(text.begin(), text.end(), '"') % 2 == 1;
}

bool IsBlank(absl::string_view record) {
  return record.empty() || record == "\r";
}

}  // namespace

absl::string_view DescribeDefect(CsvRecordDefect defect) {
  switch (defect) {
    case CsvRecordDefect::kNone:
      return "no defect";
    case CsvRecordDefect::kUnterminatedQuote:
      return "unterminated quoted field (skipped this line)";
    case CsvRecordDefect::kTooLong:
      return "record too long (skipped this line)";
  }
  return "unknown defect";
}

absl::StatusOr<std::unique_ptr<CsvChunkReader>> CsvChunkReader::Open(
    const std::string& path, const CsvReaderOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<CsvChunkReader>(new CsvChunkReader(path, fd, options));
}

CsvChunkReader::CsvChunkReader(std::string path, int fd,
                               const CsvReaderOptions& options)
    : path_(std::move(path)), fd_(fd), options_(options) {}

CsvChunkReader::~CsvChunkReader() { ::close(fd_); }

absl::StatusOr<size_t> CsvChunkReader::Fill(std::string* buf, size_t size) {
  if (eof_) return 0;
  const size_t want = std::max(options_.chunk_bytes, size_t{4096});
  buf->resize(size + want);
  ssize_t n;
  do {
    n = ::read(fd_, buf->data() + size, want);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    buf->resize(size);
    return ErrnoStatus(errno, "read failed", path_);
  }
  buf->resize(size + static_cast<size_t>(n));
  if (n == 0) eof_ = true;
  if (at_start_ && buf->size() >= kUtf8Bom.size()) {
    at_start_ = false;
    if (absl::string_view(*buf).substr(0, kUtf8Bom.size()) == kUtf8Bom) {
      buf->erase(0, kUtf8Bom.size());
      return static_cast<size_t>(n) - kUtf8Bom.size();
    }
  }
  return static_cast<size_t>(n);
}

absl::StatusOr<bool> CsvChunkReader::SkipPastNewline(std::string* buf,
                                                     size_t* pos, size_t* end) {
  // Everything from *pos on is discarded until a newline shows up; only the
  // bytes after it are kept, so a gigabyte without a newline costs no memory.
  for (;;) {
    const char* nl =
        static_cast<const char*>(memchr(buf->data() + *pos, '\n', *end - *pos));
    if (nl != nullptr) {
      buf->erase(*pos, static_cast<size_t>(nl - buf->data()) + 1 - *pos);
      *end = buf->size();
      return true;
    }
    buf->resize(*pos);
    absl::StatusOr<size_t> added = Fill(buf, *pos);
    if (!added.ok()) return added.status();
    *end = buf->size();
    if (*added == 0) return false;
  }
}

absl::StatusOr<bool> CsvChunkReader::Next(CsvChunk* chunk) {
  chunk->records.clear();
  std::string& buf = chunk->bytes;
  buf.assign(carry_);
  carry_.clear();
  uint64_t line = line_;
  size_t pos = 0;  // start of the record being delimited

  if (buf.size() < options_.chunk_bytes) {
    absl::StatusOr<size_t> added = Fill(&buf, buf.size());
    if (!added.ok()) return added.status();
  }
  for (;;) {
    const char* data = buf.data();
    size_t end = buf.size();
    bool quoted = false;
    uint64_t newlines_inside = 0;
    size_t i = pos;
    for (; i < end; ++i) {
      const char c = data[i];
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\n') {
        if (!quoted) break;
        ++newlines_inside;
      }
    }
    // [pos, i) is a whole record when i < end, else cut by the buffer's end.
    const size_t length = i - pos;
    CsvRecordDefect defect = CsvRecordDefect::kNone;
    if (length > options_.max_record_bytes) {
      // Only the record's first line is given up, so one stray quote cannot
      // swallow the rows after it.
      defect = EndsInsideQuotes(
                   absl::string_view(data + pos, options_.max_record_bytes))
                   ? CsvRecordDefect::kUnterminatedQuote
                   : CsvRecordDefect::kTooLong;
    } else if (i < end) {
      const absl::string_view text(data + pos, length);
      if (!IsBlank(text)) {
        chunk->records.push_back({static_cast<uint32_t>(pos),
                                  static_cast<uint32_t>(length), line,
                                  CsvRecordDefect::kNone});
      }
      line += newlines_inside + 1;
      pos = i + 1;
      continue;
    } else if (!eof_) {
      if (!chunk->records.empty() && buf.size() >= options_.chunk_bytes) {
        carry_.assign(buf, pos, std::string::npos);
        buf.resize(pos);
        line_ = line;
        return true;
      }
      absl::StatusOr<size_t> added = Fill(&buf, buf.size());
      if (!added.ok()) return added.status();
      continue;
    } else if (quoted) {
      defect = CsvRecordDefect::kUnterminatedQuote;
    } else {  // the last record, without a final newline
      const absl::string_view text(data + pos, length);
      if (!IsBlank(text)) {
        chunk->records.push_back({static_cast<uint32_t>(pos),
                                  static_cast<uint32_t>(length), line,
                                  CsvRecordDefect::kNone});
      }
      buf.resize(end);
      return !chunk->records.empty();
    }

    // A defect: report the record's first line and resume on the next one.
    chunk->records.push_back({static_cast<uint32_t>(pos), 0, line, defect});
    absl::StatusOr<bool> more = SkipPastNewline(&buf, &pos, &end);
    if (!more.ok()) return more.status();
    ++line;
    if (!*more) return true;
  }
}

absl::Status SplitCsvRecord(absl::string_view record,
                            std::vector<absl::string_view>* fields,
                            std::string* scratch) {
  fields->clear();
  if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
  // Unquoting writes into scratch; reserving the record's size up front keeps
  // views into it valid while later fields are appended.
  scratch->clear();
  scratch->reserve(record.size());
  size_t i = 0;
  const size_t n = record.size();
  for (;;) {
    const size_t field_number = fields->size() + 1;
    if (i < n && record[i] == '"') {
      const size_t begin = scratch->size();
      ++i;
      for (;;) {
        const size_t q = record.find('"', i);
        if (q == absl::string_view::npos) {
          return absl::InvalidArgumentError(
              absl::StrCat("field ", field_number, ": unterminated quote"));
        }
        scratch->append(record.data() + i, q - i);
        if (q + 1 < n && record[q + 1] == '"') {
          scratch->push_back('"');
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields->emplace_back(scratch->data() + begin, scratch->size() - begin);
      if (i < n && record[i] != ',') {
        return absl::InvalidArgumentError(absl::StrCat(
            "field ", field_number, ": text after the closing quote"));
      }
    } else {
      size_t comma = record.find(',', i);
      if (comma == absl::string_view::npos) comma = n;
      const absl::string_view field = record.substr(i, comma - i);
      if (field.find('"') != absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat(
            "field ", field_number, ": quote inside an unquoted field"));
      }
      fields->push_back(field);
      i = comma;
    }
    if (i >= n) return absl::OkStatus();
    ++i;  // past the comma
  }
}

size_t FindInvalidUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes without NUL at a time.
    if (i + 8 <= n) {
      uint64_t word;
      memcpy(&word, s + i, 8);
      const bool ascii = (word & 0x8080808080808080ull) == 0;
      const bool has_zero =
          ((word - 0x0101010101010101ull) & ~word & 0x8080808080808080ull) != 0;
      if (ascii && !has_zero) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
    i += len;
  }
  return absl::string_view::npos;
}

}  // namespace herald
