// The rows of a run that are neither done nor with the transport: those
// waiting for their zone's send window, and those between attempts
// (CALLBACK), with the attempts made, the key the next one carries and when
// it is due. A waiting row costs eight bytes. The committer's alone: not
// thread-safe.
#ifndef HERALD_ENGINE_PIPELINE_WAITING_BOOK_H_
#define HERALD_ENGINE_PIPELINE_WAITING_BOOK_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "engine/pipeline/recipient_gates.h"
#include "engine/pipeline/row_classifier.h"

namespace herald {

class WaitingBook {
 public:
  struct Callback {
    int attempts = 0;     // made so far
    int key_attempt = 0;  // the key the next attempt carries
  };

  // For a run of `batches` batches whose recipients fall in `zone_groups`
  // groups.
  WaitingBook(size_t zone_groups, size_t batches);

  // Rows between attempts. A row has one callback at most; adding another
  // replaces it, and its earlier due time then finds nothing to take.
  void AddCallback(uint32_t batch_index, uint64_t recipient_id,
                   Callback callback, absl::Time due);
  // The row's callback, or null.
  const Callback* FindCallback(uint32_t batch_index,
                               uint64_t recipient_id) const;
  void EraseCallback(uint32_t batch_index, uint64_t recipient_id);
  size_t callback_count() const { return callbacks_.size(); }
  // Whether any callback waits for its due time.
  bool HasDueTimes() const { return !due_.empty(); }
  // Adds the rows whose next attempt is due at `now` to `selections` (one
  // per batch); false, with the next due time in `next_due`, when there
  // are none.
  bool TakeDueCallbacks(absl::Time now, std::vector<RowSelection>* selections,
                        absl::Time* next_due);
  // The callbacks of each batch, by batch index.
  std::vector<uint64_t> CallbacksByBatch() const;

  // A row whose window in `group` is shut now.
  void Wait(ZoneGroupId group, uint32_t batch_index, uint64_t recipient_id);
  uint64_t waiting_count() const { return waiting_count_; }
  size_t WaitingIn(ZoneGroupId group) const { return waiting_[group].size(); }
  size_t zone_groups() const { return waiting_.size(); }
  // Adds the waiting rows whose window `windows` says is open or over at
  // `now` to `selections`; false, with the next opening in `next_open`,
  // when there are none.
  bool TakeOpenRows(absl::Time now, WindowTracker& windows,
                    std::vector<RowSelection>* selections,
                    absl::Time* next_open);

  // The rows of a batch waiting for either.
  uint64_t RowsOfBatch(uint32_t batch_index) const;

 private:
  // A row: its batch index above kBatchShift, its recipient id below.
  static constexpr int kBatchShift = 40;
  static constexpr uint64_t kRecipientMask = (uint64_t{1} << kBatchShift) - 1;
  static uint64_t IdOf(uint32_t batch_index, uint64_t recipient_id) {
    return uint64_t{batch_index} << kBatchShift | recipient_id;
  }

  std::vector<std::vector<uint64_t>> waiting_;  // by zone group
  std::vector<uint64_t> waiting_by_batch_;
  uint64_t waiting_count_ = 0;
  absl::flat_hash_map<uint64_t, Callback> callbacks_;
  using DueCallback = std::pair<absl::Time, uint64_t>;
  std::priority_queue<DueCallback, std::vector<DueCallback>,
                      std::greater<DueCallback>>
      due_;  // earliest first
};

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_WAITING_BOOK_H_
