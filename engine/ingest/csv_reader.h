// Streaming RFC 4180 CSV input for files far larger than memory.
//
// The reader thread cuts a file into chunks of whole records (CsvChunkReader);
// worker threads split each record into fields (SplitCsvRecord). Only the
// reader scans for record boundaries, so the two can never disagree about
// where a record starts, and physical line numbers stay exact for errors.
#ifndef HERALD_ENGINE_INGEST_CSV_READER_H_
#define HERALD_ENGINE_INGEST_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace herald {

// Why the reader could not delimit a record. The record's bytes are then not
// available; the reader went on after the record's real end.
enum class CsvRecordDefect : uint8_t {
  kNone,
  // A quoted field that never closes: everything from the record's line to
  // the end of the file is inside it, so nothing more is read as a record.
  kUnterminatedQuote,
  kTooLong,  // longer than CsvReaderOptions::max_record_bytes
};

struct CsvRecordRef {
  uint32_t offset = 0;  // into CsvChunk::bytes
  uint32_t size = 0;    // without the '\n' (a CRLF's '\r' stays in)
  uint64_t line = 0;    // physical line (1-based) on which the record starts
  CsvRecordDefect defect = CsvRecordDefect::kNone;
  uint64_t last_line = 0;  // a defect's last physical line; 0 otherwise
};

// A run of whole records from one file. Blank lines are not records.
struct CsvChunk {
  std::string bytes;
  std::vector<CsvRecordRef> records;
  size_t max_record_bytes = 0;  // the reader's limit, for DescribeDefect

  absl::string_view RecordText(const CsvRecordRef& record) const {
    return absl::string_view(bytes).substr(record.offset, record.size);
  }
};

// Describes the defect of `record` (of `chunk`) for a person, e.g. for an
// INVALID reason: "record longer than 65536 bytes (lines 2-310 skipped)".
std::string DescribeDefect(const CsvChunk& chunk, const CsvRecordRef& record);

struct CsvReaderOptions {
  // Bytes read per chunk; a chunk holds every record that ends inside it.
  size_t chunk_bytes = 1 << 20;
  // No record (header or data) may be longer; a longer one is skipped to its
  // real end, which the quote-aware scan finds however far away it is.
  size_t max_record_bytes = 64 << 10;
};

// Reads a CSV file front to back in chunks of whole records, as RFC 4180
// delimits them: a field that starts with a quote runs to its closing quote
// (a doubled quote inside it is one quote), newlines inside it included; a
// quote anywhere else is a character like any other. Records end at "\n",
// "\r\n" or a lone "\r" (the line end of a "CSV (Macintosh)" export) outside
// quotes. A UTF-8 byte order mark at the start is dropped, and a file that
// starts with a UTF-16 one (FF FE or FE FF, Excel's "Unicode text") is read
// as UTF-8 transcoded from it, unpaired surrogates as U+FFFD.
class CsvChunkReader {
 public:
  // Opens `path`. Returns NotFound / PermissionDenied naming the path.
  static absl::StatusOr<std::unique_ptr<CsvChunkReader>> Open(
      const std::string& path, const CsvReaderOptions& options = {});

  ~CsvChunkReader();
  CsvChunkReader(const CsvChunkReader&) = delete;
  CsvChunkReader& operator=(const CsvChunkReader&) = delete;

  // Replaces `chunk`'s contents with the next records. Returns false, with
  // `chunk` empty, once the file is exhausted; an error if reading fails.
  absl::StatusOr<bool> Next(CsvChunk* chunk);

  const std::string& path() const { return path_; }

 private:
  CsvChunkReader(std::string path, int fd, const CsvReaderOptions& options);

  // Appends to `buf` (which holds `size` bytes) the next bytes of the file
  // as UTF-8 with every lone CR made LF; returns how many (0 only at EOF).
  absl::StatusOr<size_t> Fill(std::string* buf, size_t size);
  // Appends what one read(2) gives, transcoded from UTF-16 if the file is;
  // sets eof_ when the file is exhausted.
  absl::Status ReadDecoded(std::string* buf);
  // At the file's first bytes: drops a byte order mark, noting UTF-16.
  void ReadByteOrderMark(std::string* raw);
  // Appends the record defect that starts at `pos` and the bytes up to its
  // real end, then drops those bytes from `buf`. Returns false at EOF.
  struct Scan;
  absl::StatusOr<bool> SkipLongRecord(CsvChunk* chunk, size_t pos, size_t at,
                                      Scan* scan, uint64_t* line);

  enum class Encoding { kUtf8, kUtf16Le, kUtf16Be };

  std::string path_;
  int fd_;
  CsvReaderOptions options_;
  bool eof_ = false;
  bool at_start_ = true;
  Encoding encoding_ = Encoding::kUtf8;
  std::string raw_;       // UTF-16: bytes read, not yet transcoded
  bool held_cr_ = false;  // a CR ended the last read: LF or CRLF comes next
  uint64_t line_ = 1;     // physical line of carry_'s first byte
  std::string carry_;     // bytes of a record cut by the previous chunk
};

// Splits one record (as delimited by CsvChunkReader) into fields. Quoted fields
// lose their quotes and have doubled quotes undone; an unquoted field keeps its
// bytes as they are. A trailing '\r' of a CRLF line end is dropped.
//
// Views point into `record` or into `*scratch`, which must outlive them; the
// function may clear and reuse `*scratch`. Returns InvalidArgument when a
// quote appears inside an unquoted field or text follows a closing quote,
// naming the 1-based field.
absl::Status SplitCsvRecord(absl::string_view record,
                            std::vector<absl::string_view>* fields,
                            std::string* scratch);

// Returns the byte offset of the first NUL or invalid UTF-8 sequence in
// `text`, or npos when it is clean UTF-8 without NUL.
size_t FindInvalidUtf8(absl::string_view text);

}  // namespace herald

#endif  // HERALD_ENGINE_INGEST_CSV_READER_H_
