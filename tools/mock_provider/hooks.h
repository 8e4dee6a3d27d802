// The mock's webhook receiver (POST /hooks): what herald's webhook notifier
// sends there, checked as a receiver would check it and kept for the tests.
#ifndef HERALD_TOOLS_MOCK_PROVIDER_HOOKS_H_
#define HERALD_TOOLS_MOCK_PROVIDER_HOOKS_H_

#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace herald::mock_provider {

// One request to POST /hooks that was answered (not reset, not hung).
struct HookRequest {
  absl::Time arrived;     // when it was read
  int status = 0;         // what it was answered
  std::string signature;  // its X-Herald-Signature header, "" when none
  std::string body;
};

// The answer to a hook request, faults aside.
struct HookVerdict {
  int status = 200;
  std::string message;  // why it was refused; empty for 200
};

// Checks one hook request: 401 when `secret` is not empty and `signature`
// (the X-Herald-Signature header) does not sign `body` with it, 400 when the
// body is not a JSON object, else 200. Never quotes the secret.
HookVerdict CheckHook(absl::string_view secret, absl::string_view signature,
                      absl::string_view body);

// Every answered hook request, in the order answered. Kept in memory for the
// server's life: the mock serves tests and demos, not days of events.
// Thread-safe.
class HookLog {
 public:
  void Add(HookRequest request);
  std::vector<HookRequest> requests() const;

  // GET /hooks's answer: a JSON array with one object per request,
  //   {"arrivedAt":"2026-11-22T13:40:05.123Z","status":200,
  //    "signature":"t=...,v1=...","body":"<the body, as a string>"}
  std::string Json() const;

 private:
  mutable std::mutex mu_;
  std::vector<HookRequest> requests_;
};

}  // namespace herald::mock_provider

#endif  // HERALD_TOOLS_MOCK_PROVIDER_HOOKS_H_
