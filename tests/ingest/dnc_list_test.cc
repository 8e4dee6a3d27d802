#include "engine/ingest/dnc_list.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(LoadDncFileTest, BareListInMixedForms) {
  TempDir dir;
  const std::string path = dir.Write("dnc.txt",
                                     "+1 (213) 555-1234\n"
                                     "310.555.0000\n"
                                     "\n"
                                     "1-415-555-7777\r\n"
                                     "  6465550199  \n"
                                     "12025550123");
  NumberSet set;
  DncLoadStats stats;
  ASSERT_TRUE(LoadDncFile(path, &set, &stats).ok());
  EXPECT_EQ(stats.lines, 5u);
  EXPECT_EQ(stats.entries, 5u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_TRUE(stats.rejected_samples.empty());
  EXPECT_EQ(set.size(), 5u);
  for (PhoneNumber n :
       {12135551234u, 13105550000u, 14155557777u, 16465550199u, 12025550123u}) {
    EXPECT_TRUE(set.Contains(n)) << n;
  }
  EXPECT_FALSE(set.Contains(12135551235));
}

TEST(LoadDncFileTest, CsvWithNameAndNumberColumns) {
  TempDir dir;
  const std::string path = dir.Write("dnc.csv",
                                     "name,number\n"
                                     "\"Smith, John\",213-555-1234\n"
                                     "Ann,\"(310) 555-0000\"\n");
  NumberSet set;
  DncLoadStats stats;
  ASSERT_TRUE(LoadDncFile(path, &set, &stats).ok());
  EXPECT_EQ(stats.lines, 2u);  // the header is not a record
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_TRUE(set.Contains(12135551234));
  EXPECT_TRUE(set.Contains(13105550000));
}

TEST(LoadDncFileTest, HeaderNamesAreMatchedWithoutCase) {
  TempDir dir;
  const std::string path =
      dir.Write("dnc.csv", "Name,MobilePhone,note\nBo,2135551234,x\n");
  NumberSet set;
  DncLoadStats stats;
  ASSERT_TRUE(LoadDncFile(path, &set, &stats).ok());
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_TRUE(set.Contains(12135551234));
}

TEST(LoadDncFileTest, SingleColumnWithHeader) {
  TempDir dir;
  const std::string path =
      dir.Write("dnc.csv", "phoneNumber\n2135551234\n3105550000\n");
  NumberSet set;
  DncLoadStats stats;
  ASSERT_TRUE(LoadDncFile(path, &set, &stats).ok());
  EXPECT_EQ(stats.lines, 2u);
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_EQ(stats.rejected, 0u);
}

TEST(LoadDncFileTest, DuplicatesCountOnce) {
  TempDir dir;
  const std::string path = dir.Write("dnc.txt",
                                     "2135551234\n"
                                     "+1 213 555 1234\n"
                                     "213.555.1234\n"
                                     "3105550000\n");
  NumberSet set;
  DncLoadStats stats;
  ASSERT_TRUE(LoadDncFile(path, &set, &stats).ok());
  EXPECT_EQ(stats.lines, 4u);
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_EQ(set.size(), 2u);
}

TEST(LoadDncFileTest, AddsToWhatTheSetAlreadyHolds) {
  TempDir dir;
  const std::string path = dir.Write("dnc.txt", "2135551234\n3105550000\n");
  NumberSet set;
  set.Insert(12135551234);
  DncLoadStats stats;
  ASSERT_TRUE(LoadDncFile(path, &set, &stats).ok());
  EXPECT_EQ(stats.entries, 1u);  // only the number that was new
  EXPECT_EQ(set.size(), 2u);
}

// Issue 14: DNC lists failed open; an unreadable line was a warning and
// its number was texted. Now any unreadable line stops the load, naming
// the file, the count and the lines.
TEST(LoadDncFileTest, UnreadableLineFailsTheLoadNamingFileAndLine) {
  TempDir dir;
  const std::string path = dir.Write("dnc.txt",
                                     "2135551234\n305\xFF"
                                     "5550102\n213555123\n");
  NumberSet set;
  DncLoadStats stats;
  const absl::Status status = LoadDncFile(path, &set, &stats);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(path + ": 2 lines of this "
                                                 "do-not-contact list cannot "
                                                 "be read"));
  EXPECT_THAT(status.message(),
              HasSubstr(path + ":2: unexpected byte 0xFF in number"));
  EXPECT_THAT(status.message(), HasSubstr(path + ":3: wrong length: 9"));
  EXPECT_THAT(status.message(), HasSubstr("--dnc-skip-unreadable"));
}

// Excel's "CSV (Macintosh)" ends lines with CR alone, and "Unicode text"
// is UTF-16: both numbers of each are on the list, not one line of junk.
TEST(LoadDncFileTest, CrOnlyAndUtf16ExportsAreReadWhole) {
  TempDir dir;
  std::string utf16 = "\xFF\xFE";
  for (char c : std::string("number\r\n2135551234\r\n3055550102\r\n")) {
    utf16 += c;
    utf16 += '\0';
  }
  for (const std::string& path :
       {dir.Write("mac.txt", "2135551234\r3055550102\r"),
        dir.Write("u16.csv", utf16),
        dir.Write("bom.txt",
                  "\xEF\xBB\xBF"
                  "2135551234\n3055550102\n")}) {
    SCOPED_TRACE(path);
    NumberSet set;
    DncLoadStats stats;
    ASSERT_TRUE(LoadDncFile(path, &set, &stats).ok());
    EXPECT_EQ(stats.entries, 2u);
    EXPECT_TRUE(set.Contains(12135551234));
    EXPECT_TRUE(set.Contains(13055550102));
  }
}

TEST(LoadDncFileTest, SkippingUnreadableLinesCountsAndSamplesThem) {
  TempDir dir;
  const std::string path = dir.Write("dnc.txt",
                                     "2135551234\n"     // 1
                                     "213555123\n"      // 2: 9 digits
                                     "3105550000\n"     // 3
                                     "\n"               // 4
                                     "1-800-FLOWERS\n"  // 5: letters
                                     "411-555-1234\n"   // 6: N11
                                     "2025550123\n"     // 7
                                     "\"6465550199\n"   // 8: open quote
                                     "2025550124\n");   // 9: inside it
  NumberSet set;
  DncLoadStats stats;
  ASSERT_TRUE(LoadDncFile(path, &set, &stats, {.skip_unreadable = true}).ok());
  EXPECT_EQ(stats.rejected, 4u);
  EXPECT_EQ(stats.entries, 3u);
  EXPECT_EQ(stats.lines, 7u);
  ASSERT_EQ(stats.rejected_samples.size(), 4u);
  EXPECT_THAT(stats.rejected_samples[0], StartsWith(path + ":2: "));
  EXPECT_THAT(stats.rejected_samples[0], HasSubstr("9 digits"));
  EXPECT_THAT(stats.rejected_samples[1], StartsWith(path + ":5: "));
  EXPECT_THAT(stats.rejected_samples[1], HasSubstr("letters"));
  EXPECT_THAT(stats.rejected_samples[2], StartsWith(path + ":6: "));
  EXPECT_THAT(stats.rejected_samples[3], StartsWith(path + ":8: "));
  EXPECT_THAT(stats.rejected_samples[3], HasSubstr("never closes"));
  EXPECT_TRUE(set.Contains(12025550123));
}

TEST(LoadDncFileTest, RowWithoutTheNumberColumnIsRejected) {
  TempDir dir;
  const std::string path =
      dir.Write("dnc.csv", "name,number\nAnn\nBo,2135551234\n");
  NumberSet set;
  DncLoadStats stats;
  EXPECT_FALSE(LoadDncFile(path, &set, &stats).ok());
  stats = {};
  NumberSet lenient;
  ASSERT_TRUE(
      LoadDncFile(path, &lenient, &stats, {.skip_unreadable = true}).ok());
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_EQ(stats.entries, 1u);
  ASSERT_EQ(stats.rejected_samples.size(), 1u);
  EXPECT_THAT(stats.rejected_samples[0], StartsWith(path + ":2: "));
}

TEST(LoadDncFileTest, SamplesAreCappedButEveryRejectionCounts) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 100; ++i) absl::StrAppend(&text, "bad", i, "\n");
  const std::string path = dir.Write("dnc.txt", text);
  NumberSet set;
  DncLoadStats stats;
  const absl::Status strict = LoadDncFile(path, &set, &stats);
  EXPECT_THAT(strict.message(), HasSubstr("100 lines"));
  EXPECT_THAT(strict.message(), HasSubstr(":3: "));
  EXPECT_THAT(strict.message(), ::testing::Not(HasSubstr(":4: ")));
  stats = {};
  ASSERT_TRUE(LoadDncFile(path, &set, &stats, {.skip_unreadable = true}).ok());
  EXPECT_EQ(stats.rejected, 100u);
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_GE(stats.rejected_samples.size(), 1u);
  EXPECT_LT(stats.rejected_samples.size(), 100u);
  EXPECT_THAT(stats.rejected_samples[0], StartsWith(path + ":1: "));
}

TEST(LoadDncFileTest, SeveralColumnsWithoutANumberColumnIsAnError) {
  TempDir dir;
  const std::string path = dir.Write("dnc.csv", "name,phone\nAnn,2135551234\n");
  NumberSet set;
  DncLoadStats stats;
  const absl::Status s = LoadDncFile(path, &set, &stats);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr(path));
  EXPECT_THAT(std::string(s.message()), HasSubstr("number column"));
  EXPECT_EQ(set.size(), 0u);
}

TEST(LoadDncFileTest, MissingFileNamesThePath) {
  TempDir dir;
  const std::string path = dir.File("absent.csv");
  NumberSet set;
  DncLoadStats stats;
  const absl::Status s = LoadDncFile(path, &set, &stats);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr(path));
}

TEST(LoadDncFileTest, LoadsTheBeaufortExample) {
  NumberSet set;
  DncLoadStats stats;
  ASSERT_TRUE(
      LoadDncFile(HERALD_SOURCE_DIR "/examples/beaufort/dnc.csv", &set, &stats)
          .ok());
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_EQ(stats.lines, 2u);
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_TRUE(set.Contains(17045550143));
  EXPECT_TRUE(set.Contains(19125274470));
}

}  // namespace
}  // namespace herald
