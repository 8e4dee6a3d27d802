// HMAC-SHA256, and the signature herald puts on every webhook request so that
// the receiver can tell the request came from whoever holds the secret and
// was not altered on the way.
#ifndef HERALD_ENGINE_BASE_HMAC_H_
#define HERALD_ENGINE_BASE_HMAC_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace herald {

// The 32 raw bytes of HMAC-SHA256 (RFC 2104 over SHA-256) of `message` under
// `key`.
std::string HmacSha256(absl::string_view key, absl::string_view message);

// The header that carries the signature.
inline constexpr char kWebhookSignatureHeader[] = "X-Herald-Signature";

// The signature header's value for a request whose body is `body`, signed at
// `unix_ms`: "t=<unix_ms>,v1=<hex>", where <hex> is the lowercase hex of
// HmacSha256(secret, "<unix_ms>.<body>"). The time is signed with the body so
// that a receiver can refuse an old request played again.
std::string SignWebhookBody(absl::string_view secret, int64_t unix_ms,
                            absl::string_view body);

// True when `header` (a signature header's value) holds a t= element and a
// v1= element that is the signature of `body` at that t under `secret`.
// Elements may come in any order; unknown ones are ignored, so a later
// scheme can be added beside v1. Compares in constant time. Does not judge
// t's age: that is the receiver's policy.
bool VerifyWebhookSignature(absl::string_view secret, absl::string_view header,
                            absl::string_view body);

// Whether `a` and `b` are the same bytes, in time that depends only on their
// lengths: how a secret a caller gave is compared with the one kept.
bool SameSecret(absl::string_view a, absl::string_view b);

}  // namespace herald

#endif  // HERALD_ENGINE_BASE_HMAC_H_
