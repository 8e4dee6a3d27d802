#include "engine/provider_protocol.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "engine/provider_protocol_internal.h"

namespace herald {
namespace provider_internal {
namespace {

// Enough of an answer to recognise it, short enough for a report line.
constexpr size_t kDetailBodyBytes = 200;

bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

}  // namespace

bool ProtocolBase::ReadCommonAnswer(const HttpResponse& response,
                                    absl::Span<TextAnswer> answers,
                                    absl::Status* status) const {
  if (!response.transport.ok()) {
    TextAnswer answer;
    answer.kind = AnswerKind::kFailed;
    answer.result = TextResult::kInternalError;
    answer.maybe_taken = true;
    answer.detail =
        Redact(absl::StrCat("no answer: ", response.transport.message()));
    AnswerAll(answer, answers);
    return true;
  }
  const int code = response.status;
  if (code == 401 || code == 403) {
    *status = absl::PermissionDeniedError(
        absl::StrCat("provider ", config_.name,
                     " refused the credentials (HTTP ", code, ")"));
    return true;
  }
  if (code == 429) {
    AnswerAll(VerdictAnswer(StatusVerdict::kThrottled, response), answers);
    return true;
  }
  if (code >= 500 && code <= 599) {
    AnswerAll(VerdictAnswer(StatusVerdict::kCarrierTempError, response),
              answers);
    return true;
  }
  return false;
}

TextAnswer ProtocolBase::VerdictAnswer(StatusVerdict verdict,
                                       const HttpResponse& response) const {
  TextAnswer answer;
  switch (verdict) {
    case StatusVerdict::kSent:
      answer.kind = AnswerKind::kAccepted;
      answer.result = TextResult::kSent;
      return answer;  // no detail: the common case stays allocation-free
    case StatusVerdict::kInvalid:
      answer.kind = AnswerKind::kRejected;
      break;
    case StatusVerdict::kThrottled:
      answer.kind = AnswerKind::kThrottled;
      answer.scope = ThrottleScope::kAccount;
      answer.retry_after = response.retry_after;
      break;
    case StatusVerdict::kCarrierError:
      answer.kind = AnswerKind::kFailed;
      answer.result = TextResult::kCarrierError;
      break;
    case StatusVerdict::kCarrierTempError:
      answer.kind = AnswerKind::kFailed;
      answer.result = TextResult::kCarrierTempError;
      break;
    case StatusVerdict::kInternalError:
      answer.kind = AnswerKind::kFailed;
      answer.result = TextResult::kInternalError;
      break;
  }
  // A server error can come after the provider took the text; any other
  // status is the provider saying what it did.
  answer.maybe_taken = answer.kind == AnswerKind::kFailed &&
                       response.status >= 500 && response.status <= 599;
  answer.detail = StatusDetail(response);
  return answer;
}

TextAnswer ProtocolBase::Unreadable(const HttpResponse& response,
                                    absl::string_view why) const {
  TextAnswer answer;
  answer.kind = AnswerKind::kFailed;
  answer.result = TextResult::kInternalError;
  answer.maybe_taken = true;
  answer.detail =
      absl::StrCat("unreadable answer (", why, "): ", StatusDetail(response));
  return answer;
}

TextAnswer ProtocolBase::Unexpected(const HttpResponse& response) const {
  TextAnswer answer;
  answer.kind = AnswerKind::kFailed;
  answer.result = TextResult::kInternalError;
  answer.detail = absl::StrCat("unexpected ", StatusDetail(response));
  return answer;
}

std::string ProtocolBase::StatusDetail(const HttpResponse& response) const {
  std::string detail = absl::StrCat("HTTP ", response.status);
  absl::string_view body = response.body;
  if (body.size() > kDetailBodyBytes) {
    size_t cut = kDetailBodyBytes;
    // Back up to the start of a UTF-8 character.
    while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    body = body.substr(0, cut);
  }
  body = absl::StripAsciiWhitespace(body);
  if (body.empty()) return detail;
  detail.append(": ");
  for (char c : body) {
    detail.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  }
  return Redact(std::move(detail));
}

std::string ProtocolBase::Redact(std::string text) const {
  const std::string& password = config_.password;
  if (password.empty()) return text;
  std::string encoded;
  AppendPercentEncoded(password, &encoded);
  return absl::StrReplaceAll(text, {{password, "****"}, {encoded, "****"}});
}

void AnswerAll(const TextAnswer& answer, absl::Span<TextAnswer> answers) {
  std::fill(answers.begin(), answers.end(), answer);
}

void AppendPercentEncoded(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (IsUnreserved(byte)) {
      out->push_back(c);
    } else {
      out->push_back('%');
      out->push_back(kHex[byte >> 4]);
      out->push_back(kHex[byte & 0xF]);
    }
  }
}

}  // namespace provider_internal

std::unique_ptr<ProviderProtocol> MakeProviderProtocol(
    const ProviderConfig& config) {
  switch (config.type) {
    case ProviderType::kCallFire:
      return provider_internal::MakeCallFireProtocol(config);
    case ProviderType::kKannel:
      return provider_internal::MakeKannelProtocol(config);
    case ProviderType::kHttp:
      return provider_internal::MakeHttpProtocol(config);
  }
  return nullptr;
}

}  // namespace herald
