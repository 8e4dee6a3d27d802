#include "engine/service/api_credentials.h"

#include <openssl/sha.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/base/file_io.h"
#include "engine/base/hmac.h"

namespace herald {
namespace {

std::string Sha256(absl::string_view text) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

}  // namespace

absl::StatusOr<ApiCredentials> ApiCredentials::Load(const std::string& path) {
  // ReadSecretFile refuses a file others may read, and an empty one.
  absl::StatusOr<std::string> text = ReadSecretFile(path);
  if (!text.ok()) return text.status();
  ApiCredentials credentials;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_number;
    line = absl::StripSuffix(line, "\r");
    if (absl::StripAsciiWhitespace(line).empty() ||
        absl::StartsWith(line, "#")) {
      continue;
    }
    const size_t colon = line.find(':');
    const auto error = [&](absl::string_view problem) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": line ", line_number, ": ", problem));
    };
    if (colon == absl::string_view::npos) {
      return error("expected username:password");
    }
    const absl::string_view name = line.substr(0, colon);
    const absl::string_view password = line.substr(colon + 1);
    if (name.empty()) return error("the username is empty");
    if (password.empty()) return error("the password is empty");
    for (const User& user : credentials.users_) {
      if (user.name == name) {
        return error(absl::StrCat("user \"", name, "\" is given twice"));
      }
    }
    credentials.users_.push_back({std::string(name), Sha256(password)});
  }
  if (credentials.users_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no username:password line"));
  }
  return credentials;
}

bool ApiCredentials::Accepts(absl::string_view authorization) const {
  authorization = absl::StripAsciiWhitespace(authorization);
  if (authorization.size() < 6 ||
      !absl::EqualsIgnoreCase(authorization.substr(0, 6), "basic ")) {
    return false;
  }
  std::string decoded;
  if (!absl::Base64Unescape(absl::StripAsciiWhitespace(authorization.substr(6)),
                            &decoded)) {
    return false;
  }
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  const std::string name_digest = Sha256(decoded.substr(0, colon));
  const std::string password_digest = Sha256(decoded.substr(colon + 1));
  // Every user is compared, so the time does not say which name exists.
  bool accepted = false;
  for (const User& user : users_) {
    const bool name_matches = SameSecret(Sha256(user.name), name_digest);
    const bool password_matches =
        SameSecret(user.password_digest, password_digest);
    accepted |= name_matches & password_matches;
  }
  return accepted;
}

}  // namespace herald
