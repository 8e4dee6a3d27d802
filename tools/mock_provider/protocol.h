// The wire formats the mock provider speaks: CallFire's POST /texts and
// Kannel's smsbox sendsms, plus HTTP Basic auth. Pure functions, thread-safe.
#ifndef HERALD_TOOLS_MOCK_PROVIDER_PROTOCOL_H_
#define HERALD_TOOLS_MOCK_PROVIDER_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace herald::mock_provider {

// One message a client asked the provider to send.
struct OutgoingText {
  std::string to;       // 11 digits when `valid`, else as sent
  std::string from;     // the sender, "" when not given
  std::string message;  // UTF-8
  std::string key;      // idempotency key, "" when none
  bool valid = false;   // a NANP number and a non-empty message
};

// What the provider did with one text.
struct Receipt {
  int64_t id = 0;          // provider message id
  bool duplicate = false;  // its idempotency key was seen before
};

// Writes the 11-digit form ("12135551234") of a NANP number written as 10
// digits, or 11 starting with 1, optionally after a '+', to `*digits` and
// returns true; returns false for anything else, including area codes and
// exchanges starting with 0 or 1.
bool NormalizeNanp(absl::string_view text, std::string* digits);

// True when `authorization` (an Authorization header) carries HTTP Basic
// credentials equal to `user` and `password`.
bool BasicAuthMatches(absl::string_view authorization, absl::string_view user,
                      absl::string_view password);

// Parses a CallFire POST /texts body, a JSON array of TextRecipient objects
// ({"phoneNumber","message","fromNumber","attributes":{...}}), into `*texts`
// (replacing what was there). A recipient's idempotency key is its
// attributes.idempotencyKey; failing that, the request's Idempotency-Key
// `header_key` for a one-recipient request and "<header_key>#<index>" (from
// 0) in a larger one, so a batch retried whole is deduplicated per recipient.
// Returns InvalidArgument, with a message for the client, when the body is
// not a non-empty JSON array of objects or a field has the wrong type.
absl::Status ParseCallFireTexts(absl::string_view body,
                                absl::string_view header_key,
                                std::vector<OutgoingText>* texts);

// Appends CallFire's answer to a send: {"items":[...]} with one item per text
// in order, carrying receipts[i].id, FINISHED/SENT for a valid text (a
// duplicate too) and INVALID otherwise.
void AppendCallFireItems(absl::Span<const OutgoingText> texts,
                         absl::Span<const Receipt> receipts, std::string* out);

// Returns CallFire's error body:
// {"httpStatusCode":400,"internalCode":0,"message":"..."}.
std::string CallFireError(int status, absl::string_view message);

// Splits an application/x-www-form-urlencoded string (a query string or a
// form body) into decoded name/value pairs appended to `*params`; '+' is a
// space. Returns false on a malformed %-escape.
bool ParseFormParams(absl::string_view form,
                     std::vector<std::pair<std::string, std::string>>* params);

// Converts the raw bytes of a sendsms `text` to UTF-8. `charset` names their
// encoding (UTF-8, UTF-16BE, UCS-2, ISO-8859-1, case-insensitive); empty
// means Kannel's default for `coding`: UTF-16BE for 2 (UCS-2), else UTF-8.
// Returns InvalidArgument for another charset or bytes that are not valid in
// it (odd length or a lone surrogate in UTF-16, bad UTF-8).
absl::StatusOr<std::string> KannelTextToUtf8(absl::string_view text, int coding,
                                             absl::string_view charset);

}  // namespace herald::mock_provider

#endif  // HERALD_TOOLS_MOCK_PROVIDER_PROTOCOL_H_
