#include "engine/store/inbound_texts.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/enum_names.h"

namespace herald {
namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS inbound_texts ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  from_number INTEGER NOT NULL,"
    "  to_number TEXT NOT NULL,"
    "  message TEXT NOT NULL,"
    "  provider TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"        // unix ms, as the provider says
    "  received INTEGER NOT NULL,"  // unix ms
    "  keyword TEXT,"               // OPT_OUT, OPT_IN, HELP
    "  campaign INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS inbound_texts_from ON inbound_texts "
    "  (from_number, to_number, at);"
    "CREATE INDEX IF NOT EXISTS inbound_texts_campaign ON inbound_texts "
    "  (campaign);";

constexpr char kSelect[] =
    "SELECT id, from_number, to_number, message, provider, at, received, "
    "keyword, campaign";

constexpr EnumNames<ReplyKeyword, 3> kKeywords = {{
    {"OPT_OUT", ReplyKeyword::kOptOut},
    {"OPT_IN", ReplyKeyword::kOptIn},
    {"HELP", ReplyKeyword::kHelp},
}};

InboundText TextOf(const SqliteStatement& row) {
  InboundText text;
  text.id = row.Int(0);
  text.from = static_cast<PhoneNumber>(row.Int(1));
  text.to = row.Text(2);
  text.message = row.Text(3);
  text.provider = row.Text(4);
  text.at = absl::FromUnixMillis(row.Int(5));
  text.received = absl::FromUnixMillis(row.Int(6));
  text.keyword = row.Text(7);
  text.campaign = row.Int(8);
  return text;
}

}  // namespace

absl::string_view KeywordName(ReplyKeyword keyword) {
  return NameOf(kKeywords, keyword, "");
}

absl::StatusOr<ReceivedText> InboundTexts::Record(InboundText text,
                                                  ReplyKeyword keyword) {
  if (absl::Status s = db_->Writable("the inbound texts"); !s.ok()) return s;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  const SqliteDb& db = connection->db();
  ReceivedText received;
  text.received = clock_->Now();
  text.keyword = std::string(KeywordName(keyword));
  absl::Status s = connection->Write([&]() -> absl::Status {
    absl::StatusOr<SqliteStatement> same = SqliteStatement::Prepare(
        db, absl::StrCat(kSelect,
                         " FROM inbound_texts WHERE from_number = ?1 AND "
                         "to_number = ?2 AND at = ?3 AND message = ?4"));
    if (!same.ok()) return same.status();
    same->Bind(1, static_cast<int64_t>(text.from));
    same->Bind(2, text.to);
    same->Bind(3, absl::ToUnixMillis(text.at));
    same->Bind(4, text.message);
    absl::StatusOr<bool> found = same->Next();
    if (!found.ok()) return found.status();
    if (*found) {
      received.text = TextOf(*same);
      received.is_new = false;
      return absl::OkStatus();
    }
    absl::StatusOr<SqliteStatement> insert = SqliteStatement::Prepare(
        db,
        "INSERT INTO inbound_texts (from_number, to_number, message, "
        "provider, at, received, keyword) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, static_cast<int64_t>(text.from));
    insert->Bind(2, text.to);
    insert->Bind(3, text.message);
    insert->Bind(4, text.provider);
    insert->Bind(5, absl::ToUnixMillis(text.at));
    insert->Bind(6, absl::ToUnixMillis(text.received));
    insert->BindText(7, text.keyword);
    if (absl::Status s = insert->Run(); !s.ok()) return s;
    text.id = sqlite3_last_insert_rowid(db.handle);
    received.text = text;
    if (keyword == ReplyKeyword::kOptOut) {
      absl::StatusOr<bool> news = dnc_->OptOutByKeyword(db, text.from);
      if (!news.ok()) return news.status();
      received.opted_out = *news;
    } else if (keyword == ReplyKeyword::kOptIn) {
      absl::StatusOr<bool> texted = dnc_->OptInByKeyword(db, text.from);
      if (!texted.ok()) return texted.status();
      received.opted_in = *texted;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) {
    // Unblocked in the transaction that did not commit: the entry stands.
    if (received.opted_in) dnc_->Reblock(text.from);
    return s;
  }
  return received;
}

absl::Status InboundTexts::SetCampaign(int64_t id, int64_t campaign) {
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<SqliteStatement> update = SqliteStatement::Prepare(
      connection->db(), "UPDATE inbound_texts SET campaign = ?2 WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, id);
  update->Bind(2, campaign);
  return update->Run();
}

absl::StatusOr<InboundPage> InboundTexts::Find(
    const InboundQuery& query) const {
  if (query.limit < 0 || query.limit > kMaxTextPageLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit: expected 0 to ", kMaxTextPageLimit, ", got ", query.limit));
  }
  InboundPage page;
  page.offset = query.offset;
  page.limit = query.limit;
  if (!db_->Exists()) return page;
  std::vector<std::string> conditions;
  if (!query.ids.empty()) {
    conditions.push_back(
        absl::StrCat("id IN (", absl::StrJoin(query.ids, ","), ")"));
  } else {
    if (!query.campaigns.empty()) {
      conditions.push_back(absl::StrCat(
          "campaign IN (", absl::StrJoin(query.campaigns, ","), ")"));
    }
    if (query.from.has_value()) {
      conditions.push_back(absl::StrCat("from_number = ", *query.from));
    }
  }
  const std::string from =
      absl::StrCat(" FROM inbound_texts", conditions.empty() ? "" : " WHERE ",
                   absl::StrJoin(conditions, " AND "));
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  absl::Status s = ReadAccountPage(
      connection->db(), kSelect, from, [](SqliteStatement&) {}, query.offset,
      query.limit, &page.total_count,
      [&](const SqliteStatement& row) { page.items.push_back(TextOf(row)); });
  if (!s.ok()) return s;
  return page;
}

}  // namespace herald
