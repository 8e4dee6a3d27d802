#include "engine/base/sqlite.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace herald {

absl::Status SqliteDb::Error(int rc) const {
  const std::string message = absl::StrCat(
      path != nullptr ? *path : "?", ": ",
      handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status SqliteDb::BadValue(absl::string_view where, absl::string_view what,
                                absl::string_view value) const {
  return absl::DataLossError(absl::StrCat(path != nullptr ? *path : "?", ": ",
                                          where, ": unknown ", what, " \"",
                                          value, "\""));
}

absl::Status SqliteDb::Exec(const char* sql) const {
  const int rc = sqlite3_exec(handle, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? absl::OkStatus() : Error(rc);
}

absl::StatusOr<SqliteStatement> SqliteStatement::Prepare(const SqliteDb& db,
                                                         absl::string_view sql,
                                                         Use use) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(
      db.handle, sql.data(), static_cast<int>(sql.size()),
      use == Use::kOften ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return db.Error(rc);
  return SqliteStatement(db, stmt);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::Bind(int i, int64_t value) {
  sqlite3_bind_int64(stmt_, i, value);
}

void SqliteStatement::Bind(int i, absl::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()),
                    SQLITE_STATIC);
}

void SqliteStatement::BindText(int i, absl::string_view text) {
  if (text.empty()) {
    BindNull(i);
  } else {
    Bind(i, text);
  }
}

void SqliteStatement::BindNull(int i) { sqlite3_bind_null(stmt_, i); }

absl::Status SqliteStatement::Bind(const std::vector<Param>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const int rc =
        std::holds_alternative<int64_t>(params[i])
            ? sqlite3_bind_int64(stmt_, index, std::get<int64_t>(params[i]))
            : sqlite3_bind_text(
                  stmt_, index, std::get<std::string>(params[i]).data(),
                  std::get<std::string>(params[i]).size(), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) return db_.Error(rc);
  }
  return absl::OkStatus();
}

absl::Status SqliteStatement::Run() {
  const int rc = sqlite3_step(stmt_);
  sqlite3_reset(stmt_);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return absl::OkStatus();
  return db_.Error(rc);
}

absl::StatusOr<bool> SqliteStatement::Next() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_.Error(rc);
}

void SqliteStatement::Reset() { sqlite3_reset(stmt_); }

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t SqliteStatement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

absl::string_view SqliteStatement::TextView(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return absl::string_view(reinterpret_cast<const char*>(text),
                           sqlite3_column_bytes(stmt_, column));
}

}  // namespace herald
