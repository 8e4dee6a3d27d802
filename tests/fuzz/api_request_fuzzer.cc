// Requests to CallFire's API (CallFireApi over a real Engine and state
// directory) and to the providers' callbacks (ProviderCallbacks, a kannel
// provider k1), made of arbitrary methods, paths, queries and bodies: every
// answer is a known status, an error is CallFire's error shape with a
// message in valid UTF-8, a success body is JSON (the status page at / and
// a callback's "recorded" are text), and nothing throws. The lenient body
// parser is checked on its own too: blanking never changes the length, and text
// strict JSON takes parses to the same value.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "engine/service/callfire_api.h"
#include "engine/service/lenient_json.h"
#include "engine/service/provider_callbacks.h"
#include "herald/engine.h"
#include "nlohmann/json.hpp"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

using nlohmann::json;

// Route shapes with a hole for one fuzzed segment.
constexpr const char* kPaths[] = {
    "/v2/texts/broadcasts",
    "/v2/texts/broadcasts/%",
    "/v2/texts/broadcasts/%/start",
    "/v2/texts/broadcasts/%/stop",
    "/v2/texts/broadcasts/%/batches",
    "/v2/texts/broadcasts/%/recipients",
    "/v2/texts/broadcasts/%/texts",
    "/v2/texts/broadcasts/%/stats",
    "/v2/campaigns/batches/%",
    "/v2/texts",
    "/v2/texts/%",
    "/v2/contacts/dncs",
    "/v2/contacts/dncs/%",
    "/v2/contacts/dncs/sources/%",
    "/v2/contacts/dncs/universals/%",
    "/v2/contacts/lists",
    "/v2/contacts/lists/%",
    "/v2/contacts/lists/%/items",
    "/v2/contacts/lists/upload",
    "/v2/webhooks",
    "/v2/webhooks/%",
    "/v2/webhooks/resources/%",
    "/callbacks/k1/receipt%",
    "/callbacks/k1/inbound%",
    "/callbacks/%",
    "/%",
};
constexpr const char* kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};

Engine& SharedEngine() {
  static Engine* engine = [] {
    char pattern[] = "/tmp/herald-fuzz-api-XXXXXX";
    EngineOptions options;
    options.state_dir = mkdtemp(pattern);
    options.workers = 1;
    return Engine::Open(options)->release();
  }();
  return *engine;
}

void FuzzOne(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  static CallFireApi api(&SharedEngine(), {});
  static const ProviderCallbacks callbacks = [] {
    ProviderConfig kannel;
    kannel.name = "k1";
    kannel.type = ProviderType::kKannel;
    kannel.callback_secret = "fuzz-secret-0123456789";
    return ProviderCallbacks(&SharedEngine(), {kannel}, nullptr);
  }();
  ServerRequest request;
  request.method = input.PickValueInArray(kMethods);
  std::string path = input.PickValueInArray(kPaths);
  const size_t hole = path.find('%');
  if (hole != std::string::npos) {
    path.replace(hole, 1, input.ConsumeRandomLengthString(24));
  }
  request.path = path;
  request.query = input.ConsumeRandomLengthString(200);
  request.body = input.ConsumeRemainingBytesAsString();

  RunNoThrow([&] {
    const std::string stripped = StripJsonLeniencies(request.body);
    FUZZ_CHECK(stripped.size() == request.body.size());
    const json strict = json::parse(request.body, nullptr, false);
    if (!strict.is_discarded()) {
      absl::StatusOr<json> lenient = ParseLenientJson(request.body, "body");
      // A duplicate key is refused by the lenient parser, kept by nlohmann.
      if (lenient.ok()) FUZZ_CHECK(*lenient == strict);
    }

    const bool callback = ProviderCallbacks::Serves(request.path);
    const ServerResponse response =
        callback ? callbacks.Handle(request) : api.Handle(request);
    FUZZ_CHECK(
        response.status == 200 || response.status == 204 ||
        response.status == 400 || response.status == 404 ||
        response.status == 405 || response.status == 500 ||
        (callback && (response.status == 403 || response.status == 501)));
    if (response.status == 204 || response.body.empty()) return;
    // The status page at / is HTML; every other answer says it is JSON.
    if (response.content_type != "application/json") {
      FUZZ_CHECK((request.path == "/" || callback) && response.status == 200);
      FUZZ_CHECK_UTF8(response.body);
      return;
    }
    const json body = json::parse(response.body, nullptr, false);
    FUZZ_CHECK_TEXT(!body.is_discarded(), response.body);
    if (response.status >= 400) {
      FUZZ_CHECK(body.value("httpStatusCode", 0) == response.status);
      FUZZ_CHECK(body.contains("message"));
      FUZZ_CHECK_UTF8(body["message"].get<std::string>());
    }
  });
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(data, size);
  return 0;
}
