// The upload's body parser: multipart/form-data as curl and browsers send
// it, fed in every way a network can cut it, into real files.
#include "engine/service/multipart_form.h"

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/base/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::HasSubstr;

constexpr char kContentType[] =
    "multipart/form-data; boundary=------------------------d74496d66958873e";
constexpr char kBoundary[] = "--------------------------d74496d66958873e";

std::string Part(absl::string_view disposition, absl::string_view body) {
  return absl::StrCat(kBoundary, "\r\nContent-Disposition: form-data; ",
                      disposition, "\r\n\r\n", body, "\r\n");
}

// What `curl -F name=... -F file=@contacts.csv` sends.
std::string CurlBody(absl::string_view name, absl::string_view file) {
  return absl::StrCat(
      Part(absl::StrCat("name=\"name\""), name), kBoundary,
      "\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"contacts.csv\"\r\nContent-Type: text/csv\r\n\r\n",
      file, "\r\n", kBoundary, "--\r\n");
}

class MultipartFormTest : public ::testing::Test {
 protected:
  MultipartFormOptions Options() {
    MultipartFormOptions options;
    options.file_dir = dir_.path();
    options.file_fields = {"file"};
    options.text_fields = {"name", "useCustomFields"};
    return options;
  }

  std::shared_ptr<MultipartForm> NewForm() {
    absl::StatusOr<std::shared_ptr<MultipartForm>> form =
        MultipartForm::Create(kContentType, Options());
    EXPECT_TRUE(form.ok()) << form.status();
    return form.ok() ? *form : nullptr;
  }

  // Feeds `body` in pieces of the sizes `cut` gives, then finishes.
  template <typename Cut>
  absl::Status Feed(MultipartForm& form, absl::string_view body, Cut cut) {
    while (!body.empty()) {
      const size_t n = std::min(body.size(), std::max<size_t>(1, cut()));
      if (absl::Status s = form.Append(body.substr(0, n)); !s.ok()) return s;
      body.remove_prefix(n);
    }
    return form.Finish();
  }

  size_t FilesInDir() const {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      n += e.is_regular_file() ? 1 : 0;
    }
    return n;
  }

  TempDir dir_;
};

// A file holding what looks like the start of a boundary (a CRLF and two
// dashes, most of the boundary), binary bytes and NULs.
const std::string& TrickyFile() {
  static const std::string* file = new std::string(
      absl::StrCat("phoneNumber,note\r\n2135551001,\"a\r\n--not the end\"\r\n",
                   "2135551002,", std::string(kBoundary).substr(0, 30), "\r\n",
                   std::string("\0\xff\r\n--\r\n-", 9), "\r\n"));
  return *file;
}

TEST_F(MultipartFormTest, ReadsFieldsAndTheFileHoweverTheBodyIsCut) {
  const std::string body = CurlBody("My List", TrickyFile());
  std::mt19937 random(7);
  for (int cut : {0, 1, 2, 3, 7, 64, 1 << 20}) {
    SCOPED_TRACE(absl::StrCat("pieces of ", cut, " (0: random)"));
    std::shared_ptr<MultipartForm> form = NewForm();
    std::uniform_int_distribution<int> size(1, 100);
    ASSERT_TRUE(
        Feed(*form, body, [&] { return cut ? cut : size(random); }).ok());
    EXPECT_EQ(form->texts().at("name"), "My List");
    EXPECT_EQ(form->FileName("file"), "contacts.csv");
    const std::string path = form->TakeFile("file");
    absl::StatusOr<std::string> written = ReadFile(path);
    ASSERT_TRUE(written.ok()) << written.status();
    EXPECT_EQ(*written, TrickyFile());
    std::filesystem::remove(path);
  }
}

TEST_F(MultipartFormTest, AnEmptyFileAndAPreambleAndEpilogue) {
  std::shared_ptr<MultipartForm> form = NewForm();
  const std::string body = absl::StrCat(
      "a preamble to ignore\r\n", CurlBody("", ""), "an epilogue to ignore");
  ASSERT_TRUE(Feed(*form, body, [] { return 5; }).ok());
  EXPECT_EQ(form->texts().at("name"), "");
  EXPECT_EQ(*ReadFile(form->TakeFile("file")), "");
}

TEST_F(MultipartFormTest, FilesNotTakenAreRemoved) {
  {
    std::shared_ptr<MultipartForm> form = NewForm();
    ASSERT_TRUE(form->Append(CurlBody("x", "phoneNumber\n1\n")).ok());
    EXPECT_EQ(FilesInDir(), 1u);
  }
  EXPECT_EQ(FilesInDir(), 0u) << "a refused upload left its file behind";
}

TEST_F(MultipartFormTest, RefusesWhatIsNotAWellFormedForm) {
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {CurlBody("x", "y").substr(0, 150), "ends before its closing boundary"},
      {absl::StrCat(Part("name=\"colour\"", "red"), kBoundary, "--"),
       "colour: unknown field; expected file, name, useCustomFields"},
      {absl::StrCat(Part("name=\"name\"", "a"), Part("name=\"name\"", "b"),
                    kBoundary, "--"),
       "name: the field comes twice"},
      {absl::StrCat(Part("filename=\"a.csv\"", "a"), kBoundary, "--"),
       "a part has no Content-Disposition name"},
      {absl::StrCat(Part("name=\"name\"", std::string(70'000, 'n')), kBoundary,
                    "--"),
       "name: longer than 65536 bytes"},
      {absl::StrCat(kBoundary, "\r\n", std::string(20'000, 'h')),
       "a part's header is longer than 16384 bytes"},
      {absl::StrCat(kBoundary, "junk\r\n"), "text after a boundary"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.error);
    std::shared_ptr<MultipartForm> form = NewForm();
    absl::Status s = Feed(*form, c.body, [] { return 1000; });
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr(c.error));
  }
}

TEST_F(MultipartFormTest, NeedsAMultipartContentTypeWithABoundary) {
  for (const char* type : {"application/json", "multipart/form-data",
                           "multipart/form-data; "
                           "boundary=",
                           "multipart/mixed; boundary=abc"}) {
    SCOPED_TRACE(type);
    absl::StatusOr<std::shared_ptr<MultipartForm>> form =
        MultipartForm::Create(type, Options());
    EXPECT_EQ(form.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(form.status().message(), HasSubstr("Content-Type"));
  }
  // A quoted boundary is a boundary.
  absl::StatusOr<std::shared_ptr<MultipartForm>> quoted = MultipartForm::Create(
      "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"", Options());
  ASSERT_TRUE(quoted.ok()) << quoted.status();
  ASSERT_TRUE((*quoted)
                  ->Append("--a b\r\nContent-Disposition: form-data; "
                           "name=\"name\"\r\n\r\nv\r\n--a b--")
                  .ok());
  ASSERT_TRUE((*quoted)->Finish().ok());
  EXPECT_EQ((*quoted)->texts().at("name"), "v");
}

// A file size limit (RLIMIT_FSIZE) stands in for a full disk: the write
// fails as it would with ENOSPC, and the client is told the server has no
// room rather than that its request was wrong.
TEST_F(MultipartFormTest, NoRoomForTheFileIsResourceExhausted) {
  std::shared_ptr<MultipartForm> form = NewForm();
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit small = saved;
  small.rlim_cur = 32 << 10;
  void (*previous)(int) = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  absl::Status s = Feed(*form, CurlBody("x", std::string(1 << 16, 'z')),
                        [] { return 4096; });
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(s.message(), HasSubstr("the upload: cannot be written"));
  EXPECT_THAT(s.message(), ::testing::Not(HasSubstr(dir_.path())));
}

}  // namespace
}  // namespace herald
