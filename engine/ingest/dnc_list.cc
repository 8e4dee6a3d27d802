#include "engine/ingest/dnc_list.h"

#include <algorithm>
#include <array>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "engine/ingest/csv_reader.h"
#include "engine/ingest/phone_number.h"

namespace herald {
namespace {

constexpr size_t kMaxRejectedSamples = 20;
constexpr std::array<absl::string_view, 6> kNumberColumns = {
    "number",      "phoneNumber", "toNumber",
    "mobilePhone", "homePhone",   "workPhone"};

int FindNumberColumn(const std::vector<absl::string_view>& fields) {
  for (absl::string_view name : kNumberColumns) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (absl::EqualsIgnoreCase(fields[i], name)) return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

absl::Status LoadDncFile(const std::string& path, NumberSet* set,
                         DncLoadStats* stats, const DncLoadOptions& options) {
  absl::StatusOr<std::unique_ptr<CsvChunkReader>> reader =
      CsvChunkReader::Open(path);
  if (!reader.ok()) return reader.status();

  auto reject = [&](uint64_t line, absl::string_view reason) {
    ++stats->rejected;
    if (stats->rejected_samples.size() < kMaxRejectedSamples) {
      stats->rejected_samples.push_back(
          absl::StrCat(path, ":", line, ": ", reason));
    }
  };

  CsvChunk chunk;
  std::vector<absl::string_view> fields;
  std::string scratch;
  int column = -1;  // -1 until the first record decides the layout
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) break;
    for (const CsvRecordRef& record : chunk.records) {
      if (record.defect != CsvRecordDefect::kNone) {
        ++stats->lines;
        reject(record.line, DescribeDefect(chunk, record));
        continue;
      }
      if (absl::Status s =
              SplitCsvRecord(chunk.RecordText(record), &fields, &scratch);
          !s.ok()) {
        ++stats->lines;
        reject(record.line, s.message());
        continue;
      }
      if (column < 0) {
        // A header names a column; a bare list starts with a number.
        column = FindNumberColumn(fields);
        if (column >= 0) continue;
        if (fields.size() > 1) {
          return absl::InvalidArgumentError(absl::StrCat(
              path, ":", record.line,
              ": a DNC file with several columns needs a header naming a "
              "number column (number, phoneNumber, ...)"));
        }
        column = 0;
      }
      ++stats->lines;
      if (static_cast<size_t>(column) >= fields.size()) {
        reject(record.line, "row has no number column");
        continue;
      }
      absl::StatusOr<PhoneNumber> number = ParseNanpNumber(fields[column]);
      if (!number.ok()) {
        reject(record.line, number.status().message());
        continue;
      }
      if (set->Insert(*number)) ++stats->entries;
    }
  }
  if (stats->rejected == 0 || options.skip_unreadable) return absl::OkStatus();
  constexpr size_t kSamplesInError = 3;
  const size_t shown =
      std::min(kSamplesInError, stats->rejected_samples.size());
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": ", stats->rejected, stats->rejected == 1 ? " line" : " lines",
      " of this do-not-contact list cannot be read, so nothing is sent (a "
      "number on such a line must not be texted): ",
      absl::StrJoin(stats->rejected_samples.begin(),
                    stats->rejected_samples.begin() + shown, "; "),
      stats->rejected > shown ? "; ..." : "",
      ". Fix the list, or pass --dnc-skip-unreadable to send anyway."));
}

}  // namespace herald
