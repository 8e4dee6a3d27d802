// Micro-benchmarks of the per-row work on the hot path.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "engine/ingest/csv_reader.h"
#include "engine/ingest/number_set.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/message_template.h"
#include "engine/message/sms_encoding.h"

namespace herald {
namespace {

std::vector<std::string> TypedNumbers() {
  const char* kForms[] = {"+1 (%s) %s-%s", "%s.%s.%s", "%s%s%s", "1-%s-%s-%s"};
  std::mt19937_64 rng(7);
  std::vector<std::string> out;
  for (int i = 0; i < 4096; ++i) {
    char buf[64];
    const std::string npa = absl::StrCat(200 + rng() % 700);
    const std::string nxx = absl::StrCat(200 + rng() % 700);
    const std::string line = absl::StrCat(1000 + rng() % 9000);
    snprintf(buf, sizeof(buf), kForms[i % 4], npa.c_str(), nxx.c_str(),
             line.c_str());
    out.push_back(buf);
  }
  return out;
}

void BM_ParseNanpNumber(benchmark::State& state) {
  const std::vector<std::string> numbers = TypedNumbers();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseNanpNumber(numbers[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseNanpNumber);

void BM_SplitCsvRecord(benchmark::State& state) {
  const std::string record =
      "+1 (213) 555-1234,Alice,\"Smith, Jr.\",Los Angeles,90012,25.00\r";
  std::vector<absl::string_view> fields;
  std::string scratch;
  for (auto _ : state) {
    benchmark::DoNotOptimize(SplitCsvRecord(record, &fields, &scratch));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SplitCsvRecord);

void BM_NumberSetInsert(benchmark::State& state) {
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    NumberSet set;
    for (int64_t i = 0; i < state.range(0); ++i) {
      set.Insert(12000000000ull + rng() % 8000000000ull);
    }
    benchmark::DoNotOptimize(set.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_NumberSetInsert)->Arg(1 << 20)->Arg(10 << 20);

void BM_RenderTemplate(benchmark::State& state) {
  const std::vector<std::string> columns = {"phoneNumber", "firstName",
                                            "amount", "city"};
  const MessageTemplate message = *MessageTemplate::Compile(
      "Hi ${firstName}, thank you for your gift of ${amount} to the "
      "${city} charity weekend. Reply STOP to opt out.",
      columns);
  const std::vector<absl::string_view> fields = {"2135551234", "Alice", "25.00",
                                                 "Beaufort"};
  std::string out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(message.Render(fields, &out));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderTemplate);

// A typical rendered message: 120 ASCII characters.
constexpr char kAsciiMessage[] =
    "Hi Alicia, thank you for your gift of 25.00 to the Beaufort charity "
    "weekend. See you on Saturday! Reply STOP to opt out.";

void BM_SegmentAscii(benchmark::State& state) {
  const std::string text = kAsciiMessage;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Segment(text));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(absl::StrCat(text.size(), " bytes"));
}
BENCHMARK(BM_SegmentAscii);

// The same length with one emoji, which makes the whole message UCS-2.
void BM_SegmentUcs2(benchmark::State& state) {
  std::string text = kAsciiMessage;
  text.replace(text.find("!"), 1, "\xF0\x9F\x8E\x89");  // U+1F389
  for (auto _ : state) {
    benchmark::DoNotOptimize(Segment(text));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(absl::StrCat(text.size(), " bytes"));
}
BENCHMARK(BM_SegmentUcs2);

// The Messages issue's figure: render a 120-character message from a template
// with three placeholders, then find its encoding and count its segments, as
// every worker does for every row.
void BM_RenderEncodeCount(benchmark::State& state) {
  const std::vector<std::string> columns = {"phoneNumber", "firstName",
                                            "amount", "city"};
  const MessageTemplate message = *MessageTemplate::Compile(
      "Hi ${firstName}, thank you for your gift of ${amount} to the ${city} "
      "charity weekend. See you on Saturday! Reply STOP to opt out.",
      columns);
  const std::vector<absl::string_view> fields = {"2135551234", "Alicia",
                                                 "25.00", "Beaufort"};
  std::string out;
  int segments = 0;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(message.Render(fields, &out));
    segments += Segment(out).segments;
  }
  benchmark::DoNotOptimize(segments);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(absl::StrCat(out.size(), " characters"));
}
BENCHMARK(BM_RenderEncodeCount);

}  // namespace
}  // namespace herald

BENCHMARK_MAIN();
