// What a Stop() of one busy broadcast costs the calls about another: the
// embedder's view through the public API only (herald/engine.h), so the same
// program builds against any earlier herald.
//
//   stop_latency DIR [ROWS] [--listener]
//
// Broadcast A sends ROWS (default 1,000,000) contacts to an outbox in DIR
// with the store on; broadcast B holds a small batch and stays in SETUP.
// Once A has sent a quarter of its rows, one thread calls Stop(A) while
// another calls GetBroadcast(B) and GetProgress(B) in a loop until the Stop
// returns; the slowest of those calls and the Stop itself are printed.
// --listener subscribes a listener (which takes every text event) first.
// Bounded: it gives up after 120 s.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "herald/engine.h"

namespace {

void Fail(const std::string& what) {
  std::fprintf(stderr, "stop_latency: %s\n", what.c_str());
  std::exit(1);
}

std::string WriteContacts(const std::string& path, long rows) {
  std::ofstream out(path);
  out << "phoneNumber\n";
  for (long i = 0; i < rows; ++i) out << 2135500000 + i << "\n";
  if (!out) Fail(path + ": cannot write");
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Fail("usage: stop_latency DIR [ROWS] [--listener]");
  const std::string dir = argv[1];
  long rows = 1'000'000;
  bool listener = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--listener") == 0) {
      listener = true;
    } else if (!absl::SimpleAtoi(argv[i], &rows) || rows < 1000) {
      Fail(absl::StrCat("ROWS: a count of at least 1000, got ", argv[i]));
    }
  }
  const std::string contacts = WriteContacts(dir + "/contacts.csv", rows);
  const std::string small = WriteContacts(dir + "/small.csv", 1000);

  herald::EngineOptions options;
  options.state_dir = dir + "/state";
  absl::StatusOr<std::unique_ptr<herald::Engine>> engine =
      herald::Engine::Open(options);
  if (!engine.ok()) Fail(engine.status().ToString());
  std::atomic<long> events{0};
  if (listener) {
    (*engine)->Subscribe([&](const herald::EngineEvent&) { ++events; });
  }
  herald::BroadcastOptions a_options;
  a_options.outbox_path = dir + "/outbox.jsonl";
  absl::StatusOr<herald::BroadcastId> a =
      (*engine)->CreateBroadcast(R"({"message":"Hello from A"})", a_options);
  absl::StatusOr<herald::BroadcastId> b =
      (*engine)->CreateBroadcast(R"({"message":"Hello from B"})", a_options);
  if (!a.ok() || !b.ok()) Fail("cannot create the broadcasts");
  if (!(*engine)->AddBatch(*a, herald::BatchSource::File(contacts), {}).ok() ||
      !(*engine)->AddBatch(*b, herald::BatchSource::File(small), {}).ok()) {
    Fail("cannot add the batches");
  }
  if (!(*engine)->Start(*a).ok()) Fail("cannot start A");
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  for (;;) {
    absl::StatusOr<herald::BroadcastProgress> p = (*engine)->GetProgress(*a);
    if (p.ok() && p->sent >= static_cast<uint64_t>(rows / 4)) break;
    if (absl::Now() > give_up) Fail("A never sent a quarter of its rows");
    absl::SleepFor(absl::Milliseconds(5));
  }

  std::atomic<bool> stopped{false};
  absl::Duration stop_took;
  std::thread stopper([&] {
    const absl::Time begin = absl::Now();
    if (!(*engine)->Stop(*a).ok()) Fail("Stop(A) failed");
    stop_took = absl::Now() - begin;
    stopped = true;
  });
  absl::Duration slowest;
  long calls = 0;
  while (!stopped && absl::Now() < give_up) {
    const absl::Time begin = absl::Now();
    if (!(*engine)->GetBroadcast(*b).ok() || !(*engine)->GetProgress(*b).ok()) {
      Fail("a call about B failed");
    }
    slowest = std::max(slowest, absl::Now() - begin);
    ++calls;
  }
  stopper.join();
  absl::StatusOr<herald::BroadcastInfo> info = (*engine)->GetBroadcast(*a);
  const uint64_t left =
      info.ok() && !info->batches.empty() ? info->batches[0].remaining : 0;
  std::printf(
      "rows %ld  listener %s  Stop(A) %.1f ms  slowest call about B %.2f ms "
      "(%ld calls)  A's rows left %llu\n",
      rows, listener ? "yes" : "no", absl::ToDoubleMilliseconds(stop_took),
      absl::ToDoubleMilliseconds(slowest), calls,
      static_cast<unsigned long long>(left));
  return 0;
}
