// herald-gen: writes realistic contact CSVs of any size, an optional
// do-not-contact list to go with them, and the exact counts herald must report
// for them, for tests and benchmarks.
//
//   herald-gen --rows 1000000 --out contacts.csv --seed 7
//       --dnc-out dnc.txt --dnc-size 100000 --truth truth.json
//
// Every row's number is checked against herald's own parser as it is made: a
// valid number must parse to the number intended, an invalid one must be
// rejected. New valid numbers never repeat by accident, so the truth is exact.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/base/file_io.h"
#include "engine/ingest/number_set.h"
#include "engine/ingest/phone_number.h"
#include "tools/gen_numbers.h"

namespace herald {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitBadFlags = 2;

// Rows are built into a block this large before it is written.
constexpr size_t kBlockBytes = 4 << 20;

// Geographic area codes that lie wholly in one US time zone, with the main
// city they serve and a three-digit ZIP prefix of that city.
struct AreaCode {
  int npa;
  absl::string_view zone;
  absl::string_view city;
  absl::string_view zip3;
};

constexpr AreaCode kAreaCodes[] = {
    // Eastern
    {212, "America/New_York", "New York", "100"},
    {718, "America/New_York", "Brooklyn", "112"},
    {617, "America/New_York", "Boston", "021"},
    {404, "America/New_York", "Atlanta", "303"},
    {305, "America/New_York", "Miami", "331"},
    {215, "America/New_York", "Philadelphia", "191"},
    {202, "America/New_York", "Washington", "200"},
    {313, "America/Detroit", "Detroit", "482"},
    {704, "America/New_York", "Charlotte", "282"},
    {412, "America/New_York", "Pittsburgh", "152"},
    {614, "America/New_York", "Columbus", "432"},
    {843, "America/New_York", "Charleston", "294"},
    {919, "America/New_York", "Raleigh", "276"},
    {407, "America/New_York", "Orlando", "328"},
    {516, "America/New_York", "Hempstead", "115"},
    // Central
    {312, "America/Chicago", "Chicago", "606"},
    {214, "America/Chicago", "Dallas", "752"},
    {713, "America/Chicago", "Houston", "770"},
    {512, "America/Chicago", "Austin", "787"},
    {612, "America/Chicago", "Minneapolis", "554"},
    {314, "America/Chicago", "St. Louis", "631"},
    {504, "America/Chicago", "New Orleans", "701"},
    {615, "America/Chicago", "Nashville", "372"},
    {816, "America/Chicago", "Kansas City", "641"},
    {414, "America/Chicago", "Milwaukee", "532"},
    {205, "America/Chicago", "Birmingham", "352"},
    {901, "America/Chicago", "Memphis", "381"},
    // Mountain
    {303, "America/Denver", "Denver", "802"},
    {801, "America/Denver", "Salt Lake City", "841"},
    {505, "America/Denver", "Albuquerque", "871"},
    {406, "America/Denver", "Billings", "591"},
    {307, "America/Denver", "Cheyenne", "820"},
    {915, "America/Denver", "El Paso", "799"},
    // Arizona: Mountain time without daylight saving
    {602, "America/Phoenix", "Phoenix", "850"},
    {480, "America/Phoenix", "Mesa", "852"},
    {520, "America/Phoenix", "Tucson", "857"},
    {623, "America/Phoenix", "Glendale", "853"},
    // Pacific
    {213, "America/Los_Angeles", "Los Angeles", "900"},
    {310, "America/Los_Angeles", "Santa Monica", "904"},
    {415, "America/Los_Angeles", "San Francisco", "941"},
    {206, "America/Los_Angeles", "Seattle", "981"},
    {503, "America/Los_Angeles", "Portland", "972"},
    {702, "America/Los_Angeles", "Las Vegas", "891"},
    {619, "America/Los_Angeles", "San Diego", "921"},
    {916, "America/Los_Angeles", "Sacramento", "958"},
    {408, "America/Los_Angeles", "San Jose", "951"},
    {510, "America/Los_Angeles", "Oakland", "946"},
    // Alaska and Hawaii
    {907, "America/Anchorage", "Anchorage", "995"},
    {808, "Pacific/Honolulu", "Honolulu", "968"},
};
constexpr int kAreaCodeCount = sizeof(kAreaCodes) / sizeof(kAreaCodes[0]);

// Exchanges 200-999 less the eight N11 codes and 555.
constexpr uint64_t kExchangesPerAreaCode = 800 - 8 - 1;
constexpr uint64_t kNumberSpace =
    kAreaCodeCount * kExchangesPerAreaCode * 10000;

constexpr absl::string_view kFirstNames[] = {
    "James",    "Mary",      "Robert",    "Patricia",  "John",     "Jennifer",
    "Michael",  "Linda",     "David",     "Elizabeth", "William",  "Barbara",
    "Richard",  "Susan",     "Joseph",    "Jessica",   "Thomas",   "Sarah",
    "Carlos",   "Karen",     "Daniel",    "Lisa",      "Matthew",  "Nancy",
    "Anthony",  "Betty",     "Mark",      "Sandra",    "Wei",      "Ashley",
    "Steven",   "Kimberly",  "Andrew",    "Emily",     "Kenji",    "Donna",
    "Joshua",   "Michelle",  "Kevin",     "Carol",     "Brian",    "Amanda",
    "Mohammed", "Priya",     "Jamal",     "Aaliyah",   "Diego",    "Mei",
    "José",     "Zoë",       "Renée",     "Björn",     "François", "Siobhán",
    "Nguyễn",   "Ana María", "Mary-Kate", "D'Andre",   "Kai",      "Leilani",
};

// A nickname written into firstName the way spreadsheets end up with it:
// Carlos "Charlie", which CSV must quote with the inner quotes doubled.
struct Nickname {
  absl::string_view name;
  absl::string_view nick;
};
constexpr Nickname kNicknames[] = {
    {"Carlos", "Charlie"}, {"Robert", "Bob"},     {"William", "Bill"},
    {"Elizabeth", "Liz"},  {"Katherine", "Kate"}, {"James", "Jim"},
    {"Margaret", "Peggy"}, {"Richard", "Dick"},   {"Theodore", "Teddy"},
};

constexpr absl::string_view kLastNames[] = {
    "Smith",     "Johnson",    "Williams",    "Brown",        "Jones",
    "Garcia",    "Miller",     "Davis",       "Rodriguez",    "Martinez",
    "Hernandez", "Lopez",      "Gonzalez",    "Wilson",       "Anderson",
    "Thomas",    "Taylor",     "Moore",       "Jackson",      "Martin",
    "Lee",       "Perez",      "Thompson",    "White",        "Harris",
    "Sanchez",   "Clark",      "Ramirez",     "Lewis",        "Robinson",
    "Walker",    "Young",      "Allen",       "King",         "Wright",
    "Scott",     "Nguyen",     "Kim",         "Patel",        "Chen",
    "O'Brien",   "McAllister", "Smith-Jones", "Van der Berg", "Kahananui",
    "Yazzie",    "Müller",     "Ibáñez",
};

constexpr absl::string_view kSuffixes[] = {", Jr.", ", Sr.", ", III", ", MD"};

constexpr absl::string_view kAmounts[] = {"5",   "10",  "20",  "25",  "50",
                                          "100", "250", "500", "1000"};

// Shares of the rows whose attributes need CSV quoting.
constexpr double kNicknameShare = 0.01;
constexpr double kSuffixShare = 0.01;

[[noreturn]] void Die(absl::string_view message) {
  std::fprintf(stderr, "herald-gen: %.*s\n", static_cast<int>(message.size()),
               message.data());
  std::exit(kExitFailed);
}

// Appends `value` as one CSV field, quoted per RFC 4180 when it must be.
void AppendCsvField(absl::string_view value, std::string* out) {
  if (value.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out->append(value.data(), value.size());
    return;
  }
  out->push_back('"');
  for (const char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

struct Flags {
  uint64_t rows = 0;
  std::string out;
  uint64_t seed = 1;
  double dup_rate = 0.05;
  double invalid_rate = 0.02;
  std::string dnc_out;
  uint64_t dnc_size = 10000;
  double dnc_hit_rate = 0.01;
  std::string truth;
  bool quiet = false;
};

// The exact counts herald must report for the generated files.
struct Truth {
  uint64_t rows = 0;
  uint64_t valid = 0;
  uint64_t distinct = 0;
  uint64_t invalid = 0;
  uint64_t dnc = 0;
  uint64_t dup() const { return valid - distinct; }
  uint64_t sendable() const { return distinct - dnc; }
};

// Distinct numbers in a compact form for drawing duplicates: the area code's
// index times 10^7 plus the seven local digits, which fits 32 bits.
uint32_t Pack(int area, const Nanp& n) {
  return static_cast<uint32_t>(area) * 10000000u +
         static_cast<uint32_t>(n.nxx) * 10000u + static_cast<uint32_t>(n.line);
}

Nanp Unpack(uint32_t packed, int* area) {
  *area = static_cast<int>(packed / 10000000u);
  const int local = static_cast<int>(packed % 10000000u);
  return {kAreaCodes[*area].npa, local / 10000, local % 10000};
}

std::unique_ptr<OutputFile> CreateOrDie(const std::string& path) {
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Create(path);
  if (!file.ok()) Die(file.status().message());
  return *std::move(file);
}

void WriteOrDie(OutputFile* file, std::string* block) {
  if (absl::Status s = file->Append(*block); !s.ok()) Die(s.message());
  block->clear();
}

void CloseOrDie(OutputFile* file) {
  if (absl::Status s = file->Close(); !s.ok()) Die(s.message());
}

class Generator {
 public:
  explicit Generator(const Flags& flags) : flags_(flags), rng_(flags.seed) {
    for (int i = 0; i < kAreaCodeCount; ++i) {
      area_of_npa_[kAreaCodes[i].npa] = static_cast<int16_t>(i);
    }
  }

  void WriteContacts();
  void WriteDnc();
  void WriteTruth() const;
  const Truth& truth() const { return truth_; }
  bool hits_capped() const { return hits_capped_; }

 private:
  // Draws a valid number no earlier row or DNC entry has; returns its area.
  int DrawNewNumber(Nanp* n);
  void AppendAttributes(int area, std::string* out);

  const Flags& flags_;
  Rng rng_;
  int16_t area_of_npa_[1000] = {};
  NumberSet used_;                  // every number written so far, anywhere
  std::vector<uint32_t> distinct_;  // Pack()ed valid contact numbers
  std::vector<PhoneNumber> hits_;   // contact numbers also on the DNC list
  bool hits_capped_ = false;
  Truth truth_;
};

int Generator::DrawNewNumber(Nanp* n) {
  for (;;) {
    const int area = static_cast<int>(rng_.Below(kAreaCodeCount));
    *n = DrawValid(rng_, kAreaCodes[area].npa);
    if (used_.Insert(ToNumber(*n))) return area;
  }
}

void Generator::AppendAttributes(int area, std::string* out) {
  out->push_back(',');
  if (rng_.Chance(kNicknameShare)) {
    const Nickname& nick = rng_.Pick(kNicknames);
    std::string name = absl::StrCat(nick.name, " \"", nick.nick, "\"");
    AppendCsvField(name, out);
  } else {
    AppendCsvField(rng_.Pick(kFirstNames), out);
  }
  out->push_back(',');
  if (rng_.Chance(kSuffixShare)) {
    const absl::string_view last = rng_.Pick(kLastNames);
    std::string name = absl::StrCat(last, rng_.Pick(kSuffixes));
    AppendCsvField(name, out);
  } else {
    AppendCsvField(rng_.Pick(kLastNames), out);
  }
  out->push_back(',');
  const AreaCode& code = kAreaCodes[area];
  AppendCsvField(code.city, out);
  out->push_back(',');
  out->append(code.zip3.data(), code.zip3.size());
  AppendDigits(1 + static_cast<int>(rng_.Below(99)), 2, out);
  out->push_back(',');
  if (rng_.Chance(0.3)) {
    // Dollars and cents, e.g. 37.50. (Draws are sequenced one per statement:
    // the order of evaluating function arguments is unspecified.)
    const uint64_t dollars = 1 + rng_.Below(200);
    const bool half = rng_.Chance(0.5);
    absl::StrAppend(out, dollars, half ? ".50" : ".00");
  } else {
    absl::StrAppend(out, rng_.Pick(kAmounts));
  }
  out->push_back('\n');
}

void Generator::WriteContacts() {
  std::unique_ptr<OutputFile> file = CreateOrDie(flags_.out);
  std::string block;
  block.reserve(kBlockBytes + 4096);
  block.append("phoneNumber,firstName,lastName,city,zip,amount\n");
  distinct_.reserve(flags_.rows);
  const bool dnc = !flags_.dnc_out.empty();
  const double dup_limit = flags_.invalid_rate + flags_.dup_rate;
  std::string phone;
  for (uint64_t row = 0; row < flags_.rows; ++row) {
    phone.clear();
    int area;
    const double u = rng_.Unit();
    if (u < flags_.invalid_rate) {
      area = static_cast<int>(rng_.Below(kAreaCodeCount));
      MakeInvalid(rng_, kAreaCodes[area].npa, &phone);
      CheckRejected(phone);
      ++truth_.invalid;
    } else if (u < dup_limit && !distinct_.empty()) {
      // An earlier valid number again, likely written another way.
      const Nanp n = Unpack(distinct_[rng_.Below(distinct_.size())], &area);
      AppendFormatted(n, static_cast<int>(rng_.Below(kStyleCount)), &phone);
      CheckParses(phone, ToNumber(n));
      ++truth_.valid;
    } else {
      Nanp n;
      area = DrawNewNumber(&n);
      distinct_.push_back(Pack(area, n));
      if (dnc && rng_.Chance(flags_.dnc_hit_rate)) {
        if (hits_.size() < flags_.dnc_size) {
          hits_.push_back(ToNumber(n));
        } else {
          hits_capped_ = true;
        }
      }
      AppendFormatted(n, static_cast<int>(rng_.Below(kStyleCount)), &phone);
      CheckParses(phone, ToNumber(n));
      ++truth_.valid;
    }
    AppendCsvField(phone, &block);
    AppendAttributes(area, &block);
    if (block.size() >= kBlockBytes) WriteOrDie(file.get(), &block);
  }
  WriteOrDie(file.get(), &block);
  CloseOrDie(file.get());
  truth_.rows = flags_.rows;
  truth_.distinct = distinct_.size();
  truth_.dnc = hits_.size();
  if (truth_.valid != truth_.distinct + truth_.dup() ||
      truth_.rows != truth_.valid + truth_.invalid) {
    GeneratorBug("row counts do not add up");
  }
}

void Generator::WriteDnc() {
  // The hits, then numbers no contact has, shuffled together.
  std::vector<PhoneNumber> numbers = std::move(hits_);
  numbers.reserve(flags_.dnc_size);
  while (numbers.size() < flags_.dnc_size) {
    Nanp n;
    DrawNewNumber(&n);
    numbers.push_back(ToNumber(n));
  }
  for (size_t i = numbers.size(); i > 1; --i) {
    std::swap(numbers[i - 1], numbers[rng_.Below(i)]);
  }

  std::unique_ptr<OutputFile> file = CreateOrDie(flags_.dnc_out);
  std::string block;
  block.reserve(kBlockBytes + 64);
  for (const PhoneNumber number : numbers) {
    const size_t begin = block.size();
    AppendFormatted(FromNumber(number),
                    static_cast<int>(rng_.Below(kStyleCount)), &block);
    CheckParses(absl::string_view(block).substr(begin), number);
    block.push_back('\n');
    if (block.size() >= kBlockBytes) WriteOrDie(file.get(), &block);
  }
  WriteOrDie(file.get(), &block);
  CloseOrDie(file.get());
}

void Generator::WriteTruth() const {
  std::unique_ptr<OutputFile> file = CreateOrDie(flags_.truth);
  std::string json =
      absl::StrCat("{\"rows\":", truth_.rows, ",\"valid\":", truth_.valid,
                   ",\"distinct\":", truth_.distinct, ",\"dup\":", truth_.dup(),
                   ",\"invalid\":", truth_.invalid, ",\"dnc\":", truth_.dnc,
                   ",\"sendable\":", truth_.sendable(), "}\n");
  WriteOrDie(file.get(), &json);
  CloseOrDie(file.get());
}

// Returns why the flags cannot work together, or OK.
absl::Status CheckFlags(const Flags& flags) {
  // A little slack, so that 0.8 and 0.2 add up to no more than 1.
  if (flags.dup_rate + flags.invalid_rate > 1.0 + 1e-9) {
    return absl::InvalidArgumentError(
        absl::StrCat("--dup-rate (", flags.dup_rate, ") plus --invalid-rate (",
                     flags.invalid_rate, ") is more than 1"));
  }
  // Keep the number space at most half used so redraws stay rare.
  const uint64_t dnc_size = flags.dnc_out.empty() ? 0 : flags.dnc_size;
  if (flags.rows > kNumberSpace / 2 || dnc_size > kNumberSpace / 2 ||
      flags.rows + dnc_size > kNumberSpace / 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rows plus --dnc-size may be at most ", kNumberSpace / 2,
                     " (half the ", kNumberSpace, " numbers of ",
                     kAreaCodeCount, " area codes)"));
  }
  if (!flags.dnc_out.empty() && flags.dnc_out == flags.out) {
    return absl::InvalidArgumentError("--dnc-out is the same file as --out");
  }
  if (!flags.truth.empty() &&
      (flags.truth == flags.out || flags.truth == flags.dnc_out)) {
    return absl::InvalidArgumentError(
        "--truth is the same file as --out or --dnc-out");
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace herald

int main(int argc, char** argv) {
  CLI::App app{
      "herald-gen: writes a realistic contact CSV (and optionally a DNC list "
      "and the exact counts herald must report) for tests and benchmarks"};
  herald::Flags flags;
  // Unsigned options would otherwise take "-3" as 2^64 - 3.
  const CLI::Validator count(
      [](std::string& value) -> std::string {
        if (value.find('-') != std::string::npos) {
          return "Value " + value + " must not be negative";
        }
        return "";
      },
      "");
  app.add_option("--rows", flags.rows, "Contact rows to write (header aside)")
      ->required()
      ->check(count);
  app.add_option("--out", flags.out, "Contact CSV to write")->required();
  app.add_option("--seed", flags.seed,
                 "Random seed; the same flags and seed give the same files")
      ->capture_default_str();
  app.add_option("--dup-rate", flags.dup_rate,
                 "Share of rows repeating an earlier valid number")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--invalid-rate", flags.invalid_rate,
                 "Share of rows with a number herald must reject")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  CLI::Option* dnc_out = app.add_option(
      "--dnc-out", flags.dnc_out, "Write a do-not-contact list, one per line");
  app.add_option("--dnc-size", flags.dnc_size, "Numbers in the DNC list")
      ->needs(dnc_out)
      ->check(count)
      ->capture_default_str();
  app.add_option("--dnc-hit-rate", flags.dnc_hit_rate,
                 "Share of the distinct valid contact numbers on the DNC list")
      ->needs(dnc_out)
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--truth", flags.truth,
                 "Write the counts herald must report as JSON");
  app.add_flag("--quiet", flags.quiet, "No summary on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : herald::kExitBadFlags;
  }
  if (absl::Status s = herald::CheckFlags(flags); !s.ok()) {
    std::fprintf(stderr, "herald-gen: %.*s\n",
                 static_cast<int>(s.message().size()), s.message().data());
    return herald::kExitBadFlags;
  }

  herald::Generator generator(flags);
  generator.WriteContacts();
  if (!flags.dnc_out.empty()) generator.WriteDnc();
  if (!flags.truth.empty()) generator.WriteTruth();

  if (!flags.quiet) {
    const herald::Truth& t = generator.truth();
    std::fprintf(stderr,
                 "herald-gen: %llu rows: %llu valid (%llu distinct, %llu dup), "
                 "%llu invalid; %llu on the DNC list, %llu sendable\n",
                 static_cast<unsigned long long>(t.rows),
                 static_cast<unsigned long long>(t.valid),
                 static_cast<unsigned long long>(t.distinct),
                 static_cast<unsigned long long>(t.dup()),
                 static_cast<unsigned long long>(t.invalid),
                 static_cast<unsigned long long>(t.dnc),
                 static_cast<unsigned long long>(t.sendable()));
  }
  if (generator.hits_capped()) {
    std::fprintf(stderr,
                 "herald-gen: warning: --dnc-size %llu is smaller than the "
                 "hits --dnc-hit-rate asked for; the list holds contact "
                 "numbers only\n",
                 static_cast<unsigned long long>(flags.dnc_size));
  }
  return 0;
}
