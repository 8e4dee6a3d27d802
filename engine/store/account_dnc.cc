#include "engine/store/account_dnc.h"

#include <mutex>
#include <utility>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/sqlite.h"

namespace herald {
namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS dnc ("
    "  number INTEGER PRIMARY KEY,"
    "  call INTEGER NOT NULL,"
    "  text INTEGER NOT NULL,"
    "  source TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"  // unix ms
    "  updated INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS dnc_source ON dnc (source);";

constexpr char kColumns[] =
    "SELECT number, call, text, source, created, updated FROM dnc";

DncEntry EntryOf(const SqliteStatement& row) {
  DncEntry entry;
  entry.number = static_cast<PhoneNumber>(row.Int(0));
  entry.call = row.Int(1) != 0;
  entry.text = row.Int(2) != 0;
  entry.source = row.Text(3);
  entry.created = absl::FromUnixMillis(row.Int(4));
  entry.updated = absl::FromUnixMillis(row.Int(5));
  return entry;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AccountDnc>> AccountDnc::Open(
    const AccountDb* db, Clock* clock) {
  std::unique_ptr<AccountDnc> list(new AccountDnc(db, clock));
  if (db->read_only() && !db->Exists()) return list;  // nothing ever added
  absl::StatusOr<AccountDb::Connection> connection = db->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<SqliteStatement> blocked = SqliteStatement::Prepare(
      connection->db(), "SELECT number FROM dnc WHERE text = 1");
  if (!blocked.ok()) return blocked.status();
  while (true) {
    absl::StatusOr<bool> row = blocked->Next();
    if (!row.ok()) return row.status();
    if (!*row) break;
    list->SetBlocked(static_cast<PhoneNumber>(blocked->Int(0)), true);
  }
  return list;
}

void AccountDnc::SetBlocked(PhoneNumber number, bool blocked) {
  Shard& shard = shards_[absl::HashOf(number) % kShards];
  std::unique_lock lock(shard.mu);
  if (blocked) {
    shard.numbers.insert(number);
  } else {
    shard.numbers.erase(number);
  }
}

bool AccountDnc::Blocks(PhoneNumber to) const {
  const Shard& shard = shards_[absl::HashOf(to) % kShards];
  std::shared_lock lock(shard.mu);
  return shard.numbers.contains(to);
}

absl::Status AccountDnc::Add(absl::Span<const PhoneNumber> numbers, bool call,
                             bool text, absl::string_view source) {
  if (absl::Status s = db_->Writable("the do-not-contact list"); !s.ok()) {
    return s;
  }
  // Blocked first: a failure below leaves the numbers blocked, never the
  // other way round.
  if (text) {
    for (PhoneNumber number : numbers) SetBlocked(number, true);
  }
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  const int64_t now = absl::ToUnixMillis(clock_->Now());
  absl::Status s = connection->Write([&]() -> absl::Status {
    absl::StatusOr<SqliteStatement> upsert = SqliteStatement::Prepare(
        connection->db(),
        "INSERT INTO dnc (number, call, text, source, created, updated) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (number) DO UPDATE SET "
        "call = ?2, text = ?3, source = ?4, updated = ?5",
        SqliteStatement::Use::kOften);
    if (!upsert.ok()) return upsert.status();
    for (PhoneNumber number : numbers) {
      upsert->Bind(1, static_cast<int64_t>(number));
      upsert->Bind(2, int64_t{call});
      upsert->Bind(3, int64_t{text});
      upsert->Bind(4, source);
      upsert->Bind(5, now);
      if (absl::Status s = upsert->Run(); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) {
    return absl::Status(
        s.code(),
        absl::StrCat(s.message(), text ? " (the numbers are not texted until "
                                         "herald restarts, but not kept)"
                                       : ""));
  }
  // An entry that no longer blocks texts: allowed again once it is stored.
  if (!text) {
    for (PhoneNumber number : numbers) SetBlocked(number, false);
  }
  return absl::OkStatus();
}

absl::StatusOr<DncEntry> AccountDnc::Get(PhoneNumber number) const {
  DncQuery query;
  query.numbers = {number};
  query.limit = 1;
  absl::StatusOr<DncPage> page = Find(query);
  if (!page.ok()) return page.status();
  if (page->items.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no do-not-contact entry for ", number));
  }
  return page->items.front();
}

absl::Status AccountDnc::Update(PhoneNumber number, bool call, bool text) {
  absl::StatusOr<DncEntry> entry = Get(number);
  if (!entry.ok()) return entry.status();
  return Add({number}, call, text, entry->source);
}

absl::StatusOr<uint64_t> AccountDnc::Remove(
    absl::Span<const PhoneNumber> numbers) {
  if (absl::Status s = db_->Writable("the do-not-contact list"); !s.ok()) {
    return s;
  }
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  uint64_t removed = 0;
  absl::Status s = connection->Write([&]() -> absl::Status {
    absl::StatusOr<SqliteStatement> remove = SqliteStatement::Prepare(
        connection->db(), "DELETE FROM dnc WHERE number = ?1",
        SqliteStatement::Use::kOften);
    if (!remove.ok()) return remove.status();
    for (PhoneNumber number : numbers) {
      remove->Bind(1, static_cast<int64_t>(number));
      if (absl::Status s = remove->Run(); !s.ok()) return s;
      removed += sqlite3_changes(connection->db().handle);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  for (PhoneNumber number : numbers) SetBlocked(number, false);
  return removed;
}

absl::StatusOr<uint64_t> AccountDnc::RemoveSource(absl::string_view source) {
  DncQuery query;
  query.source = std::string(source);
  query.limit = 0;
  absl::StatusOr<DncPage> counted = Find(query);
  if (!counted.ok()) return counted.status();
  std::vector<PhoneNumber> numbers;
  for (query.offset = 0; query.offset < counted->total_count;
       query.offset += kMaxTextPageLimit) {
    query.limit = kMaxTextPageLimit;
    absl::StatusOr<DncPage> page = Find(query);
    if (!page.ok()) return page.status();
    for (const DncEntry& entry : page->items) numbers.push_back(entry.number);
  }
  return Remove(numbers);
}

absl::StatusOr<bool> AccountDnc::OptOutByKeyword(const SqliteDb& db,
                                                 PhoneNumber number) {
  const bool news = !Blocks(number);
  SetBlocked(number, true);
  absl::StatusOr<SqliteStatement> upsert = SqliteStatement::Prepare(
      db,
      "INSERT INTO dnc (number, call, text, source, created, updated) "
      "VALUES (?1, 0, 1, ?2, ?3, ?3) ON CONFLICT (number) DO UPDATE SET "
      "source = CASE WHEN text = 1 THEN source ELSE ?2 END, text = 1, "
      "updated = ?3");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, static_cast<int64_t>(number));
  upsert->Bind(2, kKeywordDncSource);
  upsert->Bind(3, absl::ToUnixMillis(clock_->Now()));
  if (absl::Status s = upsert->Run(); !s.ok()) return s;
  return news;
}

absl::StatusOr<bool> AccountDnc::OptInByKeyword(const SqliteDb& db,
                                                PhoneNumber number) {
  // A keyword's entry that also blocks calls keeps that: only its text
  // flag was the keyword's doing.
  for (const char* sql :
       {"DELETE FROM dnc WHERE number = ?1 AND source = ?2 AND call = 0",
        "UPDATE dnc SET text = 0, updated = ?3 WHERE number = ?1 AND "
        "source = ?2"}) {
    absl::StatusOr<SqliteStatement> statement =
        SqliteStatement::Prepare(db, sql);
    if (!statement.ok()) return statement.status();
    statement->Bind(1, static_cast<int64_t>(number));
    statement->Bind(2, kKeywordDncSource);
    statement->Bind(3, absl::ToUnixMillis(clock_->Now()));
    if (absl::Status s = statement->Run(); !s.ok()) return s;
  }
  absl::StatusOr<SqliteStatement> blocked = SqliteStatement::Prepare(
      db, "SELECT 1 FROM dnc WHERE number = ?1 AND text = 1");
  if (!blocked.ok()) return blocked.status();
  blocked->Bind(1, static_cast<int64_t>(number));
  absl::StatusOr<bool> row = blocked->Next();
  if (!row.ok()) return row.status();
  if (*row) return false;
  SetBlocked(number, false);
  return true;
}

absl::StatusOr<DncPage> AccountDnc::Find(const DncQuery& query) const {
  if (query.limit < 0 || query.limit > kMaxTextPageLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit: expected 0 to ", kMaxTextPageLimit, ", got ", query.limit));
  }
  std::vector<std::string> conditions;
  std::vector<SqliteStatement::Param> params;
  // Built in place: moving a Param trips GCC 12's -Wmaybe-uninitialized at
  // -O2 (a false alarm about the variant's string).
  auto param = [&](const auto& value) {
    params.emplace_back(value);
    return absl::StrCat("?", params.size());
  };
  if (!query.prefix.empty()) {
    uint64_t prefix = 0;
    if (query.prefix.size() > 11 || !absl::SimpleAtoi(query.prefix, &prefix) ||
        !std::all_of(query.prefix.begin(), query.prefix.end(),
                     absl::ascii_isdigit)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "prefix: expected 1 to 11 digits, got \"", query.prefix, "\""));
    }
    uint64_t scale = 1;
    for (size_t i = query.prefix.size(); i < 11; ++i) scale *= 10;
    conditions.push_back(absl::StrCat(
        "number BETWEEN ", param(static_cast<int64_t>(prefix * scale)), " AND ",
        param(static_cast<int64_t>((prefix + 1) * scale - 1))));
  }
  if (!query.numbers.empty()) {
    std::string in;
    for (PhoneNumber number : query.numbers) {
      absl::StrAppend(&in, in.empty() ? "" : ", ",
                      param(static_cast<int64_t>(number)));
    }
    conditions.push_back(absl::StrCat("number IN (", in, ")"));
  }
  if (query.source.has_value()) {
    conditions.push_back(absl::StrCat("source = ", param(*query.source)));
  }
  if (query.call.has_value()) {
    conditions.push_back(absl::StrCat("call = ", param(int64_t{*query.call})));
  }
  if (query.text.has_value()) {
    conditions.push_back(absl::StrCat("text = ", param(int64_t{*query.text})));
  }
  std::string where;
  for (const std::string& condition : conditions) {
    absl::StrAppend(&where, where.empty() ? " WHERE " : " AND ", condition);
  }

  DncPage page;
  page.offset = query.offset;
  page.limit = query.limit;
  if (!db_->Exists()) return page;  // none yet
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  const SqliteDb& db = connection->db();
  // One read transaction: the count and the page agree.
  if (absl::Status s = db.Exec("BEGIN"); !s.ok()) return s;
  absl::StatusOr<SqliteStatement> count = SqliteStatement::Prepare(
      db, absl::StrCat("SELECT count(*) FROM dnc", where));
  if (!count.ok()) return count.status();
  if (absl::Status s = count->Bind(params); !s.ok()) return s;
  absl::StatusOr<bool> counted = count->Next();
  if (!counted.ok()) return counted.status();
  page.total_count = *counted ? static_cast<uint64_t>(count->Int(0)) : 0;
  if (query.limit > 0 && query.offset < page.total_count) {
    absl::StatusOr<SqliteStatement> rows = SqliteStatement::Prepare(
        db, absl::StrCat(kColumns, where, " ORDER BY number LIMIT ",
                         query.limit, " OFFSET ", query.offset));
    if (!rows.ok()) return rows.status();
    if (absl::Status s = rows->Bind(params); !s.ok()) return s;
    while (true) {
      absl::StatusOr<bool> row = rows->Next();
      if (!row.ok()) return row.status();
      if (!*row) break;
      page.items.push_back(EntryOf(*rows));
    }
  }
  db.Exec("COMMIT").IgnoreError();
  return page;
}

}  // namespace herald
