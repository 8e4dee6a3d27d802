#include "engine/service/api_call.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/base/json_text.h"
#include "engine/base/percent_encoding.h"
#include "engine/base/utf8.h"
#include "engine/service/lenient_json.h"
#include "engine/store/partial_response.h"

namespace herald {
namespace {

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAlreadyExists:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

absl::Status BadParameter(absl::string_view name, absl::string_view expected,
                          absl::string_view got) {
  return absl::InvalidArgumentError(absl::StrCat("query parameter ", name,
                                                 ": expected ", expected,
                                                 ", got \"", got, "\""));
}

}  // namespace

ServerResponse ErrorResponse(const absl::Status& status) {
  return ErrorResponse(HttpStatusOf(status.code()), status.message());
}

ServerResponse ErrorResponse(int http_status, absl::string_view message) {
  ServerResponse response;
  response.status = http_status;
  response.body = DumpJson(nlohmann::json{{"httpStatusCode", http_status},
                                          {"internalCode", 0},
                                          {"message", ValidUtf8(message)}});
  return response;
}

ServerResponse EmptyOk() {
  ServerResponse response;
  response.status = 200;
  return response;
}

ServerResponse NoContent() {
  ServerResponse response;
  response.status = 204;
  return response;
}

absl::StatusOr<ApiCall> ApiCall::Parse(const ServerRequest& request,
                                       std::vector<std::string> path_params) {
  ApiCall call;
  call.request_ = &request;
  call.path_params_ = std::move(path_params);
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> pairs =
      ParseFormPairs(request.query);
  if (!pairs.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: ", pairs.status().message()));
  }
  for (auto& [name, value] : *pairs) {
    call.query_.emplace_back(ValidUtf8(name), ValidUtf8(value));
  }
  return call;
}

std::optional<std::string> ApiCall::Query(absl::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [key, value] : query_) {
    if (key == name) found = value;
  }
  return found;
}

std::vector<std::string> ApiCall::QueryList(absl::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : query_) {
    if (key != name) continue;
    for (absl::string_view item :
         absl::StrSplit(value, ',', absl::SkipEmpty())) {
      item = absl::StripAsciiWhitespace(item);
      if (!item.empty()) values.emplace_back(item);
    }
  }
  return values;
}

absl::StatusOr<std::optional<int64_t>> ApiCall::QueryInt(absl::string_view name,
                                                         int64_t min,
                                                         int64_t max) const {
  std::optional<std::string> text = Query(name);
  if (!text.has_value()) return std::nullopt;
  int64_t value = 0;
  if (!absl::SimpleAtoi(*text, &value) || value < min || value > max) {
    return BadParameter(
        name, absl::StrCat("an integer from ", min, " to ", max), *text);
  }
  return value;
}

absl::StatusOr<std::optional<bool>> ApiCall::QueryBool(
    absl::string_view name) const {
  std::optional<std::string> text = Query(name);
  if (!text.has_value()) return std::nullopt;
  if (absl::EqualsIgnoreCase(*text, "true")) return true;
  if (absl::EqualsIgnoreCase(*text, "false")) return false;
  return BadParameter(name, "true or false", *text);
}

absl::StatusOr<std::optional<absl::Time>> ApiCall::QueryTime(
    absl::string_view name) const {
  absl::StatusOr<std::optional<int64_t>> millis =
      QueryInt(name, 0, int64_t{253402300799999});  // to the year 9999
  if (!millis.ok()) return millis.status();
  if (!millis->has_value()) return std::nullopt;
  return absl::FromUnixMillis(**millis);
}

absl::StatusOr<ApiPaging> ApiCall::Paging() const {
  ApiPaging paging;
  absl::StatusOr<std::optional<int64_t>> offset =
      QueryInt("offset", 0, INT64_MAX);
  if (!offset.ok()) return offset.status();
  absl::StatusOr<std::optional<int64_t>> limit =
      QueryInt("limit", 0, kMaxApiPageLimit);
  if (!limit.ok()) return limit.status();
  paging.offset = static_cast<uint64_t>(offset->value_or(0));
  paging.limit = static_cast<int>(limit->value_or(kDefaultApiPageLimit));
  return paging;
}

absl::StatusOr<int64_t> ApiCall::PathId(size_t index,
                                        absl::string_view what) const {
  int64_t id = 0;
  const std::string& text = path_params_.at(index);
  if (!absl::SimpleAtoi(text, &id) || id < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " id: expected a non-negative integer, got \"",
                     ValidUtf8(text), "\""));
  }
  return id;
}

absl::StatusOr<std::string> ApiCall::PathText(size_t index) const {
  absl::StatusOr<std::string> text = PercentDecode(path_params_.at(index));
  if (!text.ok()) return text.status();
  return ValidUtf8(*text);
}

absl::StatusOr<nlohmann::json> ApiCall::Body(nlohmann::json when_empty) const {
  if (absl::StripAsciiWhitespace(request_->body).empty()) return when_empty;
  return ParseLenientJson(request_->body, "request body");
}

ServerResponse ApiCall::Json(const nlohmann::json& value) const {
  std::optional<std::string> fields = Query("fields");
  ServerResponse response;
  response.status = 200;
  if (!fields.has_value() || fields->empty()) {
    response.body = DumpJson(value);
    return response;
  }
  absl::StatusOr<FieldSelector> selector = FieldSelector::Parse(*fields);
  if (!selector.ok()) {
    return ErrorResponse(absl::InvalidArgumentError(
        absl::StrCat("query parameter fields: ", selector.status().message())));
  }
  response.body = DumpJson(selector->Apply(value));
  return response;
}

ServerResponse ApiCall::Page(nlohmann::json items, const ApiPaging& paging,
                             uint64_t total_count) const {
  return Json({{"items", std::move(items)},
               {"limit", paging.limit},
               {"offset", paging.offset},
               {"totalCount", total_count}});
}

}  // namespace herald
