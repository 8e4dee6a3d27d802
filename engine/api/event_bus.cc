#include "engine/api/event_bus.h"

#include <utility>
#include <vector>

namespace herald {

EventBus::EventBus() : thread_([this] { Loop(); }) {}

EventBus::~EventBus() { Close(); }

void EventBus::Close() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_one();
  if (thread_.joinable()) thread_.join();
}

namespace {

bool Takes(EventKinds kinds, EngineEvent::Kind kind) {
  return (kinds & EventKindBit(kind)) != 0;
}

}  // namespace

SubscriptionId EventBus::Subscribe(Listener listener, EventKinds kinds) {
  std::lock_guard lock(mu_);
  const SubscriptionId id = next_id_++;
  if (Takes(kinds, EngineEvent::Kind::kTextFinished)) {
    kinds |= EventKindBit(EngineEvent::Kind::kTextEventsLost);
  }
  listeners_.emplace(id, Subscription{std::move(listener), kinds});
  listened_ |= kinds;
  return id;
}

void EventBus::Unsubscribe(SubscriptionId id) {
  std::unique_lock lock(mu_);
  listeners_.erase(id);
  listened_ = 0;
  for (const auto& [other, subscription] : listeners_) {
    listened_ |= subscription.kinds;
  }
  if (std::this_thread::get_id() == thread_.get_id()) return;
  delivered_.wait(lock, [&] { return calling_ != id; });
}

bool EventBus::HasListeners(EngineEvent::Kind kind) const {
  std::lock_guard lock(mu_);
  return Takes(listened_, kind);
}

void EventBus::QueueLost() {
  if (lost_ == 0) return;
  EngineEvent event;
  event.kind = EngineEvent::Kind::kTextEventsLost;
  event.lost = lost_;
  lost_ = 0;
  queue_.push_back(std::move(event));
}

void EventBus::Publish(EngineEvent event) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || !Takes(listened_, event.kind)) return;
    if (event.kind == EngineEvent::Kind::kTextFinished ||
        event.kind == EngineEvent::Kind::kInboundText) {
      if (queue_.size() >= kMaxQueued) {
        ++lost_;
        return;
      }
      QueueLost();
    }
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
    if (queue_.empty()) QueueLost();  // nothing more may come to carry it
    // A listener may subscribe or unsubscribe others while it runs: walk
    // the ids, finding each again under the lock.
    for (SubscriptionId id = 0;;) {
      auto it = listeners_.upper_bound(id);
      if (it == listeners_.end()) break;
      id = it->first;
      if (!Takes(it->second.kinds, event.kind)) continue;
      Listener listener = it->second.listener;
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
