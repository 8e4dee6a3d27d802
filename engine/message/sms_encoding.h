// How a message text goes over the air: GSM 03.38 (3GPP TS 23.038) 7-bit
// default alphabet or UCS-2, how many concatenated parts it takes, and where
// those parts split. Carriers bill and throttle per part, so the engine counts
// parts for every message it sends.
//
// Sizes follow the 8-bit-reference concatenation header that carriers use by
// default: one message holds 160 septets or 70 UCS-2 units, a part of a longer
// message 153 septets or 67 units.
//
// Every function here is pure and thread-safe. `text` is UTF-8; the engine
// guarantees that it is valid, and a malformed byte is treated as a single
// character outside GSM-7 (U+FFFD), so bad input can never be read past its
// end or be cut in the middle of a character.
#ifndef HERALD_ENGINE_MESSAGE_SMS_ENCODING_H_
#define HERALD_ENGINE_MESSAGE_SMS_ENCODING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "herald/texts.h"

namespace herald {

// Returns "GSM-7" or "UCS-2". Inline so that code that only names the
// encoding (the provider protocols) needs no link to the engine.
inline absl::string_view EncodingName(SmsEncoding encoding) {
  return encoding == SmsEncoding::kGsm7 ? "GSM-7" : "UCS-2";
}

// How a text goes over the air.
struct SmsSegmentation {
  SmsEncoding encoding = SmsEncoding::kGsm7;
  // GSM-7: septets, where an extension-table character (ESC + code) counts
  // 2. UCS-2: UTF-16 code units, where a character outside the Basic
  // Multilingual Plane (most emoji) is a surrogate pair and counts 2.
  int units = 0;
  // 0 for empty text; 1 when `units` fit one message (160 septets or 70
  // units); otherwise the number of concatenated parts of at most 153 septets
  // or 67 units. A part never ends between the two septets of an escape pair
  // nor between the two units of a surrogate pair, so this can exceed
  // ceil(units / 153) or ceil(units / 67). It is not capped at the 255 parts
  // a concatenation header can number; callers enforce their own limit.
  int segments = 0;
};

// Segments `text`. The encoding is GSM-7 when every character is in the GSM
// 03.38 default alphabet or its extension table, otherwise UCS-2 for the whole
// message, because a message has a single data coding scheme.
//
// Called for every message sent: it does not allocate, and text made only of
// ASCII is counted without decoding UTF-8.
SmsSegmentation Segment(absl::string_view text);

// Returns the byte offsets in `text` where each part after the first starts,
// for sending a long message as separate parts; empty when `text` fits one
// message of `segmentation.encoding`. Parts are filled greedily, so for
// `segmentation` == Segment(text) there are exactly `segments - 1` offsets,
// and an offset is never inside a UTF-8 character, an escape pair or a
// surrogate pair.
//
// Only `segmentation.encoding` is used. It may be kUcs2 for a GSM-7 text,
// which can always be sent as UCS-2; the parts are then those of 67 units.
// Under kGsm7 a character outside GSM-7 counts one septet, as the '?' a
// transport would put in its place.
std::vector<size_t> PartBoundaries(absl::string_view text,
                                   const SmsSegmentation& segmentation);

// Returns the longest prefix of `text`, cut on a character boundary, that
// fits one message of `encoding`: at most 160 septets or 70 UCS-2 units.
// Returns `text` itself when it fits. Under kGsm7 the prefix also ends before
// the first character outside GSM-7, since no GSM-7 message can carry it.
//
// Trimming a UCS-2 text can drop every character that forced UCS-2; then
// TrimToOneSegment(text, kGsm7) may give a longer prefix that still fits one
// message.
absl::string_view TrimToOneSegment(absl::string_view text,
                                   SmsEncoding encoding);

// Returns the distinct characters of `text` that force UCS-2, as UTF-8, in
// order of first appearance; empty when `text` is GSM-7. It answers the
// preview question "why is this message UCS-2?".
std::vector<std::string> Ucs2Characters(absl::string_view text);

// Appends `text` to `out` with typographic characters replaced by their GSM-7
// equivalents, as the "smart encoding" of Twilio, Telnyx and Bird does, so
// that text pasted from a word processor is not sent as UCS-2 at less than
// half the capacity:
//   ' for ‘ ’ ‚ ‛ ′ ´ ` ʹ ʻ ʼ and fullwidth ＇
//   " for “ ” „ ‟ ″ « » ʺ and fullwidth ＂
//   - for ‐ ‑ ‒ – — ― − • ⁃ and fullwidth －
//   ... for …
//   a space for U+00A0, U+2000 to U+200A, U+202F, U+205F and U+3000
//   nothing for U+00AD (soft hyphen), U+200B to U+200D, U+2060 and U+FEFF,
//   which are invisible.
// Every other character is appended unchanged, so the result can still need
// UCS-2 (for an emoji, say); call Segment() on it.
void AppendSmartEncoded(absl::string_view text, std::string* out);

}  // namespace herald

#endif  // HERALD_ENGINE_MESSAGE_SMS_ENCODING_H_
