// LoadDncFile on an arbitrary file. A do-not-contact list must hold exactly
// numbers that are in the file, as valid numbers: every number the set holds
// is one the harness also finds by parsing each cell of each record, and
// the counts add up.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/ingest/csv_reader.h"
#include "engine/ingest/dnc_list.h"
#include "engine/ingest/number_set.h"
#include "engine/ingest/phone_number.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

// Every valid number in any cell of any record of the file at `path`: a
// superset of what a DNC load may add.
std::set<PhoneNumber> NumbersInCells(const std::string& path) {
  std::set<PhoneNumber> numbers;
  auto reader = CsvChunkReader::Open(path);
  FUZZ_CHECK(reader.ok());
  CsvChunk chunk;
  std::vector<absl::string_view> fields;
  std::string scratch;
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&chunk);
    FUZZ_CHECK(more.ok());
    if (!*more) return numbers;
    for (const CsvRecordRef& record : chunk.records) {
      if (!SplitCsvRecord(chunk.RecordText(record), &fields, &scratch).ok()) {
        continue;
      }
      for (absl::string_view field : fields) {
        const absl::StatusOr<PhoneNumber> number = ParseNanpNumber(field);
        if (number.ok()) numbers.insert(*number);
      }
    }
  }
}

void FuzzOne(absl::string_view bytes) {
  const InputFile file(bytes);
  NumberSet set;
  DncLoadStats stats;
  const absl::Status status = LoadDncFile(file.path(), &set, &stats);
  if (IsValidUtf8(bytes)) FUZZ_CHECK_UTF8(status.message());
  FUZZ_CHECK(set.size() == stats.entries);
  FUZZ_CHECK(stats.entries + stats.rejected <= stats.lines);
  FUZZ_CHECK(stats.rejected_samples.size() <= stats.rejected);
  size_t found = 0;
  for (PhoneNumber number : NumbersInCells(file.path())) {
    if (!set.Contains(number)) continue;
    ++found;
    const absl::StatusOr<PhoneNumber> again =
        ParseNanpNumber(E164Digits(number));
    FUZZ_CHECK(again.ok() && *again == number);
  }
  // Nothing else is in the set.
  FUZZ_CHECK(found == set.size());
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(herald::fuzz::AsText(data, size));
  return 0;
}
