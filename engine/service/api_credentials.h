// The API's users: HTTP Basic credentials from a file of `username:password`
// lines that only its owner may read. Passwords are kept only as SHA-256
// digests and compared in constant time; nothing here prints one.
#ifndef HERALD_ENGINE_SERVICE_API_CREDENTIALS_H_
#define HERALD_ENGINE_SERVICE_API_CREDENTIALS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace herald {

class ApiCredentials {
 public:
  // Reads the file at `path`: one `username:password` a line (the password
  // is everything after the first ':'); blank lines and lines starting with
  // '#' are skipped. PermissionDenied when group or others may access the
  // file (chmod 600 it); InvalidArgument naming the line for a line without
  // ':' or with an empty name or password, or a name given twice, and for a
  // file without users. Errors never quote a password.
  static absl::StatusOr<ApiCredentials> Load(const std::string& path);

  // True when `authorization` (an Authorization header's value) is
  // "Basic <base64 of username:password>" for one of the users. Takes the
  // same time whichever part is wrong.
  bool Accepts(absl::string_view authorization) const;

  size_t users() const { return users_.size(); }

 private:
  struct User {
    std::string name;
    std::string password_digest;  // SHA-256, raw
  };
  std::vector<User> users_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_API_CREDENTIALS_H_
