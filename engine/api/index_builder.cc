#include "engine/api/index_builder.h"

#include <algorithm>
#include <system_error>

namespace herald {

void IndexBuilder::Add(SqliteStore* store) {
  if (!store->WantsQueryIndexes()) return;
  std::lock_guard lock(mu_);
  if (stopped_ ||
      std::find(queue_.begin(), queue_.end(), store) != queue_.end()) {
    return;
  }
  queue_.push_back(store);
  if (running_) return;
  // A thread that left Loop() takes mu_ no more: joining it here is safe.
  if (thread_.joinable()) thread_.join();
  try {
    thread_ = std::thread([this] { Loop(); });
    running_ = true;
  } catch (const std::system_error&) {
    // Out of threads: the queries go without indexes.
    queue_.clear();
  }
}

void IndexBuilder::Stop() {
  cancel_ = true;
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    queue_.clear();
    thread = std::move(thread_);
  }
  if (thread.joinable()) thread.join();
}

void IndexBuilder::Loop() {
  for (;;) {
    SqliteStore* store = nullptr;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty() || stopped_) {
        running_ = false;
        return;
      }
      store = queue_.front();
      queue_.pop_front();
    }
    // A failed build (a full disk, a write that started) leaves the store
    // answering its queries without the indexes; the next park tries again.
    store->BuildQueryIndexes(cancel_).IgnoreError();
  }
}

}  // namespace herald
