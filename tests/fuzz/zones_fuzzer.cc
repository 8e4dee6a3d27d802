// The --tz-data loaders (libphonenumber map_data lines, npa,nxx,zone CSV) on
// arbitrary text: they report errors as a status and never crash, and a
// table they build, alone and laid over the built-in one, answers every
// lookup with one of its own groups, whose zones are sorted and loaded.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tests/fuzz/fuzz_util.h"
#include "timezone/zone_table.h"

namespace herald::fuzz {
namespace {

void CheckTable(const ZoneTable& table) {
  FUZZ_CHECK(table.group_count() >= 1);
  FUZZ_CHECK(table.group(0).zone_names.empty());
  for (size_t id = 0; id < table.group_count(); ++id) {
    const ZoneGroup& group = table.group(static_cast<ZoneGroupId>(id));
    FUZZ_CHECK(group.zones.size() == group.zone_names.size());
    for (size_t i = 1; i < group.zone_names.size(); ++i) {
      FUZZ_CHECK(group.zone_names[i - 1] < group.zone_names[i]);
    }
  }
  // Each area code at a few exchanges, and numbers that are not +1 numbers.
  for (PhoneNumber npa = 0; npa < 1000; ++npa) {
    for (PhoneNumber nxx : {0, 200, 555, 999}) {
      const PhoneNumber number =
          10'000'000'000 + npa * 10'000'000 + nxx * 10'000;
      FUZZ_CHECK(table.Lookup(number) < table.group_count());
    }
  }
  for (PhoneNumber number : {PhoneNumber{0}, PhoneNumber{9'999'999'999},
                             PhoneNumber{20'000'000'000}, ~PhoneNumber{0}}) {
    FUZZ_CHECK(table.Lookup(number) == 0);
  }
}

void FuzzOne(const uint8_t* data, size_t size) {
  // The first byte picks the format.
  if (size == 0) return;
  const absl::string_view text = AsText(data + 1, size - 1);
  const InputFile file(text);
  const absl::StatusOr<ZoneTable> table =
      (data[0] & 1) ? ZoneTable::LoadNpaNxxCsv(file.path())
                    : ZoneTable::LoadMapData(file.path());
  if (!table.ok()) {
    if (IsValidUtf8(text)) FUZZ_CHECK_UTF8(table.status().message());
    return;
  }
  CheckTable(*table);
  CheckTable(ZoneTable::BuiltIn().WithOverrides(*table));
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(data, size);
  return 0;
}
