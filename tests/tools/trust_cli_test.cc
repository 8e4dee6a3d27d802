// The failures of issue 14 ("Trust"), each from the command that showed it,
// run as a user would run them: herald must never crash on ordinary input,
// never leak a credential, never read text inside quotes as recipients and
// never text a number a do-not-contact list holds.
#include <filesystem>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kHerald = HERALD_BINARY;
constexpr char kVirtualStart[] =
    " --clock virtual --start 2026-11-23T12:00:00-05:00";

// Every line of the JSON-lines file at `path`, parsed; fails the test on a
// line a JSON reader refuses.
std::vector<json> JsonLines(const std::string& path) {
  std::vector<json> out;
  for (absl::string_view line :
       absl::StrSplit(ReadWholeFile(path), '\n', absl::SkipEmpty())) {
    json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << line;
    out.push_back(std::move(parsed));
  }
  return out;
}

std::vector<std::string> SentTo(const std::string& outbox) {
  std::vector<std::string> to;
  for (const json& line : JsonLines(outbox)) to.push_back(line["to"]);
  return to;
}

// Runs `command` in the background, sends it SIG`signal` once `file` holds
// `bytes` (or after 30 s), and waits for it. Returns the file's size when
// the signal went; sets the exit status and what it printed.
int64_t SignalWhenFileGrows(const std::string& command, const std::string& file,
                            int64_t bytes, absl::string_view signal,
                            int* exit_status, std::string* output) {
  const std::string size_file = file + ".size_at_signal";
  *exit_status = RunCommand(
      absl::StrCat("exec 2>&1; ", command,
                   " & pid=$!; i=0; while [ $i -lt 3000 ] && [ ",
                   "$(stat -c %s ", file, " 2>/dev/null || echo 0) -lt ", bytes,
                   " ]; do sleep 0.01; i=$((i+1)); done; stat -c %s ", file,
                   " > ", size_file, "; kill -", signal, " $pid; wait $pid"),
      output);
  int64_t size = 0;
  EXPECT_TRUE(absl::SimpleAtoi(
      absl::StripAsciiWhitespace(ReadWholeFile(size_file)), &size));
  EXPECT_GE(size, bytes);
  return size;
}

// Writes `rows` generated contacts (no duplicates, no invalid numbers) to
// dir/contacts.csv.
void GenerateContacts(const TempDir& dir, int rows, int seed) {
  std::string output;
  ASSERT_EQ(
      RunCommand(absl::StrCat(HERALD_GEN_BINARY, " --rows ", rows, " --out ",
                              dir.File("contacts.csv"), " --seed ", seed,
                              " --dup-rate 0 --invalid-rate 0 --quiet"),
                 &output),
      0)
      << output;
}

class TrustCliTest : public ::testing::Test {
 protected:
  TrustCliTest() { dir_.Write("c.json", R"({"message":"Hi ${name}"})"); }

  // `herald run` of c.json over `contacts` with `extra` flags; returns the
  // exit status and leaves what it printed in output_.
  int Run(const std::string& contacts, const std::string& extra = "") {
    return RunCommand(
        absl::StrCat(kHerald, " run --campaign ", dir_.File("c.json"),
                     " --contacts ", contacts, " --outbox ",
                     dir_.File("outbox.jsonl"), " --outcomes ",
                     dir_.File("outcomes.jsonl"), " --report ",
                     dir_.File("report.json"), kVirtualStart, " ", extra),
        &output_);
  }

  TempDir dir_;
  std::string output_;
};

// 1. One non-ASCII character in a phone cell aborted the run after sending
// (type_error.316), leaving no report and the broadcast RUNNING.
TEST_F(TrustCliTest, NonAsciiInPhoneCellsNeverAbortsAndEveryOutputIsJson) {
  const std::string contacts =
      dir_.Write("endash.csv",
                 "phoneNumber,name\n"
                 "213\xe2\x80\x93"
                 "555\xe2\x80\x93"
                 "1248,Ann\n"  // en dashes: a number
                 "2135551235,Bo\n"
                 "213\xe2\x82\xac"
                 "5551236,Cy\n"  // a euro sign: named whole
                 "213\xc2\xa0"
                 "555\xc2\xa0"
                 "1237,Di\n"  // no-break spaces
                 "\xef\xbb\xbf"
                 "2135551238,Ed\n");  // a stray BOM before the number
  ASSERT_EQ(Run(contacts, "--state " + dir_.File("state")), 0) << output_;
  EXPECT_THAT(output_,
              HasSubstr("unexpected character '\xe2\x82\xac' (U+20AC)"));
  const json report = json::parse(ReadWholeFile(dir_.File("report.json")));
  EXPECT_EQ(report["status"], "COMPLETED");
  EXPECT_EQ(report["stats"]["sentCount"], 4);
  EXPECT_EQ(report["stats"]["invalidCount"], 1);
  EXPECT_EQ(JsonLines(dir_.File("outcomes.jsonl")).size(), 5u);
  EXPECT_THAT(SentTo(dir_.File("outbox.jsonl")),
              ::testing::UnorderedElementsAre("12135551248", "12135551235",
                                              "12135551237", "12135551238"));
  // The store has every row final.
  std::string stats;
  ASSERT_EQ(
      RunCommand(absl::StrCat(kHerald, " stats --state ", dir_.File("state")),
                 &stats),
      0)
      << stats;
  EXPECT_EQ(json::parse(stats)["remainingOutboundCount"], 0);
  EXPECT_EQ(json::parse(stats)["sentCount"], 4);
}

// 5. DNC lists failed open: a CR-only export was one unreadable line, and
// both numbers on it were texted.
TEST_F(TrustCliTest, DncListsFailClosedAndReadEveryLineEnding) {
  const std::string contacts =
      dir_.Write("contacts.csv",
                 "phoneNumber,name\n2135551234,Ann\n3055550102,Bo\n"
                 "2135551299,Cy\n");
  const std::string mac = dir_.Write("mac.txt", "2135551234\r3055550102\r");
  ASSERT_EQ(Run(contacts, "--dnc " + mac), 0) << output_;
  EXPECT_THAT(SentTo(dir_.File("outbox.jsonl")),
              ::testing::ElementsAre("12135551299"));

  // A line that cannot be read stops the run before anything is sent.
  std::filesystem::remove(dir_.File("outbox.jsonl"));
  const std::string stray = dir_.Write("stray.txt",
                                       "2135551234\n305\xff"
                                       "5550102\n");
  EXPECT_EQ(Run(contacts, "--dnc " + stray), 2) << output_;
  EXPECT_THAT(output_, HasSubstr(stray + ":2: unexpected byte 0xFF"));
  EXPECT_THAT(output_, HasSubstr("--dnc-skip-unreadable"));
  EXPECT_TRUE(!std::filesystem::exists(dir_.File("outbox.jsonl")) ||
              ReadWholeFile(dir_.File("outbox.jsonl")).empty());

  // Unless the user says so; the unreadable line is then reported.
  EXPECT_EQ(Run(contacts, "--dnc-skip-unreadable --dnc " + stray), 0)
      << output_;
  EXPECT_THAT(SentTo(dir_.File("outbox.jsonl")),
              ::testing::ElementsAre("13055550102", "12135551299"));
}

// 9. A contacts file with CR-only line ends was read as one header line:
// "rows 0", exit 0.
TEST_F(TrustCliTest, CrOnlyContactsAreReadRowByRow) {
  const std::string contacts = dir_.Write(
      "mac.csv", "phoneNumber,name\r2135551234,Ann\r3055550102,Bo\r");
  ASSERT_EQ(Run(contacts), 0) << output_;
  EXPECT_THAT(SentTo(dir_.File("outbox.jsonl")),
              ::testing::ElementsAre("12135551234", "13055550102"));
}

// 6. A closed quoted field longer than 64 KiB made the reader resume inside
// the quotes, and lines of the notes that looked like rows were texted.
TEST_F(TrustCliTest, TextInsideALongQuotedFieldIsNeverARecipient) {
  std::string notes(70'000, 'n');
  notes.replace(35'000, 40,
                "\n3055550102,Mallory,\"\"x\"\"\n3055550103,Eve,y\n");
  const std::string contacts = dir_.Write(
      "notes.csv", absl::StrCat("phoneNumber,name,notes\n", "2135551234,Ann,\"",
                                notes, "\"\n", "2135551235,Bo,short\n"));
  ASSERT_EQ(Run(contacts), 0) << output_;
  EXPECT_THAT(SentTo(dir_.File("outbox.jsonl")),
              ::testing::ElementsAre("12135551235"));
  EXPECT_THAT(output_, HasSubstr("record longer than 65536 bytes (lines 2-5"));
}

// 7. Numbers past a double's range aborted `herald render` and `herald
// lookup`; a key given twice was silently the last one; --workers 40000
// aborted.
TEST_F(TrustCliTest, BadConfigurationIsAnErrorNamingFileAndField) {
  const std::string contacts =
      dir_.Write("contacts.csv", "phoneNumber,name\n2135551234,Ann\n");
  const std::string huge =
      dir_.Write("huge.json", R"({"message":"hi","maxSegments":1e999})");
  const std::string twice =
      dir_.Write("twice.json", R"({"message":"hi","message":"oops"})");
  for (const std::string& command :
       {absl::StrCat(kHerald, " render --campaign ", huge, " --contacts ",
                     contacts),
        absl::StrCat(kHerald, " lookup 2135551234 --campaign ", huge),
        absl::StrCat(kHerald, " run --campaign ", huge, " --contacts ",
                     contacts, " --outbox ", dir_.File("o.jsonl"))}) {
    SCOPED_TRACE(command);
    EXPECT_EQ(RunCommand(command, &output_), 2) << output_;
    EXPECT_THAT(output_, HasSubstr(huge + ": maxSegments: number overflow"));
  }
  EXPECT_EQ(RunCommand(absl::StrCat(kHerald, " render --campaign ", twice,
                                    " --contacts ", contacts),
                       &output_),
            2);
  EXPECT_THAT(output_, HasSubstr(twice + ": message: given twice"));
  EXPECT_EQ(Run(contacts, "--workers 40000"), 2) << output_;
  EXPECT_THAT(output_, HasSubstr("--workers"));
  // -1 was read as the largest count there is.
  for (const char* limit : {"-1", "100001", "1e3"}) {
    EXPECT_EQ(RunCommand(absl::StrCat(kHerald, " render --campaign ",
                                      dir_.File("c.json"), " --contacts ",
                                      contacts, " --limit ", limit),
                         &output_),
              2);
    EXPECT_THAT(output_,
                HasSubstr(absl::StrCat("--limit: expected a whole number from "
                                       "0 to 100000, got \"",
                                       limit, "\"")));
  }
}

// 2. A provider whose error pages echo the request put the Basic auth
// header (base64 of user:password) into the summary, the outcomes, the
// report and the store; a Kannel password straddling the 200-byte cut
// leaked in part.
class EchoingProviderTest : public ::testing::TestWithParam<std::string> {};

TEST_P(EchoingProviderTest, NoFormOfTheCredentialsReachesAnyOutput) {
  const std::string type = GetParam();
  constexpr char kUser[] = "tester";
  constexpr char kPassword[] = "Evil-Pw+d/ 9&x=y";
  TempDir dir;
  mock_provider::Options mock_options;
  mock_options.user = kUser;
  mock_options.password = kPassword;
  mock_options.faults.echo_rate = 1.0;
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  const std::string url =
      type == "kannel" ? absl::StrCat("http://127.0.0.1:", (*mock)->port(),
                                      "/cgi-bin/sendsms")
                       : absl::StrCat("http://127.0.0.1:", (*mock)->port());
  dir.Write("pw", kPassword);
  std::filesystem::permissions(
      dir.File("pw"),
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  dir.Write("providers.json",
            absl::StrCat(R"({"providers":[{"name":"p","type":")", type,
                         R"(","url":")", url, R"(","username":")", kUser,
                         R"(","passwordFile":"pw"}]})"));
  // A message long enough that the password sits past 200 bytes of the
  // echoed request.
  dir.Write("c.json", absl::StrCat(R"({"message":"Hi ${name} )",
                                   std::string(180, 'x'), R"("})"));
  std::string contacts = "phoneNumber,name\n";
  for (int i = 0; i < 20; ++i) {
    absl::StrAppend(&contacts, 2135551200 + i, ",n", i, "\n");
  }
  dir.Write("contacts.csv", contacts);
  std::string output;
  const int status = RunCommand(
      absl::StrCat(
          kHerald, " run --campaign ", dir.File("c.json"), " --contacts ",
          dir.File("contacts.csv"), " --providers ", dir.File("providers.json"),
          " --provider p --state ", dir.File("state"), " --outcomes ",
          dir.File("outcomes.jsonl"), " --report ", dir.File("report.json")),
      &output);
  EXPECT_TRUE(status == 0 || status == 1) << output;
  // The echoes were read: the rows carry the provider's words.
  EXPECT_THAT(ReadWholeFile(dir.File("outcomes.jsonl")),
              HasSubstr("Your request could not be handled"));
  EXPECT_THAT(ReadWholeFile(dir.File("outcomes.jsonl")), HasSubstr("****"));

  std::string percent;
  for (unsigned char c : std::string(kPassword)) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      percent.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&percent, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  const std::string basic =
      absl::Base64Escape(absl::StrCat(kUser, ":", kPassword));
  const std::vector<std::string> forms = {
      kPassword, "Evil-Pw",          percent, absl::AsciiStrToLower(percent),
      basic,     basic.substr(0, 16)};
  // The terminal, every output file and every byte of the state directory
  // (the database, its WAL and the stored command).
  std::vector<std::pair<std::string, std::string>> outputs = {
      {"terminal", output},
      {"outcomes", ReadWholeFile(dir.File("outcomes.jsonl"))},
      {"report", ReadWholeFile(dir.File("report.json"))}};
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir.File("state"))) {
    if (entry.is_regular_file()) {
      outputs.emplace_back(entry.path().string(),
                           ReadWholeFile(entry.path().string()));
    }
  }
  for (const auto& [name, text] : outputs) {
    for (const std::string& form : forms) {
      EXPECT_THAT(text, Not(HasSubstr(form))) << name << " holds " << form;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EachProtocol, EchoingProviderTest,
                         ::testing::Values("callfire", "kannel"));

}  // namespace
}  // namespace herald

namespace herald {
namespace {

// 4. A full disk under --state: herald kept sending, recorded nothing, then
// hung; a resume sent every text again. Now the first failed write stops
// the run (exit 1, the store's error), nothing more is handed over, and the
// resume sends again only what was in flight, with its same key.
TEST(FullDiskTest, FirstFailedWriteStopsTheRunAndResumeSendsNothingTwice) {
  constexpr int kRows = 200000;
  TempDir dir;
  std::string output;
  GenerateContacts(dir, kRows, 7);
  dir.Write("c.json", R"({"message":"Hello ${firstName}"})");
  mock_provider::Options mock_options;
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  dir.Write("providers.json",
            absl::StrCat(R"({"providers":[{"name":"cf","type":"callfire",)",
                         R"("url":"http://127.0.0.1:)", (*mock)->port(),
                         R"(","batchSize":100}]})"));
  const std::string command = absl::StrCat(
      kHerald, " run --quiet --campaign ", dir.File("c.json"), " --contacts ",
      dir.File("contacts.csv"), " --providers ", dir.File("providers.json"),
      " --provider cf --state ", dir.File("state"));
  // A 1 MB file size limit stands in for the full disk (SIGXFSZ ignored,
  // so the write fails with EFBIG as it would with ENOSPC).
  const int first =
      RunCommand(absl::StrCat("sh -c 'trap \"\" XFSZ; ulimit -f 1024; exec ",
                              command, "'"),
                 &output);
  EXPECT_EQ(first, 1) << output;
  EXPECT_THAT(output, HasSubstr("broadcast.db"));
  const int64_t accepted = (*mock)->stats().accepted;
  const std::string db = dir.File("state/broadcasts/1/broadcast.db");
  const int64_t recorded =
      QueryInt(db, "SELECT count(*) FROM texts WHERE result = 'SENT'");
  // At most the store's queue (65,536), the texts in flight (20,000) and a
  // slice handed over (4,096) past what it recorded.
  EXPECT_LE(accepted - recorded, 65536 + 20000 + 4096)
      << "it kept sending after the store failed";
  EXPECT_GE(accepted, recorded);

  ASSERT_EQ(RunCommand(command, &output), 0) << output;
  const mock_provider::Stats stats = (*mock)->stats();
  EXPECT_EQ(stats.accepted, kRows);
  // Only what the provider took but the store had not recorded went again,
  // and the provider dropped each such repeat by its key.
  EXPECT_EQ(stats.duplicates, accepted - recorded);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM texts WHERE result = 'SENT'"),
            kRows);
}

}  // namespace
}  // namespace herald

namespace herald {
namespace {

// 3. Fixing a typo in the campaign texted everyone again: the default run id
// hashes the campaign, so the same command with the same --state started a
// second broadcast with new keys beside the stopped one.
TEST(ChangedCampaignTest, IsRefusedThenContinuedUnderTheSameKeys) {
  constexpr int kRows = 3000;
  TempDir dir;
  std::string contacts = "phoneNumber,name\n";
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&contacts, 2135550000 + i, ",n", i, "\n");
  }
  dir.Write("contacts.csv", contacts);
  mock_provider::Options mock_options;
  mock_options.log_path = dir.File("arrived.jsonl");
  mock_options.log_flush_ms = 10;
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  // Slow enough that the interrupt lands mid-broadcast.
  dir.Write("providers.json",
            absl::StrCat(R"({"providers":[{"name":"cf","type":"callfire",)",
                         R"("url":"http://127.0.0.1:)", (*mock)->port(),
                         R"(","batchSize":10,"messagesPerSecond":1000}]})"));
  auto command = [&](absl::string_view campaign, absl::string_view extra) {
    return absl::StrCat(
        kHerald, " run --quiet --campaign ", dir.File(campaign), " --contacts ",
        dir.File("contacts.csv"), " --providers ", dir.File("providers.json"),
        " --provider cf --state ", dir.File("state"), " ", extra);
  };
  dir.Write("v1.json", R"({"name":"Drive","message":"Hi ${name}, wrnog day"})");
  dir.Write("v2.json", R"({"name":"Drive","message":"Hi ${name}, right day"})");
  std::string output;
  // Ctrl-C once the provider has taken some of the texts.
  int status = 0;
  SignalWhenFileGrows(command("v1.json", ""), dir.File("arrived.jsonl"), 2000,
                      "INT", &status, &output);
  EXPECT_EQ(status, 1) << output;
  const int64_t sent_first = (*mock)->stats().accepted;
  ASSERT_GT(sent_first, 0);
  ASSERT_LT(sent_first, kRows);

  // The typo fixed, the same command: refused, naming the broadcast and the
  // choices, and nothing is sent.
  EXPECT_EQ(RunCommand(command("v2.json", ""), &output), 2) << output;
  EXPECT_THAT(output, HasSubstr("holds broadcast 1 \"Drive\" (STOPPED"));
  EXPECT_THAT(output, HasSubstr("--continue-broadcast"));
  EXPECT_THAT(output, HasSubstr("--new-broadcast"));
  EXPECT_EQ((*mock)->stats().accepted, sent_first);

  // Carried on with the new message, under the same keys.
  ASSERT_EQ(RunCommand(command("v2.json", "--continue-broadcast"), &output), 0)
      << output;
  const mock_provider::Stats stats = (*mock)->stats();
  EXPECT_EQ(stats.accepted, kRows);
  EXPECT_EQ(stats.duplicates, 0);
  int old_message = 0, new_message = 0;
  for (const json& line : JsonLines(dir.File("arrived.jsonl"))) {
    const std::string message = line["message"];
    old_message += absl::StrContains(message, "wrnog");
    new_message += absl::StrContains(message, "right");
  }
  EXPECT_EQ(old_message, sent_first);
  EXPECT_EQ(new_message, kRows - sent_first);
  // One broadcast, finished; `herald resume` has nothing left to send.
  EXPECT_FALSE(std::filesystem::exists(dir.File("state/broadcasts/2")));
  EXPECT_NE(RunCommand(absl::StrCat(kHerald, " resume --quiet --state ",
                                    dir.File("state")),
                       &output),
            0);
  EXPECT_EQ((*mock)->stats().accepted, kRows);
}

// The same file spelled two ways is one batch, given twice an error.
TEST(ChangedCampaignTest, TheSameContactsFileTwiceIsRefused) {
  TempDir dir;
  dir.Write("c.json", R"({"message":"Hi"})");
  dir.Write("a.csv", "phoneNumber\n2135551234\n");
  std::string output;
  EXPECT_EQ(RunCommand(absl::StrCat("cd ", dir.path(), " && ", kHerald,
                                    " run --campaign c.json --contacts a.csv "
                                    "--contacts ./a.csv"),
                       &output),
            2);
  EXPECT_THAT(output, HasSubstr("./a.csv: the same file as --contacts a.csv"));
  // A pipe cannot be read again for later windows: refused before anything.
  EXPECT_EQ(
      RunCommand(absl::StrCat("cd ", dir.path(), " && cat a.csv | ", kHerald,
                              " run --campaign c.json --contacts "
                              "/dev/stdin"),
                 &output),
      2);
  EXPECT_THAT(output, HasSubstr("not a regular file"));
}

}  // namespace
}  // namespace herald

namespace herald {
namespace {

// 8. The outbox broke both promises: a kill -9 and a resume wrote 1.5 M
// recipients a second time, its lines had no idempotency key, and Ctrl-C did
// not stop it.
class OutboxTest : public ::testing::Test {
 protected:
  static constexpr int kRows = 2'000'000;

  void SetUp() override {
    GenerateContacts(dir_, kRows, 11);
    dir_.Write("c.json", R"({"message":"Hello ${firstName}"})");
  }

  // Command() signalled once the outbox holds `bytes`.
  int64_t SignalWhenWritten(absl::string_view signal, int64_t bytes) {
    return SignalWhenFileGrows(Command(), dir_.File("outbox.jsonl"), bytes,
                               signal, &exit_status_, &output_);
  }

  std::string Command() const {
    return absl::StrCat(
        kHerald, " run --quiet --campaign ", dir_.File("c.json"),
        " --contacts ", dir_.File("contacts.csv"), " --outbox ",
        dir_.File("outbox.jsonl"), " --state ", dir_.File("state"));
  }

  // The keys of the outbox's lines (every 1000th line parsed as JSON, the
  // rest searched, for speed); fails on a key seen twice.
  absl::flat_hash_set<std::string> Keys(size_t* lines) const {
    absl::flat_hash_set<std::string> keys;
    *lines = 0;
    std::string outbox = ReadWholeFile(dir_.File("outbox.jsonl"));
    outbox.resize(outbox.rfind('\n') + 1);  // a line a kill cut short
    for (absl::string_view line :
         absl::StrSplit(outbox, '\n', absl::SkipEmpty())) {
      if (++*lines % 1000 == 1) {
        EXPECT_FALSE(json::parse(line, nullptr, false).is_discarded()) << line;
      }
      constexpr absl::string_view kKey = "\"key\":\"";
      const size_t at = line.find(kKey);
      EXPECT_NE(at, absl::string_view::npos) << line;
      if (at == absl::string_view::npos) continue;
      const absl::string_view key = line.substr(at + kKey.size());
      EXPECT_TRUE(keys.emplace(key.substr(0, key.find('"'))).second)
          << "written twice: " << line;
    }
    return keys;
  }

  TempDir dir_;
  int exit_status_ = 0;
  std::string output_;
};

TEST_F(OutboxTest, KillNineAndResumeWriteEveryRecipientOnceWithItsKey) {
  std::string output;
  // Killed once 20 MB of outbox are written, then the same command again.
  SignalWhenWritten("KILL", 20'000'000);
  size_t written_before = 0;
  Keys(&written_before);
  EXPECT_GT(written_before, 0u);
  ASSERT_EQ(RunCommand(Command(), &output), 0) << output;
  size_t lines = 0;
  const absl::flat_hash_set<std::string> keys = Keys(&lines);
  EXPECT_EQ(lines, static_cast<size_t>(kRows));
  EXPECT_EQ(keys.size(), static_cast<size_t>(kRows));
  // The keys a provider would get: RUNID-BATCH-ROW-ATTEMPT, every row once.
  const std::string run_id = keys.begin()->substr(0, keys.begin()->find('-'));
  ASSERT_FALSE(run_id.empty());
  for (int row = 1; row <= kRows; row += 99'991) {
    EXPECT_TRUE(keys.contains(absl::StrCat(run_id, "-1-", row, "-1"))) << row;
  }
}

TEST_F(OutboxTest, CtrlCStopsWritingAndWhatIsWrittenIsRecorded) {
  const int64_t at_signal = SignalWhenWritten("INT", 20'000'000);
  EXPECT_EQ(exit_status_, 1) << output_;
  EXPECT_THAT(output_, Not(HasSubstr("completed")));
  EXPECT_THAT(output_, HasSubstr("interrupted"));
  size_t lines = 0;
  Keys(&lines);
  // Written after the signal: what is written while it is seen (20 ms, some
  // 25,000 lines at full speed) and one chunk after that (some 20,000).
  const int64_t bytes = static_cast<int64_t>(
      std::filesystem::file_size(dir_.File("outbox.jsonl")));
  EXPECT_LT(bytes - at_signal, 12'000'000)
      << lines << " lines, " << bytes << " bytes, " << at_signal
      << " at the signal";
  // Every line written is a text the store says was sent, and no other.
  EXPECT_EQ(QueryInt(dir_.File("state/broadcasts/1/broadcast.db"),
                     "SELECT count(*) FROM texts WHERE result = 'SENT'"),
            static_cast<int64_t>(lines));

  // The resume's rate is over the rows it had left, which it says.
  ASSERT_EQ(
      RunCommand(absl::StrCat(kHerald, " resume --state ", dir_.File("state")),
                 &output_),
      0)
      << output_;
  EXPECT_THAT(output_,
              HasSubstr(absl::StrCat("rows/s over the rows left; ", lines,
                                     " settled by an earlier run)")));
}

}  // namespace
}  // namespace herald

namespace herald {
namespace {

// 9. Runs that "completed" having done nothing useful: nothing listening
// burnt every row to INTERNAL_ERROR in 0.03 s, a Kannel path typo made every
// row INVALID "HTTP 404", and port 99999 was taken.
class UnreachableProviderTest : public ::testing::Test {
 protected:
  UnreachableProviderTest() {
    dir_.Write("c.json", R"({"message":"Hi ${name}"})");
    std::string contacts = "phoneNumber,name\n";
    for (int i = 0; i < 500; ++i) {
      absl::StrAppend(&contacts, 2135550000 + i, ",n", i, "\n");
    }
    dir_.Write("contacts.csv", contacts);
  }

  int Run(absl::string_view type, absl::string_view url) {
    dir_.Write("providers.json",
               absl::StrCat(R"({"providers":[{"name":"p","type":")", type,
                            R"(","url":")", url, R"("}]})"));
    return RunCommand(
        absl::StrCat(kHerald, " run --campaign ", dir_.File("c.json"),
                     " --contacts ", dir_.File("contacts.csv"), " --providers ",
                     dir_.File("providers.json"), " --provider p --state ",
                     dir_.File("state"), " --report ",
                     dir_.File("report.json")),
        &output_);
  }

  // The run stopped with every row still to send, for a resumed run.
  void ExpectNothingBurnt() {
    const std::string db = dir_.File("state/broadcasts/1/broadcast.db");
    EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM texts"), 0);
    const json report = json::parse(ReadWholeFile(dir_.File("report.json")));
    EXPECT_EQ(report["status"], "STOPPED");
    EXPECT_EQ(report["stats"]["remainingOutboundCount"], 500);
  }

  TempDir dir_;
  std::string output_;
};

TEST_F(UnreachableProviderTest, NothingListeningStopsTheRunResumable) {
  EXPECT_EQ(Run("callfire", "http://127.0.0.1:1"), 1) << output_;
  EXPECT_THAT(output_, HasSubstr("provider p: 6 requests in a row reached "
                                 "nobody (no connection: Failed to connect to "
                                 "127.0.0.1 port 1"));
  ExpectNothingBurnt();
}

TEST_F(UnreachableProviderTest, AWrongPathStopsTheRunResumable) {
  mock_provider::Options mock_options;
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  EXPECT_EQ(Run("kannel", absl::StrCat("http://127.0.0.1:", (*mock)->port(),
                                       "/cgi-bin/sendmsm")),
            1)
      << output_;
  EXPECT_THAT(output_, HasSubstr("its url answers HTTP 404"));
  ExpectNothingBurnt();
  EXPECT_EQ((*mock)->stats().accepted, 0);
}

TEST_F(UnreachableProviderTest, AnImpossiblePortIsRefusedAtLoad) {
  EXPECT_EQ(Run("callfire", "http://127.0.0.1:99999"), 2) << output_;
  EXPECT_THAT(output_, HasSubstr("providers.json: providers[0].url: port must "
                                 "be a number from 1 to 65535"));
}

}  // namespace
}  // namespace herald

namespace herald {
namespace {

// The state directory holds numbers and messages; a damaged store is
// refused, never started afresh, and the readers leave it as it is.
TEST_F(TrustCliTest, StateIsTheOwnersAndADamagedStoreIsRefusedUntouched) {
  const std::string contacts =
      dir_.Write("contacts.csv", "phoneNumber,name\n2135551234,Ann\n");
  const std::string state = dir_.File("state");
  ASSERT_EQ(Run(contacts, "--state " + state), 0) << output_;
  namespace fs = std::filesystem;
  const fs::perms owner_only = fs::perms::owner_all;
  EXPECT_EQ(fs::status(state).permissions(), owner_only);
  EXPECT_EQ(fs::status(state + "/broadcasts/1").permissions(), owner_only);
  const std::string db = state + "/broadcasts/1/broadcast.db";
  EXPECT_EQ(fs::status(db).permissions(),
            fs::perms::owner_read | fs::perms::owner_write);

  // Garbage over the header: every command says so and changes nothing.
  std::string bytes = ReadWholeFile(db);
  std::string garbled = bytes;
  garbled.replace(0, 16, "not a database!!");
  dir_.Write("state/broadcasts/1/broadcast.db", garbled);
  for (const std::string& command :
       {absl::StrCat(kHerald, " stats --state ", state),
        absl::StrCat(kHerald, " texts --state ", state)}) {
    EXPECT_NE(RunCommand(command, &output_), 0) << command;
    EXPECT_THAT(output_, HasSubstr("broadcast.db"));
    EXPECT_EQ(ReadWholeFile(db), garbled) << command << " wrote to it";
  }
  EXPECT_NE(Run(contacts, "--state " + state), 0);
  EXPECT_THAT(output_, HasSubstr("not a database"));

  // Truncated to nothing: refused, not taken for a new broadcast.
  dir_.Write("state/broadcasts/1/broadcast.db", "");
  EXPECT_NE(Run(contacts, "--state " + state), 0);
  EXPECT_THAT(output_, HasSubstr("the store is an empty file"));
  EXPECT_NE(
      RunCommand(absl::StrCat(kHerald, " stats --state ", state), &output_), 0);
  EXPECT_TRUE(ReadWholeFile(db).empty());
  EXPECT_FALSE(fs::exists(state + "/broadcasts/2"));
}

}  // namespace
}  // namespace herald

namespace herald {
namespace {

// 9. A webhook to a dead endpoint ended silently and its events were never
// delivered. The run says how many are left; the next run delivers them.
TEST_F(TrustCliTest, ADeadWebhookSaysWhatIsLeftAndTheNextRunDeliversIt) {
  const std::string contacts = dir_.Write(
      "contacts.csv",
      "phoneNumber,name\n2135551234,Ann\n2135551235,Bo\n2135551236,Cy\n");
  const std::string hook = dir_.File("hook.json");
  auto write_hook = [&](int port) {
    dir_.Write("hook.json",
               absl::StrCat(R"({"url":"http://127.0.0.1:)", port,
                            R"(/hooks","id":7,"name":"trust",)",
                            R"("secretEnv":"HERALD_TEST_HOOK_SECRET",)",
                            R"("maxDelayMs":20,"retryInitialMs":20,)",
                            R"("retryMaxMs":100})"));
  };
  write_hook(1);  // nothing listens there
  const std::string flags =
      absl::StrCat("--state ", dir_.File("state"), " --webhook ", hook);
  setenv("HERALD_TEST_HOOK_SECRET", "hook-secret", 1);
  ASSERT_EQ(Run(contacts, flags), 0) << output_;
  EXPECT_THAT(output_, HasSubstr("herald: webhook: 3 events not delivered"));

  mock_provider::Options mock_options;
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  write_hook((*mock)->port());
  ASSERT_EQ(Run(contacts, flags), 0) << output_;
  EXPECT_THAT(output_, HasSubstr("finished already"));
  EXPECT_THAT(output_, Not(HasSubstr("not delivered")));
  EXPECT_EQ((*mock)->stats().hooks_accepted, 1);  // one batch of three
}

}  // namespace
}  // namespace herald

namespace herald {
namespace {

// 9. A --tz-data file with more than 65,535 zone sets aborted herald.
TEST_F(TrustCliTest, TooManyZoneSetsInTzDataIsAnError) {
  const std::vector<std::string> zones = {
      "America/New_York", "America/Chicago",     "America/Denver",
      "America/Phoenix",  "America/Anchorage",   "Pacific/Honolulu",
      "America/Halifax",  "America/St_Johns",    "America/Regina",
      "America/Toronto",  "America/Vancouver",   "America/Edmonton",
      "America/Winnipeg", "America/Puerto_Rico", "America/Detroit",
      "America/Boise",    "America/Los_Angeles"};
  std::string csv = "npa,nxx,zone\n";
  for (int set = 1; set <= 70000; ++set) {  // each a distinct subset
    std::vector<std::string> names;
    for (size_t bit = 0; bit < zones.size(); ++bit) {
      if (set >> bit & 1) names.push_back(zones[bit]);
    }
    absl::StrAppend(&csv, 200 + set / 700 % 700, ",", 200 + set % 700, ",",
                    absl::StrJoin(names, "&"), "\n");
  }
  const std::string path = dir_.Write("many.csv", csv);
  EXPECT_EQ(
      RunCommand(absl::StrCat(kHerald, " lookup 2135551234 --tz-data ", path),
                 &output_),
      2);
  EXPECT_THAT(output_, HasSubstr(path + ": more than 60000 distinct sets"));
}

}  // namespace
}  // namespace herald

namespace herald {
namespace {

// 9. A template of 10,000 placeholders over a long cell rendered 600 MB for
// one row; it stops as soon as the text cannot fit maxSegments.
TEST_F(TrustCliTest, RenderingStopsOnceTheTextCannotFit) {
  std::string message;
  for (int i = 0; i < 10000; ++i) message += "${notes}";
  dir_.Write("c.json", absl::StrCat(R"({"message":")", message,
                                    R"(","maxSegments":10})"));
  const std::string contacts =
      dir_.Write("contacts.csv",
                 absl::StrCat("phoneNumber,notes\n2135551234,",
                              std::string(60'000, 'n'), "\n", "2135551235,\n"));
  ASSERT_EQ(Run(contacts), 0) << output_;
  const json report = json::parse(ReadWholeFile(dir_.File("report.json")));
  EXPECT_EQ(report["stats"]["tooBigCount"], 1);
  EXPECT_EQ(report["stats"]["invalidCount"], 1);  // the empty message
  EXPECT_LT(report["maxResidentBytes"].get<int64_t>(), 200 << 20);
}

}  // namespace
}  // namespace herald
