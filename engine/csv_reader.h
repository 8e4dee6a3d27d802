// Streaming RFC 4180 CSV input for files far larger than memory.
//
// The reader thread cuts a file into chunks of whole records (CsvChunkReader);
// worker threads split each record into fields (SplitCsvRecord). Only the
// reader scans for record boundaries, so the two can never disagree about
// where a record starts, and physical line numbers stay exact for errors.
#ifndef HERALD_ENGINE_CSV_READER_H_
#define HERALD_ENGINE_CSV_READER_H_

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
// available; its first physical line was skipped and reading went on.
enum class CsvRecordDefect : uint8_t {
  kNone,
  kUnterminatedQuote,  // a quoted field did not close within the record limit
  kTooLong,  // a record longer than CsvReaderOptions::max_record_bytes
};

// Describes a CsvRecordDefect for a person, e.g. for an INVALID reason.
absl::string_view DescribeDefect(CsvRecordDefect defect);

struct CsvRecordRef {
  uint32_t offset = 0;  // into CsvChunk::bytes
  uint32_t size = 0;    // without the '\n' (a CRLF's '\r' stays in)
  uint64_t line = 0;    // physical line (1-based) on which the record starts
  CsvRecordDefect defect = CsvRecordDefect::kNone;
};

// A run of whole records from one file. Blank lines are not records.
struct CsvChunk {
  std::string bytes;
  std::vector<CsvRecordRef> records;

  absl::string_view RecordText(const CsvRecordRef& record) const {
    return absl::string_view(bytes).substr(record.offset, record.size);
  }
};

struct CsvReaderOptions {
  // Bytes read per chunk; a chunk holds every record that ends inside it.
  size_t chunk_bytes = 1 << 20;
  // No record (header or data) may be longer. A quoted field still open after
  // this many bytes is taken to be unterminated.
  size_t max_record_bytes = 64 << 10;
};

// Reads a CSV file front to back in chunks of whole records. A UTF-8 byte
// order mark at the start of the file is dropped. Records end at "\n" or
// "\r\n" outside quotes; newlines inside quotes belong to the field.
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

  // Reads more bytes after `size` in `buf`; returns bytes added (0 at EOF).
  absl::StatusOr<size_t> Fill(std::string* buf, size_t size);
  // Skips input up to and including the next '\n'. Returns false at EOF.
  absl::StatusOr<bool> SkipPastNewline(std::string* buf, size_t* pos,
                                       size_t* end);

  std::string path_;
  int fd_;
  CsvReaderOptions options_;
  bool eof_ = false;
  bool at_start_ = true;
  uint64_t line_ = 1;  // physical line of carry_'s first byte
  std::string carry_;  // bytes of a record cut by the previous chunk
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

#endif  // HERALD_ENGINE_CSV_READER_H_
