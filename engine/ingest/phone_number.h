// North American (NANP) phone numbers: parsing what people type into the
// canonical 11-digit E.164 form that herald keys everything on.
#ifndef HERALD_ENGINE_INGEST_PHONE_NUMBER_H_
#define HERALD_ENGINE_INGEST_PHONE_NUMBER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "herald/texts.h"

namespace herald {

// Parses `text` as a dialable NANP subscriber number.
//
// Accepts the forms people type: "+1 (213) 555-1234", "213.555.1234",
// "2135551234", "1-213-555-1234", with spaces, dots, dashes and parentheses as
// separators. Returns InvalidArgument with a reason a person can act on when
// the text has letters or an extension, has the wrong number of digits, is not
// a +1 number, or breaks the NANP plan: an NPA or NXX starting with 0 or 1, an
// N11 service code as NPA or NXX, or an NPA whose middle digit is 9.
absl::StatusOr<PhoneNumber> ParseNanpNumber(absl::string_view text);

// Appends the 11 decimal digits of `number` to `out`.
void AppendE164Digits(PhoneNumber number, std::string* out);

// Returns the 11 decimal digits of `number`.
std::string E164Digits(PhoneNumber number);

// Whether `a` and `b` are the same sender or receiver however spelled: the
// same text (a short code), or the same NANP number.
bool SameNumber(absl::string_view a, absl::string_view b);

}  // namespace herald

#endif  // HERALD_ENGINE_INGEST_PHONE_NUMBER_H_
