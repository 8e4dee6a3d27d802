#include "engine/api/broadcast_runner.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>

namespace herald {

void BroadcastRunner::Start(LiveBroadcast* b) {
  // A runner that left its loop takes no broadcast lock again (it parks
  // its store's writer, which waits only for that writer): joining it here
  // cannot wait on us.
  if (b->runner.joinable()) b->runner.join();
  std::lock_guard lock(b->mu);
  b->running = true;
  b->interrupt = false;
  b->stop_requested = false;
  b->runner = std::thread([this, b] { Loop(b); });
}

void BroadcastRunner::Stop(LiveBroadcast* b) {
  std::unique_lock lock(b->mu);
  b->interrupt = true;
  b->changed.notify_all();
  b->changed.wait(lock, [&] { return !b->running; });
}

void BroadcastRunner::BatchesChanged(LiveBroadcast* b) {
  if (b->status == BroadcastStatus::kRunning) {
    b->restart = true;
    b->interrupt = true;
  }
  b->changed.notify_all();
}

void BroadcastRunner::Loop(LiveBroadcast* b) {
  std::unique_lock lock(b->mu);
  auto has_active = [&] {
    return std::any_of(b->batches.begin(), b->batches.end(),
                       [](const LiveBroadcast::Batch& batch) {
                         return batch.info.status == BatchStatus::kActive;
                       });
  };
  auto stopping = [&] {
    return closing_ || !IsLive(b->status) || b->stop_requested ||
           b->interrupt.load();
  };
  // Its moves are made without b->mu.
  auto fail = [&](const absl::Status& error) {
    lock.unlock();
    StopLive(b, *events_, std::string(error.message())).IgnoreError();
    lock.lock();
  };
  while (!closing_ && IsLive(b->status) && !b->stop_requested) {
    if (b->status == BroadcastStatus::kStartPending) {
      if (has_active()) {
        lock.unlock();
        absl::StatusOr<bool> s =
            ChangeStatusByRunner(b, *events_, BroadcastStatus::kStartPending,
                                 BroadcastStatus::kRunning);
        lock.lock();
        if (!s.ok()) {
          fail(s.status());
          break;
        }
        continue;
      }
      b->changed.wait(lock);
      continue;
    }
    RunInput input;
    bool validating = false;
    for (const LiveBroadcast::Batch& batch : b->batches) {
      input.paths.push_back(batch.info.path);
      BatchRule& rule = input.rules.emplace_back();
      rule.scrub_duplicates = batch.info.scrub_duplicates;
      if (batch.info.status != BatchStatus::kActive) {
        rule.mode = BatchRule::Mode::kSkip;
        validating |= batch.info.status != BatchStatus::kErrors;
      } else if (!batch.info.enabled) {
        rule.mode = BatchRule::Mode::kHold;
      }
    }
    b->restart = false;
    b->interrupt = false;
    lock.unlock();
    absl::StatusOr<RunReport> report = runs_->RunOnce(b, input);
    lock.lock();
    // A run a Stop() interrupted ends without a failure of its own.
    if (closing_ || !IsLive(b->status) || b->stop_requested) break;
    if (b->restart) continue;
    const absl::Status status = report.ok() ? report->status : report.status();
    // RunBroadcast fails without a report only while it plans, before
    // anything is sent.
    b->inputs_refused =
        !report.ok() && status.code() == absl::StatusCode::kInvalidArgument;
    if (!status.ok()) {
      fail(status);
      break;
    }
    if (report->totals.remaining > 0 || validating || b->options.keep_open) {
      // Rows of a switched-off batch, or a batch on its way (or, kept
      // open, batches to come): the broadcast is not done until they are.
      b->changed.wait(lock, [&] { return b->restart || stopping(); });
      if (b->interrupt && !b->restart) break;
      continue;
    }
    lock.unlock();
    absl::StatusOr<bool> finished = ChangeStatusByRunner(
        b, *events_, BroadcastStatus::kRunning, BroadcastStatus::kFinished);
    lock.lock();
    if (!finished.ok()) fail(finished.status());
    break;
  }
  b->running = false;
  b->changed.notify_all();
  lock.unlock();
  // The broadcast is done, or stopped: its store keeps no writer thread.
  ParkWriterWhenIdle(*b);
}

void BroadcastRunner::Close(const std::vector<LiveBroadcast*>& all) {
  closing_ = true;
  for (LiveBroadcast* b : all) {
    std::lock_guard lock(b->mu);
    b->interrupt = true;
    b->changed.notify_all();
  }
  for (LiveBroadcast* b : all) {
    if (b->runner.joinable()) b->runner.join();
  }
}

}  // namespace herald
