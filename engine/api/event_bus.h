// The engine's events on their way to subscribers: publishers (the engine's
// calls, runners, the store's writer) never wait for a listener; one thread
// of the bus calls the listeners, in the order the events were published.
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
  // Delivers what is queued, then stops the thread.
  ~EventBus();
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  SubscriptionId Subscribe(Listener listener);
  // After it returns the listener is not called again (unless called from
  // within that listener, which then finishes its current call).
  void Unsubscribe(SubscriptionId id);

  // Whether anyone listens: publishers skip building events nobody gets.
  bool HasListeners() const;

  // Queues `event` for every listener subscribed now. Never blocks on a
  // listener.
  void Publish(EngineEvent event);

 private:
  void Loop();

  mutable std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable delivered_;
  std::deque<EngineEvent> queue_;
  std::map<SubscriptionId, Listener> listeners_;
  SubscriptionId next_id_ = 1;
  SubscriptionId calling_ = 0;  // the listener being called, 0 when none
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_API_EVENT_BUS_H_
