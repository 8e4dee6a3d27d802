#include "engine/provider_transport.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "concurrentqueue/blockingconcurrentqueue.h"
#include "concurrentqueue/concurrentqueue.h"
#include "engine/http_client.h"
#include "engine/provider_protocol.h"
#include "ratelimit/rate_limiter.h"

namespace herald {
namespace {

// A text the transport holds: what the provider gets, and the answer that
// goes back to the pipeline, filled in when it is known.
struct PendingText {
  ProviderText text;
  Delivery delivery;
};

// The texts of one sender, in the order they go, and its lanes.
struct SenderQueue {
  SenderLanes* lanes = nullptr;
  std::deque<PendingText> texts;
};

// Texts are taken from the incoming queue this many at a time.
constexpr size_t kDrainBulk = 1024;

// The committer waits for answers on a semaphore that by default spins 10,000
// times before it sleeps: on two cores that spinning takes the CPU the I/O
// thread needs to produce the answers.
struct AnswerQueueTraits : moodycamel::ConcurrentQueueDefaultTraits {
  static const int MAX_SEMA_SPINS = 100;
};

}  // namespace

class ProviderTransport::Impl {
 public:
  Impl(const ProviderConfig& config, const ProviderTransportOptions& options)
      : config_(config),
        options_(options),
        protocol_(MakeProviderProtocol(config)),
        work_(io_.get_executor()),
        timer_(io_) {}

  // Starts the I/O thread and sets up what lives on it.
  absl::Status Start();
  // Ends the I/O thread; what it still holds is dropped.
  void Stop();
  void StopSending() {
    boost::asio::post(io_, [this] { HoldBack(); });
  }

  absl::Status Submit(absl::Span<const OutboundText> texts);
  absl::Status Collect(absl::Duration wait, std::vector<Delivery>* out);
  ProviderTransportStats stats() const;

 private:
  // On the I/O thread.
  void Drain();
  void Pump();
  // Starts one request with up to `count` texts from the head of `queue`.
  void StartRequest(SenderQueue* queue, int count);
  // How many texts from the head of `queue` the next request may carry, and
  // their segments: up to the protocol's batch, and never more than a
  // lane's burst, so that no request overruns a burst on its own.
  int NextRequestSize(const SenderQueue& queue, int* segments) const;
  void OnResponse(SenderQueue* queue, std::vector<PendingText> texts,
                  const HttpResponse& response);
  // Hands `text` back to the pipeline once Publish() runs, which it does
  // after each group of answers.
  void Answer(PendingText* text);
  // Answers `text` NOT_SENT: the transport stopped before it could be sent.
  void GiveBack(PendingText* text);
  void Publish();
  // After the provider refused the credentials: everything held goes back
  // unsent, and nothing more is sent.
  void GiveUp(absl::Status status);
  // Everything queued goes back unsent; requests made are still answered.
  void HoldBack();
  SenderQueue* QueueFor(const std::string& sender);

  const ProviderConfig config_;
  const ProviderTransportOptions options_;
  const std::unique_ptr<ProviderProtocol> protocol_;

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      work_;
  std::thread thread_;

  // Crossing threads.
  moodycamel::ConcurrentQueue<PendingText> incoming_;
  std::atomic<bool> drain_posted_{false};
  moodycamel::BlockingConcurrentQueue<Delivery, AnswerQueueTraits> answered_;
  std::atomic<uint64_t> answered_count_{0};
  uint64_t submitted_count_ = 0;  // committer only
  std::mutex room_mutex_;
  std::condition_variable room_;
  std::atomic<bool> given_up_{false};
  bool holding_back_ = false;  // I/O thread: StopSending() was called
  mutable std::mutex failure_mutex_;
  absl::Status failure_;           // why it gave up; guarded by failure_mutex_
  bool failure_reported_ = false;  // committer only
  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> throttled_{0};
  std::atomic<int64_t> connections_{0};

  // I/O thread only.
  std::unique_ptr<HttpClient> client_;
  RateLimiter limiter_;
  std::map<std::string, SenderQueue, std::less<>> senders_;
  std::vector<SenderQueue*> sender_order_;  // round robin over senders
  size_t next_sender_ = 0;
  boost::asio::steady_timer timer_;
  absl::Time timer_at_ = absl::InfiniteFuture();
  std::vector<PendingText> drained_;
  std::vector<Delivery> unpublished_;
};

absl::Status ProviderTransport::Impl::Start() {
  LaneConfig lanes = config_.lanes;
  if (!lanes.account.max_active) lanes.account.max_active = kDefaultMaxActive;
  if (absl::Status s = limiter_.AddAccount(config_.name, lanes); !s.ok()) {
    return s;
  }
  HttpClientOptions http;
  http.connect_timeout = config_.connect_timeout;
  http.timeout = config_.timeout;
  http.ca_file = config_.ca_file;
  return StartHttpThread(io_, http, &client_, nullptr, &thread_);
}

void ProviderTransport::Impl::Stop() {
  if (!thread_.joinable()) return;
  boost::asio::post(io_, [this] {
    given_up_ = true;
    timer_.cancel();
    work_.reset();
    io_.stop();
  });
  thread_.join();
}

absl::Status ProviderTransport::Impl::Submit(
    absl::Span<const OutboundText> texts) {
  if (given_up_) {
    std::lock_guard<std::mutex> lock(failure_mutex_);
    return failure_;
  }
  {
    std::unique_lock<std::mutex> lock(room_mutex_);
    room_.wait(lock, [this] {
      return submitted_count_ - answered_count_.load() <
                 options_.max_unanswered ||
             given_up_;
    });
  }
  std::vector<PendingText> pending(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    const OutboundText& text = texts[i];
    ProviderText& out = pending[i].text;
    out.to = text.to;
    out.from.assign(text.from.data(), text.from.size());
    out.message.assign(text.message.data(), text.message.size());
    out.encoding = text.encoding;
    out.segments = text.segments;
    out.idempotency_key = IdempotencyKey(options_.key_prefix, text.batch,
                                         text.recipient_id, text.key_attempt);
    pending[i].delivery = DeliveryFor(text);
  }
  submitted_count_ += texts.size();
  incoming_.enqueue_bulk(std::make_move_iterator(pending.begin()),
                         pending.size());
  if (!drain_posted_.exchange(true)) {
    boost::asio::post(io_, [this] { Drain(); });
  }
  return absl::OkStatus();
}

absl::Status ProviderTransport::Impl::Collect(absl::Duration wait,
                                              std::vector<Delivery>* out) {
  constexpr size_t kBulk = 4096;
  const size_t before = out->size();
  out->resize(before + kBulk);
  size_t taken = answered_.wait_dequeue_bulk_timed(
      out->begin() + before, kBulk, absl::ToChronoMicroseconds(wait));
  while (taken > 0 && taken % kBulk == 0) {  // more may be waiting
    out->resize(out->size() + kBulk);
    const size_t more = answered_.try_dequeue_bulk(out->end() - kBulk, kBulk);
    taken += more;
    if (more < kBulk) break;
  }
  out->resize(before + taken);
  if (given_up_ && !failure_reported_) {
    failure_reported_ = true;
    std::lock_guard<std::mutex> lock(failure_mutex_);
    return failure_;
  }
  return absl::OkStatus();
}

ProviderTransportStats ProviderTransport::Impl::stats() const {
  return {requests_.load(), throttled_.load(), connections_.load(),
          static_cast<int64_t>(answered_count_.load())};
}

void ProviderTransport::Impl::Answer(PendingText* text) {
  text->delivery.message = std::move(text->text.message);
  unpublished_.push_back(std::move(text->delivery));
}

void ProviderTransport::Impl::GiveBack(PendingText* text) {
  text->delivery.status = DeliveryStatus::kNotSent;
  Answer(text);
}

void ProviderTransport::Impl::Publish() {
  if (unpublished_.empty()) return;
  const size_t count = unpublished_.size();
  answered_.enqueue_bulk(std::make_move_iterator(unpublished_.begin()), count);
  unpublished_.clear();
  answered_count_.fetch_add(count);
  // Taking the lock orders this with Submit's check of answered_count_, so
  // the wake-up cannot fall between its check and its wait.
  std::lock_guard<std::mutex> lock(room_mutex_);
  room_.notify_all();
}

SenderQueue* ProviderTransport::Impl::QueueFor(const std::string& sender) {
  auto it = senders_.find(sender);
  if (it != senders_.end()) return &it->second;
  SenderQueue& queue = senders_[sender];
  // The account was added in Start(), so the lookup cannot fail.
  queue.lanes = *limiter_.Lanes(config_.name, sender);
  sender_order_.push_back(&queue);
  return &queue;
}

void ProviderTransport::Impl::Drain() {
  drain_posted_ = false;
  for (;;) {
    drained_.resize(kDrainBulk);
    const size_t n = incoming_.try_dequeue_bulk(drained_.begin(), kDrainBulk);
    drained_.resize(n);
    for (PendingText& text : drained_) {
      if (given_up_ || holding_back_) {
        GiveBack(&text);
      } else {
        QueueFor(text.text.from)->texts.push_back(std::move(text));
      }
    }
    if (n < kDrainBulk) break;
  }
  Publish();
  Pump();
}

int ProviderTransport::Impl::NextRequestSize(const SenderQueue& queue,
                                             int* segments) const {
  const LaneLimits& account = queue.lanes->account().limits();
  const LaneLimits& sender = queue.lanes->sender().limits();
  auto cap = [](const LaneLimits& limits, bool segments) {
    const double rate =
        segments ? limits.segments_per_second : limits.messages_per_second;
    return rate > 0 ? limits.burst : std::numeric_limits<int>::max();
  };
  const int max_texts =
      std::min({protocol_->max_batch(), cap(account, false), cap(sender, false),
                static_cast<int>(queue.texts.size())});
  const int max_segments = std::min(cap(account, true), cap(sender, true));
  int count = 0;
  *segments = 0;
  while (count < max_texts) {
    const int next = queue.texts[count].text.segments;
    if (count > 0 && *segments + next > max_segments) break;
    *segments += next;
    ++count;
  }
  return count;
}

void ProviderTransport::Impl::Pump() {
  if (given_up_ || holding_back_) return;
  const absl::Time now = absl::Now();
  absl::Time wake = absl::InfiniteFuture();
  // Round robin: each sender in turn starts at most one request per round,
  // so one busy sender cannot hold back the others.
  bool started = true;
  while (started) {
    started = false;
    for (size_t i = 0; i < sender_order_.size(); ++i) {
      SenderQueue* queue =
          sender_order_[(next_sender_ + i) % sender_order_.size()];
      if (queue->texts.empty()) continue;
      int segments = 0;
      const int count = NextRequestSize(*queue, &segments);
      const absl::Time at = queue->lanes->NextSendTime(count, segments, now);
      if (at > now) {
        wake = std::min(wake, at);
        continue;
      }
      queue->lanes->TryAcquire(count, segments, now);
      StartRequest(queue, count);
      started = true;
    }
    if (!sender_order_.empty()) {
      next_sender_ = (next_sender_ + 1) % sender_order_.size();
    }
  }
  // A request in flight wakes the pump with its answer; a lane that waits
  // for tokens or the end of a pause needs the timer.
  if (wake != absl::InfiniteFuture() && wake != timer_at_) {
    timer_at_ = wake;
    timer_.expires_after(absl::ToChronoNanoseconds(wake - now));
    timer_.async_wait([this](const boost::system::error_code& error) {
      if (error) return;  // cancelled: a newer wake-up replaced it
      timer_at_ = absl::InfiniteFuture();
      Pump();
    });
  }
}

void ProviderTransport::Impl::StartRequest(SenderQueue* queue, int count) {
  std::vector<PendingText> texts;
  texts.reserve(count);
  for (int i = 0; i < count; ++i) {
    texts.push_back(std::move(queue->texts.front()));
    queue->texts.pop_front();
  }
  std::vector<const ProviderText*> views;
  views.reserve(count);
  for (const PendingText& text : texts) views.push_back(&text.text);
  client_->Start(
      protocol_->BuildRequest(views),
      [this, queue, texts = std::move(texts)](HttpResponse response) mutable {
        OnResponse(queue, std::move(texts), response);
      });
}

void ProviderTransport::Impl::OnResponse(SenderQueue* queue,
                                         std::vector<PendingText> texts,
                                         const HttpResponse& response) {
  ++requests_;
  connections_ = client_ != nullptr ? client_->connections_opened() : 0;
  if (given_up_) {  // stopping, or the credentials were refused
    for (PendingText& text : texts) {
      GiveBack(&text);
    }
    Publish();
    return;
  }
  std::vector<TextAnswer> answers(texts.size());
  if (absl::Status s =
          protocol_->ReadResponse(response, absl::MakeSpan(answers));
      !s.ok()) {
    queue->lanes->OnFailure();
    for (PendingText& text : texts) {
      GiveBack(&text);
    }
    GiveUp(std::move(s));
    return;
  }
  const absl::Time now = absl::Now();
  bool throttled = false;
  bool taken = false;
  // Throttled texts go back to the head of their queue in their order.
  for (size_t i = texts.size(); i-- > 0;) {
    if (answers[i].kind != AnswerKind::kThrottled) continue;
    if (!throttled) {
      queue->lanes->OnThrottled(answers[i].scope, answers[i].retry_after, now);
      throttled = true;
    }
    queue->texts.push_front(std::move(texts[i]));
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    TextAnswer& answer = answers[i];
    if (answer.kind == AnswerKind::kThrottled) continue;
    Delivery& delivery = texts[i].delivery;
    delivery.provider_id = std::move(answer.provider_id);
    delivery.detail = std::move(answer.detail);
    switch (answer.kind) {
      case AnswerKind::kAccepted:
        delivery.status = DeliveryStatus::kSent;
        taken = true;
        break;
      case AnswerKind::kRejected:
        delivery.status = DeliveryStatus::kRejected;
        taken = true;  // the provider answered: the lane is healthy
        break;
      case AnswerKind::kFailed:
      case AnswerKind::kThrottled:
        delivery.status = DeliveryStatus::kFailed;
        delivery.result = answer.result;
        delivery.maybe_taken = answer.maybe_taken;
        break;
    }
    Answer(&texts[i]);
  }
  Publish();
  if (throttled) {
    ++throttled_;
  } else if (taken) {
    queue->lanes->OnSuccess(now);
  } else {
    queue->lanes->OnFailure();
  }
  Pump();
}

void ProviderTransport::Impl::GiveUp(absl::Status status) {
  {
    std::lock_guard<std::mutex> lock(failure_mutex_);
    if (failure_.ok()) failure_ = std::move(status);
  }
  given_up_ = true;
  HoldBack();
}

void ProviderTransport::Impl::HoldBack() {
  holding_back_ = true;
  timer_.cancel();
  for (SenderQueue* queue : sender_order_) {
    for (PendingText& text : queue->texts) {
      GiveBack(&text);
    }
    queue->texts.clear();
  }
  Publish();
}

absl::StatusOr<std::unique_ptr<ProviderTransport>> ProviderTransport::Create(
    const ProviderConfig& config, const ProviderTransportOptions& options) {
  auto impl = std::make_unique<Impl>(config, options);
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<ProviderTransport>(
      new ProviderTransport(std::move(impl)));
}

ProviderTransport::ProviderTransport(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

ProviderTransport::~ProviderTransport() { impl_->Stop(); }

void ProviderTransport::StopSending() { impl_->StopSending(); }

absl::Status ProviderTransport::Submit(absl::Span<const OutboundText> texts) {
  return impl_->Submit(texts);
}

absl::Status ProviderTransport::Collect(absl::Duration wait,
                                        std::vector<Delivery>* out) {
  return impl_->Collect(wait, out);
}

absl::Status ProviderTransport::Finish() {
  impl_->Stop();
  return absl::OkStatus();
}

ProviderTransportStats ProviderTransport::stats() const {
  return impl_->stats();
}

}  // namespace herald
