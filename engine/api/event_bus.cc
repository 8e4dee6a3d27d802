#include "engine/api/event_bus.h"

#include <utility>
#include <vector>

namespace herald {

EventBus::EventBus() : thread_([this] { Loop(); }) {}

EventBus::~EventBus() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
}

SubscriptionId EventBus::Subscribe(Listener listener) {
  std::lock_guard lock(mu_);
  const SubscriptionId id = next_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void EventBus::Unsubscribe(SubscriptionId id) {
  std::unique_lock lock(mu_);
  listeners_.erase(id);
  if (std::this_thread::get_id() == thread_.get_id()) return;
  delivered_.wait(lock, [&] { return calling_ != id; });
}

bool EventBus::HasListeners() const {
  std::lock_guard lock(mu_);
  return !listeners_.empty();
}

void EventBus::Publish(EngineEvent event) {
  {
    std::lock_guard lock(mu_);
    if (listeners_.empty()) return;
    queue_.push_back(std::move(event));
  }
  work_.notify_one();
}

void EventBus::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;
    const EngineEvent event = std::move(queue_.front());
    queue_.pop_front();
    // A listener may subscribe or unsubscribe others while it runs: walk
    // the ids, finding each again under the lock.
    for (SubscriptionId id = 0;;) {
      auto it = listeners_.upper_bound(id);
      if (it == listeners_.end()) break;
      id = it->first;
      Listener listener = it->second;
      calling_ = id;
      lock.unlock();
      listener(event);
      lock.lock();
      calling_ = 0;
      delivered_.notify_all();
    }
  }
}

}  // namespace herald
