// ParseWebhookConfig on arbitrary text, every secretEnv variable set: errors
// come back as a status, never an exception, in valid UTF-8, and never carry
// the secret (unless the input itself does); what it accepts is in range.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/webhook/webhook_config.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

constexpr absl::string_view kSecret = "Fz-Secr3t";

void FuzzOne(absl::string_view json) {
  const EnvLookup env = [](absl::string_view) {
    return std::optional<std::string>(std::string(kSecret));
  };
  RunNoThrow([&] {
    const absl::StatusOr<WebhookConfig> config =
        ParseWebhookConfig(json, "/nonexistent-herald-fuzz/hook.json", env);
    if (!config.ok()) {
      const absl::string_view message = config.status().message();
      FUZZ_CHECK_UTF8(message);
      FUZZ_CHECK(absl::StrContains(json, kSecret) ||
                 !absl::StrContains(message, kSecret));
      return;
    }
    FUZZ_CHECK(!config->url.empty() && !config->secret.empty());
    FUZZ_CHECK(config->batch_size >= 1 && config->batch_size <= 1000);
    FUZZ_CHECK(config->retry_initial <= config->retry_max);
    FUZZ_CHECK(config->timeout > absl::ZeroDuration());
  });
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(herald::fuzz::AsText(data, size));
  return 0;
}
