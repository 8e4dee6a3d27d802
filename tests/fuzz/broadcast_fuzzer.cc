// ParseBroadcast on arbitrary text: a campaign file is user input, so every
// problem must come back as a status (never an exception out of
// nlohmann::json or a crash), with a message that is valid UTF-8.
#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/broadcast/broadcast.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

void FuzzOne(absl::string_view json) {
  RunNoThrow([&] {
    const absl::StatusOr<Broadcast> broadcast =
        ParseBroadcast(json, "campaign.json");
    if (!broadcast.ok()) {
      FUZZ_CHECK_UTF8(broadcast.status().message());
      return;
    }
    FUZZ_CHECK(broadcast->max_segments >= 1);
    FUZZ_CHECK(broadcast->retry_config.max_attempts >= 1);
  });
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(herald::fuzz::AsText(data, size));
  return 0;
}
