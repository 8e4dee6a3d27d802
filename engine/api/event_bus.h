// The engine's events on their way to subscribers: publishers (the engine's
// calls, runners, the store's writer) never wait for a listener; one thread
// of the bus calls the listeners, in the order the events were published.
// The queue is bounded for text events, outbound and inbound (kMaxQueued):
// beyond it they are counted and dropped, and the count goes out as one
// kTextEventsLost event when there is room. Status and batch events, a few per
// change, always go.
#ifndef HERALD_ENGINE_API_EVENT_BUS_H_
#define HERALD_ENGINE_API_EVENT_BUS_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "herald/engine.h"

namespace herald {

class EventBus {
 public:
  using Listener = std::function<void(const EngineEvent&)>;

  EventBus();
  // Delivers what is queued, then stops the thread; later events are
  // dropped. Idempotent.
  void Close();
  // Close()s.
  ~EventBus();
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  static constexpr size_t kMaxQueued = 1 << 16;

  SubscriptionId Subscribe(Listener listener, EventKinds kinds);
  // After it returns the listener is not called again (unless called from
  // within that listener, which then finishes its current call).
  void Unsubscribe(SubscriptionId id);

  // Whether anyone listens for `kind`: publishers skip building events
  // nobody gets.
  bool HasListeners(EngineEvent::Kind kind) const;

  // Queues `event` for every listener subscribed now. Never blocks on a
  // listener.
  void Publish(EngineEvent event);

 private:
  void Loop();
  // With mu_ held: queues the count of the text events dropped, if any.
  void QueueLost();

  mutable std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable delivered_;
  std::deque<EngineEvent> queue_;
  struct Subscription {
    Listener listener;
    EventKinds kinds;
  };
  std::map<SubscriptionId, Subscription> listeners_;
  EventKinds listened_ = 0;  // the kinds anyone listens for
  uint64_t lost_ = 0;        // text events dropped and not yet told
  SubscriptionId next_id_ = 1;
  SubscriptionId calling_ = 0;  // the listener being called, 0 when none
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_API_EVENT_BUS_H_
