// The keywords an inbound text may be: what people and phones send for
// STOP, and what must not be taken for it.
#include "engine/message/reply_keywords.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

using ::testing::HasSubstr;

TEST(ReplyKeywordsTest, TheWaysPeopleSendStopOptOut) {
  const ReplyKeywords keywords;
  for (const char* body : {
           "STOP",          "stop",        "Stop",     " stop ",
           "Stop.",         "STOP!!!",     "\"stop\"", "stop\n",
           "\tSTOP\r\n",    "S T O P",     "s.t.o.p",  "stop 🛑",
           "🛑STOP🛑",
           "STOP\u200b",  // a zero-width space a keyboard left
           "\ufeffSTOP",  // a byte-order mark
           "STOP\u00a0",  // a no-break space
           "ＳＴＯＰ",    // fullwidth, from an East Asian keyboard
           "𝐒𝐓𝐎𝐏",        // mathematical bold, from a "fancy text" app
           "𝓈𝓉𝑜𝓅",        // mathematical script
           "Ⓢⓣⓞⓟ",        // circled
           "ﬆop",         // the st ligature
           "stop…",         "¡STOP!",      "«stop»",   "STOP❗",
           "stop 👍🏽", "Unsubscribe", "opt out",  "OPT-OUT",
           "Opt_Out",       "cancel",      "END",      "quit",
           "REVOKE",        "stop all",    "StopAll",  "remove",
       }) {
    EXPECT_EQ(keywords.Classify(body), ReplyKeyword::kOptOut) << body;
  }
}

TEST(ReplyKeywordsTest, ASentenceOrAnotherWordIsNotAKeyword) {
  const ReplyKeywords keywords;
  for (const char* body : {
           "", " ", "🛑", "...", "stop it", "don't stop", "please stop",
           "stopp", "stoppé", "STOP 2", "unstoppable", "the end", "ends",
           "Stop\xff",     // a byte that is not UTF-8
           "ST\u0301OP",   // a combining accent is a letter's part, kept
           "\xd0\xa1TOP",  // Cyrillic Es, which only looks like S
       }) {
    EXPECT_EQ(keywords.Classify(body), ReplyKeyword::kNone) << body;
  }
}

TEST(ReplyKeywordsTest, StartAndHelpAreTheirOwn) {
  const ReplyKeywords keywords;
  for (const char* body : {"START", "start.", "Unstop", "yes", "YES!"}) {
    EXPECT_EQ(keywords.Classify(body), ReplyKeyword::kOptIn) << body;
  }
  for (const char* body : {"HELP", "help?", "Info", "ＨＥＬＰ"}) {
    EXPECT_EQ(keywords.Classify(body), ReplyKeyword::kHelp) << body;
  }
}

TEST(ReplyKeywordsTest, FoldingKeepsOnlyWhatAKeywordCouldBe) {
  EXPECT_EQ(FoldReply("Opt-Out!"), "OPTOUT");
  EXPECT_EQ(FoldReply("ｓｔｏｐ　１２"), "STOP12");
  EXPECT_EQ(FoldReply("arrêt"), "ARRÊT");
  EXPECT_EQ(FoldReply("стоп"), "СТОП");
  EXPECT_EQ(FoldReply("łódź"), "ŁÓDŹ");
  EXPECT_EQ(FoldReply("\xff"), "\ufffd");
  EXPECT_EQ(FoldReply("²ª"), "2A");
}

TEST(ReplyKeywordsTest, APlatformAddsItsLanguages) {
  absl::StatusOr<ReplyKeywords> keywords = ReplyKeywords::WithAdded(
      "providers.json", {"ARRET", "Arrêt", "baja", "stop"}, {"ALTA"}, {"AIDE"});
  ASSERT_TRUE(keywords.ok()) << keywords.status();
  EXPECT_EQ(keywords->Classify("arret"), ReplyKeyword::kOptOut);
  EXPECT_EQ(keywords->Classify("ARRÊT."), ReplyKeyword::kOptOut);
  EXPECT_EQ(keywords->Classify("Baja"), ReplyKeyword::kOptOut);
  absl::StatusOr<ReplyKeywords> russian =
      ReplyKeywords::WithAdded("k.json", {"СТОП"}, {}, {});
  ASSERT_TRUE(russian.ok()) << russian.status();
  EXPECT_EQ(russian->Classify("стоп!"), ReplyKeyword::kOptOut);
  EXPECT_EQ(keywords->Classify("alta"), ReplyKeyword::kOptIn);
  EXPECT_EQ(keywords->Classify("aide"), ReplyKeyword::kHelp);
  EXPECT_EQ(keywords->Classify("STOP"), ReplyKeyword::kOptOut);
  // "stop" given again is the default's, not a second entry.
  EXPECT_EQ(std::count(keywords->opt_out().begin(), keywords->opt_out().end(),
                       "STOP"),
            1);
}

TEST(ReplyKeywordsTest, AKeywordThatCannotWorkIsNamed) {
  absl::StatusOr<ReplyKeywords> empty =
      ReplyKeywords::WithAdded("providers.json", {"ok", "!!"}, {}, {});
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.status().message(),
              HasSubstr("providers.json: optOutKeywords[1]: \"!!\" has no "
                        "letter or digit"));
  absl::StatusOr<ReplyKeywords> shared =
      ReplyKeywords::WithAdded("providers.json", {}, {"Stop"}, {});
  ASSERT_FALSE(shared.ok());
  EXPECT_THAT(shared.status().message(),
              HasSubstr("providers.json: optInKeywords[0]: STOP is already an "
                        "opt-out keyword"));
  absl::StatusOr<ReplyKeywords> twice =
      ReplyKeywords::WithAdded("k.json", {"BAJA"}, {}, {"baja"});
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(twice.status().message(),
              HasSubstr("k.json: helpKeywords[0]: BAJA is already an opt-out"));
}

}  // namespace
}  // namespace herald
