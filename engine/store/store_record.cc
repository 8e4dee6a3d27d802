#include "engine/store/store_record.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "herald/texts.h"

namespace herald {

absl::StatusOr<std::optional<StoredBroadcast>> ReadStoredBroadcast(
    const SqliteDb& db) {
  absl::StatusOr<SqliteStatement> select = SqliteStatement::Prepare(
      db,
      "SELECT run_id, name, from_number, definition, inputs, status, "
      "created FROM broadcast WHERE id = 1");
  if (!select.ok()) return select.status();
  absl::StatusOr<bool> row = select->Next();
  if (!row.ok()) return row.status();
  if (!*row) return std::nullopt;
  StoredBroadcast b;
  b.run_id = select->Text(0);
  b.name = select->Text(1);
  b.from_number = select->Text(2);
  b.definition = select->Text(3);
  b.inputs = select->Text(4);
  b.status = select->Text(5);
  b.created = absl::FromUnixMillis(select->Int(6));
  return b;
}

absl::StatusOr<std::vector<StoredBatch>> ReadStoredBatches(const SqliteDb& db) {
  absl::StatusOr<SqliteStatement> select = SqliteStatement::Prepare(
      db,
      "SELECT id, path, file_size, file_mtime_ns, size, created, name, "
      "status, enabled, scrub_duplicates, error FROM batches ORDER BY id");
  if (!select.ok()) return select.status();
  std::vector<StoredBatch> batches;
  for (;;) {
    absl::StatusOr<bool> row = select->Next();
    if (!row.ok()) return row.status();
    if (!*row) return batches;
    StoredBatch& b = batches.emplace_back();
    b.id = static_cast<uint32_t>(select->Int(0));
    b.path = select->Text(1);
    b.version.size = select->Int(2);
    b.version.modified_nanos = select->Int(3);
    if (!select->IsNull(4)) b.size = static_cast<uint64_t>(select->Int(4));
    b.created = absl::FromUnixMillis(select->Int(5));
    b.name = select->Text(6);
    b.status = select->Text(7);
    b.enabled = select->Int(8) != 0;
    b.scrub_duplicates = select->Int(9) != 0;
    b.error = select->Text(10);
  }
}

absl::StatusOr<ResumePoint> ReadStoredResumePoint(const SqliteDb& db,
                                                  size_t batch_count) {
  absl::StatusOr<SqliteStatement> select = SqliteStatement::Prepare(
      db,
      "SELECT batch_id, recipient_id, state, result, attempts, "
      "key_attempt, next_attempt, segments FROM texts ORDER BY id");
  if (!select.ok()) return select.status();
  ResumePoint point;
  point.batches.resize(batch_count);
  for (;;) {
    absl::StatusOr<bool> row = select->Next();
    if (!row.ok()) return row.status();
    if (!*row) return point;
    const int64_t batch = select->Int(0);
    const int64_t recipient = select->Int(1);
    const std::optional<RecipientState> state =
        ParseStateName(select->TextView(2));
    if (batch < 1 || static_cast<size_t>(batch) > batch_count ||
        recipient < 1 || !state.has_value()) {
      return absl::DataLossError(absl::StrCat(
          *db.path, ": text of batch ", batch, " row ", recipient,
          " does not belong to this broadcast's ", batch_count, " batches"));
    }
    if (*state == RecipientState::kCallback) {
      point.callbacks.push_back(
          {static_cast<uint32_t>(batch), static_cast<uint64_t>(recipient),
           static_cast<int>(select->Int(4)), static_cast<int>(select->Int(5)),
           absl::FromUnixMillis(select->Int(6))});
      continue;
    }
    if (!IsFinal(*state)) continue;
    ResumePoint::Batch& b = point.batches[batch - 1];
    if (b.final_rows.size() < static_cast<size_t>(recipient)) {
      b.final_rows.resize(recipient);
    }
    b.final_rows[recipient - 1] = true;
    b.counts.AddFinal(CountOf(*state, ParseResultName(select->TextView(3))),
                      static_cast<uint64_t>(select->Int(7)));
  }
}

}  // namespace herald
