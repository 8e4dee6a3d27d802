#include "engine/pipeline/waiting_book.h"

#include <algorithm>

namespace herald {

WaitingBook::WaitingBook(size_t zone_groups, size_t batches)
    : waiting_(zone_groups), waiting_by_batch_(batches) {}

void WaitingBook::AddCallback(uint32_t batch_index, uint64_t recipient_id,
                              Callback callback, absl::Time due) {
  const uint64_t id = IdOf(batch_index, recipient_id);
  callbacks_[id] = callback;
  due_.emplace(due, id);
}

const WaitingBook::Callback* WaitingBook::FindCallback(
    uint32_t batch_index, uint64_t recipient_id) const {
  auto it = callbacks_.find(IdOf(batch_index, recipient_id));
  return it == callbacks_.end() ? nullptr : &it->second;
}

void WaitingBook::EraseCallback(uint32_t batch_index, uint64_t recipient_id) {
  callbacks_.erase(IdOf(batch_index, recipient_id));
}

bool WaitingBook::TakeDueCallbacks(absl::Time now,
                                   std::vector<RowSelection>* selections,
                                   absl::Time* next_due) {
  bool taken = false;
  while (!due_.empty() && due_.top().first <= now) {
    const uint64_t id = due_.top().second;
    (*selections)[id >> kBatchShift].Add(id & kRecipientMask);
    due_.pop();
    taken = true;
  }
  *next_due = due_.empty() ? absl::InfiniteFuture() : due_.top().first;
  return taken;
}

std::vector<uint64_t> WaitingBook::CallbacksByBatch() const {
  std::vector<uint64_t> counts(waiting_by_batch_.size());
  for (const auto& [id, callback] : callbacks_) ++counts[id >> kBatchShift];
  return counts;
}

void WaitingBook::Wait(ZoneGroupId group, uint32_t batch_index,
                       uint64_t recipient_id) {
  waiting_[group].push_back(IdOf(batch_index, recipient_id));
  ++waiting_by_batch_[batch_index];
  ++waiting_count_;
}

bool WaitingBook::TakeOpenRows(absl::Time now, WindowTracker& windows,
                               std::vector<RowSelection>* selections,
                               absl::Time* next_open) {
  *next_open = absl::InfiniteFuture();
  bool taken = false;
  for (ZoneGroupId group = 0; group < waiting_.size(); ++group) {
    std::vector<uint64_t>& rows = waiting_[group];
    if (rows.empty()) continue;
    if (windows.At(group, now) == WindowState::kShut) {
      *next_open = std::min(*next_open, windows.NextChange(group));
      continue;
    }
    for (uint64_t id : rows) {
      const uint64_t batch = id >> kBatchShift;
      (*selections)[batch].Add(id & kRecipientMask);
      --waiting_by_batch_[batch];
    }
    waiting_count_ -= rows.size();
    std::vector<uint64_t>().swap(rows);  // give the memory back
    taken = true;
  }
  return taken;
}

uint64_t WaitingBook::RowsOfBatch(uint32_t batch_index) const {
  uint64_t rows = waiting_by_batch_[batch_index];
  for (const auto& [id, callback] : callbacks_) {
    rows += (id >> kBatchShift) == batch_index;
  }
  return rows;
}

}  // namespace herald
