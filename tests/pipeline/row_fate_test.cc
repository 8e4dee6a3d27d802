// The fate of a row, decided without a run around it, and the one rule by
// which a text's state and result count into statistics.
#include "engine/pipeline/row_fate.h"

#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "herald/run_report.h"
#include "herald/texts.h"

namespace herald {
namespace {

constexpr RowVerdict kVerdicts[] = {RowVerdict::kInvalid, RowVerdict::kDnc,
                                    RowVerdict::kUnrenderable,
                                    RowVerdict::kTooBig, RowVerdict::kSendable};
constexpr WindowState kWindows[] = {WindowState::kOpen, WindowState::kShut,
                                    WindowState::kOver};

struct Decided {
  RowFate fate;
  int window_calls;
};

Decided Decide(const RowFacts& facts, WindowState window) {
  int calls = 0;
  const RowFate fate = DecideRowFate(facts, [&] {
    ++calls;
    return window;
  });
  return {fate, calls};
}

TEST(RowFateTest, ASendableRowGoesByItsWindow) {
  RowFacts facts;
  facts.verdict = RowVerdict::kSendable;
  facts.zone_sends = true;
  EXPECT_EQ(Decide(facts, WindowState::kOpen).fate, RowFate::kSend);
  EXPECT_EQ(Decide(facts, WindowState::kShut).fate, RowFate::kWait);
  EXPECT_EQ(Decide(facts, WindowState::kOver).fate, RowFate::kTimeout);
  EXPECT_EQ(Decide(facts, WindowState::kOpen).window_calls, 1);
}

// Every combination: what the row is wins over its batch, its batch over its
// zone, its zone over its window; the window is asked only when it decides.
TEST(RowFateTest, EveryCombinationInTheOrderAPersonWouldCheck) {
  for (RowVerdict verdict : kVerdicts) {
    for (bool duplicate : {false, true}) {
      for (bool held : {false, true}) {
        for (bool sends : {false, true}) {
          for (WindowState window : kWindows) {
            RowFacts facts{verdict, duplicate, held, sends};
            RowFate expected;
            if (verdict == RowVerdict::kInvalid) {
              expected = RowFate::kInvalid;  // no number to be a duplicate of
            } else if (duplicate) {
              expected = RowFate::kDup;
            } else if (verdict == RowVerdict::kDnc) {
              expected = RowFate::kDnc;
            } else if (verdict == RowVerdict::kUnrenderable) {
              expected = RowFate::kInvalid;
            } else if (verdict == RowVerdict::kTooBig) {
              expected = RowFate::kTooBig;
            } else if (held) {
              expected = RowFate::kDisabled;
            } else if (!sends) {
              expected = RowFate::kSkipped;
            } else {
              expected = window == WindowState::kOpen   ? RowFate::kSend
                         : window == WindowState::kShut ? RowFate::kWait
                                                        : RowFate::kTimeout;
            }
            const Decided decided = Decide(facts, window);
            SCOPED_TRACE(testing::Message()
                         << "verdict " << static_cast<int>(verdict) << " dup "
                         << duplicate << " held " << held << " sends " << sends
                         << " window " << static_cast<int>(window));
            EXPECT_EQ(decided.fate, expected);
            const bool window_decides = verdict == RowVerdict::kSendable &&
                                        !duplicate && !held && sends;
            EXPECT_EQ(decided.window_calls, window_decides ? 1 : 0);
          }
        }
      }
    }
  }
}

TEST(RowFateTest, OnlyTheRowsDoneWithAreRecordedWhenCommitted) {
  for (RowFate fate :
       {RowFate::kInvalid, RowFate::kDup, RowFate::kDnc, RowFate::kTooBig,
        RowFate::kSkipped, RowFate::kTimeout}) {
    EXPECT_TRUE(IsFinalFate(fate)) << static_cast<int>(fate);
  }
  for (RowFate fate : {RowFate::kDisabled, RowFate::kWait, RowFate::kSend}) {
    EXPECT_FALSE(IsFinalFate(fate)) << static_cast<int>(fate);
  }
}

TEST(TextCountTest, EachStateAndResultCountsOnce) {
  const std::vector<std::optional<TextResult>> results = {
      std::nullopt,
      TextResult::kSent,
      TextResult::kReceived,
      TextResult::kDnt,
      TextResult::kTooBig,
      TextResult::kInternalError,
      TextResult::kCarrierError,
      TextResult::kCarrierTempError,
      TextResult::kUndialed};
  for (int s = 0; s <= static_cast<int>(RecipientState::kSkipped); ++s) {
    const RecipientState state = static_cast<RecipientState>(s);
    for (const std::optional<TextResult>& result : results) {
      const TextCount count = CountOf(state, result);
      SCOPED_TRACE(testing::Message()
                   << StateName(state) << " "
                   << (result ? ResultName(*result) : "none"));
      // Final or not as the state says; CALLBACK is the one counted unfinal.
      EXPECT_EQ(count != TextCount::kNone && count != TextCount::kCallback,
                IsFinal(state));
      EXPECT_EQ(count == TextCount::kCallback,
                state == RecipientState::kCallback);
      // A final row lands in exactly one count, so the report adds up.
      RunCounts counts;
      counts.AddFinal(count, 2);
      const uint64_t placed = counts.sent + counts.invalid + counts.dup +
                              counts.dnc + counts.too_big + counts.errors +
                              counts.skipped + counts.timeout;
      EXPECT_EQ(placed, IsFinal(state) ? 1u : 0u);
      EXPECT_EQ(counts.segments, count == TextCount::kSent ? 2u : 0u);
    }
  }
  EXPECT_EQ(CountOf(RecipientState::kFinished, TextResult::kSent),
            TextCount::kSent);
  EXPECT_EQ(CountOf(RecipientState::kFinished, TextResult::kDnt),
            TextCount::kDnc);
  EXPECT_EQ(CountOf(RecipientState::kDnc, TextResult::kDnt), TextCount::kDnc);
  EXPECT_EQ(CountOf(RecipientState::kFinished, TextResult::kTooBig),
            TextCount::kTooBig);
  EXPECT_EQ(CountOf(RecipientState::kFinished, TextResult::kCarrierError),
            TextCount::kError);
  EXPECT_EQ(CountOf(RecipientState::kCallback, TextResult::kCarrierTempError),
            TextCount::kCallback);
}

}  // namespace
}  // namespace herald
