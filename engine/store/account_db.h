// The account's database in the state directory (account.db): what belongs
// to no broadcast (the do-not-contact list, auto-replies). Each call opens a
// connection of its own, so that no lock of herald's is held while SQLite
// reads or writes; SQLite's locking orders the writers.
#ifndef HERALD_ENGINE_STORE_ACCOUNT_DB_H_
#define HERALD_ENGINE_STORE_ACCOUNT_DB_H_

#include <cstdint>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/base/sqlite.h"

namespace herald {

class AccountDb {
 public:
  // One connection, closed when it goes.
  class Connection {
   public:
    Connection(const std::string* path, sqlite3* handle) : db_{handle, path} {}
    Connection(Connection&& other) noexcept : db_(other.db_) {
      other.db_.handle = nullptr;
    }
    Connection& operator=(Connection&&) = delete;
    ~Connection() { sqlite3_close_v2(db_.handle); }

    const SqliteDb& db() const { return db_; }

    // Runs `body` in one write transaction, committed when it succeeds.
    template <typename Body>
    absl::Status Write(Body body) const {
      if (absl::Status s = db_.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
      absl::Status s = body();
      if (s.ok()) s = db_.Exec("COMMIT");
      if (!s.ok()) db_.Exec("ROLLBACK").IgnoreError();
      return s;
    }

   private:
    SqliteDb db_;
  };

  // `vfs`: the SQLite VFS, empty for the default. Opens nothing yet.
  AccountDb(std::string path, bool read_only, std::string vfs);

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  // Whether the file exists: a read-only account with none has nothing.
  bool Exists() const;

  // A new connection; with `schema` (statements) run first when writable,
  // which also makes the file (mode 0600) and puts it in WAL mode. A schema
  // (the same pointer: each table's constant) runs once per AccountDb: a
  // call about an auto-reply or a webhook then opens, and nothing more.
  absl::StatusOr<Connection> Connect(const char* schema = nullptr) const;

  // FailedPrecondition when open read only, naming what was to change.
  absl::Status Writable(absl::string_view what) const;

 private:
  // Whether `schema` ran on an earlier connection.
  bool Applied(const char* schema) const;

  const std::string path_;
  const bool read_only_;
  const std::string vfs_;
  mutable std::mutex schemas_mu_;
  mutable absl::flat_hash_set<const char*> applied_schemas_;  // (schemas_mu_)
};

// Reads a page of an account table in one snapshot: *total gets the count
// of `from` (" FROM table WHERE ...") and `each` is called with every row
// of `select` `from` ordered by id, `limit` of them after `offset`. `bind`
// binds the parameters of `from` to a statement.
template <typename Bind, typename Each>
absl::Status ReadAccountPage(const SqliteDb& db, absl::string_view select,
                             const std::string& from, Bind bind,
                             uint64_t offset, int limit, uint64_t* total,
                             Each each) {
  auto prepare =
      [&](const std::string& sql) -> absl::StatusOr<SqliteStatement> {
    absl::StatusOr<SqliteStatement> statement =
        SqliteStatement::Prepare(db, sql);
    if (statement.ok()) bind(*statement);
    return statement;
  };
  if (absl::Status s = db.Exec("BEGIN"); !s.ok()) return s;
  // A read transaction has nothing to keep: it ends however this returns.
  struct End {
    const SqliteDb& db;
    ~End() { db.Exec("COMMIT").IgnoreError(); }
  } end{db};
  absl::StatusOr<SqliteStatement> count =
      prepare(absl::StrCat("SELECT count(*)", from));
  if (!count.ok()) return count.status();
  absl::StatusOr<bool> counted = count->Next();
  if (!counted.ok()) return counted.status();
  *total = *counted ? static_cast<uint64_t>(count->Int(0)) : 0;
  absl::StatusOr<SqliteStatement> rows = prepare(absl::StrCat(
      select, from, " ORDER BY id LIMIT ", limit, " OFFSET ", offset));
  if (!rows.ok()) return rows.status();
  for (;;) {
    absl::StatusOr<bool> row = rows->Next();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    each(*rows);
  }
}

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_ACCOUNT_DB_H_
