// How the engine runs the pipeline for one of its broadcasts: the run's
// options, its transport (the outbox, or a channel of the provider's hub:
// one hub per provider, shared by every broadcast sending through it) and
// its sinks (the store, the outcomes log, the counts of final rows).
#ifndef HERALD_ENGINE_API_RUN_ASSEMBLY_H_
#define HERALD_ENGINE_API_RUN_ASSEMBLY_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/api/live_broadcast.h"
#include "engine/dispatch/provider_config.h"
#include "engine/dispatch/provider_transport.h"
#include "engine/pipeline/broadcast_run.h"
#include "herald/clock.h"
#include "herald/do_not_contact.h"
#include "herald/engine.h"
#include "timezone/zone_table.h"

namespace herald {

// The batches one run of the pipeline takes.
struct RunInput {
  std::vector<std::string> paths;
  std::vector<BatchRule> rules;
};

class RunAssembly {
 public:
  // `options`, `clock`, `zones` and `send_block` must outlive it.
  // `send_block` (null: none) is asked for every text just before it goes,
  // by the runs and the providers' hubs.
  RunAssembly(const EngineOptions& options, Clock* clock,
              const ZoneTable* zones, std::vector<ProviderConfig> providers,
              const SendBlock* send_block);
  // Stops the providers' I/O threads: after every run has ended.
  ~RunAssembly();

  // The provider `name` of the providers file; null when there is none.
  const ProviderConfig* FindProvider(absl::string_view name) const;
  const std::vector<ProviderConfig>& providers() const { return providers_; }

  // Reads the batch file once with every row held, nothing sent: sets its
  // size and status (ACTIVE, or ERRORS with why: unreadable, or invalid
  // rows under strictValidation).
  void Validate(const Broadcast& broadcast, const BroadcastOptions& options,
                const BatchOptions& batch_options, BatchInfo* batch) const;

  // One run of the pipeline for `b` over `input`, resumed from b's store,
  // until it ends or b->interrupt is set. Keeps b's progress and final-row
  // counts up to date while it goes, and its report after.
  absl::StatusOr<RunReport> RunOnce(LiveBroadcast* b, const RunInput& input);

 private:
  absl::StatusOr<Transport*> TransportFor(LiveBroadcast* b,
                                          std::unique_ptr<Transport>* owned);
  RunOptions BaseRunOptions(const BroadcastOptions& options) const;

  const EngineOptions& options_;
  Clock* const clock_;
  const ZoneTable* const zones_;
  const std::vector<ProviderConfig> providers_;
  const SendBlock* const send_block_;

  std::mutex hubs_mu_;
  std::map<std::string, std::unique_ptr<ProviderHub>> hubs_;  // (hubs_mu_)
};

}  // namespace herald

#endif  // HERALD_ENGINE_API_RUN_ASSEMBLY_H_
