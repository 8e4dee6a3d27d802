#include "engine/base/hmac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace herald {

std::string HmacSha256(absl::string_view key, absl::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // HMAC() fails only when OpenSSL cannot allocate, and then nothing in the
  // process can sign; an empty result would never verify anyway.
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), digest, &size) == nullptr) {
    return "";
  }
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string SignWebhookBody(absl::string_view secret, int64_t unix_ms,
                            absl::string_view body) {
  const std::string t = absl::StrCat(unix_ms);
  const std::string mac = HmacSha256(secret, absl::StrCat(t, ".", body));
  return absl::StrCat("t=", t, ",v1=", absl::BytesToHexString(mac));
}

bool VerifyWebhookSignature(absl::string_view secret, absl::string_view header,
                            absl::string_view body) {
  absl::string_view t;
  std::vector<absl::string_view> signatures;
  for (absl::string_view element : absl::StrSplit(header, ',')) {
    element = absl::StripAsciiWhitespace(element);
    if (absl::ConsumePrefix(&element, "t=")) {
      t = element;
    } else if (absl::ConsumePrefix(&element, "v1=")) {
      signatures.push_back(element);
    }
  }
  int64_t unix_ms;
  if (!absl::SimpleAtoi(t, &unix_ms)) return false;
  const std::string expected =
      absl::BytesToHexString(HmacSha256(secret, absl::StrCat(t, ".", body)));
  bool match = false;
  for (absl::string_view signature : signatures) {
    match |=
        signature.size() == expected.size() &&
        CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
  }
  return match;
}

bool SameSecret(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace herald
