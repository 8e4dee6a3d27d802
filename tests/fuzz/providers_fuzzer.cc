// ParseProvidersFile on arbitrary text, every passwordEnv variable set to a
// known password: errors come back as a status, never an exception, in valid
// UTF-8, and never carry the password (unless the input itself does).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "engine/dispatch/provider_config.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

constexpr absl::string_view kPassword = "Fz-Secr3t";

void FuzzOne(absl::string_view json) {
  const EnvLookup env = [](absl::string_view) {
    return std::optional<std::string>(std::string(kPassword));
  };
  RunNoThrow([&] {
    // A folder that does not exist, so relative passwordFile and caFile
    // paths name nothing.
    const absl::StatusOr<std::vector<ProviderConfig>> configs =
        ParseProvidersFile(json, "/nonexistent-herald-fuzz/providers.json",
                           env);
    if (!configs.ok()) {
      const absl::string_view message = configs.status().message();
      FUZZ_CHECK_UTF8(message);
      FUZZ_CHECK(absl::StrContains(json, kPassword) ||
                 !absl::StrContains(message, kPassword));
      return;
    }
    std::set<std::string> names;
    for (const ProviderConfig& config : *configs) {
      FUZZ_CHECK(names.insert(config.name).second);
      FUZZ_CHECK(!config.url.empty());
      FUZZ_CHECK(config.batch_size >= 1 && config.batch_size <= 1000);
    }
  });
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(herald::fuzz::AsText(data, size));
  return 0;
}
