#include "engine/ingest/csv_reader.h"

#include <cstdint>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// One record as the reader delimited it, copied out of its chunk.
struct Rec {
  uint64_t line = 0;
  CsvRecordDefect defect = CsvRecordDefect::kNone;
  std::string text;

  friend bool operator==(const Rec&, const Rec&) = default;
  friend void PrintTo(const Rec& r, std::ostream* os) {
    *os << "{line " << r.line << ", defect " << static_cast<int>(r.defect)
        << ", \"" << r.text << "\"}";
  }
};

Rec Ok(uint64_t line, absl::string_view text) {
  return {line, CsvRecordDefect::kNone, std::string(text)};
}
Rec Bad(uint64_t line, CsvRecordDefect defect) { return {line, defect, ""}; }

// Reads the whole file at `path` and returns its records in order.
std::vector<Rec> ReadAll(const std::string& path,
                         const CsvReaderOptions& options = {}) {
  std::vector<Rec> out;
  absl::StatusOr<std::unique_ptr<CsvChunkReader>> reader =
      CsvChunkReader::Open(path, options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return out;
  CsvChunk chunk;
  for (int guard = 0; guard < 10'000'000; ++guard) {
    absl::StatusOr<bool> more = (*reader)->Next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok()) return out;
    if (!*more) {
      EXPECT_TRUE(chunk.records.empty());
      // Exhausted stays exhausted.
      absl::StatusOr<bool> again = (*reader)->Next(&chunk);
      EXPECT_TRUE(again.ok() && !*again);
      return out;
    }
    EXPECT_FALSE(chunk.records.empty()) << "Next returned true, no records";
    for (const CsvRecordRef& r : chunk.records) {
      EXPECT_LE(size_t{r.offset} + r.size, chunk.bytes.size());
      if (r.defect == CsvRecordDefect::kNone) {
        out.push_back(Ok(r.line, chunk.RecordText(r)));
      } else {
        EXPECT_EQ(r.size, 0u);
        out.push_back(Bad(r.line, r.defect));
      }
    }
  }
  ADD_FAILURE() << "reader never reached the end of " << path;
  return out;
}

// Splits `record`, expecting success.
std::vector<std::string> Fields(absl::string_view record) {
  std::vector<absl::string_view> views;
  std::string scratch;
  const absl::Status s = SplitCsvRecord(record, &views, &scratch);
  EXPECT_TRUE(s.ok()) << s << " for \"" << record << "\"";
  return std::vector<std::string>(views.begin(), views.end());
}

// Splits `record`, expecting failure; returns the message.
std::string SplitError(absl::string_view record) {
  std::vector<absl::string_view> views;
  std::string scratch;
  const absl::Status s = SplitCsvRecord(record, &views, &scratch);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument)
      << s << " for \"" << record << "\"";
  return std::string(s.message());
}

CsvReaderOptions Tiny(size_t max_record_bytes = 64 << 10) {
  CsvReaderOptions options;
  options.chunk_bytes = 7;
  options.max_record_bytes = max_record_bytes;
  return options;
}

// ---------------------------------------------------------------------------
// CsvChunkReader

TEST(CsvChunkReaderTest, MissingFileIsNotFoundNamingThePath) {
  TempDir dir;
  const std::string path = dir.File("nope.csv");
  absl::StatusOr<std::unique_ptr<CsvChunkReader>> reader =
      CsvChunkReader::Open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(reader.status().message()), HasSubstr(path));
}

TEST(CsvChunkReaderTest, EmptyFileHasNoRecords) {
  TempDir dir;
  EXPECT_THAT(ReadAll(dir.Write("empty.csv", "")), ElementsAre());
  EXPECT_THAT(ReadAll(dir.Write("blank.csv", "\n\r\n\n")), ElementsAre());
}

TEST(CsvChunkReaderTest, QuotedCommasAndDoubledQuotes) {
  TempDir dir;
  const std::string path =
      dir.Write("q.csv",
                "id,name,note\n"
                "1,\"Smith, John\",\"He said \"\"hi, there\"\"\"\n"
                "2,plain,\"\"\n");
  const std::vector<Rec> records = ReadAll(path);
  ASSERT_THAT(records, ElementsAre(Ok(1, "id,name,note"),
                                   Ok(2,
                                      "1,\"Smith, John\",\"He said \"\"hi, "
                                      "there\"\"\""),
                                   Ok(3, "2,plain,\"\"")));
  EXPECT_THAT(Fields(records[1].text),
              ElementsAre("1", "Smith, John", "He said \"hi, there\""));
  EXPECT_THAT(Fields(records[2].text), ElementsAre("2", "plain", ""));
}

TEST(CsvChunkReaderTest, CrlfLineEndings) {
  TempDir dir;
  const std::string path =
      dir.Write("crlf.csv", "a,b\r\n1,\"x, y\"\r\n2,z\r\n");
  const std::vector<Rec> records = ReadAll(path);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[2].line, 3u);
  EXPECT_THAT(Fields(records[0].text), ElementsAre("a", "b"));
  EXPECT_THAT(Fields(records[1].text), ElementsAre("1", "x, y"));
  EXPECT_THAT(Fields(records[2].text), ElementsAre("2", "z"));
}

TEST(CsvChunkReaderTest, NewlinesInsideQuotesKeepPhysicalLineNumbers) {
  TempDir dir;
  const std::string path =
      dir.Write("nl.csv",
                "h1,h2\n"                            // 1
                "1,\"one\ntwo\nthree\"\n"            // 2-4
                "2,after\n"                          // 5
                "3,\"crlf\r\ninside\"\r\n"           // 6-7
                "\n"                                 // 8
                "4,\"\"\"quoted\"\"\nnext line\"\n"  // 9-10
                "5,end\n");                          // 11
  const std::vector<Rec> records = ReadAll(path);
  ASSERT_EQ(records.size(), 6u);
  std::vector<uint64_t> lines;
  for (const Rec& r : records) lines.push_back(r.line);
  EXPECT_THAT(lines, ElementsAre(1, 2, 5, 6, 9, 11));
  EXPECT_THAT(Fields(records[1].text), ElementsAre("1", "one\ntwo\nthree"));
  EXPECT_THAT(Fields(records[3].text), ElementsAre("3", "crlf\r\ninside"));
  EXPECT_THAT(Fields(records[4].text),
              ElementsAre("4", "\"quoted\"\nnext line"));
  EXPECT_EQ(records[5].text, "5,end");
}

TEST(CsvChunkReaderTest, Utf8ByteOrderMarkIsDropped) {
  constexpr absl::string_view kBom = "\xEF\xBB\xBF";
  TempDir dir;
  const std::string path = dir.Write(
      "bom.csv", absl::StrCat(kBom, "phoneNumber,name\n2135551234,Al\n"));
  EXPECT_THAT(ReadAll(path),
              ElementsAre(Ok(1, "phoneNumber,name"), Ok(2, "2135551234,Al")));
  EXPECT_THAT(ReadAll(path, Tiny()),
              ElementsAre(Ok(1, "phoneNumber,name"), Ok(2, "2135551234,Al")));
  // Only a mark at the very start is dropped.
  const std::string later =
      dir.Write("later.csv", absl::StrCat("a\n", kBom, "b\n"));
  EXPECT_THAT(ReadAll(later),
              ElementsAre(Ok(1, "a"), Ok(2, absl::StrCat(kBom, "b"))));
  EXPECT_THAT(ReadAll(dir.Write("only.csv", kBom)), ElementsAre());
  EXPECT_THAT(ReadAll(dir.Write("short.csv", absl::StrCat(kBom, "x"))),
              ElementsAre(Ok(1, "x")));
}

TEST(CsvChunkReaderTest, BlankLinesAreSkippedButCounted) {
  TempDir dir;
  const std::string path = dir.Write("blank.csv", "\na\n\n\r\nb\n\n\nc\n\n");
  EXPECT_THAT(ReadAll(path), ElementsAre(Ok(2, "a"), Ok(5, "b"), Ok(8, "c")));
}

TEST(CsvChunkReaderTest, LastRecordWithoutFinalNewline) {
  TempDir dir;
  EXPECT_THAT(ReadAll(dir.Write("a.csv", "a,b\n1,2")),
              ElementsAre(Ok(1, "a,b"), Ok(2, "1,2")));
  EXPECT_THAT(ReadAll(dir.Write("b.csv", "only")), ElementsAre(Ok(1, "only")));
  const std::vector<Rec> quoted =
      ReadAll(dir.Write("c.csv", "a\n\"x\ny\",\"z\""));
  ASSERT_THAT(quoted, ElementsAre(Ok(1, "a"), Ok(2, "\"x\ny\",\"z\"")));
  EXPECT_THAT(Fields(quoted[1].text), ElementsAre("x\ny", "z"));
}

// A generated CSV with quotes, commas, CRLF and newlines inside fields.
struct GeneratedCsv {
  std::string text;
  std::vector<uint64_t> lines;                   // of each record
  std::vector<std::vector<std::string>> fields;  // of each record
};

GeneratedCsv Generate(int records, uint32_t seed) {
  static constexpr absl::string_view kPieces[] = {
      "a",  "bc",   "Hello",    " ",          ",",    "\"",
      "\n", "\r\n", "\xC3\xA9", "2135551234", "${x}", "'"};
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  GeneratedCsv csv;
  uint64_t line = 1;
  for (int r = 0; r < records; ++r) {
    while (pick(10) == 0) {  // blank lines now and then
      csv.text += pick(2) ? "\n" : "\r\n";
      ++line;
    }
    const int field_count = 1 + pick(5);
    std::vector<std::string> fields;
    std::string record;
    for (int f = 0; f < field_count; ++f) {
      std::string field;
      const int pieces = pick(8);
      for (int p = 0; p < pieces; ++p) {
        const absl::string_view piece = kPieces[pick(std::size(kPieces))];
        field.append(piece.data(), piece.size());
      }
      const bool special = field.find_first_of(",\"\r\n") != std::string::npos;
      const bool lone_empty = field_count == 1 && field.empty();
      if (f > 0) record += ',';
      if (special || lone_empty || pick(4) == 0) {
        record += '"';
        for (char c : field) {
          if (c == '"') record += '"';
          record += c;
        }
        record += '"';
      } else {
        record += field;
      }
      fields.push_back(std::move(field));
    }
    csv.lines.push_back(line);
    for (char c : record) line += c == '\n';
    csv.text += record;
    if (r + 1 < records) {  // the last record has no final newline
      csv.text += pick(3) == 0 ? "\r\n" : "\n";
      ++line;
    }
    csv.fields.push_back(std::move(fields));
  }
  return csv;
}

TEST(CsvChunkReaderTest, RecordsSplitAcrossChunksMatchOneBigRead) {
  TempDir dir;
  const GeneratedCsv csv = Generate(4000, 7);
  ASSERT_GT(csv.text.size(), 50'000u);  // many reads with tiny chunks
  const std::string path = dir.Write("gen.csv", csv.text);

  CsvReaderOptions big;
  big.chunk_bytes = 4 << 20;
  const std::vector<Rec> whole = ReadAll(path, big);
  ASSERT_EQ(whole.size(), csv.fields.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    ASSERT_EQ(whole[i].defect, CsvRecordDefect::kNone) << i;
    ASSERT_EQ(whole[i].line, csv.lines[i]) << "record " << i;
    ASSERT_EQ(Fields(whole[i].text), csv.fields[i])
        << "record " << i << " on line " << csv.lines[i];
  }

  for (size_t chunk_bytes : {size_t{1}, size_t{7}, size_t{100}, size_t{5000}}) {
    CsvReaderOptions options;
    options.chunk_bytes = chunk_bytes;
    options.max_record_bytes = 1000;
    EXPECT_EQ(ReadAll(path, options), whole) << "chunk_bytes " << chunk_bytes;
  }
}

// A quote that opens a field runs to the next quote, however many lines
// later: what lies between is the field's text, never records of its own.
TEST(CsvChunkReaderTest, QuoteOpeningAFieldRunsToItsClosingQuote) {
  TempDir dir;
  const std::string path = dir.Write("mid.csv",
                                     "h\n"                   // 1
                                     "1,ok\n"                // 2
                                     "2,\"oops\n"            // 3
                                     "3,fine\n"              // 4
                                     "4,\"quoted, fine\"\n"  // 5
                                     "5,last\n");            // 6
  const std::vector<Rec> expected = {
      Ok(1, "h"), Ok(2, "1,ok"), Ok(3, "2,\"oops\n3,fine\n4,\"quoted, fine\""),
      Ok(6, "5,last")};
  EXPECT_EQ(ReadAll(path), expected);
  EXPECT_EQ(ReadAll(path, Tiny()), expected);
}

// A quote inside an unquoted field opens nothing (RFC 4180: only a field's
// first character can), so `5" screen` cannot swallow the rows after it.
TEST(CsvChunkReaderTest, QuoteInsideAnUnquotedFieldIsOnlyACharacter) {
  TempDir dir;
  const std::string path = dir.Write(
      "inch.csv", "h\n1,5\" screen\n2,ok\n3,\"a \"\"b\"\" c\"\n4,x\n");
  EXPECT_THAT(ReadAll(path),
              ElementsAre(Ok(1, "h"), Ok(2, "1,5\" screen"), Ok(3, "2,ok"),
                          Ok(4, "3,\"a \"\"b\"\" c\""), Ok(5, "4,x")));
}

TEST(CsvChunkReaderTest, UnterminatedQuoteTakesTheRestOfTheFile) {
  TempDir dir;
  EXPECT_THAT(ReadAll(dir.Write("a.csv", "h\n1,ok\n2,\"never closed\n")),
              ElementsAre(Ok(1, "h"), Ok(2, "1,ok"),
                          Bad(3, CsvRecordDefect::kUnterminatedQuote)));
  EXPECT_THAT(
      ReadAll(dir.Write("b.csv", "h\n1,\"open")),
      ElementsAre(Ok(1, "h"), Bad(2, CsvRecordDefect::kUnterminatedQuote)));
  // Nothing after the open quote is read as a row: it is all inside it.
  EXPECT_THAT(
      ReadAll(dir.Write("c.csv", "h\n1,\"open\n2135551234,more\nlines")),
      ElementsAre(Ok(1, "h"), Bad(2, CsvRecordDefect::kUnterminatedQuote)));
}

// Issue 14: a closed quoted `notes` field longer than the record limit made
// the reader give up its first line and go on inside the quotes, so lines of
// the notes that looked like rows were texted. The record is skipped to its
// real end, whatever the chunk size, and said to be too long.
TEST(CsvChunkReaderTest, LongQuotedFieldIsSkippedWholeNothingInsideIsARow) {
  TempDir dir;
  std::string notes(70'000, 'n');
  notes.replace(30'000, 30, "\n3055550102,Mallory,injected\n");
  const std::string path = dir.Write(
      "notes.csv", absl::StrCat("phoneNumber,name,notes\n", "2135551234,Ann,\"",
                                notes, "\"\n", "2135551235,Bo,short\n"));
  for (const CsvReaderOptions& options :
       {CsvReaderOptions{}, Tiny(), Tiny(1000)}) {
    SCOPED_TRACE(absl::StrCat("chunk ", options.chunk_bytes, " max ",
                              options.max_record_bytes));
    EXPECT_THAT(ReadAll(path, options),
                ElementsAre(Ok(1, "phoneNumber,name,notes"),
                            Bad(2, CsvRecordDefect::kTooLong),
                            Ok(5, "2135551235,Bo,short")));
  }
  // The reason names the limit and the lines skipped.
  absl::StatusOr<std::unique_ptr<CsvChunkReader>> reader =
      CsvChunkReader::Open(path);
  ASSERT_TRUE(reader.ok());
  CsvChunk chunk;
  ASSERT_TRUE(*(*reader)->Next(&chunk));
  ASSERT_EQ(chunk.records.size(), 3u);
  EXPECT_EQ(DescribeDefect(chunk, chunk.records[1]),
            "record longer than 65536 bytes (lines 2-4 skipped)");
}

// A stray quote that a later, equally stray quote closes makes one record of
// everything in between: too long, skipped to its end, reported with the
// lines it took; the lines after it are read, whatever the chunk size.
TEST(CsvChunkReaderTest, StrayQuotesPastTheLimitMakeOneTooLongRecord) {
  TempDir dir;
  std::string text = "phoneNumber,name\n";  // line 1
  text += "2135550002,\"oops\n";            // line 2: opens a quote
  for (int line = 3; line <= 300; ++line) {
    absl::StrAppend(&text, 2135550000 + line, ",name", line, "\n");
  }
  text += "2135550301,5\" screen\n";  // line 301: closes it
  for (int line = 302; line <= 305; ++line) {
    absl::StrAppend(&text, 2135550000 + line, ",name", line, "\n");
  }
  const std::string path = dir.Write("stray.csv", text);

  for (size_t chunk_bytes : {size_t{7}, size_t{1} << 20}) {
    SCOPED_TRACE(absl::StrCat("chunk_bytes ", chunk_bytes));
    CsvReaderOptions options;
    options.chunk_bytes = chunk_bytes;
    options.max_record_bytes = 256;
    const std::vector<Rec> records = ReadAll(path, options);
    ASSERT_EQ(records.size(), 6u);
    EXPECT_EQ(records[0], Ok(1, "phoneNumber,name"));
    EXPECT_EQ(records[1], Bad(2, CsvRecordDefect::kTooLong));
    EXPECT_EQ(records[2], Ok(302, "2135550302,name302"));
    EXPECT_EQ(records[5], Ok(305, "2135550305,name305"));
  }
}

TEST(CsvChunkReaderTest, TooLongRecordIsSkippedAndReadingGoesOn) {
  TempDir dir;
  const std::string path = dir.Write(
      "long.csv",
      absl::StrCat("h\n1,", std::string(100, 'x'), "\n2,short\n3,\"q\"\n"));
  const std::vector<Rec> expected = {Ok(1, "h"),
                                     Bad(2, CsvRecordDefect::kTooLong),
                                     Ok(3, "2,short"), Ok(4, "3,\"q\"")};
  CsvReaderOptions options;
  options.max_record_bytes = 32;
  EXPECT_EQ(ReadAll(path, options), expected);
  EXPECT_EQ(ReadAll(path, Tiny(32)), expected);

  // Much longer than one read: the record is cut by the buffer, not found
  // whole.
  const std::string huge =
      dir.Write("huge.csv",
                absl::StrCat("h\n1,", std::string(50'000, 'y'), "\n2,short\n"));
  EXPECT_THAT(ReadAll(huge, Tiny(32)),
              ElementsAre(Ok(1, "h"), Bad(2, CsvRecordDefect::kTooLong),
                          Ok(3, "2,short")));
}

TEST(CsvChunkReaderTest, RecordOfExactlyTheLimitIsAccepted) {
  TempDir dir;
  const std::string at_limit(20, 'a');
  const std::string over_limit(21, 'b');
  const std::string path =
      dir.Write("limit.csv", absl::StrCat(at_limit, "\n", over_limit, "\nc\n"));
  CsvReaderOptions options;
  options.max_record_bytes = 20;
  EXPECT_THAT(ReadAll(path, options),
              ElementsAre(Ok(1, at_limit), Bad(2, CsvRecordDefect::kTooLong),
                          Ok(3, "c")));
}

TEST(CsvChunkReaderTest, OneMegabyteFieldWithDefaultOptions) {
  TempDir dir;
  const std::string megabyte(1 << 20, 'm');
  ASSERT_GT(megabyte.size(), CsvReaderOptions().max_record_bytes);

  // Longer than the default record limit: reported, and the next record is
  // still read on its own line.
  const std::string plain = dir.Write(
      "plain.csv", absl::StrCat("id,note\n1,", megabyte, "\n2,after\n"));
  EXPECT_THAT(ReadAll(plain),
              ElementsAre(Ok(1, "id,note"), Bad(2, CsvRecordDefect::kTooLong),
                          Ok(3, "2,after")));

  // Quoted and closed: too long too, skipped to the closing quote's line.
  const std::string quoted = dir.Write(
      "quoted.csv", absl::StrCat("id,note\n1,\"", megabyte, "\"\n2,after\n"));
  EXPECT_THAT(ReadAll(quoted),
              ElementsAre(Ok(1, "id,note"), Bad(2, CsvRecordDefect::kTooLong),
                          Ok(3, "2,after")));
}

TEST(CsvChunkReaderTest, OneMegabyteFieldIsReadWhenTheLimitAllows) {
  TempDir dir;
  std::string megabyte(1 << 20, 'm');
  megabyte[1000] = '\n';  // inside quotes, part of the field
  const std::string path = dir.Write(
      "big.csv", absl::StrCat("id,note\n1,\"", megabyte, "\"\n2,after\n"));
  CsvReaderOptions options;
  options.max_record_bytes = 4 << 20;
  const std::vector<Rec> records = ReadAll(path, options);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[1].defect, CsvRecordDefect::kNone);
  const std::vector<std::string> fields = Fields(records[1].text);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_TRUE(fields[1] == megabyte)
      << "field of " << fields[1].size() << " bytes differs";
  EXPECT_EQ(records[2], Ok(4, "2,after"));
}

TEST(CsvChunkReaderTest, DescribeDefectSaysWhat) {
  CsvChunk chunk;
  chunk.max_record_bytes = 100;
  EXPECT_EQ(
      DescribeDefect(chunk, {0, 0, 7, CsvRecordDefect::kUnterminatedQuote, 9}),
      "a quoted field opened on line 7 never closes: lines 7-9 (to the "
      "end of the file) not read");
  EXPECT_EQ(DescribeDefect(chunk, {0, 0, 4, CsvRecordDefect::kTooLong, 4}),
            "record longer than 100 bytes (line 4 skipped)");
}

// Issue 14: a "CSV (Macintosh)" export ends its lines with CR alone; it was
// read as one header line and the run "completed" with 0 rows.
TEST(CsvChunkReaderTest, LoneCrEndsLinesAsLfAndCrlfDo) {
  TempDir dir;
  const std::vector<Rec> expected = {Ok(1, "phoneNumber,name"),
                                     Ok(2, "2135551234,Ann"),
                                     Ok(3, "\"3055550102\",\"B\no\"")};
  const std::string cr = dir.Write(
      "mac.csv", "phoneNumber,name\r2135551234,Ann\r\"3055550102\",\"B\ro\"\r");
  EXPECT_EQ(ReadAll(cr), expected);
  EXPECT_EQ(ReadAll(cr, Tiny()), expected);
  const std::string crlf = dir.Write(
      "dos.csv",
      "phoneNumber,name\r\n2135551234,Ann\r\n\"3055550102\",\"B\r\no\"");
  EXPECT_THAT(ReadAll(crlf), ElementsAre(Ok(1, "phoneNumber,name\r"),
                                         Ok(2, "2135551234,Ann\r"),
                                         Ok(3, "\"3055550102\",\"B\r\no\"")));
  // A CR last in one read and its LF first in the next are one line end.
  std::string text = "h\r\n";
  while (text.size() < 4095) text += "x";
  text += "\r\nlast\r";
  ASSERT_EQ(text[4095], '\r');
  const std::vector<Rec> split = ReadAll(dir.Write("split.csv", text));
  ASSERT_EQ(split.size(), 3u);
  EXPECT_EQ(split[1].line, 2u);
  EXPECT_EQ(split[2], Ok(3, "last"));
}

std::string Utf16(absl::string_view ascii_and_bmp, bool little_endian) {
  std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  // Only ASCII here, plus U+00E9 for 0xE9 and a surrogate pair for 0x01.
  for (unsigned char c : ascii_and_bmp) {
    auto unit = [&](uint16_t u) {
      const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u);
      out += little_endian ? std::string{lo, hi} : std::string{hi, lo};
    };
    if (c == 0x01) {
      unit(0xD83D);  // U+1F600
      unit(0xDE00);
    } else {
      unit(c);
    }
  }
  return out;
}

// Excel's "Unicode text" and many exports are UTF-16 with a byte order mark.
TEST(CsvChunkReaderTest, Utf16WithByteOrderMarkIsReadAsUtf8) {
  TempDir dir;
  const std::string text =
      "phoneNumber,name\r\n2135551234,Ren\xE9"
      "e\x01\r\n";
  for (bool le : {true, false}) {
    SCOPED_TRACE(le ? "UTF-16LE" : "UTF-16BE");
    const std::string path = dir.Write("u16.csv", Utf16(text, le));
    const std::vector<Rec> expected = {Ok(1, "phoneNumber,name\r"),
                                       Ok(2,
                                          "2135551234,Ren\xC3\xA9"
                                          "e\xF0\x9F\x98\x80\r")};
    EXPECT_EQ(ReadAll(path), expected);
    EXPECT_EQ(ReadAll(path, Tiny()), expected);
  }
  // An unpaired surrogate and an odd last byte are U+FFFD, not garbage.
  std::string broken = Utf16("h\n", true);
  broken += std::string("\x3D\xD8", 2) + "a";
  const std::vector<Rec> records = ReadAll(dir.Write("broken.csv", broken));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].text, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

// ---------------------------------------------------------------------------
// SplitCsvRecord

TEST(SplitCsvRecordTest, PlainFields) {
  EXPECT_THAT(Fields("a,b,c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Fields("single"), ElementsAre("single"));
  // Unquoted fields keep their bytes, spaces included.
  EXPECT_THAT(Fields(" a , b "), ElementsAre(" a ", " b "));
}

TEST(SplitCsvRecordTest, QuotedFields) {
  EXPECT_THAT(Fields("\"a,b\",c"), ElementsAre("a,b", "c"));
  EXPECT_THAT(Fields("x,\"line\nbreak\""), ElementsAre("x", "line\nbreak"));
  EXPECT_THAT(Fields("\"say \"\"hi\"\"\",\"\"\"\""),
              ElementsAre("say \"hi\"", "\""));
}

TEST(SplitCsvRecordTest, EmptyFields) {
  EXPECT_THAT(Fields(""), ElementsAre(""));
  EXPECT_THAT(Fields(",,"), ElementsAre("", "", ""));
  EXPECT_THAT(Fields("\"\",x,\"\""), ElementsAre("", "x", ""));
  EXPECT_THAT(Fields("a,b,"), ElementsAre("a", "b", ""));
  EXPECT_THAT(Fields("a,\"b\","), ElementsAre("a", "b", ""));
}

TEST(SplitCsvRecordTest, TrailingCarriageReturnIsDropped) {
  EXPECT_THAT(Fields("a,b\r"), ElementsAre("a", "b"));
  EXPECT_THAT(Fields("a,\"b\"\r"), ElementsAre("a", "b"));
  EXPECT_THAT(Fields("a,\r"), ElementsAre("a", ""));
  // Inside quotes a CR is data.
  EXPECT_THAT(Fields("\"a\r\""), ElementsAre("a\r"));
}

TEST(SplitCsvRecordTest, ManyQuotedFieldsStayValid) {
  // Views into the scratch buffer must survive later appends.
  std::string record;
  std::vector<std::string> expected;
  for (int i = 0; i < 60; ++i) {
    if (i > 0) record += ',';
    const std::string value = absl::StrCat("v\"", i, "\"", std::string(i, 'z'));
    expected.push_back(value);
    record += '"';
    for (char c : value) {
      if (c == '"') record += '"';
      record += c;
    }
    record += '"';
  }
  EXPECT_EQ(Fields(record), expected);
}

TEST(SplitCsvRecordTest, ReusesFieldsAndScratch) {
  std::vector<absl::string_view> fields = {"stale", "stale"};
  std::string scratch = "leftover";
  ASSERT_TRUE(SplitCsvRecord("\"x\"", &fields, &scratch).ok());
  EXPECT_THAT(fields, ElementsAre("x"));
  ASSERT_TRUE(SplitCsvRecord("p,\"q\"", &fields, &scratch).ok());
  EXPECT_THAT(fields, ElementsAre("p", "q"));
}

TEST(SplitCsvRecordTest, QuoteInsideUnquotedFieldNamesTheField) {
  const std::string message = SplitError("a,b\"c");
  EXPECT_THAT(message, HasSubstr("field 2"));
  EXPECT_THAT(message, HasSubstr("quote inside an unquoted field"));
  EXPECT_THAT(SplitError("5\" screen"), HasSubstr("field 1"));
}

TEST(SplitCsvRecordTest, TextAfterClosingQuoteNamesTheField) {
  std::string message = SplitError("\"a\"b,c");
  EXPECT_THAT(message, HasSubstr("field 1"));
  EXPECT_THAT(message, HasSubstr("after the closing quote"));
  message = SplitError("x,y,\"z\" ");
  EXPECT_THAT(message, HasSubstr("field 3"));
}

TEST(SplitCsvRecordTest, UnterminatedQuoteNamesTheField) {
  EXPECT_THAT(SplitError("a,\"open"), HasSubstr("field 2"));
}

// ---------------------------------------------------------------------------
// FindInvalidUtf8

constexpr size_t kClean = absl::string_view::npos;

TEST(FindInvalidUtf8Test, CleanText) {
  EXPECT_EQ(FindInvalidUtf8(""), kClean);
  EXPECT_EQ(FindInvalidUtf8("plain ASCII text, longer than eight bytes"),
            kClean);
  EXPECT_EQ(FindInvalidUtf8("caf\xC3\xA9"), kClean);           // 2 bytes
  EXPECT_EQ(FindInvalidUtf8("\xC2\x80"), kClean);              // U+0080
  EXPECT_EQ(FindInvalidUtf8("\xDF\xBF"), kClean);              // U+07FF
  EXPECT_EQ(FindInvalidUtf8("\xE2\x82\xAC 5"), kClean);        // euro
  EXPECT_EQ(FindInvalidUtf8("\xE0\xA0\x80"), kClean);          // U+0800
  EXPECT_EQ(FindInvalidUtf8("\xED\x9F\xBF"), kClean);          // U+D7FF
  EXPECT_EQ(FindInvalidUtf8("\xEE\x80\x80"), kClean);          // U+E000
  EXPECT_EQ(FindInvalidUtf8("\xEF\xBF\xBF"), kClean);          // U+FFFF
  EXPECT_EQ(FindInvalidUtf8("hi \xF0\x9F\x98\x80!"), kClean);  // emoji
  EXPECT_EQ(FindInvalidUtf8("\xF0\x90\x80\x80"), kClean);      // U+10000
  EXPECT_EQ(FindInvalidUtf8("\xF4\x8F\xBF\xBF"), kClean);      // U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("abcdefgh\xC3\xA9ijklmnop\xF0\x9F\x98\x80qrstuvw"),
            kClean);
}

// Every bad sequence is found at its own offset, whether it follows a short
// prefix or a long run of ASCII.
TEST(FindInvalidUtf8Test, ReportsTheOffsetOfTheFirstBadSequence) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"NUL", std::string("\0", 1)},
      {"lone continuation", "\x80"},
      {"truncated 2-byte", "\xC3"},
      {"truncated 2-byte then ASCII",
       "\xC3"
       "a"},
      {"truncated 3-byte", "\xE2\x82"},
      {"truncated 3-byte then ASCII", "\xE2\x82z"},
      {"truncated 4-byte", "\xF0\x9F\x98"},
      {"overlong '/' in 2 bytes", "\xC0\xAF"},
      {"overlong in 2 bytes (C1)", "\xC1\xBF"},
      {"overlong in 3 bytes", "\xE0\x80\xAF"},
      {"overlong in 4 bytes", "\xF0\x80\x80\xAF"},
      {"surrogate D800", "\xED\xA0\x80"},
      {"surrogate DFFF", "\xED\xBF\xBF"},
      {"past U+10FFFF", "\xF4\x90\x80\x80"},
      {"F5 lead", "\xF5\x80\x80\x80"},
      {"5-byte form", "\xF8\x88\x80\x80\x80"},
      {"FF", "\xFF"},
  };
  for (const auto& [what, sequence] : bad) {
    for (absl::string_view prefix :
         {"", "ab", "12345678", "0123456789abc", "caf\xC3\xA9 au lait"}) {
      const std::string text = absl::StrCat(prefix, sequence, "tail text");
      EXPECT_EQ(FindInvalidUtf8(text), prefix.size())
          << what << " after \"" << prefix << "\"";
    }
  }
}

TEST(FindInvalidUtf8Test, SequenceCutByTheEndOfText) {
  EXPECT_EQ(FindInvalidUtf8("ab\xC3"), 2u);
  EXPECT_EQ(FindInvalidUtf8("abcdefghij\xE2\x82"), 10u);
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98"), 0u);
}

TEST(FindInvalidUtf8Test, ReportsTheFirstOfSeveral) {
  const std::string text =
      std::string("0123456789\xC3\xA9") + std::string("\0", 1) + "x\xFF";
  EXPECT_EQ(FindInvalidUtf8(text), 12u);
}

}  // namespace
}  // namespace herald
