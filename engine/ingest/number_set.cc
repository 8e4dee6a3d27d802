#include "engine/ingest/number_set.h"

#include <cassert>

namespace herald {
namespace {

constexpr size_t kInitialCapacity = 1024;

// Fibonacci hashing: numbers that differ only in their low digits (one
// exchange's subscribers) spread over the whole table.
constexpr uint64_t kGoldenRatio = 0x9E3779B97F4A7C15ull;

}  // namespace

NumberSet::NumberSet()
    : slots_(new PhoneNumber[kInitialCapacity]()),
      capacity_(kInitialCapacity),
      shift_(64 - 10) {}

size_t NumberSet::SlotFor(PhoneNumber number) const {
  return static_cast<size_t>((number * kGoldenRatio) >> shift_);
}

bool NumberSet::Insert(PhoneNumber number) {
  assert(number != 0);
  // Keep the load under 3/4 so probe runs stay short.
  if ((size_ + 1) * 4 > capacity_ * 3) Grow();
  const size_t mask = capacity_ - 1;
  for (size_t i = SlotFor(number);; i = (i + 1) & mask) {
    if (slots_[i] == number) return false;
    if (slots_[i] == 0) {
      slots_[i] = number;
      ++size_;
      return true;
    }
  }
}

bool NumberSet::Contains(PhoneNumber number) const {
  const size_t mask = capacity_ - 1;
  for (size_t i = SlotFor(number);; i = (i + 1) & mask) {
    if (slots_[i] == number) return number != 0;
    if (slots_[i] == 0) return false;
  }
}

void NumberSet::Grow() {
  std::unique_ptr<PhoneNumber[]> old = std::move(slots_);
  const size_t old_capacity = capacity_;
  capacity_ *= 2;
  --shift_;
  slots_.reset(new PhoneNumber[capacity_]());
  const size_t mask = capacity_ - 1;
  for (size_t j = 0; j < old_capacity; ++j) {
    const PhoneNumber number = old[j];
    if (number == 0) continue;
    size_t i = SlotFor(number);
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = number;
  }
}

}  // namespace herald
