// The per-row work of a run that needs no order: read the fields, the number,
// the DNC list and the template. Runs on worker threads, one chunk at a time.
#ifndef HERALD_ENGINE_PIPELINE_ROW_CLASSIFIER_H_
#define HERALD_ENGINE_PIPELINE_ROW_CLASSIFIER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/broadcast/broadcast.h"
#include "engine/ingest/contact_columns.h"
#include "engine/ingest/csv_reader.h"
#include "engine/ingest/number_set.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/message_template.h"
#include "engine/message/sms_encoding.h"
#include "timezone/zone_table.h"

namespace herald {

// What a contact file needs to have its rows classified.
struct BatchPlan {
  uint32_t id = 0;
  std::string path;
  ContactColumns columns;
  // The broadcast message compiled against this file's columns; empty when
  // the broadcast has no message (each row must then carry its own).
  std::optional<MessageTemplate> message;
};

// A set of rows of one file by recipient id (1-based), for a pass that
// re-reads the file to send only the rows whose window has opened.
class RowSelection {
 public:
  RowSelection() = default;

  void Add(uint64_t id) {
    const uint64_t i = id - 1;
    if (i / 64 >= bits_.size()) bits_.resize(i / 64 + 1);
    bits_[i / 64] |= uint64_t{1} << (i % 64);
  }
  bool Contains(uint64_t id) const {
    const uint64_t i = id - 1;
    return i / 64 < bits_.size() && (bits_[i / 64] >> (i % 64) & 1) != 0;
  }
  bool empty() const { return bits_.empty(); }

 private:
  std::vector<uint64_t> bits_;
};

enum class RowVerdict : uint8_t {
  kInvalid,       // the row or its number is unusable; `text` is the reason
  kDnc,           // a good number on a DNC list
  kUnrenderable,  // a good number whose message cannot be rendered; reason
  kTooBig,        // a good number whose message is over the size allowed
  kSendable,      // a good number and its rendered message in `text`
};

struct ClassifiedRow {
  uint64_t recipient_id = 0;
  uint64_t line = 0;
  PhoneNumber number = 0;      // 0 for kInvalid
  ZoneGroupId zone_group = 0;  // of the number, 0 when unknown
  RowVerdict verdict = RowVerdict::kInvalid;
  uint32_t text_begin = 0;  // [text_begin, text_end) in ClassifiedChunk::text
  uint32_t text_end = 0;
  SmsEncoding encoding = SmsEncoding::kGsm7;  // of a kSendable message
  uint16_t segments = 0;                      // of a kSendable message
};

struct ClassifiedChunk {
  uint64_t sequence = 0;  // position of the chunk in the whole run
  uint32_t batch = 0;
  std::vector<ClassifiedRow> rows;
  std::string text;  // rendered messages and reasons

  absl::string_view TextOf(const ClassifiedRow& row) const {
    return absl::string_view(text).substr(row.text_begin,
                                          row.text_end - row.text_begin);
  }
};

// Classifies rows; holds scratch space, so use one per thread. `broadcast`,
// `dnc` and `zones` must outlive it and not change while any classifier uses
// them.
class RowClassifier {
 public:
  RowClassifier(const Broadcast* broadcast, const NumberSet* dnc,
                const ZoneTable* zones)
      : broadcast_(broadcast), dnc_(dnc), zones_(zones) {}

  // Classifies `chunk.records[skip...]`, whose first row has id `first_row`,
  // appending to `out->rows` and `out->text`; only the rows in `selection`
  // when it is not null.
  void Classify(const BatchPlan& plan, const CsvChunk& chunk, size_t skip,
                uint64_t first_row, const RowSelection* selection,
                ClassifiedChunk* out);

 private:
  // Sets the verdict and records a reason for `row`.
  void Reject(RowVerdict verdict, absl::string_view reason, ClassifiedRow* row,
              ClassifiedChunk* out);
  // Renders the message of the row in fields_ (its record `record_bytes`
  // long) into out->text, setting the verdict to kSendable, or to
  // kUnrenderable with the reason.
  void Render(const BatchPlan& plan, size_t record_bytes, ClassifiedRow* row,
              ClassifiedChunk* out);
  // Applies smart encoding and the BigMessageStrategy to the message just
  // rendered at out->text[begin...], and sets the row's encoding and
  // segments; or the verdict kTooBig with the reason.
  void FitMessage(size_t begin, ClassifiedRow* row, ClassifiedChunk* out);
  // Returns why the row's fields are not clean UTF-8, or nullopt.
  std::optional<std::string> FindBadField(const BatchPlan& plan) const;

  const Broadcast* broadcast_;
  const NumberSet* dnc_;
  const ZoneTable* zones_;
  std::vector<absl::string_view> fields_;
  std::string smart_;  // the message after smart encoding
  std::string scratch_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_ROW_CLASSIFIER_H_
