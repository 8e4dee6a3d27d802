// The embedded default transport: a JSON-lines file, one line per message.
#ifndef HERALD_ENGINE_PIPELINE_OUTBOX_TRANSPORT_H_
#define HERALD_ENGINE_PIPELINE_OUTBOX_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "engine/base/file_io.h"
#include "engine/base/json_text.h"
#include "engine/pipeline/transport.h"
#include "herald/clock.h"

namespace herald {

// Writes each text as one line:
//   {"recipientId":7,"batch":1,"to":"12135551234","from":"67076",
//    "message":"...","encoding":"GSM-7","segments":1,"attempt":1,
//    "key":"RUNID-1-7-1","sentAt":"2026-11-22T13:40:05.123Z"}
// and, for a text with zone names, "zone":"America/Chicago" and its
// "localTime":"2026-11-22T07:40:05". `key` is the text's idempotency key,
// as a provider would get it: whoever sends from the outbox drops a line
// whose key it has seen. Every text it accepts is SENT once its line is
// written; `sentAt` is the clock's time at Submit().
//
// Appending to an outbox that a run killed before has written to (kill -9,
// a power cut), it first drops a last line the kill cut short, then reads
// the keys of the last kResumeTailLines lines: a text of one of them is
// answered SENT without being written again. The store runs at most that
// many outcomes behind the lines written (its queue, the commit being made
// and a chunk), so a resumed run writes no recipient twice.
class OutboxTransport : public ImmediateTransport {
 public:
  static constexpr size_t kResumeTailLines = 1 << 18;

  // Creates the outbox at `path`, truncating or appending to the file
  // there; keys start with `key_prefix` (the run id). `clock` must outlive
  // this.
  static absl::StatusOr<std::unique_ptr<OutboxTransport>> Create(
      const std::string& path, Clock* clock, std::string key_prefix,
      OutputFile::Mode mode = OutputFile::Mode::kTruncate);

  absl::Status Submit(absl::Span<const OutboundText> texts) override;
  absl::Status Finish() override;

  // Texts found written by an earlier run and not written again.
  uint64_t skipped_as_written() const { return skipped_as_written_; }

 private:
  OutboxTransport(std::unique_ptr<OutputFile> file, Clock* clock,
                  std::string key_prefix,
                  absl::flat_hash_set<std::string> written)
      : file_(std::move(file)),
        clock_(clock),
        key_prefix_(std::move(key_prefix)),
        written_(std::move(written)) {}

  std::unique_ptr<OutputFile> file_;
  Clock* clock_;
  const std::string key_prefix_;
  // Keys an earlier run wrote near the end of the file.
  absl::flat_hash_set<std::string> written_;
  uint64_t skipped_as_written_ = 0;
  UtcMillisFormatter sent_at_;
  std::string line_;
  std::string key_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_OUTBOX_TRANSPORT_H_
