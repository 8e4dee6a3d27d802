// The account's database in the state directory (account.db): what belongs
// to no broadcast (the do-not-contact list, auto-replies). Each call opens a
// connection of its own, so that no lock of herald's is held while SQLite
// reads or writes; SQLite's locking orders the writers.
#ifndef HERALD_ENGINE_STORE_ACCOUNT_DB_H_
#define HERALD_ENGINE_STORE_ACCOUNT_DB_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
  // which also makes the file (mode 0600) and puts it in WAL mode.
  absl::StatusOr<Connection> Connect(const char* schema = nullptr) const;

  // FailedPrecondition when open read only, naming what was to change.
  absl::Status Writable(absl::string_view what) const;

 private:
  const std::string path_;
  const bool read_only_;
  const std::string vfs_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_ACCOUNT_DB_H_
