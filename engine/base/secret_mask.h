// Keeping credentials out of everything herald writes. A provider that
// echoes its request in an error page (many do, headers and all) must not
// put the password into the terminal, the report, the store or a webhook.
#ifndef HERALD_ENGINE_BASE_SECRET_MASK_H_
#define HERALD_ENGINE_BASE_SECRET_MASK_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace herald {

class SecretMask {
 public:
  // Masks `password` (when not empty) as it is, percent-encoded (upper- and
  // lower-case hex, '+' for a space), and, with `username`, the base64 of
  // "username:password" that HTTP Basic auth sends.
  SecretMask(absl::string_view username, absl::string_view password);
  SecretMask() = default;

  // `text` with every form of the secret replaced by "****", and the value
  // of every Authorization header or parameter, and every token after
  // "Basic " or "Bearer ", replaced too (the provider may echo a header
  // herald did not build from the password, such as a templated token).
  // Masks before anything is cut: a caller cuts the result, never the input.
  std::string Mask(absl::string_view text) const;

 private:
  std::vector<std::string> forms_;  // longest first
};

}  // namespace herald

#endif  // HERALD_ENGINE_BASE_SECRET_MASK_H_
