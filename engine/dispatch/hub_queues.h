// What a ProviderHub keeps for each channel and each sender: the texts it
// holds, the state a channel and the hub's I/O thread share, and the stride
// scheduling that shares a sender's lanes between channels by weight.
#ifndef HERALD_ENGINE_DISPATCH_HUB_QUEUES_H_
#define HERALD_ENGINE_DISPATCH_HUB_QUEUES_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "concurrentqueue/blockingconcurrentqueue.h"
#include "concurrentqueue/concurrentqueue.h"
#include "engine/dispatch/provider_protocol.h"
#include "engine/dispatch/provider_transport.h"
#include "herald/transport.h"
#include "ratelimit/rate_limiter.h"

namespace herald {

// A text the transport holds: what the provider gets, and the answer that
// goes back to the pipeline, filled in when it is known.
struct PendingText {
  ProviderText text;
  Delivery delivery;
};

// The committer waits for answers on a semaphore that by default spins 10,000
// times before it sleeps: on two cores that spinning takes the CPU the I/O
// thread needs to produce the answers.
struct AnswerQueueTraits : moodycamel::ConcurrentQueueDefaultTraits {
  static const int MAX_SEMA_SPINS = 100;
};

// One channel's state. The channel and the I/O thread share it because
// either may let go first: a request in flight keeps it after the channel is
// destroyed, and the channel keeps it after the hub stopped.
struct ChannelState {
  explicit ChannelState(const ChannelOptions& options) : options(options) {}

  const ChannelOptions options;

  // Crossing threads.
  moodycamel::ConcurrentQueue<PendingText> incoming;
  std::atomic<bool> drain_posted{false};
  moodycamel::BlockingConcurrentQueue<Delivery, AnswerQueueTraits> answered;
  std::atomic<uint64_t> answered_count{0};
  std::atomic<uint64_t> with_provider{0};  // texts in requests unanswered
  std::mutex room_mutex;
  std::condition_variable room;

  // The committer only.
  uint64_t submitted_count = 0;
  bool failure_reported = false;
  bool finished = false;

  // The I/O thread only.
  bool holding_back = false;  // StopSending() was called
  bool detached = false;      // finished or destroyed: nobody collects
  std::vector<Delivery> unpublished;
};

using ChannelPtr = std::shared_ptr<ChannelState>;

// One channel's texts for one sender, in the order they go.
struct ChannelQueue {
  ChannelPtr channel;
  std::deque<PendingText> texts;
  // Stride scheduling: texts taken so far divided by the channel's weight,
  // not counting time spent empty (see Join). The non-empty queue with the
  // least pass goes next.
  double pass = 0;
};

// The texts of one sender, by channel, and its lanes.
struct SenderQueue {
  SenderLanes* lanes = nullptr;
  // In the order the channels first had texts here, which breaks ties.
  std::vector<ChannelQueue> channels;
  // The pass of the queue taken last: the least pass of any queue then, so
  // where one that had been empty starts when all are empty.
  double virtual_time = 0;
};

// The non-empty queue of `sender` to take the next request from: the one
// with the least pass. Null when all are empty.
ChannelQueue* NextQueue(SenderQueue& sender);

// The queue of `channel` in `sender`, made if need be, ready to take texts.
// One that is empty starts at the least pass of the others, so it claims no
// credit for the time it had nothing to send, and keeps its own pass when
// that is higher, so going empty for a moment cancels no debt.
ChannelQueue* Join(SenderQueue& sender, const ChannelPtr& channel);

}  // namespace herald

#endif  // HERALD_ENGINE_DISPATCH_HUB_QUEUES_H_
