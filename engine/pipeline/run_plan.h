// What a run settles before its first text: each contacts file's header
// mapped and its message compiled, the DNC lists loaded, the send gates
// built, with a warning for what will send nothing. A file, list or rule
// that cannot be used stops the run here, before anything is sent.
#ifndef HERALD_ENGINE_PIPELINE_RUN_PLAN_H_
#define HERALD_ENGINE_PIPELINE_RUN_PLAN_H_

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/base/file_io.h"
#include "engine/broadcast/broadcast.h"
#include "engine/ingest/number_set.h"
#include "engine/pipeline/broadcast_run.h"
#include "engine/pipeline/recipient_gates.h"
#include "engine/pipeline/row_classifier.h"

namespace herald {

struct RunPlan {
  // By batch; a batch the rules skip has only its id and path.
  std::vector<BatchPlan> batches;
  std::vector<FileVersion> versions;  // as each file was when planned
  std::unique_ptr<NumberSet> dnc = std::make_unique<NumberSet>();
  std::optional<RecipientGates> gates;  // set when planned
};

// Plans the run of `broadcast` under `options` beginning at
// report->started_at, adding its warnings and DNC counts to `report`.
// InvalidArgument (naming the file, line and field) for what cannot be used.
absl::StatusOr<RunPlan> PlanRun(const Broadcast& broadcast,
                                const RunOptions& options, RunReport* report);

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_RUN_PLAN_H_
