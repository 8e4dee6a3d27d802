// The JSON report of a run, as `herald run --report` writes it.
#ifndef HERALD_ENGINE_PIPELINE_RUN_REPORT_H_
#define HERALD_ENGINE_PIPELINE_RUN_REPORT_H_

#include <string>

#include "engine/broadcast/broadcast.h"
#include "engine/pipeline/broadcast_run.h"

namespace herald {

// Returns the report as pretty-printed JSON:
//   {"broadcast": {...}, "status": "COMPLETED" | "STOPPED", "error": "...",
//    "stats": {"totalCount", "totalOutboundCount", "sentCount",
//              "unsentCount", "invalidCount", "dupCount", "doNotTextCount",
//              "tooBigCount", "errorCount", "skippedCount", "timeoutCount",
//              "remainingOutboundCount", "callbackCount", "segmentCount"}
//              (the names of `herald stats`),
//    "batches": [{"id", "file", "stats": {...}}], "dnc": {...},
//    "elapsedSeconds", "recipientsPerSecond", "maxResidentBytes",
//    "invalidSamples": [{"file", "line", "reason"}], "warnings": [...]}
std::string RunReportJson(const Broadcast& broadcast, const RunReport& report);

// Peak resident memory of this process so far, in bytes.
uint64_t MaxResidentBytes();

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_RUN_REPORT_H_
