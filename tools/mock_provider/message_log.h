// The record of what arrived at the mock provider.
#ifndef HERALD_TOOLS_MOCK_PROVIDER_MESSAGE_LOG_H_
#define HERALD_TOOLS_MOCK_PROVIDER_MESSAGE_LOG_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/base/file_io.h"
#include "tools/mock_provider/protocol.h"

namespace herald::mock_provider {

// Gives every text the provider takes a provider id, remembers idempotency
// keys, and writes each first arrival as one JSON line:
//   {"to":"12135551234","from":"67076","message":"...","key":"k1",
//    "arrivedAt":"2026-11-22T13:40:05.123456Z","endpoint":"texts","id":7}
// Lines go through a buffer; Flush() writes them out. Thread-safe.
class MessageLog {
 public:
  struct Totals {
    int64_t accepted = 0;    // first arrivals of valid texts
    int64_t duplicates = 0;  // valid texts with a key seen before
  };

  // Creates or truncates the file at `path`; an empty path keeps ids and
  // keys without writing anything.
  static absl::StatusOr<std::unique_ptr<MessageLog>> Open(
      const std::string& path);

  // Takes the texts of one request that arrived at `arrived` through
  // `endpoint`, setting receipts[i] for each (sizes must match). Every text
  // gets a fresh id except a valid one whose key was seen before, which gets
  // the first one's id and is a duplicate. Valid first arrivals are logged
  // in order, a request's lines together. Returns the file's write error.
  absl::Status Accept(absl::string_view endpoint, absl::Time arrived,
                      absl::Span<const OutgoingText> texts,
                      absl::Span<Receipt> receipts);

  // Writes out everything accepted so far. Returns the first write error.
  absl::Status Flush();
  // Flushes and closes the file; later calls return the same status.
  absl::Status Close();

  Totals totals() const;

 private:
  explicit MessageLog(std::unique_ptr<OutputFile> file)
      : file_(std::move(file)) {}

  std::atomic<int64_t> next_id_{1};
  mutable std::mutex mu_;
  std::unique_ptr<OutputFile> file_;                     // null without a path
  absl::flat_hash_map<std::string, int64_t> first_ids_;  // by key
  Totals totals_;
  std::string lines_;  // scratch, reused
};

}  // namespace herald::mock_provider

#endif  // HERALD_TOOLS_MOCK_PROVIDER_MESSAGE_LOG_H_
