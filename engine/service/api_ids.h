// The ids the API shows. CallFire's batches and texts have ids of their
// own, not scoped by broadcast (GET /v2/campaigns/batches/{id},
// GET /v2/texts/{id}), while herald numbers them within their broadcast; so
// the API's id holds the broadcast's, readable in the decimal digits:
//   batch 2 of broadcast 14:                      14002
//   text of row 7 of that batch (texts.h TextId): 140020000000007
// which caps a broadcast at kMaxApiBatches batches and the ids of the
// broadcasts whose texts the API can name at kMaxApiBroadcast.
#ifndef HERALD_ENGINE_SERVICE_API_IDS_H_
#define HERALD_ENGINE_SERVICE_API_IDS_H_

#include <cstdint>
#include <optional>

#include "herald/engine.h"
#include "herald/texts.h"

namespace herald {

inline constexpr uint32_t kMaxApiBatches = 999;
inline constexpr int64_t kApiBatchFactor = 1000;
inline constexpr int64_t kApiTextBroadcastFactor =
    static_cast<int64_t>(kTextIdBatchFactor) * kApiBatchFactor;
inline constexpr BroadcastId kMaxApiBroadcast =
    INT64_MAX / kApiTextBroadcastFactor - 1;

struct ApiBatchRef {
  BroadcastId broadcast = 0;
  BatchId batch = 0;
};
struct ApiTextRef {
  BroadcastId broadcast = 0;
  uint64_t text = 0;  // TextId(batch, row) within the broadcast
};

inline int64_t ApiBatchId(BroadcastId broadcast, BatchId batch) {
  return broadcast * kApiBatchFactor + batch;
}
// nullopt for an id no batch can have.
inline std::optional<ApiBatchRef> ParseApiBatchId(int64_t id) {
  if (id <= 0 || id % kApiBatchFactor == 0) return std::nullopt;
  return ApiBatchRef{id / kApiBatchFactor,
                     static_cast<BatchId>(id % kApiBatchFactor)};
}

inline int64_t ApiTextId(BroadcastId broadcast, uint64_t text) {
  return broadcast * kApiTextBroadcastFactor + static_cast<int64_t>(text);
}
// nullopt for an id no text can have.
inline std::optional<ApiTextRef> ParseApiTextId(int64_t id) {
  if (id <= 0) return std::nullopt;
  const uint64_t text = static_cast<uint64_t>(id % kApiTextBroadcastFactor);
  if (text / kTextIdBatchFactor == 0 || text % kTextIdBatchFactor == 0) {
    return std::nullopt;
  }
  return ApiTextRef{id / kApiTextBroadcastFactor, text};
}

// An inbound text's API id is its own (InboundText::id): every outbound
// text's is at least kApiTextBroadcastFactor, so the two never meet.
inline bool IsInboundTextId(int64_t id) {
  return id > 0 && id < kApiTextBroadcastFactor;
}

// A contact of a contact list is its row: row 12 of list 3 is 30000000012.
inline constexpr int64_t kApiContactListFactor = 10'000'000'000;
inline int64_t ApiContactId(ContactListId list, uint64_t row) {
  return list * kApiContactListFactor + static_cast<int64_t>(row);
}

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_API_IDS_H_
