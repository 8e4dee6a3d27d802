// The embedded default transport: a JSON-lines file, one line per message.
#ifndef HERALD_ENGINE_OUTBOX_TRANSPORT_H_
#define HERALD_ENGINE_OUTBOX_TRANSPORT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/file_io.h"
#include "engine/json_text.h"
#include "engine/transport.h"
#include "herald/clock.h"

namespace herald {

// Writes each text as one line:
//   {"recipientId":7,"batch":1,"to":"12135551234","from":"67076",
//    "message":"...","encoding":"GSM-7","segments":1,"attempt":1,
//    "sentAt":"2026-11-22T13:40:05.123Z"}
// and, for a text with zone names, "zone":"America/Chicago" and its
// "localTime":"2026-11-22T07:40:05". Every text it accepts is
// SENT once its line is written. `sentAt` is the clock's time at Submit().
class OutboxTransport : public ImmediateTransport {
 public:
  // Creates the outbox at `path`, truncating or appending to the file
  // there. `clock` must outlive this.
  static absl::StatusOr<std::unique_ptr<OutboxTransport>> Create(
      const std::string& path, Clock* clock,
      OutputFile::Mode mode = OutputFile::Mode::kTruncate);

  absl::Status Submit(absl::Span<const OutboundText> texts) override;
  absl::Status Finish() override;

 private:
  OutboxTransport(std::unique_ptr<OutputFile> file, Clock* clock)
      : file_(std::move(file)), clock_(clock) {}

  std::unique_ptr<OutputFile> file_;
  Clock* clock_;
  UtcMillisFormatter sent_at_;
  std::string line_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_OUTBOX_TRANSPORT_H_
