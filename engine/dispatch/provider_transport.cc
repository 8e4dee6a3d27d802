#include "engine/dispatch/provider_transport.h"

#include <algorithm>
#include <atomic>
#include <chrono>
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
#include "concurrentqueue/blockingconcurrentqueue.h"
#include "concurrentqueue/concurrentqueue.h"
#include "engine/base/utf8.h"
#include "engine/dispatch/hub_queues.h"
#include "engine/dispatch/provider_protocol.h"
#include "engine/http/clock_timer.h"
#include "engine/http/http_client.h"
#include "ratelimit/rate_limiter.h"

namespace herald {
namespace {

// Texts are taken from the incoming queue this many at a time.
constexpr size_t kDrainBulk = 1024;

}  // namespace

// Everything of the hub: the committers' side of each channel takes
// `ChannelState`s; the rest runs on the I/O thread. Its members are grouped
// by who touches them (set once, crossing threads, I/O thread only), which
// is what a reader needs to know of each; the per-channel and per-sender
// state is in hub_queues.h.
class ProviderHub::Impl {
 public:
  Impl(const ProviderConfig& config, Clock* clock, const SendBlock* send_block)
      : config_(config),
        protocol_(MakeProviderProtocol(config)),
        clock_(clock != nullptr ? clock : RealClock()),
        send_block_(send_block),
        work_(io_.get_executor()),
        timer_(io_, clock_) {}
  ~Impl() { Stop(); }

  // Starts the I/O thread and sets up what lives on it.
  absl::Status Start();
  // Ends the I/O thread; channels get back what it holds of theirs. Not from
  // the I/O thread; later calls do nothing.
  void Stop();

  // InvalidArgument for `options` out of range; why it gave up, or
  // FailedPrecondition, once it gave up or stopped.
  absl::StatusOr<ChannelPtr> NewChannel(const ChannelOptions& options) const;

  // A channel's Transport calls, from its committer.
  absl::Status Submit(const ChannelPtr& channel,
                      absl::Span<const OutboundText> texts);
  absl::Status Collect(ChannelState& channel, absl::Duration wait,
                       std::vector<Delivery>* out);
  void StopSending(ChannelPtr channel) {
    boost::asio::post(io_, [this, channel = std::move(channel)] {
      channel->holding_back = true;
      GiveBackQueued(*channel, /*detach=*/false);
      Publish();
    });
  }
  // Forgets `channel`: what it still holds goes back unsent, and answers
  // of its requests in flight go to nobody.
  void Detach(ChannelPtr channel) {
    boost::asio::post(io_, [this, channel = std::move(channel)] {
      channel->detached = true;
      GiveBackQueued(*channel, /*detach=*/true);
      Publish();
    });
  }

  ProviderTransportStats stats() const;

 private:
  absl::Status failure() const {
    std::lock_guard<std::mutex> lock(failure_mutex_);
    return failure_;
  }

  // On the I/O thread.
  void Drain(const ChannelPtr& channel);
  void Pump();
  // Starts one request with up to `count` texts from the head of `from`, a
  // queue of `sender`.
  // The last moment before the wire: answers BLOCKED, and takes out of
  // `queue`, the texts the next request could carry whose number the send
  // block holds now (put on the do-not-contact list while the text waited
  // here). True when it took any.
  bool AnswerBlocked(ChannelQueue* queue);
  void StartRequest(SenderQueue* sender, ChannelQueue* from, int count);
  // How many texts from the head of `texts` the next request through
  // `lanes` may carry, and their segments: up to the protocol's batch, and
  // never more than a lane's burst, so that no request overruns a burst on
  // its own.
  int NextRequestSize(const SenderLanes& lanes,
                      const std::deque<PendingText>& texts,
                      int* segments) const;
  void OnResponse(SenderQueue* sender, const ChannelPtr& channel,
                  std::vector<PendingText> texts, const HttpResponse& response);
  // Hands `text` back to `channel` once Publish() runs, which it does after
  // each group of answers.
  void Answer(const ChannelPtr& channel, PendingText* text);
  // Answers `text` NOT_SENT: it was never handed to the provider.
  void GiveBack(const ChannelPtr& channel, PendingText* text);
  void Publish();
  // After the provider refused the credentials: everything held goes back
  // unsent, and nothing more is sent.
  void GiveUp(absl::Status status);
  // The circuit breaker. A request that could not connect, or whose URL
  // answers 404 or 405, says nothing about its texts: they go back to the
  // head of their queue, the sender pauses, and kMaxUnreachable such
  // answers in a row give up as refused credentials do, so a wrong URL or a
  // provider that is down stops the run (resumable) instead of ending every
  // row INTERNAL_ERROR or INVALID. Returns false for any other answer,
  // which closes the breaker again.
  bool Unreachable(SenderQueue* sender, const ChannelPtr& channel,
                   std::vector<PendingText>* texts,
                   const HttpResponse& response);
  // Gives back what every channel has queued; requests made are still
  // answered.
  void GiveBackAll();
  // Gives back what `channel` has queued, and with `detach` forgets its
  // queues.
  void GiveBackQueued(const ChannelState& channel, bool detach);
  SenderQueue* QueueFor(const std::string& sender);

  const ProviderConfig config_;
  const std::unique_ptr<ProviderProtocol> protocol_;
  Clock* const clock_;                 // the lanes' time
  const SendBlock* const send_block_;  // null: none

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
      work_;
  std::thread thread_;

  // Crossing threads.
  std::atomic<bool> stopping_{false};
  std::atomic<bool> given_up_{false};
  mutable std::mutex failure_mutex_;
  absl::Status failure_;  // why it gave up; guarded by failure_mutex_
  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> throttled_{0};
  std::atomic<int64_t> connections_{0};
  std::atomic<int64_t> texts_answered_{0};
  int unreachable_in_a_row_ = 0;  // I/O thread only

  // I/O thread only.
  std::unique_ptr<HttpClient> client_;
  RateLimiter limiter_;
  std::map<std::string, SenderQueue, std::less<>> senders_;
  std::vector<SenderQueue*> sender_order_;  // round robin over senders
  size_t next_sender_ = 0;
  ClockTimer timer_;  // a lane's next send time
  std::vector<PendingText> drained_;
  std::vector<ChannelPtr> unpublished_;  // channels with answers to publish
};

// A channel's Transport: the committer's handle on its ChannelState.
class ProviderHub::Channel : public Transport {
 public:
  Channel(std::shared_ptr<Impl> hub, ChannelPtr state)
      : hub_(std::move(hub)), state_(std::move(state)) {}
  ~Channel() override {
    if (!state_->finished) hub_->Detach(state_);
  }

  absl::Status Submit(absl::Span<const OutboundText> texts) override {
    if (state_->finished) {
      return absl::FailedPreconditionError("the channel was finished");
    }
    return hub_->Submit(state_, texts);
  }
  absl::Status Collect(absl::Duration wait,
                       std::vector<Delivery>* out) override {
    return hub_->Collect(*state_, wait, out);
  }
  void StopSending() override { hub_->StopSending(state_); }
  uint64_t TextsWithProvider() const override {
    return state_->with_provider.load(std::memory_order_relaxed);
  }
  absl::Status Finish() override {
    if (!state_->finished) {
      state_->finished = true;
      hub_->Detach(state_);
    }
    return absl::OkStatus();
  }

 private:
  // Keeps the hub's queues and io_context alive for Detach, which a channel
  // destroyed after its hub still posts (to a stopped io_context).
  const std::shared_ptr<Impl> hub_;
  const ChannelPtr state_;
};

absl::Status ProviderHub::Impl::Start() {
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

void ProviderHub::Impl::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  boost::asio::post(io_, [this] {
    GiveBackAll();
    timer_.Cancel();
    work_.reset();
    io_.stop();
  });
  // Requests still in flight end when the thread destroys the client, and
  // come back NOT_SENT.
  thread_.join();
}

absl::StatusOr<ChannelPtr> ProviderHub::Impl::NewChannel(
    const ChannelOptions& options) const {
  if (options.weight < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("channel weight ", options.weight, " is below 1"));
  }
  if (options.max_unanswered < 1) {
    return absl::InvalidArgumentError("channel max_unanswered is 0");
  }
  if (given_up_) return failure();
  if (stopping_) {
    return absl::FailedPreconditionError(
        absl::StrCat("provider ", config_.name, ": the hub stopped"));
  }
  return std::make_shared<ChannelState>(options);
}

absl::Status ProviderHub::Impl::Submit(const ChannelPtr& channel,
                                       absl::Span<const OutboundText> texts) {
  if (given_up_) return failure();
  if (stopping_) {
    return absl::FailedPreconditionError(
        absl::StrCat("provider ", config_.name, ": the hub stopped"));
  }
  {
    const std::atomic<bool>* interrupt = channel->options.interrupt;
    const auto room = [&] {
      return channel->submitted_count - channel->answered_count.load() <
                 channel->options.max_unanswered ||
             given_up_;
    };
    std::unique_lock<std::mutex> lock(channel->room_mutex);
    while (!room()) {
      // Whoever sets the interrupt knows nothing of this wait: looked at
      // while waiting, only then.
      if (interrupt != nullptr && interrupt->load()) {
        return absl::CancelledError(
            absl::StrCat("provider ", config_.name,
                         ": interrupted while waiting for room in the queue"));
      }
      channel->room.wait_for(lock, std::chrono::milliseconds(50));
    }
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
    out.idempotency_key =
        IdempotencyKey(channel->options.key_prefix, text.batch,
                       text.recipient_id, text.key_attempt);
    out.broadcast = channel->options.broadcast;
    out.text_id = TextId(text.batch, text.recipient_id);
    out.attempt = text.attempt;
    pending[i].delivery = DeliveryFor(text);
  }
  channel->submitted_count += texts.size();
  channel->incoming.enqueue_bulk(std::make_move_iterator(pending.begin()),
                                 pending.size());
  if (!channel->drain_posted.exchange(true)) {
    boost::asio::post(io_, [this, channel] { Drain(channel); });
  }
  return absl::OkStatus();
}

absl::Status ProviderHub::Impl::Collect(ChannelState& channel,
                                        absl::Duration wait,
                                        std::vector<Delivery>* out) {
  constexpr size_t kBulk = 4096;
  const size_t before = out->size();
  out->resize(before + kBulk);
  size_t taken = channel.answered.wait_dequeue_bulk_timed(
      out->begin() + before, kBulk, absl::ToChronoMicroseconds(wait));
  while (taken > 0 && taken % kBulk == 0) {  // more may be waiting
    out->resize(out->size() + kBulk);
    const size_t more =
        channel.answered.try_dequeue_bulk(out->end() - kBulk, kBulk);
    taken += more;
    if (more < kBulk) break;
  }
  out->resize(before + taken);
  if (given_up_ && !channel.failure_reported) {
    channel.failure_reported = true;
    return failure();
  }
  return absl::OkStatus();
}

ProviderTransportStats ProviderHub::Impl::stats() const {
  return {requests_.load(), throttled_.load(), connections_.load(),
          texts_answered_.load()};
}

void ProviderHub::Impl::Answer(const ChannelPtr& channel, PendingText* text) {
  if (channel->unpublished.empty()) unpublished_.push_back(channel);
  text->delivery.message = std::move(text->text.message);
  channel->unpublished.push_back(std::move(text->delivery));
}

void ProviderHub::Impl::GiveBack(const ChannelPtr& channel, PendingText* text) {
  text->delivery.status = DeliveryStatus::kNotSent;
  Answer(channel, text);
}

void ProviderHub::Impl::Publish() {
  for (const ChannelPtr& channel : unpublished_) {
    std::vector<Delivery>& answers = channel->unpublished;
    const size_t count = answers.size();
    channel->answered.enqueue_bulk(std::make_move_iterator(answers.begin()),
                                   count);
    answers.clear();
    channel->answered_count.fetch_add(count);
    texts_answered_.fetch_add(count);
    // Taking the lock orders this with Submit's check of answered_count, so
    // the wake-up cannot fall between its check and its wait.
    std::lock_guard<std::mutex> lock(channel->room_mutex);
    channel->room.notify_all();
  }
  unpublished_.clear();
}

SenderQueue* ProviderHub::Impl::QueueFor(const std::string& sender) {
  auto it = senders_.find(sender);
  if (it != senders_.end()) return &it->second;
  SenderQueue& queue = senders_[sender];
  // The account was added in Start(), so the lookup cannot fail.
  queue.lanes = *limiter_.Lanes(config_.name, sender);
  sender_order_.push_back(&queue);
  return &queue;
}

void ProviderHub::Impl::Drain(const ChannelPtr& channel) {
  channel->drain_posted = false;
  const bool give_back =
      given_up_ || stopping_ || channel->holding_back || channel->detached;
  for (;;) {
    drained_.resize(kDrainBulk);
    const size_t n =
        channel->incoming.try_dequeue_bulk(drained_.begin(), kDrainBulk);
    drained_.resize(n);
    for (PendingText& text : drained_) {
      if (give_back) {
        GiveBack(channel, &text);
      } else {
        Join(*QueueFor(text.text.from), channel)
            ->texts.push_back(std::move(text));
      }
    }
    if (n < kDrainBulk) break;
  }
  Publish();
  Pump();
}

int ProviderHub::Impl::NextRequestSize(const SenderLanes& lanes,
                                       const std::deque<PendingText>& texts,
                                       int* segments) const {
  const LaneLimits& account = lanes.account().limits();
  const LaneLimits& sender = lanes.sender().limits();
  auto cap = [](const LaneLimits& limits, bool segments) {
    const double rate =
        segments ? limits.segments_per_second : limits.messages_per_second;
    return rate > 0 ? limits.burst : std::numeric_limits<int>::max();
  };
  const int max_texts =
      std::min({protocol_->max_batch(), cap(account, false), cap(sender, false),
                static_cast<int>(texts.size())});
  const int max_segments = std::min(cap(account, true), cap(sender, true));
  int count = 0;
  *segments = 0;
  while (count < max_texts) {
    const int next = texts[count].text.segments;
    if (count > 0 && *segments + next > max_segments) break;
    *segments += next;
    ++count;
  }
  return count;
}

void ProviderHub::Impl::Pump() {
  if (given_up_ || stopping_) return;
  const absl::Time now = clock_->Now();
  absl::Time wake = absl::InfiniteFuture();
  // Round robin: each sender in turn starts at most one request per round,
  // so one busy sender cannot hold back the others.
  bool started = true;
  while (started) {
    started = false;
    for (size_t i = 0; i < sender_order_.size(); ++i) {
      SenderQueue* sender =
          sender_order_[(next_sender_ + i) % sender_order_.size()];
      ChannelQueue* next = NextQueue(*sender);
      if (next == nullptr) continue;
      if (AnswerBlocked(next) && next->texts.empty()) {
        started = true;  // answered: the round may find another queue
        continue;
      }
      int segments = 0;
      const int count = NextRequestSize(*sender->lanes, next->texts, &segments);
      const absl::Time at = sender->lanes->NextSendTime(count, segments, now);
      if (at > now) {
        wake = std::min(wake, at);
        continue;
      }
      sender->lanes->TryAcquire(count, segments, now);
      StartRequest(sender, next, count);
      started = true;
    }
    if (!sender_order_.empty()) {
      next_sender_ = (next_sender_ + 1) % sender_order_.size();
    }
  }
  // A request in flight wakes the pump with its answer; a lane that waits
  // for tokens or the end of a pause needs the timer.
  if (wake != absl::InfiniteFuture() && wake != timer_.at()) {
    timer_.FireAt(wake, [this] { Pump(); });
  }
}

bool ProviderHub::Impl::AnswerBlocked(ChannelQueue* queue) {
  if (send_block_ == nullptr) return false;
  std::deque<PendingText>& texts = queue->texts;
  const size_t window = static_cast<size_t>(protocol_->max_batch());
  bool answered = false;
  // Until the window is clean: texts that move up into it are asked too.
  size_t checked = 0;  // texts at the head known not to be blocked
  while (checked < std::min(texts.size(), window)) {
    PendingText& text = texts[checked];
    if (!send_block_->Blocks(text.text.to)) {
      ++checked;
      continue;
    }
    text.delivery.status = DeliveryStatus::kBlocked;
    text.delivery.detail = "on the do-not-contact list when it was to go";
    Answer(queue->channel, &text);
    texts.erase(texts.begin() + checked);
    answered = true;
  }
  if (answered) Publish();
  return answered;
}

void ProviderHub::Impl::StartRequest(SenderQueue* sender, ChannelQueue* from,
                                     int count) {
  std::vector<PendingText> texts;
  texts.reserve(count);
  for (int i = 0; i < count; ++i) {
    texts.push_back(std::move(from->texts.front()));
    from->texts.pop_front();
  }
  sender->virtual_time = from->pass;
  from->pass += static_cast<double>(count) / from->channel->options.weight;
  from->channel->with_provider.fetch_add(count, std::memory_order_relaxed);
  std::vector<const ProviderText*> views;
  views.reserve(count);
  for (const PendingText& text : texts) views.push_back(&text.text);
  client_->Start(protocol_->BuildRequest(views),
                 [this, sender, channel = from->channel,
                  texts = std::move(texts)](HttpResponse response) mutable {
                   OnResponse(sender, channel, std::move(texts), response);
                 });
}

void ProviderHub::Impl::OnResponse(SenderQueue* sender,
                                   const ChannelPtr& channel,
                                   std::vector<PendingText> texts,
                                   const HttpResponse& response) {
  ++requests_;
  channel->with_provider.fetch_sub(texts.size(), std::memory_order_relaxed);
  connections_ = client_ != nullptr ? client_->connections_opened() : 0;
  if (given_up_ || stopping_) {
    for (PendingText& text : texts) {
      GiveBack(channel, &text);
    }
    Publish();
    return;
  }
  if (Unreachable(sender, channel, &texts, response)) return;
  std::vector<TextAnswer> answers(texts.size());
  if (absl::Status s =
          protocol_->ReadResponse(response, absl::MakeSpan(answers));
      !s.ok()) {
    sender->lanes->OnFailure();
    for (PendingText& text : texts) {
      GiveBack(channel, &text);
    }
    GiveUp(std::move(s));
    return;
  }
  const absl::Time now = clock_->Now();
  bool throttled = false;
  bool taken = false;
  // Throttled texts go back to the head of their channel's queue in their
  // order, unless the channel no longer sends.
  ChannelQueue* requeue = nullptr;
  for (size_t i = texts.size(); i-- > 0;) {
    if (answers[i].kind != AnswerKind::kThrottled) continue;
    if (!throttled) {
      sender->lanes->OnThrottled(answers[i].scope, answers[i].retry_after, now);
      throttled = true;
    }
    if (channel->holding_back || channel->detached) {
      GiveBack(channel, &texts[i]);
      continue;
    }
    if (requeue == nullptr) requeue = Join(*sender, channel);
    requeue->texts.push_front(std::move(texts[i]));
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
    Answer(channel, &texts[i]);
  }
  Publish();
  if (throttled) {
    ++throttled_;
  } else if (taken) {
    sender->lanes->OnSuccess(now);
  } else {
    sender->lanes->OnFailure();
  }
  Pump();
}

bool ProviderHub::Impl::Unreachable(SenderQueue* sender,
                                    const ChannelPtr& channel,
                                    std::vector<PendingText>* texts,
                                    const HttpResponse& response) {
  constexpr int kMaxUnreachable = 6;
  constexpr absl::Duration kPause = absl::Milliseconds(500);
  const bool wrong_url = response.transport.ok() &&
                         (response.status == 404 || response.status == 405);
  if (!response.connect_failed && !wrong_url) {
    unreachable_in_a_row_ = 0;
    return false;
  }
  sender->lanes->OnThrottled(ThrottleScope::kAccount, kPause, clock_->Now());
  ChannelQueue* requeue = nullptr;
  for (size_t i = texts->size(); i-- > 0;) {
    PendingText& text = (*texts)[i];
    if (channel->holding_back || channel->detached) {
      GiveBack(channel, &text);
      continue;
    }
    if (requeue == nullptr) requeue = Join(*sender, channel);
    requeue->texts.push_front(std::move(text));
  }
  if (++unreachable_in_a_row_ >= kMaxUnreachable) {
    const std::string why =
        wrong_url ? absl::StrCat("its url answers HTTP ", response.status,
                                 "; check url in the providers file")
                  : absl::StrCat("no connection: ",
                                 OneLineText(response.transport.message(), 200),
                                 "; check its url, and that it is up");
    GiveUp(absl::UnavailableError(absl::StrCat(
        "provider ", config_.name, ": ", unreachable_in_a_row_,
        " requests in a row reached nobody (", why,
        "); nothing of them was sent, and the rows not sent stay for a "
        "resumed run")));
    return true;
  }
  Publish();
  Pump();
  return true;
}

void ProviderHub::Impl::GiveUp(absl::Status status) {
  {
    std::lock_guard<std::mutex> lock(failure_mutex_);
    if (failure_.ok()) failure_ = std::move(status);
  }
  given_up_ = true;
  timer_.Cancel();
  GiveBackAll();
}

void ProviderHub::Impl::GiveBackAll() {
  for (SenderQueue* sender : sender_order_) {
    for (ChannelQueue& queue : sender->channels) {
      for (PendingText& text : queue.texts) {
        GiveBack(queue.channel, &text);
      }
      queue.texts.clear();
    }
  }
  Publish();
}

void ProviderHub::Impl::GiveBackQueued(const ChannelState& channel,
                                       bool detach) {
  for (SenderQueue* sender : sender_order_) {
    auto it = std::find_if(sender->channels.begin(), sender->channels.end(),
                           [&](const ChannelQueue& queue) {
                             return queue.channel.get() == &channel;
                           });
    if (it == sender->channels.end()) continue;
    for (PendingText& text : it->texts) {
      GiveBack(it->channel, &text);
    }
    it->texts.clear();
    if (detach) sender->channels.erase(it);
  }
}

ProviderHub::ProviderHub(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

ProviderHub::~ProviderHub() { impl_->Stop(); }

absl::StatusOr<std::unique_ptr<ProviderHub>> ProviderHub::Create(
    const ProviderConfig& config, Clock* clock, const SendBlock* send_block) {
  auto impl = std::make_shared<Impl>(config, clock, send_block);
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<ProviderHub>(new ProviderHub(std::move(impl)));
}

absl::StatusOr<std::unique_ptr<Transport>> ProviderHub::OpenChannel(
    const ChannelOptions& options) {
  absl::StatusOr<ChannelPtr> state = impl_->NewChannel(options);
  if (!state.ok()) return state.status();
  return std::make_unique<Channel>(impl_, *std::move(state));
}

ProviderTransportStats ProviderHub::stats() const { return impl_->stats(); }

}  // namespace herald
