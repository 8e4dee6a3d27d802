#include "engine/dispatch/provider_protocol.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/base/secret_mask.h"
#include "engine/base/utf8.h"
#include "engine/dispatch/provider_protocol_internal.h"

namespace herald {
namespace provider_internal {
namespace {

// Enough of an answer to recognise it, short enough for a report line.
constexpr size_t kDetailBodyBytes = 200;
// A detail as a whole (status, words and the start of the body), and a
// provider's message id: ids of real providers are far shorter.
constexpr size_t kMaxDetailBytes = 300;
constexpr size_t kMaxProviderIdBytes = 128;

}  // namespace

bool ProtocolBase::ReadCommonAnswer(const HttpResponse& response,
                                    absl::Span<TextAnswer> answers,
                                    absl::Status* status) const {
  if (!response.transport.ok()) {
    TextAnswer answer;
    answer.kind = AnswerKind::kFailed;
    answer.result = TextResult::kInternalError;
    answer.maybe_taken = true;
    answer.detail = absl::StrCat("no answer: ", response.transport.message());
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
  const std::string body =
      OneLineText(mask_.Mask(response.body), kDetailBodyBytes);
  if (body.empty()) return absl::StrCat("HTTP ", response.status);
  return absl::StrCat("HTTP ", response.status, ": ", body);
}

void AnswerAll(const TextAnswer& answer, absl::Span<TextAnswer> answers) {
  std::fill(answers.begin(), answers.end(), answer);
}

namespace {

std::unique_ptr<ProviderProtocol> MakeProtocolOfType(
    const ProviderConfig& config) {
  switch (config.type) {
    case ProviderType::kCallFire:
      return MakeCallFireProtocol(config);
    case ProviderType::kKannel:
      return MakeKannelProtocol(config);
    case ProviderType::kHttp:
      return MakeHttpProtocol(config);
  }
  return nullptr;
}

// Everything a protocol copies out of an answer passes here on its way to
// the run: whatever the provider sent, it leaves masked, on one line, valid
// UTF-8 and bounded, however the protocol read it.
class GuardedProtocol : public ProviderProtocol {
 public:
  explicit GuardedProtocol(const ProviderConfig& config)
      : protocol_(MakeProtocolOfType(config)),
        mask_(config.username, config.password) {}

  int max_batch() const override { return protocol_->max_batch(); }

  HttpRequest BuildRequest(
      absl::Span<const ProviderText* const> texts) const override {
    return protocol_->BuildRequest(texts);
  }

  absl::Status ReadResponse(const HttpResponse& response,
                            absl::Span<TextAnswer> answers) const override {
    absl::Status status = protocol_->ReadResponse(response, answers);
    for (TextAnswer& answer : answers) {
      if (!answer.detail.empty()) {
        answer.detail = OneLineText(mask_.Mask(answer.detail), kMaxDetailBytes);
      }
      if (!answer.provider_id.empty()) {
        answer.provider_id =
            OneLineText(mask_.Mask(answer.provider_id), kMaxProviderIdBytes);
      }
    }
    if (status.ok()) return status;
    return absl::Status(status.code(), OneLineText(mask_.Mask(status.message()),
                                                   kMaxDetailBytes));
  }

 private:
  const std::unique_ptr<ProviderProtocol> protocol_;
  const SecretMask mask_;
};

}  // namespace
}  // namespace provider_internal

std::unique_ptr<ProviderProtocol> MakeProviderProtocol(
    const ProviderConfig& config) {
  return std::make_unique<provider_internal::GuardedProtocol>(config);
}

}  // namespace herald
