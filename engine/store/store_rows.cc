#include "engine/store/store_rows.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/store/text_record.h"

namespace herald {
namespace {

int64_t Millis(absl::Time t) { return absl::ToUnixMillis(t); }

const char kUpsertText[] = R"sql(
INSERT INTO texts (id, batch_id, recipient_id, line, to_number, state, result,
                   attempts, key_attempt, next_attempt, message, segments,
                   zone, reason, created, modified)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)
ON CONFLICT (id) DO UPDATE SET
  state = excluded.state, result = excluded.result,
  attempts = max(attempts, excluded.attempts),
  key_attempt = excluded.key_attempt, next_attempt = excluded.next_attempt,
  message = coalesce(excluded.message, message),
  segments = max(segments, excluded.segments),
  zone = coalesce(excluded.zone, zone), reason = excluded.reason,
  modified = excluded.modified
)sql";

const char kInsertAttempt[] = R"sql(
INSERT OR REPLACE INTO attempts (text_id, attempt, finish_time, result,
                                 provider_id, segments)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
)sql";

const char kInsertPart[] = R"sql(
INSERT OR IGNORE INTO receipts (text_id, attempt, part, state, error, time,
                                 received)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
)sql";

const char kUpsertDelivery[] = R"sql(
INSERT OR REPLACE INTO deliveries (text_id, attempt, parts, state, error, time)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
)sql";

}  // namespace

absl::Status StoreRows::Prepare(const SqliteDb& db) {
  db_ = db;
  for (const auto& [statement, sql] :
       {std::pair{&upsert_text_, kUpsertText},
        {&insert_attempt_, kInsertAttempt},
        {&insert_event_, "INSERT INTO events (text_id, at) VALUES (?1, ?2)"},
        {&insert_feed_event_,
         "INSERT INTO feed_events (text_id, at) VALUES (?1, ?2)"},
        {&select_attempts_,
         "SELECT attempt, finish_time, result, provider_id, segments "
         "FROM attempts WHERE text_id = ?1 ORDER BY attempt"},
        {&update_batch_size_, "UPDATE batches SET size = ?2 WHERE id = ?1"},
        {&select_status_, "SELECT status FROM broadcast WHERE id = 1"},
        {&insert_feed_status_,
         "INSERT INTO feed_events (text_id, at, status) VALUES (0, ?1, ?2)"},
        {&insert_part_, kInsertPart},
        {&select_parts_,
         "SELECT state, error, time FROM receipts "
         "WHERE text_id = ?1 AND attempt = ?2"},
        {&upsert_delivery_, kUpsertDelivery}}) {
    absl::StatusOr<SqliteStatement> prepared =
        SqliteStatement::Prepare(db, sql, SqliteStatement::Use::kOften);
    if (!prepared.ok()) return prepared.status();
    *statement = *std::move(prepared);
  }
  return absl::OkStatus();
}

absl::Status StoreRows::WriteOutcome(const RowOutcome& o, Events events) {
  const int64_t id = static_cast<int64_t>(TextId(o.batch, o.recipient_id));
  const int64_t at = Millis(o.at);
  SqliteStatement& t = upsert_text_;
  t.Bind(1, id);
  t.Bind(2, o.batch);
  t.Bind(3, static_cast<int64_t>(o.recipient_id));
  t.Bind(4, static_cast<int64_t>(o.line));
  if (o.to != 0) {
    t.Bind(5, static_cast<int64_t>(o.to));
  } else {
    t.BindNull(5);
  }
  t.Bind(6, StateName(o.state));
  if (o.result.has_value()) {
    t.Bind(7, ResultName(*o.result));
  } else {
    t.BindNull(7);
  }
  t.Bind(8, o.attempt);
  const bool callback = o.state == RecipientState::kCallback;
  if (callback) {
    t.Bind(9, o.key_attempt);
    t.Bind(10, Millis(o.next_attempt));
  } else {
    t.BindNull(9);
    t.BindNull(10);
  }
  t.BindText(11, o.message);
  t.Bind(12, o.segments);
  t.BindText(13, o.zone);
  t.BindText(14, o.reason);
  t.Bind(15, at);
  if (absl::Status s = t.Run(); !s.ok()) return s;
  if (o.answered) {
    SqliteStatement& a = insert_attempt_;
    a.Bind(1, id);
    a.Bind(2, o.attempt);
    a.Bind(3, at);
    // A provider's refusal of the number has no text result of its own.
    a.Bind(4, ResultName(o.result.value_or(TextResult::kCarrierError)));
    a.BindText(5, o.provider_id);
    a.Bind(6, o.result == TextResult::kSent ? o.segments : 0);
    if (absl::Status s = a.Run(); !s.ok()) return s;
  }
  if (!IsFinal(o.state)) return absl::OkStatus();
  auto insert_event = [&](SqliteStatement& insert) {
    insert.Bind(1, id);
    insert.Bind(2, at);
    return insert.Run();
  };
  if (events.webhook) {
    if (absl::Status s = insert_event(insert_event_); !s.ok()) return s;
  }
  if (events.feed) {
    if (absl::Status s = insert_event(insert_feed_event_); !s.ok()) return s;
    wrote_feed_ = true;
  }
  return absl::OkStatus();
}

absl::Status StoreRows::WriteBroadcast(const StoredBroadcast& b,
                                       const std::vector<StoredBatch>& batches,
                                       absl::Time now) {
  absl::StatusOr<bool> had = select_status_.Next();
  if (!had.ok()) return had.status();
  const bool changed = !*had || select_status_.TextView(0) != b.status;
  select_status_.Reset();
  if (changed) {
    insert_feed_status_.Bind(1, Millis(now));
    insert_feed_status_.Bind(2, b.status);
    if (absl::Status s = insert_feed_status_.Run(); !s.ok()) return s;
    wrote_feed_ = true;
  }
  absl::StatusOr<SqliteStatement> prepared = SqliteStatement::Prepare(
      db_,
      "INSERT OR REPLACE INTO broadcast (id, run_id, name, from_number, "
      "definition, inputs, status, created, modified) "
      "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!prepared.ok()) return prepared.status();
  SqliteStatement& insert = *prepared;
  insert.Bind(1, b.run_id);
  insert.Bind(2, b.name);
  insert.Bind(3, b.from_number);
  insert.Bind(4, b.definition);
  insert.Bind(5, b.inputs);
  insert.Bind(6, b.status);
  insert.Bind(7, Millis(b.created));
  insert.Bind(8, Millis(now));
  if (absl::Status s = insert.Run(); !s.ok()) return s;
  prepared = SqliteStatement::Prepare(
      db_,
      "INSERT INTO batches (id, path, file_size, file_mtime_ns, size, "
      "created, name, status, enabled, scrub_duplicates, error) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
      "ON CONFLICT (id) DO UPDATE SET path = excluded.path, "
      "file_size = excluded.file_size, "
      "file_mtime_ns = excluded.file_mtime_ns, "
      "size = coalesce(excluded.size, size), "
      "created = excluded.created, name = excluded.name, "
      "status = excluded.status, enabled = excluded.enabled, "
      "scrub_duplicates = excluded.scrub_duplicates, "
      "error = excluded.error");
  if (!prepared.ok()) return prepared.status();
  SqliteStatement& batch = *prepared;
  for (const StoredBatch& stored : batches) {
    batch.Bind(1, stored.id);
    batch.Bind(2, stored.path);
    batch.Bind(3, stored.version.size);
    batch.Bind(4, stored.version.modified_nanos);
    if (stored.size.has_value()) {
      batch.Bind(5, static_cast<int64_t>(*stored.size));
    } else {
      batch.BindNull(5);
    }
    batch.Bind(
        6, Millis(stored.created == absl::Time() ? b.created : stored.created));
    batch.Bind(7, stored.name);
    batch.Bind(8, stored.status);
    batch.Bind(9, stored.enabled ? 1 : 0);
    batch.Bind(10, stored.scrub_duplicates ? 1 : 0);
    batch.BindText(11, stored.error);
    if (absl::Status s = batch.Run(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status StoreRows::WriteBatchSize(uint32_t batch, uint64_t rows) {
  update_batch_size_.Bind(1, int64_t{batch});
  update_batch_size_.Bind(2, static_cast<int64_t>(rows));
  return update_batch_size_.Run();
}

absl::Status StoreRows::WriteReceipt(const DeliveryReceipt& r, absl::Time now) {
  // A part without a final receipt is pending anyway; and the news that
  // the SMSC took a part (Kannel's type 8) may come without the id its
  // final receipt has, so recording it would count a part that is not one.
  if (!IsFinal(r.state)) return absl::OkStatus();
  const int64_t id = static_cast<int64_t>(r.text_id);
  SqliteStatement& insert = insert_part_;
  insert.Bind(1, id);
  insert.Bind(2, r.attempt);
  insert.Bind(3, r.part);
  insert.Bind(4, DeliveryStateName(r.state));
  insert.BindText(5, r.error);
  insert.Bind(6, Millis(r.at));
  insert.Bind(7, Millis(now));
  if (absl::Status s = insert.Run(); !s.ok()) return s;
  // A duplicate, or a second final word on the part: the first one stands.
  if (sqlite3_changes(db_.handle) == 0) return absl::OkStatus();

  std::vector<DeliveryState> states;
  std::string error;
  int64_t time = 0;
  SqliteStatement& parts = select_parts_;
  parts.Bind(1, id);
  parts.Bind(2, r.attempt);
  for (;;) {
    absl::StatusOr<bool> row = parts.Next();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const DeliveryState state = ParseDeliveryStateName(parts.TextView(0))
                                    .value_or(DeliveryState::kUnknown);
    states.push_back(state);
    if (error.empty() && IsFinal(state) && state != DeliveryState::kDelivered) {
      error = parts.Text(1);
    }
    time = std::max(time, parts.Int(2));
  }
  parts.Reset();
  const int expected = std::max(r.parts, static_cast<int>(states.size()));
  states.resize(expected, DeliveryState::kPending);

  SqliteStatement& delivery = upsert_delivery_;
  delivery.Bind(1, id);
  delivery.Bind(2, r.attempt);
  delivery.Bind(3, expected);
  delivery.Bind(4, DeliveryStateName(CombineParts(states)));
  delivery.BindText(5, error);
  delivery.Bind(6, time);
  return delivery.Run();
}

void StoreRows::ReadAttempts(TextRecord* text) {
  SqliteStatement& select = select_attempts_;
  select.Bind(1, static_cast<int64_t>(text->id));
  while (select.Next().value_or(false)) {
    AttemptRecord& record = text->records.emplace_back();
    record.attempt = static_cast<int>(select.Int(0));
    record.finish_time = absl::FromUnixMillis(select.Int(1));
    record.result = ParseResultName(select.TextView(2))
                        .value_or(TextResult::kInternalError);
    record.provider_id = select.Text(3);
    record.segments = static_cast<int>(select.Int(4));
  }
  select.Reset();
}

}  // namespace herald
