// The built-in North American Numbering Plan data: which state, province or
// country each geographic area code serves, and in which time zones.
//
// Written by the project from public facts about the plan; ZoneTable::BuiltIn()
// turns it into a lookup table. Codes that are absent (toll-free 8XX, 900,
// 5XX, 600, 700, unassigned codes) have no zone.
#ifndef HERALD_TIMEZONE_NANP_AREA_CODES_H_
#define HERALD_TIMEZONE_NANP_AREA_CODES_H_

#include "absl/types/span.h"

namespace herald {

struct AreaCodeZones {
  int npa;
  // The USPS state or territory code, or the Canadian province code, joined
  // with '/' when one code serves several ("NS/PE"). Outside the US and
  // Canada, the country's ISO 3166-1 code. Read it together with `country`:
  // "KY" is Kentucky in the US and the Cayman Islands on its own.
  const char* region;
  // ISO 3166-1 alpha-2; "US" for the US territories, where US law applies.
  const char* country;
  // Every IANA zone the area code serves, joined with '&'. A code that spans
  // zones lists them all, so a caller that honours every zone is never wrong.
  const char* zones;
};

// Exchanges (NPA-NXX) of an area code that spans zones, whose zones are known
// more precisely than the whole code's: a subset of the area code's zones.
struct ExchangeZones {
  int npa;
  const char* nxx_list;  // three-digit NXX codes separated by spaces
  const char* zones;     // as in AreaCodeZones
};

// A zone that libphonenumber's timezones map_data.txt names for an area code
// (or any of its exchanges) and that is demonstrably wrong there, so the
// built-in table deliberately does not cover it. Only the accuracy test uses
// these; they document why herald and the reference disagree.
struct ReferenceException {
  int npa;
  const char* zone;
  const char* reason;
};

// Sorted by NPA, one entry per area code.
absl::Span<const AreaCodeZones> NanpAreaCodes();

// Sorted by NPA. An NXX appears at most once per NPA.
absl::Span<const ExchangeZones> NanpExchanges();

absl::Span<const ReferenceException> LibphonenumberExceptions();

}  // namespace herald

#endif  // HERALD_TIMEZONE_NANP_AREA_CODES_H_
