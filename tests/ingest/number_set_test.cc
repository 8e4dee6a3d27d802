#include "engine/ingest/number_set.h"

#include <cstdint>
#include <random>
#include <unordered_set>
#include <vector>

#include "gtest/gtest.h"

namespace herald {
namespace {

TEST(NumberSetTest, StartsEmpty) {
  NumberSet set;
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.Contains(12135551234));
  EXPECT_FALSE(set.Contains(0));  // zero marks empty slots; never a member
  EXPECT_GT(set.MemoryBytes(), 0u);
}

TEST(NumberSetTest, InsertThenContains) {
  NumberSet set;
  EXPECT_TRUE(set.Insert(12135551234));
  EXPECT_TRUE(set.Contains(12135551234));
  EXPECT_FALSE(set.Contains(12135551235));
  EXPECT_FALSE(set.Contains(0));
  EXPECT_EQ(set.size(), 1u);

  EXPECT_TRUE(set.Insert(13105550000));
  EXPECT_TRUE(set.Contains(13105550000));
  EXPECT_TRUE(set.Contains(12135551234));
  EXPECT_EQ(set.size(), 2u);
}

TEST(NumberSetTest, DuplicateInsertReturnsFalseAndKeepsSize) {
  NumberSet set;
  EXPECT_TRUE(set.Insert(12135551234));
  EXPECT_FALSE(set.Insert(12135551234));
  EXPECT_FALSE(set.Insert(12135551234));
  EXPECT_EQ(set.size(), 1u);
  EXPECT_TRUE(set.Contains(12135551234));
}

TEST(NumberSetTest, ConsecutiveNumbersOfOneExchange) {
  // One exchange's subscribers differ only in the last digits; they must not
  // collide into one another.
  NumberSet set;
  for (PhoneNumber n = 12135550000; n < 12135560000; ++n) {
    ASSERT_TRUE(set.Insert(n)) << n;
  }
  EXPECT_EQ(set.size(), 10000u);
  for (PhoneNumber n = 12135550000; n < 12135560000; ++n) {
    ASSERT_TRUE(set.Contains(n)) << n;
    ASSERT_FALSE(set.Insert(n)) << n;
  }
  EXPECT_FALSE(set.Contains(12135549999));
  EXPECT_FALSE(set.Contains(12135560000));
  EXPECT_EQ(set.size(), 10000u);
}

TEST(NumberSetTest, GrowsPastManyResizesWithoutLosingNumbers) {
  constexpr size_t kCount = 2'000'000;
  std::mt19937_64 rng(20260101);
  std::uniform_int_distribution<PhoneNumber> dist(12002000000, 19899999999);

  // Odd numbers go in; their even neighbours are the known-absent ones.
  std::vector<PhoneNumber> inserted;
  inserted.reserve(kCount);
  std::unordered_set<PhoneNumber> seen;
  seen.reserve(kCount);
  NumberSet set;
  while (inserted.size() < kCount) {
    const PhoneNumber n = dist(rng) | 1;
    const bool fresh = seen.insert(n).second;
    ASSERT_EQ(set.Insert(n), fresh) << n;
    if (fresh) inserted.push_back(n);
  }
  EXPECT_EQ(set.size(), kCount);
  // The table holds every key in 8 bytes.
  EXPECT_GE(set.MemoryBytes(), kCount * sizeof(PhoneNumber));

  for (PhoneNumber n : inserted) {
    ASSERT_TRUE(set.Contains(n)) << n;
  }
  for (size_t i = 0; i < inserted.size(); i += 7) {
    ASSERT_FALSE(set.Contains(inserted[i] - 1)) << inserted[i] - 1;
  }
  // Re-inserting any of them changes nothing.
  for (size_t i = 0; i < inserted.size(); i += 101) {
    ASSERT_FALSE(set.Insert(inserted[i])) << inserted[i];
  }
  EXPECT_EQ(set.size(), kCount);
}

}  // namespace
}  // namespace herald
