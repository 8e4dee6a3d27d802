#include "tools/mock_provider/message_log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/json_text.h"

namespace herald::mock_provider {

absl::StatusOr<std::unique_ptr<MessageLog>> MessageLog::Open(
    const std::string& path) {
  std::unique_ptr<OutputFile> file;
  if (!path.empty()) {
    absl::StatusOr<std::unique_ptr<OutputFile>> created =
        OutputFile::Create(path);
    if (!created.ok()) return created.status();
    file = *std::move(created);
  }
  return std::unique_ptr<MessageLog>(new MessageLog(std::move(file)));
}

absl::Status MessageLog::Accept(absl::string_view endpoint, absl::Time arrived,
                                absl::Span<const OutgoingText> texts,
                                absl::Span<Receipt> receipts) {
  int64_t id = next_id_.fetch_add(static_cast<int64_t>(texts.size()),
                                  std::memory_order_relaxed);
  for (Receipt& receipt : receipts) receipt = Receipt{id++, false};
  // Formatted once per request: a batch arrives all at once.
  const std::string arrived_at =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", arrived, absl::UTCTimeZone());

  // One lock around the key check and the write, so a message acknowledged
  // as a duplicate never has its first arrival missing from the log.
  std::lock_guard<std::mutex> lock(mu_);
  lines_.clear();
  for (size_t i = 0; i < texts.size(); ++i) {
    const OutgoingText& text = texts[i];
    if (!text.valid) continue;
    if (!text.key.empty()) {
      const auto [it, inserted] =
          first_ids_.try_emplace(text.key, receipts[i].id);
      if (!inserted) {
        receipts[i] = Receipt{it->second, true};
        ++totals_.duplicates;
        continue;
      }
    }
    ++totals_.accepted;
    if (file_ == nullptr) continue;
    lines_.append("{\"to\":");
    AppendJsonString(text.to, &lines_);
    lines_.append(",\"from\":");
    AppendJsonString(text.from, &lines_);
    lines_.append(",\"message\":");
    AppendJsonString(text.message, &lines_);
    lines_.append(",\"key\":");
    AppendJsonString(text.key, &lines_);
    absl::StrAppend(&lines_, ",\"arrivedAt\":\"", arrived_at,
                    "\",\"endpoint\":\"", endpoint,
                    "\",\"id\":", receipts[i].id, "}\n");
  }
  if (file_ == nullptr || lines_.empty()) return absl::OkStatus();
  return file_->Append(lines_);
}

absl::Status MessageLog::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  return file_ == nullptr ? absl::OkStatus() : file_->Flush();
}

absl::Status MessageLog::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  return file_ == nullptr ? absl::OkStatus() : file_->Close();
}

MessageLog::Totals MessageLog::totals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return totals_;
}

}  // namespace herald::mock_provider
