#include "engine/outbox_transport.h"

#include "absl/strings/str_cat.h"

namespace herald {

absl::StatusOr<std::unique_ptr<OutboxTransport>> OutboxTransport::Create(
    const std::string& path, Clock* clock, OutputFile::Mode mode) {
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Create(path, mode);
  if (!file.ok()) return file.status();
  return std::unique_ptr<OutboxTransport>(
      new OutboxTransport(*std::move(file), clock));
}

absl::Status OutboxTransport::Submit(absl::Span<const OutboundText> texts) {
  const absl::Time now = clock_->Now();
  for (size_t i = 0; i < texts.size(); ++i) {
    const OutboundText& text = texts[i];
    line_.clear();
    absl::StrAppend(&line_, "{\"recipientId\":", text.recipient_id,
                    ",\"batch\":", text.batch, ",\"to\":\"");
    AppendE164Digits(text.to, &line_);
    line_.append("\",\"from\":");
    AppendJsonString(text.from, &line_);
    line_.append(",\"message\":");
    AppendJsonString(text.message, &line_);
    absl::StrAppend(&line_, ",\"encoding\":\"", EncodingName(text.encoding),
                    "\",\"segments\":", text.segments,
                    ",\"attempt\":", text.attempt, ",\"sentAt\":\"");
    sent_at_.Append(now, &line_);
    if (!text.local_time.empty()) {
      absl::StrAppend(&line_, "\",\"zone\":\"", text.zone_names,
                      "\",\"localTime\":\"", text.local_time);
    }
    line_.append("\"}\n");
    if (absl::Status s = file_->Append(line_); !s.ok()) return s;
  }
  // A text counts as sent once its line is in the file, not in our buffer.
  if (absl::Status s = file_->Flush(); !s.ok()) return s;
  AnswerSent(texts);
  return absl::OkStatus();
}

absl::Status OutboxTransport::Finish() { return file_->Close(); }

}  // namespace herald
