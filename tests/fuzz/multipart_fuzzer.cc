// Upload bodies (MultipartForm) made of arbitrary bytes, cut into arbitrary
// pieces: the same body gives the same fields, file and error however it is
// cut, errors are text, and no file outlives a form that did not hand it on.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/base/file_io.h"
#include "engine/service/multipart_form.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

const std::string& Dir() {
  static const std::string* dir = [] {
    char pattern[] = "/tmp/herald-fuzz-multipart-XXXXXX";
    return new std::string(mkdtemp(pattern));
  }();
  return *dir;
}

struct Outcome {
  bool ok = false;
  std::string error;
  std::map<std::string, std::string> texts;
  std::string file;
  bool has_file = false;
};

Outcome Parse(absl::string_view content_type, absl::string_view body,
              const std::vector<size_t>& cuts) {
  Outcome outcome;
  MultipartFormOptions options;
  options.file_dir = Dir();
  options.file_fields = {"file"};
  options.text_fields = {"name", "useCustomFields"};
  options.max_text_bytes = 64;
  options.max_part_header_bytes = 256;
  absl::StatusOr<std::shared_ptr<MultipartForm>> form =
      MultipartForm::Create(content_type, options);
  if (!form.ok()) {
    outcome.error = std::string(form.status().message());
    return outcome;
  }
  absl::Status s;
  size_t at = 0;
  for (size_t cut : cuts) {
    if (!s.ok() || cut <= at || cut > body.size()) continue;
    s = (*form)->Append(body.substr(at, cut - at));
    at = cut;
  }
  if (s.ok()) s = (*form)->Append(body.substr(at));
  if (s.ok()) s = (*form)->Finish();
  outcome.ok = s.ok();
  outcome.error = std::string(s.message());
  FUZZ_CHECK_UTF8(outcome.error);
  if (s.ok()) {
    outcome.texts = (*form)->texts();
    outcome.has_file = (*form)->HasFile("file");
    if (outcome.has_file) {
      const std::string path = (*form)->TakeFile("file");
      absl::StatusOr<std::string> file = ReadFile(path);
      FUZZ_CHECK(file.ok());
      outcome.file = *file;
      std::filesystem::remove(path);
    }
  }
  return outcome;
}

void FuzzOne(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  const std::string boundary = input.ConsumeBool()
                                   ? "xyz"
                                   : input.ConsumeRandomLengthString(8);
  const std::string content_type =
      absl::StrCat("multipart/form-data; boundary=", boundary);
  std::vector<size_t> cuts;
  for (int i = input.ConsumeIntegralInRange(0, 8); i > 0; --i) {
    cuts.push_back(input.ConsumeIntegralInRange<size_t>(0, 4096));
  }
  std::sort(cuts.begin(), cuts.end());
  const std::string body = input.ConsumeRemainingBytesAsString();
  const Outcome whole = Parse(content_type, body, {});
  const Outcome pieces = Parse(content_type, body, cuts);
  FUZZ_CHECK(whole.ok == pieces.ok);
  FUZZ_CHECK_TEXT(whole.error == pieces.error, body);
  FUZZ_CHECK(whole.texts == pieces.texts);
  FUZZ_CHECK(whole.has_file == pieces.has_file);
  FUZZ_CHECK(whole.file == pieces.file);
  // Nothing left behind: every form is gone and its files with it.
  FUZZ_CHECK(std::filesystem::is_empty(Dir()));
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(data, size);
  return 0;
}
