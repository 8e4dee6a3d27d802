#include "engine/ingest/csv_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/base/file_io.h"
#include "engine/base/utf8.h"

namespace herald {

// Where the scan for a record's end is: kept across reads, so a record longer
// than the buffer is followed to its end without being held.
struct CsvChunkReader::Scan {
  bool quoted = false;        // inside a quoted field
  bool just_closed = false;   // the last byte closed one: '"' re-opens it
  bool at_start = true;       // nothing of the record scanned yet
  char last = '\0';           // the last byte scanned
  uint64_t newlines = 0;      // inside quotes, so far
  bool newline_last = false;  // the last byte scanned was one of those

  // The physical line of the last byte scanned, for a record that began on
  // `first`.
  uint64_t LastLine(uint64_t first) const {
    return first + newlines - (newline_last && newlines > 0 ? 1 : 0);
  }

  // Returns the offset of the '\n' that ends the record, scanning
  // [from, end) of `data`; `end` when the record goes on past it. Outside
  // quotes only a newline and a quote matter, and quotes are rare, so the
  // scan is two memchr calls a line.
  size_t To(const char* data, size_t from, size_t end) {
    size_t i = from;
    while (i < end) {
      if (quoted) {
        const char* q =
            static_cast<const char*>(memchr(data + i, '"', end - i));
        const char* stop = q != nullptr ? q : data + end;
        newlines += std::count(data + i, stop, '\n');
        if (q == nullptr) {
          i = end;
          break;
        }
        quoted = false;
        just_closed = true;
        i = static_cast<size_t>(q - data) + 1;
        continue;
      }
      const char* nl =
          static_cast<const char*>(memchr(data + i, '\n', end - i));
      const size_t line_end =
          nl != nullptr ? static_cast<size_t>(nl - data) : end;
      const char* q =
          static_cast<const char*>(memchr(data + i, '"', line_end - i));
      if (q == nullptr) {
        if (line_end > i) just_closed = false;
        i = line_end;
        if (nl != nullptr) return Ended(data, from, line_end);
        break;
      }
      const size_t j = static_cast<size_t>(q - data);
      // RFC 4180: a quote opens a field only as its first character (or
      // right after a closing quote, as an escaped quote); anywhere else it
      // is text.
      const char before = j > from ? data[j - 1] : last;
      const bool opens =
          (j == i && just_closed) || (j == from && at_start) || before == ',';
      just_closed = false;
      quoted = opens;
      i = j + 1;
    }
    if (end > from) {
      at_start = false;
      last = data[end - 1];
      newline_last = data[end - 1] == '\n';
    }
    return end;
  }

 private:
  size_t Ended(const char* data, size_t from, size_t at) {
    if (at > from) last = data[at - 1];
    at_start = false;
    return at;
  }
};

namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsBlank(absl::string_view record) {
  return record.empty() || record == "\r";
}

}  // namespace

std::string DescribeDefect(const CsvChunk& chunk, const CsvRecordRef& record) {
  const std::string lines =
      record.last_line > record.line
          ? absl::StrCat("lines ", record.line, "-", record.last_line)
          : absl::StrCat("line ", record.line);
  switch (record.defect) {
    case CsvRecordDefect::kNone:
      return "no defect";
    case CsvRecordDefect::kUnterminatedQuote:
      return absl::StrCat("a quoted field opened on line ", record.line,
                          " never closes: ", lines,
                          " (to the end of the file) not read");
    case CsvRecordDefect::kTooLong:
      return absl::StrCat("record longer than ", chunk.max_record_bytes,
                          " bytes (", lines, " skipped)");
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

void CsvChunkReader::ReadByteOrderMark(std::string* raw) {
  const absl::string_view head(*raw);
  if (head.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    raw->erase(0, kUtf8Bom.size());
  } else if (head.substr(0, 2) == "\xFF\xFE") {
    encoding_ = Encoding::kUtf16Le;
    raw->erase(0, 2);
  } else if (head.substr(0, 2) == "\xFE\xFF") {
    encoding_ = Encoding::kUtf16Be;
    raw->erase(0, 2);
  }
}

absl::Status CsvChunkReader::ReadDecoded(std::string* buf) {
  const size_t want = std::max(options_.chunk_bytes, size_t{4096});
  // UTF-8 is read straight into the buffer; UTF-16 into raw_ first.
  std::string* target =
      encoding_ == Encoding::kUtf8 && !at_start_ ? buf : &raw_;
  const size_t before = target->size();
  target->resize(before + want);
  ssize_t n;
  do {
    n = ::read(fd_, target->data() + before, want);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    target->resize(before);
    return ErrnoStatus(errno, "read failed", path_);
  }
  target->resize(before + static_cast<size_t>(n));
  if (n == 0) eof_ = true;
  if (at_start_) {
    // A mark is three bytes at most: wait for them unless the file is
    // shorter.
    if (raw_.size() < kUtf8Bom.size() && !eof_) return absl::OkStatus();
    at_start_ = false;
    ReadByteOrderMark(&raw_);
    if (encoding_ == Encoding::kUtf8) {
      buf->append(raw_);
      raw_.clear();
      return absl::OkStatus();
    }
  }
  if (encoding_ != Encoding::kUtf8) {
    TranscodeUtf16(encoding_ == Encoding::kUtf16Le, eof_, &raw_, buf);
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> CsvChunkReader::Fill(std::string* buf, size_t size) {
  buf->resize(size);
  for (;;) {
    if (eof_) {
      if (!held_cr_) return buf->size() - size;
      held_cr_ = false;  // a CR last in the file ends its last line
      buf->push_back('\n');
      return buf->size() - size;
    }
    const size_t begin = buf->size();
    if (held_cr_) {
      buf->push_back('\r');
      held_cr_ = false;
    }
    if (absl::Status s = ReadDecoded(buf); !s.ok()) {
      buf->resize(size);
      return s;
    }
    // A lone CR is a line end; CRLF stays as it is (SplitCsvRecord drops
    // the CR). A CR last in what was read waits to see what follows it.
    char* data = buf->data();
    const size_t end = buf->size();
    for (size_t i = begin; i < end; ++i) {
      const void* cr = memchr(data + i, '\r', end - i);
      if (cr == nullptr) break;
      i = static_cast<size_t>(static_cast<const char*>(cr) - data);
      if (i + 1 < end) {
        if (data[i + 1] != '\n') data[i] = '\n';
      } else if (eof_) {
        data[i] = '\n';
      } else {
        buf->pop_back();
        held_cr_ = true;
      }
    }
    if (buf->size() > size) return buf->size() - size;
  }
}

absl::StatusOr<bool> CsvChunkReader::SkipLongRecord(CsvChunk* chunk, size_t pos,
                                                    size_t at, Scan* scan,
                                                    uint64_t* line) {
  std::string& buf = chunk->bytes;
  const uint64_t first_line = *line;
  // Only the bytes after the record are kept, so a gigabyte-long record
  // costs no memory.
  while (at == buf.size()) {
    buf.resize(pos);
    absl::StatusOr<size_t> added = Fill(&buf, pos);
    if (!added.ok()) return added.status();
    if (*added == 0) {
      chunk->records.push_back({static_cast<uint32_t>(pos), 0, first_line,
                                scan->quoted
                                    ? CsvRecordDefect::kUnterminatedQuote
                                    : CsvRecordDefect::kTooLong,
                                scan->LastLine(first_line)});
      return false;
    }
    at = scan->To(buf.data(), pos, buf.size());
  }
  chunk->records.push_back({static_cast<uint32_t>(pos), 0, first_line,
                            CsvRecordDefect::kTooLong,
                            first_line + scan->newlines});
  buf.erase(pos, at + 1 - pos);
  *line = first_line + scan->newlines + 1;
  return true;
}

absl::StatusOr<bool> CsvChunkReader::Next(CsvChunk* chunk) {
  chunk->records.clear();
  chunk->max_record_bytes = options_.max_record_bytes;
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
    const size_t end = buf.size();
    Scan scan;
    const size_t i = scan.To(data, pos, end);
    // [pos, i) is a whole record when i < end, else cut by the buffer's end.
    const size_t length = i - pos;
    if (length > options_.max_record_bytes) {
      absl::StatusOr<bool> more = SkipLongRecord(chunk, pos, i, &scan, &line);
      if (!more.ok()) return more.status();
      if (!*more) return true;
      continue;
    }
    if (i < end) {
      const absl::string_view text(data + pos, length);
      if (!IsBlank(text)) {
        chunk->records.push_back({static_cast<uint32_t>(pos),
                                  static_cast<uint32_t>(length), line,
                                  CsvRecordDefect::kNone});
      }
      line += scan.newlines + 1;
      pos = i + 1;
      continue;
    }
    if (!eof_) {
      if (!chunk->records.empty() && buf.size() >= options_.chunk_bytes) {
        carry_.assign(buf, pos, std::string::npos);
        buf.resize(pos);
        line_ = line;
        return true;
      }
      absl::StatusOr<size_t> added = Fill(&buf, buf.size());
      if (!added.ok()) return added.status();
      continue;
    }
    if (scan.quoted) {
      // Everything to the end of the file is inside the quotes.
      chunk->records.push_back({static_cast<uint32_t>(pos), 0, line,
                                CsvRecordDefect::kUnterminatedQuote,
                                scan.LastLine(line)});
      buf.resize(pos);
      return true;
    }
    // The last record, without a final newline.
    const absl::string_view text(data + pos, length);
    if (!IsBlank(text)) {
      chunk->records.push_back({static_cast<uint32_t>(pos),
                                static_cast<uint32_t>(length), line,
                                CsvRecordDefect::kNone});
    }
    return !chunk->records.empty();
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
