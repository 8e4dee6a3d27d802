#include "engine/webhook/webhook_notifier.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "engine/base/hmac.h"
#include "engine/http/clock_timer.h"
#include "engine/http/http_client.h"

namespace herald {
namespace {

// How often the table is looked at when nobody calls Notify(), in real time:
// a safety net, not an instant of the run, so it never moves the clock.
constexpr absl::Duration kPollInterval = absl::Milliseconds(200);
// Connecting is part of timeoutMs; libcurl needs its own bound as well.
constexpr absl::Duration kMaxConnectTimeout = absl::Seconds(10);

}  // namespace

class WebhookNotifier::Impl {
 public:
  Impl(WebhookConfig config, std::unique_ptr<WebhookSource> source,
       Clock* clock)
      : config_(std::move(config)),
        source_(std::move(source)),
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
  const std::unique_ptr<WebhookSource> source_;
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
  size_t batch_size_ = 0;         // of the batch being delivered, or read
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
  finished_ = source_->CountLeft();
  return *finished_;
}

void WebhookNotifier::Impl::Poll() {
  if (stopping_ || in_flight_ || !body_.empty()) return;
  absl::StatusOr<size_t> read = source_->ReadBatch(config_.batch_size);
  if (!read.ok())
    return BackOff(read.status().message(), std::nullopt, &Impl::Poll);
  batch_size_ = *read;
  if (batch_size_ == 0) {
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
  if (batch_size_ < static_cast<size_t>(config_.batch_size) && !draining_) {
    if (!filling_since_) filling_since_ = clock_->Now();
    const absl::Time due = *filling_since_ + config_.max_delay;
    if (clock_->Now() < due) {
      return Wait(Waiting::kPoll, due, kPollInterval, &Impl::Poll);
    }
  }
  filling_since_.reset();
  if (absl::Status s =
          source_->AppendBatch(absl::ToUnixMillis(clock_->Now()), &body_);
      !s.ok()) {
    body_.clear();
    return BackOff(s.message(), std::nullopt, &Impl::Poll);
  }
  Send();
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
  const absl::Status deleted = source_->Delivered();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.batches_delivered;
    stats_.events_delivered += static_cast<int64_t>(batch_size_);
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
  absl::StatusOr<std::unique_ptr<WebhookSource>> source =
      OpenStoreWebhookSource(db_path, config.id, config.name);
  if (!source.ok()) return source.status();
  return Start(*std::move(source), std::move(config), clock);
}

absl::StatusOr<std::unique_ptr<WebhookNotifier>> WebhookNotifier::Start(
    std::unique_ptr<WebhookSource> source, WebhookConfig config, Clock* clock) {
  auto impl =
      std::make_unique<Impl>(std::move(config), std::move(source), clock);
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<WebhookNotifier>(new WebhookNotifier(std::move(impl)));
}

void WebhookNotifier::Notify() { impl_->Notify(); }

absl::StatusOr<uint64_t> WebhookNotifier::Finish(absl::Duration drain) {
  return impl_->Finish(drain);
}

WebhookNotifier::Stats WebhookNotifier::stats() const { return impl_->stats(); }

}  // namespace herald
