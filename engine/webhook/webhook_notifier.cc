#include "engine/webhook/webhook_notifier.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "engine/base/hmac.h"
#include "engine/base/json_text.h"
#include "engine/base/sqlite.h"
#include "engine/http/clock_timer.h"
#include "engine/http/http_client.h"
#include "engine/store/store_reader.h"
#include "engine/store/text_record.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

// How often the table is looked at when nobody calls Notify(), in real time:
// a safety net, not an instant of the run, so it never moves the clock.
constexpr absl::Duration kPollInterval = absl::Milliseconds(200);
// The store's writer holds the write lock only for a group commit; waiting
// longer than this for it would only hold up Finish(). A delete that gives
// up is tried again later.
constexpr int kBusyTimeoutMs = 250;
// Connecting is part of timeoutMs; libcurl needs its own bound as well.
constexpr absl::Duration kMaxConnectTimeout = absl::Seconds(10);

struct Event {
  int64_t seq = 0;
  uint64_t text_id = 0;
  int64_t at_ms = 0;
};

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

// The events table seen from the notifier: the oldest events first, and the
// delivered ones deleted. Delivered events whose delete failed (the writer
// held the lock too long) are remembered and skipped until a later delete
// succeeds. Not thread-safe; used by one thread at a time. Not movable: its
// statements name its path.
//
// `seq` is an INTEGER PRIMARY KEY without AUTOINCREMENT: SQLite gives a new
// row one more than the largest seq in the table, so seq order is the order
// of writing, but an emptied table starts again from 1. A seq is therefore
// never remembered beyond the rows that still hold it.
class EventTable {
 public:
  static absl::StatusOr<std::unique_ptr<EventTable>> Open(
      const std::string& path) {
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    Db db(raw);
    if (rc != SQLITE_OK) {
      return absl::UnavailableError(
          absl::StrCat(path, ": cannot open the store: ",
                       db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc)));
    }
    sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
    std::unique_ptr<EventTable> table(new EventTable(path, std::move(db)));
    for (const auto& [statement, sql] :
         {std::pair{&table->read_,
                    "SELECT seq, text_id, at FROM events WHERE seq > ?1 "
                    "ORDER BY seq LIMIT ?2"},
          {&table->delete_, "DELETE FROM events WHERE seq <= ?1"},
          {&table->count_, "SELECT COUNT(*) FROM events WHERE seq > ?1"}}) {
      absl::StatusOr<SqliteStatement> prepared = SqliteStatement::Prepare(
          table->db(), sql, SqliteStatement::Use::kOften);
      if (!prepared.ok()) {
        return table->Error("not a store with an events table");
      }
      *statement = *std::move(prepared);
    }
    return table;
  }
  EventTable(const EventTable&) = delete;
  EventTable& operator=(const EventTable&) = delete;

  // Replaces `*out` with the `limit` oldest events not yet delivered.
  absl::Status ReadOldest(int limit, std::vector<Event>* out) {
    RetryDelete().IgnoreError();  // the read skips what it leaves
    out->clear();
    read_.Bind(1, delivered_through_.value_or(INT64_MIN));
    read_.Bind(2, int64_t{limit});
    absl::StatusOr<bool> row;
    while ((row = read_.Next()).value_or(false)) {
      out->push_back(
          {read_.Int(0), static_cast<uint64_t>(read_.Int(1)), read_.Int(2)});
    }
    read_.Reset();
    if (!row.ok()) return Error("cannot read events");
    return absl::OkStatus();
  }

  // Deletes the events up to `seq`, which were delivered. When the delete
  // fails they are skipped from now on and deleted later.
  absl::Status Delivered(int64_t seq) {
    delivered_through_ = seq;
    return RetryDelete();
  }

  // The events not yet delivered.
  absl::StatusOr<uint64_t> CountLeft() {
    RetryDelete().IgnoreError();  // the count skips what it leaves
    count_.Bind(1, delivered_through_.value_or(INT64_MIN));
    absl::StatusOr<bool> row = count_.Next();
    const int64_t n = row.value_or(false) ? count_.Int(0) : -1;
    count_.Reset();
    if (n < 0) return Error("cannot count events");
    return static_cast<uint64_t>(n);
  }

 private:
  EventTable(std::string path, Db db)
      : path_(std::move(path)), db_(std::move(db)) {}

  SqliteDb db() const { return {db_.get(), &path_}; }

  absl::Status RetryDelete() {
    if (!delivered_through_) return absl::OkStatus();
    delete_.Bind(1, *delivered_through_);
    if (!delete_.Run().ok()) return Error("cannot delete delivered events");
    delivered_through_.reset();
    return absl::OkStatus();
  }

  absl::Status Error(absl::string_view what) const {
    return absl::UnavailableError(
        absl::StrCat(path_, ": ", what, ": ", sqlite3_errmsg(db_.get())));
  }

  const std::string path_;
  Db db_;
  SqliteStatement read_;
  SqliteStatement delete_;
  SqliteStatement count_;
  // Delivered events not yet deleted are those up to here; the rows keep
  // their seq, so new rows come after it.
  std::optional<int64_t> delivered_through_;
};

// Appends the envelope of `events` to `*out`; `texts` holds each event's
// text.
void AppendEnvelope(const WebhookConfig& config, int64_t now_ms,
                    const std::string& run_id, absl::Span<const Event> events,
                    const absl::flat_hash_map<uint64_t, TextRecord>& texts,
                    std::string* out) {
  const std::string webhook_id = absl::StrCat(config.id);
  absl::StrAppend(out, "{\"timestamp\":", now_ms, ",\"webhookId\":", webhook_id,
                  ",\"webhookName\":");
  AppendJsonString(config.name, out);
  out->append(",\"resourceType\":\"OutboundText\",\"events\":[");
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& event = events[i];
    if (i > 0) out->push_back(',');
    absl::StrAppend(out, "{\"timestamp\":", event.at_ms,
                    ",\"webhookId\":", webhook_id,
                    ",\"resourceType\":\"OutboundText\","
                    "\"eventType\":\"Finished\",\"resource\":");
    // A provider's words in `reason` need not be UTF-8; replacing what is
    // not keeps the envelope JSON instead of throwing.
    out->append(
        TextJson(texts.at(event.text_id), run_id)
            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    out->push_back('}');
  }
  out->append("]}");
}

}  // namespace

class WebhookNotifier::Impl {
 public:
  Impl(WebhookConfig config, std::unique_ptr<EventTable> table,
       std::unique_ptr<StoreReader> reader, Clock* clock)
      : config_(std::move(config)),
        table_(std::move(table)),
        reader_(std::move(reader)),
        clock_(clock != nullptr ? clock : RealClock()),
        work_(io_.get_executor()),
        poll_timer_(io_),
        clock_timer_(io_, clock_),
        backoff_(config_.retry_initial),
        random_(std::random_device()()) {}

  ~Impl() {
    if (!finished_) Finish(absl::ZeroDuration()).IgnoreError();
  }

  absl::Status Start();
  void Notify();
  absl::StatusOr<uint64_t> Finish(absl::Duration drain);

  Stats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

 private:
  enum class Waiting { kNothing, kPoll, kBackOff };

  // I/O thread only, as are the members they use.
  // Looks at the table: sends a batch, or waits for one to fill.
  void Poll();
  // Reads the texts of events_ and makes the envelope.
  absl::Status BuildBody();
  // POSTs body_, freshly signed.
  void Send();
  void OnAnswer(HttpResponse response);
  // Records `error` and calls `next` after the back-off.
  void BackOff(absl::string_view error,
               std::optional<absl::Duration> retry_after, void (Impl::*next)());
  // Calls `next` at `at` on the clock or after `poll` of real time, which
  // ever comes first (either may be infinite), unless CancelWait() comes
  // first.
  void Wait(Waiting kind, absl::Time at, absl::Duration poll,
            void (Impl::*next)());
  // Polls now if waiting to poll.
  void Wake();
  void CancelWait();

  const WebhookConfig config_;
  const std::unique_ptr<EventTable> table_;
  const std::unique_ptr<StoreReader> reader_;
  Clock* const clock_;  // the back-off's and the batches' time

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      work_;
  std::thread thread_;

  // Crossing threads.
  std::atomic<bool> wake_posted_{false};
  mutable std::mutex mu_;
  std::condition_variable drained_cv_;
  bool drained_ = false;                              // guarded by mu_
  Stats stats_;                                       // guarded by mu_
  std::mutex finish_mu_;                              // one Finish() at a time
  std::optional<absl::StatusOr<uint64_t>> finished_;  // under finish_mu_

  // I/O thread only.
  std::unique_ptr<HttpClient> client_;
  boost::asio::steady_timer poll_timer_;
  ClockTimer clock_timer_;
  Waiting waiting_ = Waiting::kNothing;
  uint64_t wait_generation_ = 0;  // a wait that finds it changed was undone
  std::vector<Event> events_;     // the batch being delivered, or read
  std::string body_;              // its envelope; empty when none
  bool in_flight_ = false;
  bool draining_ = false;
  bool stopping_ = false;
  // When the table was first seen holding fewer events than a batch.
  std::optional<absl::Time> filling_since_;
  absl::Duration backoff_;
  std::mt19937_64 random_;
};

absl::Status WebhookNotifier::Impl::Start() {
  HttpClientOptions http;
  http.timeout = config_.timeout;
  http.connect_timeout = std::min(config_.timeout, kMaxConnectTimeout);
  // One request at a time: a second connection would only sit idle.
  http.max_host_connections = 1;
  absl::Status status = StartHttpThread(
      io_, http, &client_, [this] { Poll(); }, &thread_);
  if (!status.ok()) finished_ = status;
  return status;
}

void WebhookNotifier::Impl::Notify() {
  if (wake_posted_.exchange(true)) return;
  boost::asio::post(io_, [this] {
    wake_posted_ = false;
    Wake();
  });
}

absl::StatusOr<uint64_t> WebhookNotifier::Impl::Finish(absl::Duration drain) {
  std::lock_guard<std::mutex> finish_lock(finish_mu_);
  if (finished_) return *finished_;
  // `drain` bounds how long the caller is held, in real time.
  const absl::Time deadline = absl::Now() + drain;
  boost::asio::post(io_, [this] {
    draining_ = true;
    Wake();
  });
  {
    std::unique_lock<std::mutex> lock(mu_);
    const auto drained = [this] { return drained_; };
    // The chrono clocks overflow on an infinite deadline.
    if (deadline == absl::InfiniteFuture()) {
      drained_cv_.wait(lock, drained);
    } else {
      drained_cv_.wait_until(lock, absl::ToChronoTime(deadline), drained);
    }
  }
  boost::asio::post(io_, [this] {
    stopping_ = true;
    CancelWait();
    work_.reset();
    io_.stop();
  });
  thread_.join();
  finished_ = table_->CountLeft();
  return *finished_;
}

void WebhookNotifier::Impl::Poll() {
  if (stopping_ || in_flight_ || !body_.empty()) return;
  if (absl::Status s = table_->ReadOldest(config_.batch_size, &events_);
      !s.ok()) {
    return BackOff(s.message(), std::nullopt, &Impl::Poll);
  }
  if (events_.empty()) {
    filling_since_.reset();
    if (draining_) {
      std::lock_guard<std::mutex> lock(mu_);
      drained_ = true;
      drained_cv_.notify_all();
      return;
    }
    return Wait(Waiting::kPoll, absl::InfiniteFuture(), kPollInterval,
                &Impl::Poll);
  }
  if (events_.size() < static_cast<size_t>(config_.batch_size) && !draining_) {
    if (!filling_since_) filling_since_ = clock_->Now();
    const absl::Time due = *filling_since_ + config_.max_delay;
    if (clock_->Now() < due) {
      return Wait(Waiting::kPoll, due, kPollInterval, &Impl::Poll);
    }
  }
  filling_since_.reset();
  if (absl::Status s = BuildBody(); !s.ok()) {
    return BackOff(s.message(), std::nullopt, &Impl::Poll);
  }
  Send();
}

absl::Status WebhookNotifier::Impl::BuildBody() {
  std::vector<uint64_t> ids;
  ids.reserve(events_.size());
  for (const Event& event : events_) ids.push_back(event.text_id);
  absl::StatusOr<std::vector<TextRecord>> texts = reader_->ReadTexts(ids);
  if (!texts.ok()) return texts.status();
  absl::flat_hash_map<uint64_t, TextRecord> by_id;
  for (TextRecord& text : *texts) by_id.emplace(text.id, std::move(text));
  for (const Event& event : events_) {
    if (!by_id.contains(event.text_id)) {
      return absl::DataLossError(
          absl::StrCat("event ", event.seq, " is about text ", event.text_id,
                       ", which the store does not hold"));
    }
  }
  AppendEnvelope(config_, absl::ToUnixMillis(clock_->Now()), reader_->run_id(),
                 events_, by_id, &body_);
  return absl::OkStatus();
}

void WebhookNotifier::Impl::Send() {
  HttpRequest request;
  request.url = config_.url;
  // Signed on the real clock: the receiver checks `t` against its own.
  request.headers = {
      {"Content-Type", "application/json"},
      {kWebhookSignatureHeader,
       SignWebhookBody(config_.secret, absl::ToUnixMillis(absl::Now()), body_)},
  };
  request.body = body_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.posts;
  }
  in_flight_ = true;
  client_->Start(std::move(request), [this](HttpResponse response) {
    OnAnswer(std::move(response));
  });
}

void WebhookNotifier::Impl::OnAnswer(HttpResponse response) {
  in_flight_ = false;
  if (stopping_) return;
  if (!response.transport.ok()) {
    return BackOff(response.transport.message(), std::nullopt, &Impl::Send);
  }
  if (response.status < 200 || response.status > 299) {
    return BackOff(absl::StrCat("the webhook answered HTTP ", response.status),
                   response.retry_after, &Impl::Send);
  }
  const absl::Status deleted = table_->Delivered(events_.back().seq);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.batches_delivered;
    stats_.events_delivered += static_cast<int64_t>(events_.size());
    if (!deleted.ok()) stats_.last_error = std::string(deleted.message());
  }
  body_.clear();
  backoff_ = config_.retry_initial;
  Poll();
}

void WebhookNotifier::Impl::BackOff(absl::string_view error,
                                    std::optional<absl::Duration> retry_after,
                                    void (Impl::*next)()) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (next == &Impl::Send) ++stats_.retries;
    stats_.last_error = std::string(error);
  }
  // Between half and all of the back-off, so that notifiers that failed
  // together do not come back together.
  absl::Duration delay =
      backoff_ * std::uniform_real_distribution<double>(0.5, 1.0)(random_);
  if (retry_after) {
    delay = std::max(delay, std::min(*retry_after, config_.retry_max));
  }
  backoff_ = std::min(backoff_ * 2, config_.retry_max);
  Wait(Waiting::kBackOff, clock_->Now() + delay, absl::InfiniteDuration(),
       next);
}

void WebhookNotifier::Impl::Wait(Waiting kind, absl::Time at,
                                 absl::Duration poll, void (Impl::*next)()) {
  waiting_ = kind;
  const uint64_t generation = ++wait_generation_;
  auto wake = [this, generation, next] {
    if (generation != wait_generation_) return;
    CancelWait();
    (this->*next)();
  };
  if (at != absl::InfiniteFuture()) clock_timer_.FireAt(at, wake);
  if (poll != absl::InfiniteDuration()) {
    poll_timer_.expires_after(absl::ToChronoNanoseconds(poll));
    poll_timer_.async_wait([wake](const boost::system::error_code& error) {
      if (!error) wake();
    });
  }
}

void WebhookNotifier::Impl::Wake() {
  if (waiting_ != Waiting::kPoll) return;
  CancelWait();
  Poll();
}

void WebhookNotifier::Impl::CancelWait() {
  waiting_ = Waiting::kNothing;
  ++wait_generation_;
  clock_timer_.Cancel();
  poll_timer_.cancel();
}

WebhookNotifier::WebhookNotifier(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

WebhookNotifier::~WebhookNotifier() = default;

absl::StatusOr<std::unique_ptr<WebhookNotifier>> WebhookNotifier::Start(
    const std::string& db_path, WebhookConfig config, Clock* clock) {
  absl::StatusOr<std::unique_ptr<EventTable>> table = EventTable::Open(db_path);
  if (!table.ok()) return table.status();
  absl::StatusOr<std::unique_ptr<StoreReader>> reader =
      StoreReader::Open(db_path);
  if (!reader.ok()) return reader.status();
  auto impl = std::make_unique<Impl>(std::move(config), *std::move(table),
                                     *std::move(reader), clock);
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<WebhookNotifier>(new WebhookNotifier(std::move(impl)));
}

void WebhookNotifier::Notify() { impl_->Notify(); }

absl::StatusOr<uint64_t> WebhookNotifier::Finish(absl::Duration drain) {
  return impl_->Finish(drain);
}

WebhookNotifier::Stats WebhookNotifier::stats() const { return impl_->stats(); }

}  // namespace herald
