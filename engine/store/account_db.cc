#include "engine/store/account_db.h"

#include <sys/stat.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace herald {

AccountDb::AccountDb(std::string path, bool read_only, std::string vfs)
    : path_(std::move(path)), read_only_(read_only), vfs_(std::move(vfs)) {}

bool AccountDb::Exists() const {
  struct stat info;
  return ::stat(path_.c_str(), &info) == 0;
}

absl::StatusOr<AccountDb::Connection> AccountDb::Connect(
    const char* schema) const {
  sqlite3* handle = nullptr;
  const int rc =
      sqlite3_open_v2(path_.c_str(), &handle,
                      read_only_ ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                       SQLITE_OPEN_NOMUTEX,
                      vfs_.empty() ? nullptr : vfs_.c_str());
  Connection connection(&path_, handle);
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat(
        path_, ": cannot open the account's database: ",
        handle != nullptr ? sqlite3_errmsg(handle) : sqlite3_errstr(rc)));
  }
  if (absl::Status s = connection.db().Exec("PRAGMA busy_timeout=5000");
      !s.ok()) {
    return s;
  }
  if (schema != nullptr && !read_only_ && !Applied(schema)) {
    ::chmod(path_.c_str(), 0600);  // numbers: the owner's only
    for (const char* sql : {"PRAGMA journal_mode=WAL", schema}) {
      if (absl::Status s = connection.db().Exec(sql); !s.ok()) return s;
    }
    std::lock_guard lock(schemas_mu_);
    applied_schemas_.insert(schema);
  }
  return connection;
}

bool AccountDb::Applied(const char* schema) const {
  std::lock_guard lock(schemas_mu_);
  return applied_schemas_.contains(schema);
}

absl::Status AccountDb::Writable(absl::string_view what) const {
  if (!read_only_) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(what, ": the engine was opened read_only"));
}

}  // namespace herald
