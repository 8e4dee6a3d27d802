#include "engine/pipeline/outcome_log.h"

#include "absl/strings/str_cat.h"
#include "engine/base/json_text.h"

namespace herald {

absl::StatusOr<std::unique_ptr<JsonlOutcomeLog>> JsonlOutcomeLog::Create(
    const std::string& path, OutputFile::Mode mode) {
  absl::StatusOr<std::unique_ptr<OutputFile>> file =
      OutputFile::Create(path, mode);
  if (!file.ok()) return file.status();
  return std::unique_ptr<JsonlOutcomeLog>(
      new JsonlOutcomeLog(*std::move(file)));
}

absl::Status JsonlOutcomeLog::Record(absl::Span<const RowOutcome> outcomes) {
  for (const RowOutcome& outcome : outcomes) {
    line_.clear();
    absl::StrAppend(&line_, "{\"batch\":", outcome.batch,
                    ",\"recipientId\":", outcome.recipient_id,
                    ",\"line\":", outcome.line);
    if (outcome.to != 0) {
      line_.append(",\"to\":\"");
      AppendE164Digits(outcome.to, &line_);
      line_.push_back('"');
    }
    absl::StrAppend(&line_, ",\"state\":\"", StateName(outcome.state), "\"");
    if (outcome.result) {
      absl::StrAppend(&line_, ",\"result\":\"", ResultName(*outcome.result),
                      "\"");
    }
    if (outcome.attempt > 0) {
      absl::StrAppend(&line_, ",\"attempt\":", outcome.attempt);
    }
    if (!outcome.provider_id.empty()) {
      line_.append(",\"providerId\":");
      AppendJsonString(outcome.provider_id, &line_);
    }
    if (!outcome.reason.empty()) {
      line_.append(",\"reason\":");
      AppendJsonString(outcome.reason, &line_);
    }
    line_.append("}\n");
    if (absl::Status s = file_->Append(line_); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status JsonlOutcomeLog::Finish() { return file_->Close(); }

absl::Status OutcomeTee::Record(absl::Span<const RowOutcome> outcomes) {
  for (OutcomeSink* sink : sinks_) {
    if (absl::Status s = sink->Record(outcomes); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status OutcomeTee::RecordBatchSize(uint32_t batch, uint64_t rows) {
  for (OutcomeSink* sink : sinks_) {
    if (absl::Status s = sink->RecordBatchSize(batch, rows); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status OutcomeTee::Flush() {
  for (OutcomeSink* sink : sinks_) {
    if (absl::Status s = sink->Flush(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status OutcomeTee::Finish() {
  absl::Status first;
  for (OutcomeSink* sink : sinks_) first.Update(sink->Finish());
  return first;
}

}  // namespace herald
