// MessageTemplate on arbitrary template text and cells: compiling and
// rendering report problems as a status and never throw; text without
// placeholder syntax renders as itself; only kSkip may refuse a row; valid
// UTF-8 in gives valid UTF-8 out.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/message/message_template.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

// "city" twice (plain and as a seed's contact field) and names that differ
// only in case reach the lookup rules.
const std::vector<std::string>& Columns() {
  static const auto* columns = new std::vector<std::string>{
      "firstName", "FIRSTNAME", "city", "contact.city", "ticketCount"};
  return *columns;
}

void FuzzOne(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  TemplateOptions options;
  options.brace_placeholders = input.ConsumeBool();
  options.missing = input.PickValueInArray({MissingAttributePolicy::kSkip,
                                            MissingAttributePolicy::kEmpty,
                                            MissingAttributePolicy::kKeep});
  // A row may be shorter than the header: its last cells are then absent.
  std::vector<std::string> cells(
      input.ConsumeIntegralInRange<size_t>(0, Columns().size()));
  for (std::string& cell : cells) cell = input.ConsumeRandomLengthString(40);
  const std::string text = input.ConsumeRemainingBytesAsString();

  RunNoThrow([&] {
    const absl::StatusOr<MessageTemplate> compiled =
        MessageTemplate::Compile(text, Columns(), options);
    const bool plain = text.find_first_of("${}\\") == std::string::npos;
    FUZZ_CHECK(compiled.ok() || !plain);
    if (!compiled.ok()) {
      if (IsValidUtf8(text)) FUZZ_CHECK_UTF8(compiled.status().message());
      return;
    }
    const std::vector<absl::string_view> fields(cells.begin(), cells.end());
    std::string out;
    const absl::Status rendered = compiled->Render(fields, &out);
    FUZZ_CHECK(rendered.ok() ||
               options.missing == MissingAttributePolicy::kSkip);
    if (!rendered.ok()) return;
    if (plain) FUZZ_CHECK(out == text);
    bool valid = IsValidUtf8(text);
    for (const std::string& cell : cells) valid = valid && IsValidUtf8(cell);
    if (valid) FUZZ_CHECK_UTF8(out);
    (void)compiled->UnknownNames();
  });
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(data, size);
  return 0;
}
