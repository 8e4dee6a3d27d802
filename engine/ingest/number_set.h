// A set of phone numbers that stays fast and compact at tens of millions of
// entries: duplicate scrubbing and do-not-contact lists both live in one.
#ifndef HERALD_ENGINE_INGEST_NUMBER_SET_H_
#define HERALD_ENGINE_INGEST_NUMBER_SET_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "engine/ingest/phone_number.h"

namespace herald {

// Open addressing with linear probing over a flat array of 8-byte keys, so a
// lookup touches one or two cache lines and 20 million numbers take 256 MiB.
// Zero is the empty slot; every valid E.164 number is non-zero.
//
// Not thread-safe for writers. Any number of threads may call Contains()
// concurrently once no thread inserts any more.
class NumberSet {
 public:
  NumberSet();
  NumberSet(const NumberSet&) = delete;
  NumberSet& operator=(const NumberSet&) = delete;

  // Adds `number` (non-zero). Returns true when it was not yet present.
  bool Insert(PhoneNumber number);

  // Returns true when `number` was inserted before.
  bool Contains(PhoneNumber number) const;

  // Starts loading the memory `number`'s lookup will touch, so a caller can
  // hide the cache miss behind other work. A hint only: no effect on results.
  void Prefetch(PhoneNumber number) const {
    __builtin_prefetch(&slots_[SlotFor(number)]);
  }

  size_t size() const { return size_; }

  // Bytes held by the table.
  size_t MemoryBytes() const { return capacity_ * sizeof(PhoneNumber); }

 private:
  size_t SlotFor(PhoneNumber number) const;
  void Grow();

  std::unique_ptr<PhoneNumber[]> slots_;
  size_t capacity_;  // a power of two
  int shift_;        // 64 - log2(capacity_)
  size_t size_ = 0;
};

}  // namespace herald

#endif  // HERALD_ENGINE_INGEST_NUMBER_SET_H_
