#include "engine/store/event_table.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace herald {
namespace {

// The store's writer holds the write lock only for a group commit; waiting
// longer than this for it would only hold up the consumer. A delete that
// gives up is tried again later.
constexpr int kBusyTimeoutMs = 250;

}  // namespace

absl::StatusOr<std::unique_ptr<EventTable>> EventTable::Open(
    const std::string& path, Table which) {
  const bool feed = which == Table::kFeedEvents;
  const absl::string_view table_name = feed ? "feed_events" : "events";
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<EventTable> table(new EventTable(path, db));
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot open the store: ",
                     db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  for (const auto& [statement, sql] :
       {std::pair{&table->read_,
                  absl::StrCat("SELECT seq, text_id, at, ",
                               feed ? "status" : "NULL", " FROM ", table_name,
                               " WHERE seq > ?1 ORDER BY seq LIMIT ?2")},
        {&table->delete_,
         absl::StrCat("DELETE FROM ", table_name, " WHERE seq <= ?1")},
        {&table->count_, absl::StrCat("SELECT COUNT(*) FROM ", table_name,
                                      " WHERE seq > ?1")}}) {
    absl::StatusOr<SqliteStatement> prepared = SqliteStatement::Prepare(
        table->db(), sql, SqliteStatement::Use::kOften);
    if (!prepared.ok()) {
      return table->Error(
          absl::StrCat("not a store with a table ", table_name));
    }
    *statement = *std::move(prepared);
  }
  return table;
}

EventTable::~EventTable() {
  // The statements first: a connection with statements left does not close.
  read_ = SqliteStatement();
  delete_ = SqliteStatement();
  count_ = SqliteStatement();
  sqlite3_close(db_);
}

absl::Status EventTable::ReadOldest(int limit, std::vector<StoreEvent>* out) {
  RetryDelete().IgnoreError();  // the read skips what it leaves
  out->clear();
  read_.Bind(1, consumed_through_.value_or(INT64_MIN));
  read_.Bind(2, int64_t{limit});
  absl::StatusOr<bool> row;
  while ((row = read_.Next()).value_or(false)) {
    out->push_back({read_.Int(0), static_cast<uint64_t>(read_.Int(1)),
                    read_.Int(2), read_.Text(3)});
  }
  read_.Reset();
  if (!row.ok()) return Error("cannot read events");
  return absl::OkStatus();
}

absl::Status EventTable::Consumed(int64_t seq) {
  consumed_through_ = seq;
  return RetryDelete();
}

absl::StatusOr<uint64_t> EventTable::CountLeft() {
  RetryDelete().IgnoreError();  // the count skips what it leaves
  count_.Bind(1, consumed_through_.value_or(INT64_MIN));
  absl::StatusOr<bool> row = count_.Next();
  const int64_t n = row.value_or(false) ? count_.Int(0) : -1;
  count_.Reset();
  if (n < 0) return Error("cannot count events");
  return static_cast<uint64_t>(n);
}

absl::Status EventTable::RetryDelete() {
  if (!consumed_through_) return absl::OkStatus();
  delete_.Bind(1, *consumed_through_);
  if (!delete_.Run().ok()) return Error("cannot delete consumed events");
  consumed_through_.reset();
  return absl::OkStatus();
}

absl::Status EventTable::Error(absl::string_view what) const {
  return absl::UnavailableError(
      absl::StrCat(path_, ": ", what, ": ", sqlite3_errmsg(db_)));
}

}  // namespace herald
