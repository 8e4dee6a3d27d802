#include "engine/store/query_indexes.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"

namespace herald {
namespace {

// texts(state): the states filter and its count; texts(to_number): the
// toNumber filter; texts(modified): intervalBegin/End and stats' begin/end.
// A batch is a range of ids, the primary key.
constexpr char kCreate[] =
    "CREATE INDEX IF NOT EXISTS texts_state ON texts (state);"
    "CREATE INDEX IF NOT EXISTS texts_to_number ON texts (to_number);"
    "CREATE INDEX IF NOT EXISTS texts_modified ON texts (modified);";
constexpr char kDrop[] =
    "BEGIN IMMEDIATE;"
    "DROP INDEX IF EXISTS texts_state;"
    "DROP INDEX IF EXISTS texts_to_number;"
    "DROP INDEX IF EXISTS texts_modified;"
    "COMMIT;";
constexpr int kIndexes = 3;

// Asked by SQLite every thousand steps of the build: nonzero stops it.
int Cancelled(void* cancelled) {
  return (*static_cast<const std::function<bool()>*>(cancelled))() ? 1 : 0;
}

absl::StatusOr<int64_t> Count(const SqliteDb& db, const char* sql) {
  absl::StatusOr<SqliteStatement> select = SqliteStatement::Prepare(db, sql);
  if (!select.ok()) return select.status();
  absl::StatusOr<bool> row = select->Next();
  if (!row.ok()) return row.status();
  return *row ? select->Int(0) : 0;
}

}  // namespace

absl::StatusOr<bool> HasQueryIndexes(const SqliteDb& db) {
  absl::StatusOr<int64_t> n = Count(
      db,
      "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
      "('texts_state', 'texts_to_number', 'texts_modified')");
  if (!n.ok()) return n.status();
  return *n == kIndexes;
}

absl::StatusOr<bool> HasTexts(const SqliteDb& db) {
  absl::StatusOr<int64_t> n = Count(db, "SELECT EXISTS (SELECT 1 FROM texts)");
  if (!n.ok()) return n.status();
  return *n != 0;
}

absl::Status DropQueryIndexes(const SqliteDb& db) {
  absl::Status s = db.Exec(kDrop);
  if (!s.ok()) db.Exec("ROLLBACK").IgnoreError();
  return s;
}

absl::Status BuildQueryIndexes(const std::string& path, const std::string& vfs,
                               const std::function<bool()>& cancelled) {
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &handle,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                 vfs.empty() ? nullptr : vfs.c_str());
  const SqliteDb db{handle, &path};
  absl::Status s = rc == SQLITE_OK ? absl::OkStatus() : db.Error(rc);
  if (s.ok()) {
    sqlite3_progress_handler(handle, 1000, Cancelled,
                             const_cast<std::function<bool()>*>(&cancelled));
    // A sort of 10 M keys in memory rather than through temporary files.
    s = db.Exec("PRAGMA cache_size=-65536; PRAGMA busy_timeout=5000");
  }
  if (s.ok()) s = db.Exec("BEGIN IMMEDIATE");
  if (s.ok()) {
    s = db.Exec(kCreate);
    if (s.ok()) s = db.Exec("COMMIT");
    if (!s.ok()) {
      sqlite3_progress_handler(handle, 0, nullptr, nullptr);
      db.Exec("ROLLBACK").IgnoreError();
    }
  }
  sqlite3_close_v2(handle);
  if (!s.ok() && cancelled()) {
    return absl::CancelledError(
        absl::StrCat(path, ": the query indexes' build was cancelled"));
  }
  return s;
}

}  // namespace herald
