#include "engine/store/account_webhooks.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/base/json_field.h"
#include "engine/store/partial_response.h"
#include "herald/texts.h"

namespace herald {
namespace {

// Ids are never used again (AUTOINCREMENT): an endpoint that keys on
// webhookId never sees a deleted webhook's id come back. The outbox's seq
// likewise only grows, so a webhook's events read in seq order are in the
// order they were queued.
constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS webhooks ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT NOT NULL,"
    "  resource TEXT NOT NULL,"
    "  events TEXT NOT NULL,"  // comma-separated
    "  callback TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL,"
    "  single_event INTEGER NOT NULL,"
    "  fields TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS webhook_outbox ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  webhook_id INTEGER NOT NULL,"
    "  resource TEXT NOT NULL,"
    "  event TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  broadcast_id INTEGER NOT NULL,"
    "  text_id INTEGER NOT NULL,"
    "  status TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS webhook_outbox_webhook"
    "  ON webhook_outbox (webhook_id, seq);"
    // The last feed_events seq of each broadcast in the outbox.
    "CREATE TABLE IF NOT EXISTS webhook_feed ("
    "  broadcast_id INTEGER PRIMARY KEY,"
    "  seq INTEGER NOT NULL);";

constexpr char kSelect[] =
    "SELECT id, name, resource, events, callback, enabled, single_event, "
    "fields, created, updated";

// Whether a webhook's events name the event in parameter `param`.
std::string HasEvent(int param) {
  return absl::StrCat("instr(',' || events || ',', ',' || ?", param,
                      " || ',') > 0");
}

// The webhooks watching ?1 (an event) of ?2 (a resource) that were made
// by ?3 (when it happened).
const std::string& Watching() {
  static const auto* const kWatching = new std::string(absl::StrCat(
      "enabled = 1 AND resource = ?2 AND ", HasEvent(1), " AND created <= ?3"));
  return *kWatching;
}

// Runs `sql` (returning no rows) with `params` bound.
absl::Status RunWith(const SqliteDb& db, absl::string_view sql,
                     const std::vector<SqliteStatement::Param>& params) {
  absl::StatusOr<SqliteStatement> statement = SqliteStatement::Prepare(db, sql);
  if (!statement.ok()) return statement.status();
  if (absl::Status s = statement->Bind(params); !s.ok()) return s;
  return statement->Run();
}

// The first column of the first row of `sql` with `params` bound; 0 when
// it has no row.
absl::StatusOr<int64_t> QueryInt(
    const SqliteDb& db, absl::string_view sql,
    const std::vector<SqliteStatement::Param>& params) {
  absl::StatusOr<SqliteStatement> statement = SqliteStatement::Prepare(db, sql);
  if (!statement.ok()) return statement.status();
  if (absl::Status s = statement->Bind(params); !s.ok()) return s;
  absl::StatusOr<bool> row = statement->Next();
  if (!row.ok()) return row.status();
  return *row ? statement->Int(0) : 0;
}

Webhook WebhookOf(const SqliteStatement& row) {
  Webhook w;
  w.id = row.Int(0);
  w.name = row.Text(1);
  w.resource = row.Text(2);
  w.events = absl::StrSplit(row.TextView(3), ',', absl::SkipEmpty());
  w.callback = row.Text(4);
  w.enabled = row.Int(5) != 0;
  w.single_event = row.Int(6) != 0;
  w.fields = row.Text(7);
  w.created = absl::FromUnixMillis(row.Int(8));
  w.updated = absl::FromUnixMillis(row.Int(9));
  return w;
}

absl::Status CheckWebhook(const Webhook& w) {
  if (w.name.empty()) {
    return absl::InvalidArgumentError("name: a webhook needs a name");
  }
  const std::vector<WebhookResource>& resources = WebhookResources();
  auto resource = std::find_if(
      resources.begin(), resources.end(),
      [&](const WebhookResource& r) { return r.resource == w.resource; });
  if (resource == resources.end()) {
    std::vector<std::string> names;
    for (const WebhookResource& r : resources) names.push_back(r.resource);
    return absl::InvalidArgumentError(
        absl::StrCat("resource: expected one of ", absl::StrJoin(names, ", "),
                     ", got \"", w.resource, "\""));
  }
  if (w.events.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("events: a webhook needs at least one of ",
                     absl::StrJoin(resource->events, ", ")));
  }
  for (size_t i = 0; i < w.events.size(); ++i) {
    const std::string& event = w.events[i];
    if (std::find(resource->events.begin(), resource->events.end(), event) ==
        resource->events.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "events[", i, "]: ", w.resource, " has the events ",
          absl::StrJoin(resource->events, ", "), ", not \"", event, "\""));
    }
    if (std::find(w.events.begin(), w.events.begin() + i, event) !=
        w.events.begin() + i) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "]: \"", event, "\" is given twice"));
    }
  }
  if (absl::Status s =
          CheckHttpUrl(JsonField("webhook", "callback", nullptr), w.callback,
                       "herald signs its requests instead (docs/WEBHOOKS.md)");
      !s.ok()) {
    return s;
  }
  if (absl::StatusOr<FieldSelector> fields = FieldSelector::Parse(w.fields);
      !fields.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("fields: ", fields.status().message()));
  }
  return absl::OkStatus();
}

// `events` is w.events joined, which must outlive the statement's run (a
// bound text is not copied).
void BindDefinition(const Webhook& w, const std::string& events,
                    SqliteStatement& statement) {
  statement.Bind(1, w.name);
  statement.Bind(2, w.resource);
  statement.Bind(3, events);
  statement.Bind(4, w.callback);
  statement.Bind(5, int64_t{w.enabled ? 1 : 0});
  statement.Bind(6, int64_t{w.single_event ? 1 : 0});
  statement.Bind(7, w.fields);
}

}  // namespace

const std::vector<WebhookResource>& WebhookResources() {
  static const auto* const kResources = new std::vector<WebhookResource>{
      {"OutboundText", {"Finished"}},
      {"TextBroadcast", {"Started", "Stopped", "Finished"}},
  };
  return *kResources;
}

absl::StatusOr<WebhookId> AccountWebhooks::Create(const Webhook& webhook,
                                                  absl::Time now) {
  if (absl::Status s = db_->Writable("webhooks"); !s.ok()) return s;
  if (absl::Status s = CheckWebhook(webhook); !s.ok()) return s;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  WebhookId id = 0;
  const std::string events = absl::StrJoin(webhook.events, ",");
  absl::Status s = connection->Write([&]() -> absl::Status {
    absl::StatusOr<int64_t> count =
        QueryInt(connection->db(), "SELECT count(*) FROM webhooks", {});
    if (!count.ok()) return count.status();
    if (*count >= kMaxWebhooks) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "webhooks: an account keeps at most ", kMaxWebhooks,
          " webhooks (each has a sender of its own); delete one first"));
    }
    absl::StatusOr<SqliteStatement> insert = SqliteStatement::Prepare(
        connection->db(),
        "INSERT INTO webhooks (name, resource, events, callback, enabled, "
        "single_event, fields, created, updated) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
    if (!insert.ok()) return insert.status();
    BindDefinition(webhook, events, *insert);
    insert->Bind(8, absl::ToUnixMillis(now));
    if (absl::Status s = insert->Run(); !s.ok()) return s;
    id = sqlite3_last_insert_rowid(connection->db().handle);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return id;
}

absl::StatusOr<Webhook> AccountWebhooks::Get(WebhookId id) const {
  const absl::Status not_found =
      absl::NotFoundError(absl::StrCat("no webhook ", id));
  if (!db_->Exists()) return not_found;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<SqliteStatement> select = SqliteStatement::Prepare(
      connection->db(), absl::StrCat(kSelect, " FROM webhooks WHERE id = ?1"));
  if (!select.ok()) return select.status();
  select->Bind(1, id);
  absl::StatusOr<bool> row = select->Next();
  if (!row.ok()) return row.status();
  if (!*row) return not_found;
  return WebhookOf(*select);
}

absl::Status AccountWebhooks::Update(const Webhook& webhook, absl::Time now) {
  if (absl::Status s = db_->Writable("webhooks"); !s.ok()) return s;
  if (absl::Status s = CheckWebhook(webhook); !s.ok()) return s;
  if (absl::StatusOr<Webhook> old = Get(webhook.id); !old.ok()) {
    return old.status();
  }
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  const std::string events = absl::StrJoin(webhook.events, ",");
  return connection->Write([&]() -> absl::Status {
    // What it no longer watches is not sent.
    if (absl::Status s = RunWith(
            connection->db(),
            "DELETE FROM webhook_outbox WHERE webhook_id = ?1 AND "
            "(resource != ?2 OR instr(',' || ?3 || ',', ',' || event || ',') "
            "= 0)",
            {webhook.id, webhook.resource, events});
        !s.ok()) {
      return s;
    }
    absl::StatusOr<SqliteStatement> update = SqliteStatement::Prepare(
        connection->db(),
        "UPDATE webhooks SET name = ?1, resource = ?2, events = ?3, "
        "callback = ?4, enabled = ?5, single_event = ?6, fields = ?7, "
        "updated = ?8 WHERE id = ?9");
    if (!update.ok()) return update.status();
    BindDefinition(webhook, events, *update);
    update->Bind(8, absl::ToUnixMillis(now));
    update->Bind(9, webhook.id);
    return update->Run();
  });
}

absl::Status AccountWebhooks::Delete(WebhookId id) {
  if (absl::Status s = db_->Writable("webhooks"); !s.ok()) return s;
  if (absl::StatusOr<Webhook> old = Get(id); !old.ok()) return old.status();
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  return connection->Write([&]() -> absl::Status {
    for (const char* sql :
         {"DELETE FROM webhooks WHERE id = ?1",
          "DELETE FROM webhook_outbox WHERE webhook_id = ?1"}) {
      if (absl::Status s = RunWith(connection->db(), sql, {id}); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<WebhookPage> AccountWebhooks::Find(
    const WebhookQuery& query) const {
  if (query.limit < 0 || query.limit > kMaxTextPageLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit: expected 0 to ", kMaxTextPageLimit, ", got ", query.limit));
  }
  WebhookPage page;
  page.offset = query.offset;
  page.limit = query.limit;
  if (!db_->Exists()) return page;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  std::vector<std::string> where;
  std::vector<std::string> params;
  for (const auto& [value, column] : {std::pair{&query.name, "name"},
                                      {&query.resource, "resource"},
                                      {&query.event, ""},
                                      {&query.callback, "callback"}}) {
    if (!value->has_value()) continue;
    params.push_back(**value);
    const int param = static_cast<int>(params.size());
    where.push_back(*column == '\0' ? HasEvent(param)
                                    : absl::StrCat(column, " = ?", param));
  }
  if (query.enabled.has_value()) {
    where.push_back(absl::StrCat("enabled = ", *query.enabled ? 1 : 0));
  }
  const std::string from =
      absl::StrCat(" FROM webhooks", where.empty() ? "" : " WHERE ",
                   absl::StrJoin(where, " AND "));
  absl::Status s = ReadAccountPage(
      connection->db(), kSelect, from,
      [&](SqliteStatement& statement) {
        for (size_t i = 0; i < params.size(); ++i) {
          statement.Bind(static_cast<int>(i + 1), params[i]);
        }
      },
      query.offset, query.limit, &page.total_count,
      [&](const SqliteStatement& row) {
        page.items.push_back(WebhookOf(row));
      });
  if (!s.ok()) return s;
  return page;
}

absl::StatusOr<bool> AccountWebhooks::Watched(absl::string_view resource,
                                              absl::string_view event) const {
  if (!db_->Exists()) return false;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<SqliteStatement> select = SqliteStatement::Prepare(
      connection->db(),
      absl::StrCat("SELECT 1 FROM webhooks WHERE ", Watching(), " LIMIT 1"));
  if (!select.ok()) return select.status();
  select->Bind(1, event);
  select->Bind(2, resource);
  select->Bind(3, INT64_MAX);
  return select->Next();
}

absl::Status AccountWebhooks::EnqueueFeed(
    int64_t broadcast, int64_t through_seq,
    absl::Span<const WebhookEvent> events) {
  if (absl::Status s = db_->Writable("webhook events"); !s.ok()) return s;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  return connection->Write([&]() -> absl::Status {
    absl::StatusOr<SqliteStatement> insert = SqliteStatement::Prepare(
        connection->db(),
        absl::StrCat("INSERT INTO webhook_outbox (webhook_id, resource, "
                     "event, at, broadcast_id, text_id, status) "
                     "SELECT id, ?2, ?1, ?3, ?4, ?5, ?6 FROM webhooks WHERE ",
                     Watching()));
    if (!insert.ok()) return insert.status();
    for (const WebhookEvent& event : events) {
      insert->Bind(1, event.event);
      insert->Bind(2, event.resource);
      insert->Bind(3, absl::ToUnixMillis(event.at));
      insert->Bind(4, broadcast);
      insert->Bind(5, static_cast<int64_t>(event.text));
      insert->Bind(6, event.status);
      if (absl::Status s = insert->Run(); !s.ok()) return s;
    }
    return RunWith(connection->db(),
                   "INSERT OR REPLACE INTO webhook_feed (broadcast_id, seq) "
                   "VALUES (?1, ?2)",
                   {broadcast, through_seq});
  });
}

absl::StatusOr<int64_t> AccountWebhooks::FeedMark(int64_t broadcast) const {
  if (!db_->Exists()) return 0;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  return QueryInt(connection->db(),
                  "SELECT seq FROM webhook_feed WHERE broadcast_id = ?1",
                  {broadcast});
}

absl::StatusOr<std::vector<WebhookEvent>> AccountWebhooks::Pending(
    WebhookId id, int limit) const {
  std::vector<WebhookEvent> events;
  if (!db_->Exists()) return events;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<SqliteStatement> select = SqliteStatement::Prepare(
      connection->db(),
      "SELECT seq, resource, event, at, broadcast_id, text_id, status "
      "FROM webhook_outbox WHERE webhook_id = ?1 ORDER BY seq LIMIT ?2");
  if (!select.ok()) return select.status();
  select->Bind(1, id);
  select->Bind(2, int64_t{limit});
  for (;;) {
    absl::StatusOr<bool> row = select->Next();
    if (!row.ok()) return row.status();
    if (!*row) return events;
    WebhookEvent& event = events.emplace_back();
    event.seq = select->Int(0);
    event.webhook = id;
    event.resource = select->Text(1);
    event.event = select->Text(2);
    event.at = absl::FromUnixMillis(select->Int(3));
    event.broadcast = select->Int(4);
    event.text = static_cast<uint64_t>(select->Int(5));
    event.status = select->Text(6);
  }
}

absl::Status AccountWebhooks::Delivered(WebhookId id, int64_t seq) {
  if (absl::Status s = db_->Writable("webhook events"); !s.ok()) return s;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  return RunWith(
      connection->db(),
      "DELETE FROM webhook_outbox WHERE webhook_id = ?1 AND seq <= ?2",
      {id, seq});
}

absl::StatusOr<uint64_t> AccountWebhooks::CountPending(WebhookId id) const {
  if (!db_->Exists()) return 0;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<int64_t> count = QueryInt(
      connection->db(),
      "SELECT count(*) FROM webhook_outbox WHERE webhook_id = ?1", {id});
  if (!count.ok()) return count.status();
  return static_cast<uint64_t>(*count);
}

}  // namespace herald
