// What each provider protocol makes of an arbitrary answer (status, body,
// Retry-After). Answers end up in reports, the store, webhooks and the
// terminal, so every detail and provider id must be valid UTF-8 on one line
// without control characters, and must never carry the credentials, even
// when the provider echoes the request back.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/dispatch/provider_config.h"
#include "engine/dispatch/provider_protocol.h"
#include "engine/http/http_client.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

constexpr char kUsername[] = "fzuser";
constexpr char kPassword[] = "Fz-Secr3t";

// `text` percent-encoded as a URL query carries it (RFC 3986 unreserved
// characters as they are).
std::string PercentEncoded(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const uint8_t byte = static_cast<uint8_t>(c);
    if (absl::ascii_isalnum(byte) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

// The forms of the credentials that must never leak.
const std::vector<std::string>& SecretForms() {
  static const auto* forms = new std::vector<std::string>{
      kPassword, PercentEncoded(kPassword),
      absl::Base64Escape(absl::StrCat(kUsername, ":", kPassword))};
  return *forms;
}

// Aborts unless `text` is fit to show a person: valid UTF-8, on one line,
// and without the credentials in any form.
void CheckClean(absl::string_view text) {
  FUZZ_CHECK_UTF8(text);
  FUZZ_CHECK_TEXT(!HasControl(text), text);
  for (const std::string& form : SecretForms()) {
    FUZZ_CHECK_TEXT(!absl::StrContains(text, form), text);
  }
}

ProviderConfig Config(ProviderType type) {
  ProviderConfig config;
  config.name = "fz";
  config.type = type;
  config.username = kUsername;
  config.password = kPassword;
  switch (type) {
    case ProviderType::kCallFire:
      config.url = "https://api.example.test/v2";
      config.batch_size = 3;
      break;
    case ProviderType::kKannel:
      config.url = "http://127.0.0.1:13013/cgi-bin/sendsms";
      break;
    case ProviderType::kHttp:
      config.url = "https://sms.example.test/send?to=${toE164}";
      config.http.body = R"({"to":"${to}","text":"${message}","ref":"${key}"})";
      config.http.status_results = {{"200", StatusVerdict::kSent},
                                    {"2xx", StatusVerdict::kInternalError},
                                    {"409", StatusVerdict::kInvalid},
                                    {"4xx", StatusVerdict::kCarrierError},
                                    {"503", StatusVerdict::kThrottled},
                                    {"5xx", StatusVerdict::kCarrierTempError}};
      break;
  }
  return config;
}

// In ProviderType order, made once: making one is not what is under test.
const ProviderProtocol& Protocol(ProviderType type) {
  static const auto* protocols = [] {
    auto* made = new std::vector<std::unique_ptr<ProviderProtocol>>;
    for (ProviderType t : {ProviderType::kCallFire, ProviderType::kKannel,
                           ProviderType::kHttp}) {
      made->push_back(MakeProviderProtocol(Config(t)));
    }
    return made;
  }();
  return *(*protocols)[static_cast<size_t>(type)];
}

void FuzzOne(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const ProviderType type = input.PickValueInArray(
      {ProviderType::kCallFire, ProviderType::kKannel, ProviderType::kHttp});
  const ProviderProtocol& protocol = Protocol(type);
  HttpResponse response;
  // Transport errors come from libcurl, which names the host, not the input.
  switch (input.ConsumeIntegralInRange(0, 7)) {
    case 0:
      response.transport = absl::DeadlineExceededError("timed out");
      break;
    case 1:
      response.transport = absl::UnavailableError("connection reset");
      break;
    default:
      response.status = input.ConsumeIntegralInRange(100, 599);
      break;
  }
  if (input.ConsumeBool()) {
    response.retry_after =
        absl::Seconds(input.ConsumeIntegralInRange(0, 90000));
  }
  std::vector<TextAnswer> answers(
      input.ConsumeIntegralInRange(1, protocol.max_batch()));
  response.body = input.ConsumeRemainingBytesAsString();

  const absl::Status status =
      protocol.ReadResponse(response, absl::MakeSpan(answers));
  CheckClean(status.message());
  for (const TextAnswer& answer : answers) {
    CheckClean(answer.detail);
    CheckClean(answer.provider_id);
  }
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(data, size);
  return 0;
}
