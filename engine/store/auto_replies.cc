#include "engine/store/auto_replies.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace herald {
namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS auto_replies ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL,"
    "  keyword TEXT NOT NULL,"
    "  match TEXT NOT NULL,"
    "  message TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS auto_replies_number ON auto_replies (number);";

constexpr char kSelect[] = "SELECT id, number, keyword, match, message";

AutoReply ReplyOf(const SqliteStatement& row) {
  return {row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)};
}

}  // namespace

absl::StatusOr<int64_t> AutoReplies::Create(const AutoReply& reply) {
  if (absl::Status s = db_->Writable("auto-replies"); !s.ok()) return s;
  if (reply.number.empty()) {
    return absl::InvalidArgumentError("number: an auto-reply needs a number");
  }
  if (reply.message.empty()) {
    return absl::InvalidArgumentError("message: an auto-reply needs a message");
  }
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  int64_t id = 0;
  absl::Status s = connection->Write([&]() -> absl::Status {
    absl::StatusOr<SqliteStatement> insert = SqliteStatement::Prepare(
        connection->db(),
        "INSERT INTO auto_replies (number, keyword, match, message) "
        "VALUES (?1, ?2, ?3, ?4)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, reply.number);
    insert->Bind(2, reply.keyword);
    insert->Bind(3, reply.match);
    insert->Bind(4, reply.message);
    if (absl::Status s = insert->Run(); !s.ok()) return s;
    id = sqlite3_last_insert_rowid(connection->db().handle);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return id;
}

absl::StatusOr<AutoReply> AutoReplies::Get(int64_t id) const {
  const absl::Status not_found =
      absl::NotFoundError(absl::StrCat("no auto-reply ", id));
  if (!db_->Exists()) return not_found;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<SqliteStatement> select = SqliteStatement::Prepare(
      connection->db(),
      absl::StrCat(kSelect, " FROM auto_replies WHERE id = ?1"));
  if (!select.ok()) return select.status();
  select->Bind(1, id);
  absl::StatusOr<bool> row = select->Next();
  if (!row.ok()) return row.status();
  if (!*row) return not_found;
  return ReplyOf(*select);
}

absl::Status AutoReplies::Delete(int64_t id) {
  if (absl::Status s = db_->Writable("auto-replies"); !s.ok()) return s;
  if (absl::StatusOr<AutoReply> reply = Get(id); !reply.ok()) {
    return reply.status();
  }
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  return connection->Write([&]() -> absl::Status {
    absl::StatusOr<SqliteStatement> remove = SqliteStatement::Prepare(
        connection->db(), "DELETE FROM auto_replies WHERE id = ?1");
    if (!remove.ok()) return remove.status();
    remove->Bind(1, id);
    return remove->Run();
  });
}

absl::StatusOr<AutoReplyPage> AutoReplies::Find(
    const std::optional<std::string>& number, uint64_t offset,
    int limit) const {
  if (limit < 0 || limit > kMaxTextPageLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit: expected 0 to ", kMaxTextPageLimit, ", got ", limit));
  }
  AutoReplyPage page;
  page.offset = offset;
  page.limit = limit;
  if (!db_->Exists()) return page;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  const std::string from = absl::StrCat(
      " FROM auto_replies", number.has_value() ? " WHERE number = ?1" : "");
  absl::Status s = ReadAccountPage(
      connection->db(), kSelect, from,
      [&](SqliteStatement& statement) {
        if (number.has_value()) statement.Bind(1, *number);
      },
      offset, limit, &page.total_count,
      [&](const SqliteStatement& row) { page.items.push_back(ReplyOf(row)); });
  if (!s.ok()) return s;
  return page;
}

}  // namespace herald
