#include "engine/pipeline/outbox_transport.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/sms_encoding.h"

namespace herald {
namespace {

constexpr absl::string_view kKeyMember = "\"key\":\"";

// Drops an unfinished last line of the outbox at `path` and returns the keys
// of its last `max_lines` lines. A missing file has none.
absl::StatusOr<absl::flat_hash_set<std::string>> ReadTailKeys(
    const std::string& path, size_t max_lines) {
  absl::flat_hash_set<std::string> keys;
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return keys;
    return ErrnoStatus(errno, "cannot open", path);
  }
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoStatus(err, "cannot stat", path);
  }
  // Read backwards a block at a time until enough lines are seen.
  constexpr size_t kBlock = 1 << 20;
  std::string tail;
  off_t begin = info.st_size;
  size_t lines = 0;
  while (begin > 0 && lines <= max_lines) {
    const size_t want = std::min<off_t>(kBlock, begin);
    begin -= static_cast<off_t>(want);
    std::string block(want, '\0');
    if (::pread(fd, block.data(), want, begin) != static_cast<ssize_t>(want)) {
      const int err = errno;
      ::close(fd);
      return ErrnoStatus(err, "cannot read", path);
    }
    lines += std::count(block.begin(), block.end(), '\n');
    tail.insert(0, block);
  }
  // A line without its newline was cut short by a kill: it never counted
  // as written.
  const size_t last_newline = tail.rfind('\n');
  const size_t whole = last_newline == std::string::npos ? 0 : last_newline + 1;
  if (whole < tail.size()) {
    if (::ftruncate(fd, begin + static_cast<off_t>(whole)) != 0) {
      const int err = errno;
      ::close(fd);
      return ErrnoStatus(err, "cannot truncate its cut-off last line", path);
    }
    tail.resize(whole);
  }
  ::close(fd);
  absl::string_view rest(tail);
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    const absl::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == absl::string_view::npos ? rest.size() : end + 1);
    const size_t at = line.find(kKeyMember);
    if (at == absl::string_view::npos) continue;
    const absl::string_view key = line.substr(at + kKeyMember.size());
    keys.emplace(key.substr(0, key.find('"')));
  }
  return keys;
}

}  // namespace

absl::StatusOr<std::unique_ptr<OutboxTransport>> OutboxTransport::Create(
    const std::string& path, Clock* clock, std::string key_prefix,
    OutputFile::Mode mode) {
  absl::flat_hash_set<std::string> written;
  if (mode == OutputFile::Mode::kAppend) {
    absl::StatusOr<absl::flat_hash_set<std::string>> keys =
        ReadTailKeys(path, kResumeTailLines);
    if (!keys.ok()) return keys.status();
    written = *std::move(keys);
  }
  absl::StatusOr<std::unique_ptr<OutputFile>> file =
      OutputFile::Create(path, mode);
  if (!file.ok()) return file.status();
  return std::unique_ptr<OutboxTransport>(new OutboxTransport(
      *std::move(file), clock, std::move(key_prefix), std::move(written)));
}

absl::Status OutboxTransport::Submit(absl::Span<const OutboundText> texts) {
  const absl::Time now = clock_->Now();
  for (size_t i = 0; i < texts.size(); ++i) {
    const OutboundText& text = texts[i];
    key_.clear();
    AppendIdempotencyKey(key_prefix_, text.batch, text.recipient_id,
                         text.key_attempt, &key_);
    if (!written_.empty() && written_.erase(key_) > 0) {
      ++skipped_as_written_;
      continue;
    }
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
                    ",\"attempt\":", text.attempt, ",\"key\":\"", key_,
                    "\",\"sentAt\":\"");
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
