#include "engine/message/message_template.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> kColumns = {"phoneNumber", "firstName",
                                           "lastName", "city"};

MessageTemplate CompileOrDie(absl::string_view text,
                             const std::vector<std::string>& columns) {
  absl::StatusOr<MessageTemplate> compiled =
      MessageTemplate::Compile(text, columns);
  EXPECT_TRUE(compiled.ok()) << text << ": " << compiled.status();
  if (!compiled.ok()) return *MessageTemplate::Compile("", columns);
  return *std::move(compiled);
}

// Renders `text` for one row, expecting success.
std::string Render(absl::string_view text,
                   const std::vector<absl::string_view>& row,
                   const std::vector<std::string>& columns = kColumns) {
  const MessageTemplate t = CompileOrDie(text, columns);
  std::string out;
  const absl::Status s = t.Render(row, &out);
  EXPECT_TRUE(s.ok()) << text << ": " << s;
  return out;
}

// Renders `text` for one row, expecting failure; returns the message.
std::string RenderError(absl::string_view text,
                        const std::vector<absl::string_view>& row,
                        const std::vector<std::string>& columns = kColumns) {
  const MessageTemplate t = CompileOrDie(text, columns);
  std::string out;
  const absl::Status s = t.Render(row, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << text << ": " << s;
  return std::string(s.message());
}

std::string CompileError(absl::string_view text) {
  absl::StatusOr<MessageTemplate> compiled =
      MessageTemplate::Compile(text, kColumns);
  EXPECT_FALSE(compiled.ok()) << text;
  if (compiled.ok()) return "";
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(compiled.status().message());
}

const std::vector<absl::string_view> kAlice = {"12135551234", "Alice",
                                               "Moultrie", "Beaufort"};

TEST(MessageTemplateTest, SubstitutesOnePlaceholder) {
  EXPECT_EQ(Render("Hello ${firstName}!", kAlice), "Hello Alice!");
}

TEST(MessageTemplateTest, SubstitutesSeveralPlaceholders) {
  EXPECT_EQ(Render("Hi ${firstName} ${lastName} of ${city}, we have your "
                   "number ${phoneNumber}. Bye ${firstName}.",
                   kAlice),
            "Hi Alice Moultrie of Beaufort, we have your number 12135551234. "
            "Bye Alice.");
  EXPECT_EQ(Render("${firstName}${lastName}", kAlice), "AliceMoultrie");
}

TEST(MessageTemplateTest, PlaceholderAtStartAndEnd) {
  EXPECT_EQ(Render("${firstName}, hello", kAlice), "Alice, hello");
  EXPECT_EQ(Render("hello, ${firstName}", kAlice), "hello, Alice");
  EXPECT_EQ(Render("${city}", kAlice), "Beaufort");
}

TEST(MessageTemplateTest, TextWithoutPlaceholders) {
  EXPECT_EQ(Render("Reply STOP to opt out.", kAlice), "Reply STOP to opt out.");
  EXPECT_EQ(Render("", kAlice), "");
  // A template without placeholders needs no fields at all.
  EXPECT_EQ(Render("plain", {}), "plain");
}

TEST(MessageTemplateTest, LoneDollarAndBraceStayLiteral) {
  EXPECT_EQ(Render("Save $5 {today} $ { } $$ {$} }", kAlice),
            "Save $5 {today} $ { } $$ {$} }");
  EXPECT_EQ(Render("Price: $${firstName}", kAlice), "Price: $Alice");
  EXPECT_EQ(Render("{${firstName}}", kAlice), "{Alice}");
  EXPECT_EQ(Render("ends with $", kAlice), "ends with $");
}

TEST(MessageTemplateTest, ValuesAreCopiedVerbatim) {
  // A value that looks like a placeholder is not expanded again.
  const std::vector<absl::string_view> row = {"1", "${lastName}", "X", "Y"};
  EXPECT_EQ(Render("Hi ${firstName}", row), "Hi ${lastName}");
}

TEST(MessageTemplateTest, RenderAppendsToOutput) {
  const MessageTemplate t = CompileOrDie("Hi ${firstName}", kColumns);
  std::string out = "prefix|";
  ASSERT_TRUE(t.Render(kAlice, &out).ok());
  EXPECT_EQ(out, "prefix|Hi Alice");
}

TEST(MessageTemplateTest, TwentyPlaceholders) {
  std::vector<std::string> columns;
  std::vector<std::string> values;
  std::string text;
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    columns.push_back(absl::StrCat("c", i));
    values.push_back(absl::StrCat("v", i * i));
  }
  // Use them out of column order, with literals between.
  for (int i = 19; i >= 0; --i) {
    absl::StrAppend(&text, "<", i, ">${c", i, "}");
    absl::StrAppend(&expected, "<", i, ">v", i * i);
  }
  const std::vector<absl::string_view> row(values.begin(), values.end());
  EXPECT_EQ(Render(text, row, columns), expected);
}

TEST(MessageTemplateTest, NamesMatchExactlyThenWithoutRegardToCase) {
  EXPECT_EQ(Render("Hi ${FIRSTNAME}", kAlice), "Hi Alice");
  // An exact match wins over a case-folded one.
  const std::vector<std::string> columns = {"name", "NAME"};
  EXPECT_EQ(Render("${NAME}/${name}", {"lower", "upper"}, columns),
            "upper/lower");
  // Two columns equal without regard to case: "Name" is ambiguous.
  EXPECT_THAT(RenderError("Hi ${Name}", {"lower", "upper"}, columns),
              HasSubstr("${Name}"));
}

TEST(MessageTemplateTest, ContactFieldsAreColumns) {
  EXPECT_EQ(Render("Hi ${contact.firstName} ${contact.lastName}", kAlice),
            "Hi Alice Moultrie");
  // A column literally named so is taken first.
  const std::vector<std::string> columns = {"firstName", "contact.firstName"};
  EXPECT_EQ(Render("${contact.firstName}", {"plain", "dotted"}, columns),
            "dotted");
}

TEST(MessageTemplateTest, BackslashEscapesAPlaceholder) {
  EXPECT_EQ(Render("Type \\${firstName} to see ${firstName}", kAlice),
            "Type ${firstName} to see Alice");
  EXPECT_EQ(Render("a \\ b \\n", kAlice), "a \\ b \\n");
}

TEST(MessageTemplateTest, BracePlaceholdersAreACompatibilitySwitch) {
  TemplateOptions braces;
  braces.brace_placeholders = true;
  const MessageTemplate t = *MessageTemplate::Compile(
      "Hello {firstName}, {{not}} ${city}!", kColumns, braces);
  std::string out;
  ASSERT_TRUE(t.Render(kAlice, &out).ok());
  EXPECT_EQ(out, "Hello Alice, {not}} Beaufort!");
  // Off by default: the seeds' {u_name} stays literal text.
  EXPECT_EQ(Render("Hello {firstName}", kAlice), "Hello {firstName}");
}

TEST(MessageTemplateTest, MissingAttributePolicies) {
  const std::vector<absl::string_view> no_city = {"1", "Alice", "Moultrie", ""};
  TemplateOptions options;
  options.missing = MissingAttributePolicy::kEmpty;
  std::string out;
  ASSERT_TRUE(
      MessageTemplate::Compile("Hi ${firstName} of ${city}.", kColumns, options)
          ->Render(no_city, &out)
          .ok());
  EXPECT_EQ(out, "Hi Alice of .");
  options.missing = MissingAttributePolicy::kKeep;
  out.clear();
  ASSERT_TRUE(MessageTemplate::Compile("Hi ${firstName} of ${city} ${zip}.",
                                       kColumns, options)
                  ->Render(no_city, &out)
                  .ok());
  EXPECT_EQ(out, "Hi Alice of ${city} ${zip}.");
  EXPECT_THAT(RenderError("Hi ${city}", no_city), HasSubstr("${city}"));
}

TEST(MessageTemplateTest, MissingColumnIsARenderErrorNamingIt) {
  const std::string message = RenderError("Hi ${nickname}!", kAlice);
  EXPECT_THAT(message, HasSubstr("missing attribute"));
  EXPECT_THAT(message, HasSubstr("${nickname}"));
}

TEST(MessageTemplateTest, EmptyFieldIsARenderError) {
  const std::vector<absl::string_view> row = {"12135551234", "", "Moultrie",
                                              "Beaufort"};
  EXPECT_THAT(RenderError("Hi ${firstName}", row), HasSubstr("${firstName}"));
  // Fine when the template does not use it.
  EXPECT_EQ(Render("Hi ${lastName}", row), "Hi Moultrie");
}

TEST(MessageTemplateTest, ShortRowIsARenderError) {
  const std::vector<absl::string_view> row = {"12135551234", "Alice"};
  EXPECT_THAT(RenderError("Hi ${firstName} from ${city}", row),
              HasSubstr("${city}"));
}

TEST(MessageTemplateTest, UnknownNamesInOrderOfUse) {
  const MessageTemplate t =
      CompileOrDie("${zip} ${firstName} ${nickname} ${zip} ${city}", kColumns);
  EXPECT_THAT(t.UnknownNames(), ElementsAre("zip", "nickname", "zip"));
  EXPECT_THAT(CompileOrDie("${firstName} text", kColumns).UnknownNames(),
              ElementsAre());
  EXPECT_THAT(CompileOrDie("no placeholders", kColumns).UnknownNames(),
              ElementsAre());
}

TEST(MessageTemplateTest, UnterminatedPlaceholderIsACompileError) {
  const std::string message = CompileError("Hello ${firstName");
  EXPECT_THAT(message, HasSubstr("no closing '}'"));
  EXPECT_THAT(message, HasSubstr("character 7"));
  EXPECT_THAT(CompileError("${firstName} and ${"), HasSubstr("character 18"));
}

TEST(MessageTemplateTest, EmptyPlaceholderIsACompileError) {
  const std::string message = CompileError("Hi ${} there");
  EXPECT_THAT(message, HasSubstr("empty placeholder"));
  EXPECT_THAT(message, HasSubstr("character 4"));
}

}  // namespace
}  // namespace herald
