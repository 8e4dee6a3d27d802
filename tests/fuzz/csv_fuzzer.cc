// CsvChunkReader and SplitCsvRecord on arbitrary files. Where a chunk ends
// must not change what the records are: the reader alone delimits records,
// and every consumer relies on that. Records come in file order, each the
// file's own bytes (up to line-end normalisation).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "engine/ingest/csv_reader.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

// Small, so fuzzer-sized inputs reach the too-long and unterminated paths.
constexpr size_t kMaxRecordBytes = 100;

struct Record {
  uint64_t line;
  CsvRecordDefect defect;
  std::string text;
  bool operator==(const Record& o) const {
    return std::tie(line, defect, text) == std::tie(o.line, o.defect, o.text);
  }
};

std::vector<Record> ReadAll(const std::string& path, size_t chunk_bytes) {
  CsvReaderOptions options;
  options.chunk_bytes = chunk_bytes;
  options.max_record_bytes = kMaxRecordBytes;
  auto reader = CsvChunkReader::Open(path, options);
  FUZZ_CHECK(reader.ok());
  std::vector<Record> records;
  CsvChunk chunk;
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&chunk);
    FUZZ_CHECK(more.ok());
    if (!*more) {
      FUZZ_CHECK(chunk.records.empty());
      return records;
    }
    for (const CsvRecordRef& ref : chunk.records) {
      FUZZ_CHECK(size_t{ref.offset} + ref.size <= chunk.bytes.size());
      records.push_back(
          {ref.line, ref.defect, std::string(chunk.RecordText(ref))});
    }
  }
}

// `file` with every lone CR made LF, as a reader that takes a lone CR for a
// line end (Mac exports) may give it; the same length, so offsets agree.
std::string LoneCrAsLf(absl::string_view file) {
  std::string out(file);
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r' && (i + 1 == out.size() || out[i + 1] != '\n')) {
      out[i] = '\n';
    }
  }
  return out;
}

// The first of `text`'s places in `file` from `from` on, read as it is or
// with lone CRs as LFs.
size_t FindRecord(absl::string_view file, absl::string_view normalized,
                  absl::string_view text, size_t from) {
  return std::min(file.find(text, from), normalized.find(text, from));
}

void FuzzOne(absl::string_view file) {
  const InputFile input(file);
  const std::vector<Record> records =
      ReadAll(input.path(), CsvReaderOptions{}.chunk_bytes);
  // 1 cuts a chunk after every record; 4096 is the reader's read size.
  FUZZ_CHECK(ReadAll(input.path(), 1) == records);
  FUZZ_CHECK(ReadAll(input.path(), 4096) == records);

  // A UTF-16 file is transcoded, so its records are not its bytes.
  const bool utf16 =
      absl::StartsWith(file, "\xFF\xFE") || absl::StartsWith(file, "\xFE\xFF");
  const std::string normalized = LoneCrAsLf(file);
  size_t cursor = 0;  // records come in file order, so search on from here
  uint64_t last_line = 0;
  std::vector<absl::string_view> fields;
  std::string scratch;
  for (const Record& record : records) {
    FUZZ_CHECK(record.line > last_line);
    last_line = record.line;
    if (record.defect != CsvRecordDefect::kNone) {
      FUZZ_CHECK(record.text.empty());
      continue;
    }
    FUZZ_CHECK(!record.text.empty() && record.text.size() <= kMaxRecordBytes);
    if (!utf16) {
      const size_t at = FindRecord(file, normalized, record.text, cursor);
      FUZZ_CHECK_TEXT(at != absl::string_view::npos, record.text);
      cursor = at + record.text.size();
    }

    const absl::string_view text = record.text;
    if (SplitCsvRecord(text, &fields, &scratch).ok()) {
      FUZZ_CHECK(!fields.empty());
      // Every field views the record or the scratch buffer.
      const auto inside = [](absl::string_view part, absl::string_view whole) {
        return part.data() >= whole.data() &&
               part.data() + part.size() <= whole.data() + whole.size();
      };
      for (absl::string_view field : fields) {
        FUZZ_CHECK(field.empty() || inside(field, text) ||
                   inside(field, scratch));
      }
    }
  }
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(herald::fuzz::AsText(data, size));
  return 0;
}
