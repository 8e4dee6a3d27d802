#include "engine/pipeline/run_report.h"

#include <sys/resource.h>

#include "nlohmann/json.hpp"

namespace herald {
namespace {

using nlohmann::json;

json StatsJson(const RunCounts& counts) {
  return json{
      {"totalCount", counts.total},
      // Every recipient is one outbound text; herald sends nothing inbound.
      {"totalOutboundCount", counts.total},
      {"sentCount", counts.sent},
      {"unsentCount", counts.total - counts.remaining - counts.sent},
      {"invalidCount", counts.invalid},
      {"dupCount", counts.dup},
      {"doNotTextCount", counts.dnc},
      {"tooBigCount", counts.too_big},
      {"errorCount", counts.errors},
      {"skippedCount", counts.skipped},
      {"timeoutCount", counts.timeout},
      {"remainingOutboundCount", counts.remaining},
      {"callbackCount", counts.callbacks},
      {"segmentCount", counts.segments},
  };
}

}  // namespace

void RunCounts::AddFinal(TextCount count, uint64_t segments_sent) {
  switch (count) {
    case TextCount::kNone:
    case TextCount::kCallback:
      return;
    case TextCount::kSent:
      ++sent;
      segments += segments_sent;
      return;
    case TextCount::kTooBig:
      ++too_big;
      return;
    case TextCount::kDnc:
      ++dnc;
      return;
    case TextCount::kDup:
      ++dup;
      return;
    case TextCount::kInvalid:
      ++invalid;
      return;
    case TextCount::kTimeout:
      ++timeout;
      return;
    case TextCount::kSkipped:
      ++skipped;
      return;
    case TextCount::kError:
      ++errors;
      return;
  }
}

uint64_t MaxResidentBytes() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux: kilobytes
}

std::string RunReportJson(const Broadcast& broadcast, const RunReport& report) {
  json out;
  out["broadcast"] = {
      {"name", broadcast.name},
      {"fromNumber", broadcast.from_number},
      {"labels", broadcast.labels},
      {"scrubDuplicates", broadcast.scrub_duplicates},
      {"bigMessageStrategy",
       BigMessageStrategyName(broadcast.big_message_strategy)},
      {"localTimeRestriction", broadcast.local_time_restriction.enabled},
      {"schedules", broadcast.schedules.size()},
      {"resumeNextDay", broadcast.resume_next_day},
  };
  out["status"] = report.status.ok() ? "COMPLETED" : "STOPPED";
  if (!report.status.ok()) out["error"] = std::string(report.status.message());
  out["stats"] = StatsJson(report.totals);
  json batches = json::array();
  for (const BatchReport& batch : report.batches) {
    batches.push_back({{"id", batch.id},
                       {"file", batch.path},
                       {"stats", StatsJson(batch.counts)}});
  }
  out["batches"] = std::move(batches);
  out["dnc"] = {{"lines", report.dnc.lines},
                {"entries", report.dnc.entries},
                {"rejected", report.dnc.rejected},
                {"rejectedSamples", report.dnc.rejected_samples}};
  json passes = json::array();
  for (const PassReport& pass : report.passes) {
    passes.push_back({{"at", absl::FormatTime(absl::RFC3339_full, pass.at,
                                              absl::UTCTimeZone())},
                      {"rows", pass.rows},
                      {"sent", pass.sent},
                      {"waiting", pass.waiting},
                      {"seconds", pass.seconds}});
  }
  out["passes"] = std::move(passes);
  out["startedAt"] = absl::FormatTime(absl::RFC3339_full, report.started_at,
                                      absl::UTCTimeZone());
  out["endedAt"] = absl::FormatTime(absl::RFC3339_full, report.ended_at,
                                    absl::UTCTimeZone());
  out["elapsedSeconds"] = report.elapsed_seconds;
  out["rowsSettledEarlier"] = report.rows_settled_earlier;
  out["recipientsPerSecond"] = report.RowsPerSecond();
  out["maxResidentBytes"] = MaxResidentBytes();
  json samples = json::array();
  for (const RowIssue& issue : report.invalid_samples) {
    samples.push_back(
        {{"file", issue.path}, {"line", issue.line}, {"reason", issue.reason}});
  }
  out["invalidSamples"] = std::move(samples);
  out["warnings"] = report.warnings;
  // A path or reason that slipped in unsanitised must not abort the run.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace herald
