// herald-gen's numbers: a seeded random source that is the same on every
// platform, and North American numbers drawn valid or invalid and written
// the ways people type them, each checked against herald's own parser as it
// is made (a valid one must parse to the number meant, an invalid one must
// be refused): the generator's truth is exact only if they agree.
#ifndef HERALD_TOOLS_GEN_NUMBERS_H_
#define HERALD_TOOLS_GEN_NUMBERS_H_

#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/ingest/phone_number.h"

namespace herald {

// Deterministic for a seed on every platform: the standard distributions are
// implementation-defined, so draws are reduced here instead.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is < n/2^64).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>(
        (static_cast<unsigned __int128>(engine_()) * n) >> 64);
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  std::mt19937_64 engine_;
};

// The ten national digits of a NANP number, split.
struct Nanp {
  int npa;
  int nxx;
  int line;
};

PhoneNumber ToNumber(const Nanp& n);
Nanp FromNumber(PhoneNumber number);

// A valid number of area code `npa`: an exchange [2-9][0-9][0-9], never
// N11, never 555, and any line.
Nanp DrawValid(Rng& rng, int npa);

// Appends `value` as `width` digits, zeros first.
void AppendDigits(int value, int width, std::string* out);

// The ways of writing a number (AppendFormatted): +1 (213) 555-1234,
// 213.555.1234, 2135551234, 1-213-555-1234, (213) 555-1234, 213 555 1234.
inline constexpr int kStyleCount = 6;
// Appends `n` in style `style`, 0 to kStyleCount - 1.
void AppendFormatted(const Nanp& n, int style, std::string* out);

// Appends to `phone` a number of area code `npa` that herald must refuse,
// of one kind drawn with equal weight: an area code starting with 0 or 1, an
// N11 exchange, too few digits, letters, an extension.
void MakeInvalid(Rng& rng, int npa, std::string* phone);

// Aborts with `message`: a generator defect, never a user error (the tool
// must never write a truth file that does not match its rows).
[[noreturn]] void GeneratorBug(absl::string_view message);

// Abort (a generator defect, never a user error) unless `text` parses to
// exactly `expected`, or does not parse at all.
void CheckParses(absl::string_view text, PhoneNumber expected);
void CheckRejected(absl::string_view text);

}  // namespace herald

#endif  // HERALD_TOOLS_GEN_NUMBERS_H_
