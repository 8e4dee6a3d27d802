// What libcurl's answers mean to herald: the status code of a transfer's
// error, an error message that names the host, and the Retry-After header.
#ifndef HERALD_ENGINE_HTTP_CURL_STATUS_H_
#define HERALD_ENGINE_HTTP_CURL_STATUS_H_

#include <curl/curl.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace herald {

// kDeadlineExceeded for a timeout; kUnavailable when no connection could be
// made, it broke before the whole answer came, or TLS could not be set up
// (the request may be tried again elsewhere or later); kInternal otherwise.
absl::StatusCode StatusCodeFor(CURLcode code);

// Returns `message` with the host and port of `url` in front, unless it
// names the host already. Never the path or query (a Kannel URL carries its
// password there) nor any user information.
std::string NameTheHost(const std::string& url, std::string message);

// The value of a Retry-After header: delta-seconds, or an HTTP-date (any of
// the three forms RFC 9110 makes recipients accept; curl_getdate reads them
// all) turned into the time left from `now` until then (zero when past).
// Nullopt when it is neither.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value,
                                              absl::Time now);

}  // namespace herald

#endif  // HERALD_ENGINE_HTTP_CURL_STATUS_H_
