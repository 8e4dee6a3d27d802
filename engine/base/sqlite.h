// SQLite for herald's stores: a connection's errors named by its file, and
// prepared statements. The one wrapper the store's writer, its readers and
// the webhook notifier share.
#ifndef HERALD_ENGINE_BASE_SQLITE_H_
#define HERALD_ENGINE_BASE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace herald {

// A connection and the path of its database, for errors. Does not own the
// connection; `path` must outlive it.
struct SqliteDb {
  sqlite3* handle = nullptr;
  const std::string* path = nullptr;

  // "PATH: SQLite's message" with a code for `rc`: Unavailable when the
  // database is busy or locked (another connection holds it), DataLoss when
  // it is damaged or not a database, Internal otherwise (a full disk
  // included).
  absl::Status Error(int rc) const;
  // DataLoss "PATH: WHERE: unknown WHAT "VALUE"": a value this herald does
  // not know, in a row it reads.
  absl::Status BadValue(absl::string_view where, absl::string_view what,
                        absl::string_view value) const;
  // Runs `sql` (one or more statements returning no rows).
  absl::Status Exec(const char* sql) const;
};

// A prepared statement, finalized when it goes. Parameters are bound, never
// pasted into the SQL.
class SqliteStatement {
 public:
  using Param = std::variant<int64_t, std::string>;
  enum class Use { kOnce, kOften };

  // Prepares `sql` on `db`; kOften for a statement kept and run many times.
  static absl::StatusOr<SqliteStatement> Prepare(const SqliteDb& db,
                                                 absl::string_view sql,
                                                 Use use = Use::kOnce);

  SqliteStatement() = default;
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  ~SqliteStatement();

  // Bind ?I. The text is not copied: it must stay until the statement has
  // run (Run, or the last Next).
  void Bind(int i, int64_t value);
  void Bind(int i, absl::string_view text);
  // NULL for an empty text.
  void BindText(int i, absl::string_view text);
  void BindNull(int i);
  // Binds `params` to ?1, ?2, ... in order, texts copied.
  absl::Status Bind(const std::vector<Param>& params);

  // Runs a statement that returns no rows (or ignores them) and resets it
  // for the next use.
  absl::Status Run();
  // Steps to the next row: true when there is one, false after the last.
  absl::StatusOr<bool> Next();
  // Ready to run again, with its parameters kept.
  void Reset();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  // Valid until the next step or reset.
  absl::string_view TextView(int column) const;
  std::string Text(int column) const { return std::string(TextView(column)); }

  const SqliteDb& db() const { return db_; }

 private:
  SqliteStatement(const SqliteDb& db, sqlite3_stmt* stmt)
      : db_(db), stmt_(stmt) {}

  SqliteDb db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace herald

#endif  // HERALD_ENGINE_BASE_SQLITE_H_
