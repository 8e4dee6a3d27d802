#include "tools/mock_provider/hooks.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/hmac.h"
#include "engine/base/json_text.h"
#include "nlohmann/json.hpp"

namespace herald::mock_provider {

HookVerdict CheckHook(absl::string_view secret, absl::string_view signature,
                      absl::string_view body) {
  if (!secret.empty() && !VerifyWebhookSignature(secret, signature, body)) {
    return {401, signature.empty()
                     ? "missing X-Herald-Signature"
                     : "X-Herald-Signature does not match the body"};
  }
  const nlohmann::json envelope = nlohmann::json::parse(
      body.begin(), body.end(), /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (!envelope.is_object()) return {400, "the body is not a JSON object"};
  return {};
}

void HookLog::Add(HookRequest request) {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(std::move(request));
}

std::vector<HookRequest> HookLog::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::string HookLog::Json() const {
  std::lock_guard<std::mutex> lock(mu_);
  UtcMillisFormatter formatter;
  std::string out = "[";
  for (const HookRequest& request : requests_) {
    if (out.size() > 1) out.push_back(',');
    out.append("{\"arrivedAt\":\"");
    formatter.Append(request.arrived, &out);
    absl::StrAppend(&out, "\",\"status\":", request.status, ",\"signature\":");
    AppendJsonString(request.signature, &out);
    out.append(",\"body\":");
    AppendJsonString(request.body, &out);
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace herald::mock_provider
