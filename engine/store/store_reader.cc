#include "engine/store/store_reader.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/sqlite.h"

namespace herald {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// The columns ReadTextRows reads, in its order.
constexpr char kTextColumns[] =
    "SELECT id, batch_id, recipient_id, line, to_number, state, result, "
    "attempts, message, segments, zone, reason, created, modified FROM texts";

using Db = SqliteDb;
using Statement = SqliteStatement;

// A read transaction: the statements run inside it see one committed state
// of the store, however many commits the writer makes meanwhile.
// Counts a reader keeps (StoreReader::counts_).
constexpr size_t kMaxCachedCounts = 256;

class Snapshot {
 public:
  explicit Snapshot(const Db& db) : db_(db) {}
  ~Snapshot() {
    // A read transaction has nothing to keep or lose.
    if (begun_) sqlite3_exec(db_.handle, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  absl::Status Begin() {
    absl::Status status = db_.Exec("BEGIN");
    begun_ = status.ok();
    return status;
  }

 private:
  Db db_;
  bool begun_ = false;
};

// The first whole unix millisecond at or after `t`, so that "modified >= ms"
// means "at or after t" and "modified < ms" means "before t".
int64_t CeilMillis(absl::Time t) {
  int64_t ms = absl::ToUnixMillis(t);
  if (absl::FromUnixMillis(ms) < t) ++ms;
  return ms;
}

// Appends to `conditions` and `params` the range [begin, end) on `column`.
void AddRange(absl::string_view column, absl::Time begin, absl::Time end,
              std::vector<std::string>* conditions,
              std::vector<Statement::Param>* params) {
  if (begin != absl::InfinitePast()) {
    conditions->push_back(absl::StrCat(column, " >= ?"));
    params->push_back(CeilMillis(begin));
  }
  if (end != absl::InfiniteFuture()) {
    conditions->push_back(absl::StrCat(column, " < ?"));
    params->push_back(CeilMillis(end));
  }
}

std::string WhereClause(const std::vector<std::string>& conditions) {
  if (conditions.empty()) return "";
  return absl::StrCat(" WHERE ", absl::StrJoin(conditions, " AND "));
}

// "column IN (?,?,?)" with `names` added to `params`.
template <typename T, typename NameOf>
std::string InList(absl::string_view column, const std::vector<T>& values,
                   NameOf name_of, std::vector<Statement::Param>* params) {
  std::vector<absl::string_view> marks(values.size(), "?");
  for (const T& value : values) params->push_back(std::string(name_of(value)));
  return absl::StrCat(column, " IN (", absl::StrJoin(marks, ","), ")");
}

absl::StatusOr<RecipientState> StateOf(const Db& db, absl::string_view where,
                                       const std::string& name) {
  std::optional<RecipientState> state = ParseStateName(name);
  if (!state.has_value()) return db.BadValue(where, "state", name);
  return *state;
}

// nullopt for NULL.
absl::StatusOr<std::optional<TextResult>> ResultOf(const Db& db,
                                                   absl::string_view where,
                                                   const Statement& row,
                                                   int column) {
  if (row.IsNull(column)) return std::nullopt;
  const std::string name = row.Text(column);
  std::optional<TextResult> result = ParseResultName(name);
  if (!result.has_value()) return db.BadValue(where, "result", name);
  return result;
}

// The rows `statement` selects (kTextColumns), in its order.
absl::StatusOr<std::vector<TextRecord>> ReadTextRows(
    Statement* statement, const std::string& from_number) {
  std::vector<TextRecord> texts;
  while (true) {
    absl::StatusOr<bool> row = statement->Next();
    if (!row.ok()) return row.status();
    if (!*row) return texts;
    TextRecord& text = texts.emplace_back();
    text.id = statement->Int(0);
    const std::string where = absl::StrCat("texts ", text.id);
    text.batch_id = statement->Int(1);
    text.recipient_id = statement->Int(2);
    text.line = statement->Int(3);
    text.to = statement->Int(4);  // NULL reads as 0: no number
    text.from = from_number;
    absl::StatusOr<RecipientState> state =
        StateOf(statement->db(), where, statement->Text(5));
    if (!state.ok()) return state.status();
    text.state = *state;
    absl::StatusOr<std::optional<TextResult>> result =
        ResultOf(statement->db(), where, *statement, 6);
    if (!result.ok()) return result.status();
    text.result = *result;
    text.attempts = statement->Int(7);
    text.message = statement->Text(8);
    text.segments = statement->Int(9);
    text.zone = statement->Text(10);
    text.reason = statement->Text(11);
    text.created = absl::FromUnixMillis(statement->Int(12));
    text.modified = absl::FromUnixMillis(statement->Int(13));
  }
}

// A JSON array of `ids`: bound as the one parameter of json_each(), it
// puts any number of ids in one prepared statement.
std::string IdsJson(absl::Span<const uint64_t> ids) {
  return absl::StrCat("[", absl::StrJoin(ids, ","), "]");
}

// Adds their attempts to `texts`, which are sorted by id.
// `deliveries`: the store has the table (StoreReader::has_deliveries_).
absl::Status AddAttempts(const Db& db, bool deliveries,
                         std::vector<TextRecord>* texts) {
  if (texts->empty()) return absl::OkStatus();
  std::vector<uint64_t> ids;
  ids.reserve(texts->size());
  for (const TextRecord& text : *texts) ids.push_back(text.id);
  absl::StatusOr<Statement> statement = Statement::Prepare(
      db, absl::StrCat(
              "SELECT a.text_id, a.attempt, a.finish_time, a.result, "
              "a.provider_id, a.segments, ",
              deliveries ? "d.state, d.error, d.time FROM attempts AS a "
                           "LEFT JOIN deliveries AS d "
                           "ON d.text_id = a.text_id AND d.attempt = a.attempt "
                         : "NULL, NULL, NULL FROM attempts AS a ",
              "WHERE a.text_id IN (SELECT value FROM json_each(?)) "
              "ORDER BY a.text_id, a.attempt"));
  if (!statement.ok()) return statement.status();
  absl::Status status = statement->Bind({IdsJson(ids)});
  if (!status.ok()) return status;
  auto by_id = [](const TextRecord& text, uint64_t id) { return text.id < id; };
  while (true) {
    absl::StatusOr<bool> row = statement->Next();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    const uint64_t text_id = statement->Int(0);
    auto text = std::lower_bound(texts->begin(), texts->end(), text_id, by_id);
    AttemptRecord& record = text->records.emplace_back();
    record.attempt = statement->Int(1);
    record.finish_time = absl::FromUnixMillis(statement->Int(2));
    const std::string where =
        absl::StrCat("attempts ", text_id, " #", record.attempt);
    absl::StatusOr<std::optional<TextResult>> result =
        ResultOf(db, where, *statement, 3);
    if (!result.ok()) return result.status();
    if (!result->has_value()) return db.BadValue(where, "result", "NULL");
    record.result = **result;
    record.provider_id = statement->Text(4);
    record.segments = statement->Int(5);
    if (statement->IsNull(6)) continue;
    const std::optional<DeliveryState> delivery =
        ParseDeliveryStateName(statement->TextView(6));
    if (!delivery.has_value()) {
      return db.BadValue(where, "deliveries.state", statement->Text(6));
    }
    record.delivery_state = *delivery;
    record.delivery_error = statement->Text(7);
    record.delivery_time = absl::FromUnixMillis(statement->Int(8));
  }
}

// Adds `n` texts in `state` with `result` to the range counts of `counts`,
// each in the count CountOf gives it.
void CountTexts(RecipientState state, std::optional<TextResult> result,
                uint64_t n, StoreCounts* counts) {
  const TextCount count = CountOf(state, result);
  if (count == TextCount::kSent) {
    counts->sent += n;
  } else if (IsFinal(state)) {
    counts->unsent += n;
  }
  switch (count) {
    case TextCount::kNone:
    case TextCount::kSent:
      return;
    case TextCount::kCallback:
      counts->callback += n;
      return;
    case TextCount::kTooBig:
      counts->too_big += n;
      return;
    case TextCount::kDnc:
      counts->dnc += n;
      return;
    case TextCount::kDup:
      counts->dup += n;
      return;
    case TextCount::kInvalid:
      counts->invalid += n;
      return;
    case TextCount::kTimeout:
      counts->timeout += n;
      return;
    case TextCount::kSkipped:
      counts->skipped += n;
      return;
    case TextCount::kError:
      counts->errors += n;
      return;
  }
}

// A batch's texts rows over the whole broadcast, and how many are final.
struct Settled {
  uint64_t rows = 0;
  uint64_t final_rows = 0;
};

std::string ZoneName(std::string zone) {
  return zone.empty() ? "unknown" : zone;
}

// Runs `sql` with `params` and calls `on_row` with each row until it
// returns an error.
template <typename OnRow>
absl::Status ForEachRow(const Db& db, const std::string& sql,
                        const std::vector<Statement::Param>& params,
                        OnRow on_row) {
  absl::StatusOr<Statement> statement = Statement::Prepare(db, sql);
  if (!statement.ok()) return statement.status();
  absl::Status status = statement->Bind(params);
  while (status.ok()) {
    absl::StatusOr<bool> row = statement->Next();
    if (!row.ok()) return row.status();
    if (!*row) break;
    status = on_row(*statement);
  }
  return status;
}

nlohmann::json CountsJson(const StoreCounts& counts, bool whole_broadcast) {
  nlohmann::json out = nlohmann::json::object();
  for (const CountField& field : kCountFields) {
    if (whole_broadcast || !field.whole_broadcast) {
      out[field.name] = counts.*field.count;
    }
  }
  return out;
}

}  // namespace

StoreReader::StoreReader(std::string path, sqlite3* db)
    : path_(std::move(path)), db_(db) {}

StoreReader::~StoreReader() { sqlite3_close(db_); }

absl::StatusOr<std::unique_ptr<StoreReader>> StoreReader::Open(
    const std::string& db_path) {
  struct stat info;
  if (stat(db_path.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat(
          db_path, ": no herald store (run `herald run --state DIR` first)"));
    }
    return absl::InternalError(absl::StrCat(db_path, ": ", strerror(errno)));
  }
  sqlite3* handle = nullptr;
  const int rc =
      sqlite3_open_v2(db_path.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
  // Owned from here, even when opening failed.
  std::unique_ptr<StoreReader> reader(new StoreReader(db_path, handle));
  const Db db{handle, &reader->path_};
  if (rc != SQLITE_OK) return db.Error(rc);
  sqlite3_busy_timeout(handle, kBusyTimeoutMs);

  bool found = false;
  absl::Status status =
      ForEachRow(db, "SELECT run_id, from_number FROM broadcast WHERE id = 1",
                 {}, [&](const Statement& row) {
                   reader->run_id_ = row.Text(0);
                   reader->from_number_ = row.Text(1);
                   found = true;
                   return absl::OkStatus();
                 });
  if (!status.ok()) return status;
  if (!found) {
    return absl::FailedPreconditionError(
        absl::StrCat(db_path, ": the broadcast is not recorded yet"));
  }
  // A store an earlier herald wrote and no writer has opened since (this
  // connection only reads) has no receipts yet, nor their table.
  status = ForEachRow(db,
                      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                      "name = 'deliveries'",
                      {}, [&](const Statement&) {
                        reader->has_deliveries_ = true;
                        return absl::OkStatus();
                      });
  if (!status.ok()) return status;
  return reader;
}

absl::StatusOr<std::vector<TextRecord>> StoreReader::ReadTexts(
    absl::Span<const uint64_t> ids) {
  if (ids.empty()) return std::vector<TextRecord>();
  const Db db{db_, &path_};
  Snapshot snapshot(db);
  absl::Status status = snapshot.Begin();
  if (!status.ok()) return status;
  absl::StatusOr<Statement> statement = Statement::Prepare(
      db, absl::StrCat(kTextColumns,
                       " WHERE id IN (SELECT value FROM json_each(?)) "
                       "ORDER BY id"));
  if (!statement.ok()) return statement.status();
  status = statement->Bind({IdsJson(ids)});
  if (!status.ok()) return status;
  absl::StatusOr<std::vector<TextRecord>> found =
      ReadTextRows(&*statement, from_number_);
  if (!found.ok()) return found.status();
  status = AddAttempts(db, has_deliveries_, &*found);
  if (!status.ok()) return status;

  std::vector<TextRecord> texts;
  texts.reserve(found->size());
  for (uint64_t id : ids) {
    auto it = std::lower_bound(
        found->begin(), found->end(), id,
        [](const TextRecord& text, uint64_t id) { return text.id < id; });
    if (it != found->end() && it->id == id) texts.push_back(*it);
  }
  return texts;
}

absl::StatusOr<uint64_t> StoreReader::CountMatches(
    const std::string& where, const std::vector<Statement::Param>& params) {
  const Db db{db_, &path_};
  // The snapshot starts with its first read; data_version is then that
  // snapshot's, and changes whenever another connection has committed.
  int64_t version = -1;
  absl::Status status =
      ForEachRow(db,
                 "SELECT (SELECT count(*) FROM broadcast), data_version FROM "
                 "pragma_data_version",
                 {}, [&](const Statement& row) {
                   version = row.Int(1);
                   return absl::OkStatus();
                 });
  if (!status.ok()) return status;
  if (version != counts_version_ || counts_.size() >= kMaxCachedCounts) {
    counts_.clear();
    counts_version_ = version;
  }
  std::string key = where;
  for (const Statement::Param& param : params) {
    absl::StrAppend(&key, "\x1f",
                    std::holds_alternative<int64_t>(param)
                        ? absl::StrCat(std::get<int64_t>(param))
                        : std::get<std::string>(param));
  }
  if (auto cached = counts_.find(key); cached != counts_.end()) {
    return cached->second;
  }
  uint64_t count = 0;
  status = ForEachRow(db, absl::StrCat("SELECT count(*) FROM texts", where),
                      params, [&](const Statement& row) {
                        count = row.Int(0);
                        return absl::OkStatus();
                      });
  if (!status.ok()) return status;
  counts_[key] = count;
  return count;
}

absl::StatusOr<TextPage> StoreReader::FindTexts(const TextQuery& query) {
  if (query.limit < 0 || query.limit > kMaxTextPageLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit ", query.limit, ": must be from 0 to ", kMaxTextPageLimit));
  }
  TextPage page;
  page.offset = query.offset;
  page.limit = query.limit;
  if (query.from.has_value() && !SameNumber(*query.from, from_number_)) {
    return page;
  }

  std::vector<std::string> conditions;
  std::vector<Statement::Param> params;
  if (!query.states.empty()) {
    conditions.push_back(InList("state", query.states, StateName, &params));
  }
  if (!query.results.empty()) {
    conditions.push_back(InList("result", query.results, ResultName, &params));
  }
  if (query.batch.has_value()) {
    // A batch's texts are a range of ids (TextId): the primary key finds it.
    conditions.push_back("id >= ? AND id < ?");
    params.push_back(static_cast<int64_t>(TextId(*query.batch, 0)));
    params.push_back(static_cast<int64_t>(TextId(*query.batch + 1, 0)));
  }
  if (query.to.has_value()) {
    conditions.push_back("to_number = ?");
    params.push_back(static_cast<int64_t>(*query.to));
  }
  AddRange("modified", query.since, query.until, &conditions, &params);
  const std::string where = WhereClause(conditions);

  const Db db{db_, &path_};
  Snapshot snapshot(db);
  absl::Status status = snapshot.Begin();
  if (!status.ok()) return status;
  absl::StatusOr<uint64_t> count = CountMatches(where, params);
  if (!count.ok()) return count.status();
  page.total_count = *count;
  if (query.limit == 0 || query.offset >= page.total_count) return page;

  absl::StatusOr<Statement> statement = Statement::Prepare(
      db, absl::StrCat(kTextColumns, where, " ORDER BY id LIMIT ? OFFSET ?"));
  if (!statement.ok()) return statement.status();
  params.push_back(int64_t{query.limit});
  params.push_back(static_cast<int64_t>(query.offset));
  status = statement->Bind(params);
  if (!status.ok()) return status;
  absl::StatusOr<std::vector<TextRecord>> items =
      ReadTextRows(&*statement, from_number_);
  if (!items.ok()) return items.status();
  status = AddAttempts(db, has_deliveries_, &*items);
  if (!status.ok()) return status;
  page.items = *std::move(items);
  return page;
}

namespace {

// Adds the sent texts modified in [begin, end) to the delivery counts of
// `stats` and `batches` by their last attempt's receipts: delivered,
// otherwise final, or (the rest of `sent`) pending.
absl::Status CountDeliveries(const Db& db, bool deliveries, absl::Time begin,
                             absl::Time end, StoreStats* stats,
                             std::map<uint32_t, StoreStats::Batch>* batches) {
  std::vector<std::string> conditions = {"t.state = ?", "t.result = ?"};
  std::vector<Statement::Param> params = {
      std::string(StateName(RecipientState::kFinished)),
      std::string(ResultName(TextResult::kSent))};
  AddRange("t.modified", begin, end, &conditions, &params);
  // A store without the table has no receipts: every sent text pending.
  absl::Status status = absl::OkStatus();
  if (deliveries) {
    status = ForEachRow(
        db,
        absl::StrCat("SELECT t.batch_id, t.zone, d.state, count(*) FROM texts "
                     "AS t JOIN deliveries AS d ON d.text_id = t.id AND "
                     "d.attempt = t.attempts",
                     WhereClause(conditions), " GROUP BY 1, 2, 3"),
        params, [&](const Statement& row) -> absl::Status {
          const std::optional<DeliveryState> state =
              ParseDeliveryStateName(row.TextView(2));
          if (!state.has_value()) {
            return db.BadValue("deliveries", "state", row.Text(2));
          }
          if (!IsFinal(*state)) return absl::OkStatus();
          uint64_t StoreCounts::*count = *state == DeliveryState::kDelivered
                                             ? &StoreCounts::delivered
                                             : &StoreCounts::undelivered;
          const uint64_t n = row.Int(3);
          stats->counts.*count += n;
          (*batches)[row.Int(0)].counts.*count += n;
          stats->zones[ZoneName(row.Text(1))].*count += n;
          return absl::OkStatus();
        });
  }
  if (!status.ok()) return status;
  const auto pending = [](StoreCounts& counts) {
    counts.delivery_pending =
        counts.sent -
        std::min(counts.sent, counts.delivered + counts.undelivered);
  };
  pending(stats->counts);
  for (auto& [id, batch] : *batches) pending(batch.counts);
  for (auto& [zone, counts] : stats->zones) pending(counts);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<absl::Time>> StoreReader::LastSentTo(
    PhoneNumber to) {
  std::optional<absl::Time> last;
  absl::Status status = ForEachRow(
      Db{db_, &path_},
      "SELECT max(modified) FROM texts WHERE to_number = ? AND state = ? AND "
      "result = ?",
      {static_cast<int64_t>(to),
       std::string(StateName(RecipientState::kFinished)),
       std::string(ResultName(TextResult::kSent))},
      [&](const Statement& row) {
        if (!row.IsNull(0)) last = absl::FromUnixMillis(row.Int(0));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return last;
}

absl::StatusOr<uint64_t> StoreReader::PendingEvents() {
  uint64_t count = 0;
  absl::Status status =
      ForEachRow(Db{db_, &path_}, "SELECT count(*) FROM events", {},
                 [&](const Statement& row) {
                   count = static_cast<uint64_t>(row.Int(0));
                   return absl::OkStatus();
                 });
  if (!status.ok()) return status;
  return count;
}

absl::StatusOr<StoreStats> StoreReader::Stats(absl::Time begin,
                                              absl::Time end) {
  StoreStats stats;
  stats.begin = begin;
  stats.end = end;
  std::map<uint32_t, StoreStats::Batch> batches;
  std::map<uint32_t, Settled> settled;
  const bool whole =
      begin == absl::InfinitePast() && end == absl::InfiniteFuture();

  const Db db{db_, &path_};
  Snapshot snapshot(db);
  absl::Status status = snapshot.Begin();
  if (!status.ok()) return status;
  status = ForEachRow(db, "SELECT id, path, size FROM batches", {},
                      [&](const Statement& row) {
                        StoreStats::Batch& batch = batches[row.Int(0)];
                        batch.path = row.Text(1);
                        if (!row.IsNull(2)) batch.size = row.Int(2);
                        return absl::OkStatus();
                      });
  if (!status.ok()) return status;

  std::vector<std::string> conditions;
  std::vector<Statement::Param> params;
  AddRange("modified", begin, end, &conditions, &params);
  status = ForEachRow(
      db,
      absl::StrCat("SELECT batch_id, zone, state, result, count(*) FROM texts",
                   WhereClause(conditions), " GROUP BY 1, 2, 3, 4"),
      params, [&](const Statement& row) -> absl::Status {
        absl::StatusOr<RecipientState> state =
            StateOf(db, "texts", row.Text(2));
        if (!state.ok()) return state.status();
        absl::StatusOr<std::optional<TextResult>> result =
            ResultOf(db, "texts", row, 3);
        if (!result.ok()) return result.status();
        const uint32_t batch = row.Int(0);
        const uint64_t n = row.Int(4);
        CountTexts(*state, *result, n, &stats.counts);
        CountTexts(*state, *result, n, &batches[batch].counts);
        CountTexts(*state, *result, n, &stats.zones[ZoneName(row.Text(1))]);
        if (result->has_value()) {
          stats.results[std::string(ResultName(**result))] += n;
        }
        if (whole) {
          settled[batch].rows += n;
          if (IsFinal(*state)) settled[batch].final_rows += n;
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (!whole) {
    status = ForEachRow(
        db, "SELECT batch_id, state, count(*) FROM texts GROUP BY 1, 2", {},
        [&](const Statement& row) -> absl::Status {
          absl::StatusOr<RecipientState> state =
              StateOf(db, "texts", row.Text(1));
          if (!state.ok()) return state.status();
          Settled& batch = settled[row.Int(0)];
          batch.rows += row.Int(2);
          if (IsFinal(*state)) batch.final_rows += row.Int(2);
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
  }

  conditions.clear();
  params.clear();
  AddRange("a.finish_time", begin, end, &conditions, &params);
  status =
      ForEachRow(db,
                 absl::StrCat("SELECT a.text_id / ", kTextIdBatchFactor,
                              ", t.zone, sum(a.segments) FROM attempts AS a "
                              "LEFT JOIN texts AS t ON t.id = a.text_id",
                              WhereClause(conditions), " GROUP BY 1, 2"),
                 params, [&](const Statement& row) {
                   const uint64_t segments = row.Int(2);
                   stats.counts.segments += segments;
                   batches[row.Int(0)].counts.segments += segments;
                   stats.zones[ZoneName(row.Text(1))].segments += segments;
                   return absl::OkStatus();
                 });
  if (!status.ok()) return status;
  status = CountDeliveries(db, has_deliveries_, begin, end, &stats, &batches);
  if (!status.ok()) return status;

  for (auto& [id, batch] : batches) {
    batch.id = id;
    const Settled& rows = settled[id];
    StoreCounts& counts = batch.counts;
    counts.total = batch.size.value_or(rows.rows);
    counts.total_outbound = counts.total;
    counts.remaining_outbound =
        counts.total - std::min(counts.total, rows.final_rows);
    stats.counts.total += counts.total;
    stats.counts.total_outbound += counts.total_outbound;
    stats.counts.remaining_outbound += counts.remaining_outbound;
    stats.batches.push_back(std::move(batch));
  }
  return stats;
}

nlohmann::json StatsJson(const StoreStats& stats) {
  nlohmann::json out = CountsJson(stats.counts, true);
  if (stats.begin != absl::InfinitePast()) {
    out["begin"] = absl::ToUnixMillis(stats.begin);
  }
  if (stats.end != absl::InfiniteFuture()) {
    out["end"] = absl::ToUnixMillis(stats.end);
  }
  nlohmann::json batches = nlohmann::json::array();
  for (const StoreStats::Batch& batch : stats.batches) {
    nlohmann::json item = CountsJson(batch.counts, true);
    item["id"] = batch.id;
    item["file"] = batch.path;
    item["size"] =
        batch.size.has_value() ? nlohmann::json(*batch.size) : nlohmann::json();
    batches.push_back(std::move(item));
  }
  out["batches"] = std::move(batches);
  nlohmann::json zones = nlohmann::json::object();
  for (const auto& [zone, counts] : stats.zones) {
    zones[zone] = CountsJson(counts, false);
  }
  out["zones"] = std::move(zones);
  out["results"] = stats.results;
  return out;
}

nlohmann::json TextPageJson(const TextPage& page,
                            const std::string& campaign_id) {
  nlohmann::json items = nlohmann::json::array();
  for (const TextRecord& text : page.items) {
    items.push_back(TextJson(text, campaign_id));
  }
  return {{"items", std::move(items)},
          {"offset", page.offset},
          {"limit", page.limit},
          {"totalCount", page.total_count}};
}

}  // namespace herald
