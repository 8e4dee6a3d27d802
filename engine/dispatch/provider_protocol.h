// How texts become HTTP requests to a provider, and its answers become what
// happened to each text. One implementation per provider type; pure and
// thread-safe, so they are tested without a network.
#ifndef HERALD_ENGINE_DISPATCH_PROVIDER_PROTOCOL_H_
#define HERALD_ENGINE_DISPATCH_PROVIDER_PROTOCOL_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/dispatch/provider_config.h"
#include "engine/http/http_client.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/sms_encoding.h"
#include "herald/texts.h"
#include "ratelimit/rate_limiter.h"

namespace herald {

// One text as a provider gets it.
struct ProviderText {
  PhoneNumber to = 0;
  std::string from;     // empty: the provider's default sender
  std::string message;  // UTF-8
  SmsEncoding encoding = SmsEncoding::kGsm7;
  int segments = 1;
  // Names this delivery to the provider, so that it drops a repeat.
  std::string idempotency_key;
  // Where its delivery receipts go, for a protocol whose callback can carry
  // it (kannel's dlr-url): the engine's broadcast (0: none), the text
  // (TextId) and the attempt.
  int64_t broadcast = 0;
  uint64_t text_id = 0;
  int attempt = 1;
};

// What became of one text after one request.
enum class AnswerKind {
  kAccepted,   // the provider took it: FINISHED, SENT
  kRejected,   // the provider refused this number or text: INVALID
  kFailed,     // not sent; `result` says why, retryConfig says if it retries
  kThrottled,  // slow down: the text goes again after the pause, and it
               // does not count as an attempt
};

struct TextAnswer {
  AnswerKind kind = AnswerKind::kFailed;
  // kAccepted: kSent. kFailed: kCarrierError (final by default),
  // kCarrierTempError (a 5xx, the provider's temporary error) or
  // kInternalError (a timeout, a broken connection, an unreadable answer).
  TextResult result = TextResult::kInternalError;
  // The provider may have taken the text though it did not say so (timeout,
  // broken connection, unreadable answer, 5xx): the next attempt then keeps
  // this attempt's idempotency key, so a provider that did take it drops the
  // repeat instead of sending it twice.
  bool maybe_taken = false;
  // kThrottled: whom the throttle is about, and the provider's Retry-After.
  ThrottleScope scope = ThrottleScope::kAccount;
  std::optional<absl::Duration> retry_after;
  std::string provider_id;  // the provider's message id, when it gave one
  std::string detail;       // short, for people: the status and its words
};

class ProviderProtocol {
 public:
  virtual ~ProviderProtocol() = default;

  // The most texts one request carries.
  virtual int max_batch() const = 0;

  // The request that sends `texts` (1..max_batch(), all from one sender).
  virtual HttpRequest BuildRequest(
      absl::Span<const ProviderText* const> texts) const = 0;

  // Fills answers[i] for the i-th text of the request that got `response`
  // (answers.size() texts). Returns PermissionDenied, with the answers left
  // as they were, when the provider refused the credentials (401/403): no
  // later request can succeed, so the run stops. The status message names
  // the provider and the status, never the password.
  virtual absl::Status ReadResponse(const HttpResponse& response,
                                    absl::Span<TextAnswer> answers) const = 0;
};

// The protocol of `config.type`, built from `config` (copied).
std::unique_ptr<ProviderProtocol> MakeProviderProtocol(
    const ProviderConfig& config);

}  // namespace herald

#endif  // HERALD_ENGINE_DISPATCH_PROVIDER_PROTOCOL_H_
