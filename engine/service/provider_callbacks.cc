#include "engine/service/provider_callbacks.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/base/hmac.h"
#include "engine/base/percent_encoding.h"
#include "engine/dispatch/kannel_callbacks.h"
#include "engine/service/api_call.h"

namespace herald {
namespace {

constexpr absl::string_view kPrefix = "/callbacks/";

// The query's pairs, then a form body's.
absl::StatusOr<CallbackParams> ParamsOf(const ServerRequest& request) {
  absl::StatusOr<CallbackParams> params = ParseFormPairs(request.query);
  if (!params.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("query: ", params.status().message()));
  }
  if (request.body.empty()) return params;
  if (!absl::StartsWithIgnoreCase(request.content_type,
                                  "application/x-www-form-urlencoded")) {
    return absl::InvalidArgumentError(
        absl::StrCat("a callback's body is a form "
                     "(application/x-www-form-urlencoded), not \"",
                     request.content_type, "\""));
  }
  absl::StatusOr<CallbackParams> form = ParseFormPairs(request.body);
  if (!form.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("body: ", form.status().message()));
  }
  params->insert(params->end(), form->begin(), form->end());
  return params;
}

ServerResponse Recorded() {
  ServerResponse response;
  response.content_type = "text/plain";
  response.body = "recorded\n";
  return response;
}

}  // namespace

ProviderCallbacks::ProviderCallbacks(Engine* engine,
                                     std::vector<ProviderConfig> providers,
                                     Clock* clock)
    : engine_(engine),
      providers_(std::move(providers)),
      clock_(clock != nullptr ? clock : RealClock()) {}

bool ProviderCallbacks::Serves(absl::string_view path) {
  return absl::StartsWith(path, kPrefix);
}

const ProviderConfig* ProviderCallbacks::Find(absl::string_view name) const {
  for (const ProviderConfig& provider : providers_) {
    if (provider.name == name) return &provider;
  }
  return nullptr;
}

ServerResponse ProviderCallbacks::Handle(const ServerRequest& request) const {
  const std::vector<absl::string_view> segments = absl::StrSplit(
      absl::string_view(request.path).substr(kPrefix.size()), '/');
  if (segments.size() != 2 ||
      (segments[1] != "receipt" && segments[1] != "inbound")) {
    return ErrorResponse(404, absl::StrCat("no such callback: ", request.path,
                                           " (/callbacks/{provider}/receipt)"));
  }
  if (request.method != "GET" && request.method != "POST") {
    return ErrorResponse(405, "a callback takes GET or POST");
  }
  absl::StatusOr<CallbackParams> params = ParamsOf(request);
  if (!params.ok()) return ErrorResponse(params.status());
  // Before anything else is read: a caller without the secret learns
  // nothing but that it lacks it, not even which providers there are.
  const ProviderConfig* provider = Find(segments[0]);
  const std::string* secret = LastValue(*params, "secret");
  if (provider == nullptr || provider->callback_secret.empty() ||
      secret == nullptr || !SameSecret(*secret, provider->callback_secret)) {
    return ErrorResponse(
        403,
        "the secret parameter is missing or wrong (a provider takes "
        "callbacks with the secret of its callbackSecretEnv or "
        "callbackSecretFile)");
  }
  if (provider->type != ProviderType::kKannel) {
    return ErrorResponse(501, absl::StrCat(segments[1], " callbacks of a ",
                                           ProviderTypeName(provider->type),
                                           " provider are not taken yet"));
  }
  const auto refused = [&](const absl::Status& status) {
    return ErrorResponse(absl::Status(
        status.code(), absl::StrCat(segments[1], " ", status.message())));
  };
  if (segments[1] == "inbound") {
    absl::StatusOr<InboundText> text =
        ParseKannelInbound(*params, clock_->Now());
    if (!text.ok()) return refused(text.status());
    text->provider = provider->name;
    absl::StatusOr<InboundText> received =
        engine_->ReceiveText(*std::move(text));
    if (!received.ok()) return ErrorResponse(received.status());
    return Recorded();
  }
  absl::StatusOr<RoutedReceipt> routed =
      ParseKannelReceipt(*params, clock_->Now());
  if (!routed.ok()) return refused(routed.status());
  const absl::Status recorded =
      engine_->RecordReceipts(routed->broadcast, {routed->receipt});
  if (!recorded.ok()) return ErrorResponse(recorded);
  return Recorded();
}

}  // namespace herald
