// What the provider protocols share: reading the answers that mean the same
// at every provider, details for people, and percent-encoding. Internal to
// herald_providers; users include engine/provider_protocol.h.
#ifndef HERALD_ENGINE_DISPATCH_PROVIDER_PROTOCOL_INTERNAL_H_
#define HERALD_ENGINE_DISPATCH_PROVIDER_PROTOCOL_INTERNAL_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/base/percent_encoding.h"
#include "engine/base/secret_mask.h"
#include "engine/dispatch/provider_config.h"
#include "engine/dispatch/provider_protocol.h"
#include "engine/http/http_client.h"

namespace herald::provider_internal {

class ProtocolBase : public ProviderProtocol {
 protected:
  explicit ProtocolBase(const ProviderConfig& config)
      : config_(config), mask_(config.username, config.password) {}

  const ProviderConfig& config() const { return config_; }

  // Reads what means the same whoever answers: no answer at all (kFailed,
  // kInternalError, maybe taken), 401/403 (returns PermissionDenied in
  // `*status`, answers untouched), 429 (kThrottled) and 5xx (kFailed,
  // kCarrierTempError, maybe taken). Returns false, touching nothing, for
  // any other status: the protocol reads those.
  bool ReadCommonAnswer(const HttpResponse& response,
                        absl::Span<TextAnswer> answers,
                        absl::Status* status) const;

  // What `verdict` means for a text whose request got `response`. The `http`
  // type's statusResults and the common statuses both map through here.
  TextAnswer VerdictAnswer(StatusVerdict verdict,
                           const HttpResponse& response) const;

  // An answer that cannot be read although the status says it arrived:
  // the provider may have taken the text.
  TextAnswer Unreadable(const HttpResponse& response,
                        absl::string_view why) const;

  // A status the protocol does not expect (a redirect, say): not taken.
  TextAnswer Unexpected(const HttpResponse& response) const;

  // "HTTP 503: <the start of the body>", short and on one line, with the
  // credentials masked (in the whole body, before it is cut) should the
  // provider echo them back.
  std::string StatusDetail(const HttpResponse& response) const;

 private:
  const ProviderConfig config_;
  const SecretMask mask_;
};

// Sets every answer to `answer`.
void AnswerAll(const TextAnswer& answer, absl::Span<TextAnswer> answers);

std::unique_ptr<ProviderProtocol> MakeCallFireProtocol(
    const ProviderConfig& config);
std::unique_ptr<ProviderProtocol> MakeKannelProtocol(
    const ProviderConfig& config);
std::unique_ptr<ProviderProtocol> MakeHttpProtocol(
    const ProviderConfig& config);

}  // namespace herald::provider_internal

#endif  // HERALD_ENGINE_DISPATCH_PROVIDER_PROTOCOL_INTERNAL_H_
