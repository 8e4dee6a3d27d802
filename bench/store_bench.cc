// The store alone: outcomes recorded per second through SqliteStore, from
// Record() to durable (Finish() returns once the last commit is made), in
// the shape a run produces them: chunks of rows answered SENT with their
// message, zone, provider id and attempt record. The second argument is 1
// when an account webhook watches the texts: each final outcome then also
// writes a feed_events row.
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "engine/store/sqlite_store.h"

namespace herald {
namespace {

constexpr int kChunk = 1000;  // outcomes per Record(), as a run commits them

void BM_StoreRecordSent(benchmark::State& state) {
  const int64_t outcomes = state.range(0);
  const std::atomic<bool> feed_wanted{state.range(1) != 0};
  const std::string dir = absl::StrCat("/tmp/herald-store-bench-", getpid());
  const std::string message =
      "Hi Ann, thank you for your gift of $25 to the Beaufort charity weekend.";
  std::vector<RowOutcome> chunk(kChunk);
  for (RowOutcome& o : chunk) {
    o.batch = 1;
    o.state = RecipientState::kFinished;
    o.result = TextResult::kSent;
    o.attempt = 1;
    o.answered = true;
    o.message = message;
    o.segments = 1;
    o.zone = "America/New_York";
    o.provider_id = "4711";
  }
  for (auto _ : state) {
    state.PauseTiming();
    system(absl::StrCat("rm -rf ", dir, " && mkdir -p ", dir).c_str());
    SqliteStoreOptions options;
    options.feed_events = &feed_wanted;
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(StorePath(dir), options);
    if (!store.ok()) {
      state.SkipWithError(std::string(store.status().message()).c_str());
      return;
    }
    state.ResumeTiming();
    const absl::Time now = absl::Now();
    for (int64_t row = 1; row <= outcomes; row += kChunk) {
      for (int i = 0; i < kChunk; ++i) {
        chunk[i].recipient_id = row + i;
        chunk[i].line = row + i + 1;
        chunk[i].to = 12135550000 + (row + i) % 10000;
        chunk[i].at = now;
      }
      if (!(*store)->Record(chunk).ok()) state.SkipWithError("Record failed");
    }
    if (!(*store)->Finish().ok()) state.SkipWithError("Finish failed");
    state.PauseTiming();
    store->reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * outcomes);
  system(absl::StrCat("rm -rf ", dir).c_str());
}
BENCHMARK(BM_StoreRecordSent)
    ->Args({1000000, 0})
    ->Args({1000000, 1})
    ->Args({1000000, 0})
    ->Args({1000000, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace herald

BENCHMARK_MAIN();
