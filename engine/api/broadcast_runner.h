// The runner of a broadcast: the thread that runs the pipeline for it while
// it is START_PENDING or RUNNING, and again each time its batches change,
// and that moves it on to RUNNING, FINISHED or, when the run fails, STOPPED.
// Its own moves are made only from the status they leave, so a Stop() while
// it makes one wins.
#ifndef HERALD_ENGINE_API_BROADCAST_RUNNER_H_
#define HERALD_ENGINE_API_BROADCAST_RUNNER_H_

#include <atomic>
#include <vector>

#include "engine/api/event_bus.h"
#include "engine/api/live_broadcast.h"
#include "engine/api/run_assembly.h"

namespace herald {

class BroadcastRunner {
 public:
  // `runs` and `events` must outlive it.
  BroadcastRunner(RunAssembly* runs, EventBus* events)
      : runs_(runs), events_(events) {}

  // Starts b's runner thread, joining the one that left before; with
  // b->control_mu held (or while the engine opens), and b->running false.
  void Start(LiveBroadcast* b);
  // Interrupts b's run and waits for its runner to leave its loop; with
  // b->control_mu held.
  static void Stop(LiveBroadcast* b);
  // The batches changed: a RUNNING broadcast's run ends and a new one takes
  // them, from the store; a START_PENDING one may run now. With b->mu held.
  static void BatchesChanged(LiveBroadcast* b);
  // Every runner of `all` leaves its loop, whatever the status, and is
  // joined: the engine closes.
  void Close(const std::vector<LiveBroadcast*>& all);

 private:
  void Loop(LiveBroadcast* b);

  RunAssembly* const runs_;
  EventBus* const events_;
  std::atomic<bool> closing_{false};
};

}  // namespace herald

#endif  // HERALD_ENGINE_API_BROADCAST_RUNNER_H_
