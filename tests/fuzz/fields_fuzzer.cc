// CallFire `fields` selections (FieldSelector) on arbitrary selection text,
// applied to an arbitrary JSON document: parsing reports errors as a status,
// nothing throws, and a selection only ever removes: what Apply returns is
// part of the value it was given.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/store/partial_response.h"
#include "nlohmann/json.hpp"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

using nlohmann::json;

// A text's answer as CallFire shapes it, for inputs whose document does not
// parse.
constexpr char kTexts[] = R"({"items":[
  {"id":1301,"fromNumber":"12132041238","toNumber":"12132212384",
   "state":"FINISHED","campaignId":10,"batchId":2,"labels":["a","b"],
   "message":"Hello","media":[{"id":4,"name":"x.png"}],
   "records":[{"id":7,"state":"FINISHED","textResult":"SENT"}]},
  {"id":1302,"state":"READY","message":null}],
  "limit":2,"offset":0,"totalCount":20})";

// Whether `part` is `whole` with members (and array elements) left out.
bool IsPart(const json& part, const json& whole) {
  if (part.is_null()) return true;
  if (part.is_object()) {
    if (part.empty()) return true;  // "!" gives {} whatever the value
    if (!whole.is_object()) return false;
    for (const auto& [key, value] : part.items()) {
      const auto it = whole.find(key);
      if (it == whole.end() || !IsPart(value, *it)) return false;
    }
    return true;
  }
  if (part.is_array()) {
    if (!whole.is_array()) return false;
    // Elements keep their order; ones that kept nothing may be gone.
    size_t next = 0;
    for (const json& element : part) {
      while (next < whole.size() && !IsPart(element, whole[next])) ++next;
      if (next == whole.size()) return false;
      ++next;
    }
    return true;
  }
  return part == whole;
}

void FuzzOne(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const std::string fields = input.ConsumeRandomLengthString(300);
  json value = json::parse(input.ConsumeRemainingBytesAsString(), nullptr,
                           /*allow_exceptions=*/false);
  if (value.is_discarded()) value = json::parse(kTexts);

  RunNoThrow([&] {
    const absl::StatusOr<FieldSelector> selector = FieldSelector::Parse(fields);
    if (!selector.ok()) {
      if (IsValidUtf8(fields)) FUZZ_CHECK_UTF8(selector.status().message());
      return;
    }
    const json selected = selector->Apply(value);
    FUZZ_CHECK(IsPart(selected, value));
    FUZZ_CHECK(FieldSelector().Apply(value) == value);
  });
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(data, size);
  return 0;
}
