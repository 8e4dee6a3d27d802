// One call to the CallFire API as its handlers see it: the path's
// parameters, the query's (typed, with errors that name the parameter), the
// body as JSON, and the answers in CallFire's shapes: JSON trimmed by
// `fields`, an empty 200, a 204, and errors as
//   {"httpStatusCode": 404, "internalCode": 0, "message": "..."}.
#ifndef HERALD_ENGINE_SERVICE_API_CALL_H_
#define HERALD_ENGINE_SERVICE_API_CALL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/service/http_server.h"
#include "nlohmann/json.hpp"

namespace herald {

// An error answer for `status`: InvalidArgument, FailedPrecondition,
// OutOfRange and AlreadyExists are 400, NotFound 404, Unauthenticated 401,
// PermissionDenied 403, ResourceExhausted 429, Unavailable 503, the rest
// 500; the message is the status's.
ServerResponse ErrorResponse(const absl::Status& status);
ServerResponse ErrorResponse(int http_status, absl::string_view message);

// CallFire's pages: limit 100 unless given, at most 1000.
inline constexpr int kDefaultApiPageLimit = 100;
inline constexpr int kMaxApiPageLimit = 1000;

struct ApiPaging {
  uint64_t offset = 0;
  int limit = kDefaultApiPageLimit;
};

// What errors about a request's JSON body name as their source.
inline constexpr absl::string_view kBody = "request body";

class ApiCall {
 public:
  // InvalidArgument naming the parameter when the query is not valid
  // percent-encoding.
  static absl::StatusOr<ApiCall> Parse(const ServerRequest& request,
                                       std::vector<std::string> path_params);

  const ServerRequest& request() const { return *request_; }
  // The {placeholders} of the route, in order, as sent.
  const std::vector<std::string>& path() const { return path_params_; }

  // The query parameter's last value; nullopt when it is absent. Unknown
  // parameters are never an error: the handlers ask for those they know.
  std::optional<std::string> Query(absl::string_view name) const;
  // Every value of a parameter given several times or as a comma list.
  std::vector<std::string> QueryList(absl::string_view name) const;
  // The parameter as an integer in [min, max] or a boolean (true, false, in
  // any case); nullopt when absent; InvalidArgument naming it otherwise.
  absl::StatusOr<std::optional<int64_t>> QueryInt(absl::string_view name,
                                                  int64_t min,
                                                  int64_t max) const;
  absl::StatusOr<std::optional<bool>> QueryBool(absl::string_view name) const;
  // A unix-milliseconds parameter (intervalBegin, begin, ...).
  absl::StatusOr<std::optional<absl::Time>> QueryTime(
      absl::string_view name) const;
  absl::StatusOr<ApiPaging> Paging() const;

  // The path parameter `index` as a positive int64 (an id); InvalidArgument
  // naming `what` otherwise.
  absl::StatusOr<int64_t> PathId(size_t index, absl::string_view what) const;

  // The path parameter `index` percent-decoded (a DNC source's name).
  absl::StatusOr<std::string> PathText(size_t index) const;

  // The body as JSON (CallFire's lenient form, lenient_json.h); an absent
  // or blank body is `when_empty`. Errors say "request body".
  absl::StatusOr<nlohmann::json> Body(
      nlohmann::json when_empty = nlohmann::json::object()) const;

  // 200 with `value` trimmed by the `fields` parameter (a bad one is 400).
  ServerResponse Json(const nlohmann::json& value) const;
  // 200 with {"items", "limit", "offset", "totalCount"}, trimmed by fields.
  ServerResponse Page(nlohmann::json items, const ApiPaging& paging,
                      uint64_t total_count) const;

 private:
  ApiCall() = default;
  const ServerRequest* request_ = nullptr;
  std::vector<std::string> path_params_;
  std::vector<std::pair<std::string, std::string>> query_;  // decoded
};

// The empty answers: 200 with no body (start, stop, PUT), 204 (DELETE).
ServerResponse EmptyOk();
ServerResponse NoContent();

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_API_CALL_H_
