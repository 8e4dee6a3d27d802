// A contact list as a platform sends one: a generated CSV of a million
// rows uploaded to `herald serve` with the curl command line (multipart,
// Expect: 100-continue), used as a broadcast's batch, and every row ends
// as the generator says it should.
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/http_test_client.h"
#include "tests/serve_process.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::HasSubstr;
using testing::HttpCall;
using testing::HttpReply;
using testing::Send;
using testing::ServeProcess;

constexpr int kRows = 1'000'000;

class ContactListUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string users = dir_.Write("users", "mary:s3cret\n");
    ::chmod(users.c_str(), 0600);
    serve_ = std::make_unique<ServeProcess>(
        std::vector<std::string>{"--state", dir_.File("state"), "--listen",
                                 "127.0.0.1:0", "--credentials", users},
        dir_.File("serve.log"));
    ASSERT_NE(serve_->port(), 0) << ReadWholeFile(dir_.File("serve.log"));
  }

  std::string Url(absl::string_view path) const {
    return absl::StrCat("http://127.0.0.1:", serve_->port(), path);
  }

  HttpReply Call(absl::string_view method, absl::string_view path,
                 absl::string_view body = "") {
    HttpCall call;
    call.method = std::string(method);
    call.url = Url(path);
    call.body = std::string(body);
    call.user_password = "mary:s3cret";
    return Send(call);
  }

  // `curl -F` of `file` as the list `name`: curl's status and output.
  int Upload(const std::string& file, absl::string_view name,
             std::string* output) {
    return RunCommand(
        absl::StrCat("curl -sS -u mary:s3cret -F 'name=", name, "' -F 'file=@",
                     file, "' -w '\\n%{http_code}' ",
                     Url("/v2/contacts/lists/upload")),
        output);
  }

  TempDir dir_;
  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(ContactListUploadTest, AMillionRowUploadIsABatchThatEndsAsGenerated) {
  const std::string contacts = dir_.File("donors.csv");
  std::string generated;
  ASSERT_EQ(RunCommand(absl::StrCat(HERALD_GEN_BINARY, " --rows ", kRows,
                                    " --seed 11 --dup-rate 0.01 "
                                    "--invalid-rate 0.01 --out ",
                                    contacts),
                       &generated),
            0)
      << generated;
  // "herald-gen: 1000000 rows: V valid (...), I invalid; ..."
  uint64_t valid = 0, invalid = 0;
  {
    const size_t rows_at = generated.find(" rows: ");
    ASSERT_NE(rows_at, std::string::npos) << generated;
    const std::string rest = generated.substr(rows_at + 7);
    ASSERT_TRUE(absl::SimpleAtoi(rest.substr(0, rest.find(' ')), &valid));
    const size_t invalid_at = rest.find(" invalid");
    const size_t before = rest.rfind(' ', invalid_at - 1);
    ASSERT_TRUE(absl::SimpleAtoi(
        rest.substr(before + 1, invalid_at - before - 1), &invalid));
    ASSERT_EQ(valid + invalid, static_cast<uint64_t>(kRows));
  }

  std::string uploaded;
  ASSERT_EQ(Upload(contacts, "Donors", &uploaded), 0) << uploaded;
  EXPECT_EQ(uploaded, "{\"id\":1}\n200");
  nlohmann::json list = Call("GET", "/v2/contacts/lists/1").Json();
  EXPECT_EQ(list["name"], "Donors");
  EXPECT_EQ(list["size"], kRows);
  EXPECT_EQ(list["status"], "ACTIVE");
  nlohmann::json page =
      Call("GET", "/v2/contacts/lists/1/items?offset=999999&limit=5").Json();
  EXPECT_EQ(page["totalCount"], kRows);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["id"], 10'001'000'000);

  HttpReply created = Call("POST", "/v2/texts/broadcasts",
                           R"({"name":"gala","fromNumber":"19206596476",)"
                           R"("message":"Hi ${firstName}, see you Saturday"})");
  ASSERT_EQ(created.status, 200) << created.body;
  HttpReply batch =
      Call("POST", "/v2/texts/broadcasts/1/batches", R"({"contactListId":1})");
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_EQ(batch.Json()["id"], 1001);
  // The list may go: the batch has its own link to the file.
  EXPECT_EQ(Call("DELETE", "/v2/contacts/lists/1").status, 204);
  EXPECT_EQ(Call("GET", "/v2/contacts/lists/1").status, 404);
  ASSERT_EQ(Call("POST", "/v2/texts/broadcasts/1/start").status, 200);

  std::string status;
  for (int i = 0; i < 1200 && status != "FINISHED"; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    status = Call("GET", "/v2/texts/broadcasts/1?fields=status")
                 .Json()
                 .value("status", "");
  }
  ASSERT_EQ(status, "FINISHED");
  nlohmann::json stats = Call("GET", "/v2/texts/broadcasts/1/stats").Json();
  EXPECT_EQ(stats["sentCount"], valid);
  EXPECT_EQ(stats["invalidCount"], invalid);
  EXPECT_EQ(stats["totalCount"], kRows);
  nlohmann::json batches = Call("GET", "/v2/texts/broadcasts/1/batches").Json();
  EXPECT_EQ(batches["items"][0]["name"], "Donors");
  EXPECT_EQ(batches["items"][0]["size"], kRows);
}

TEST_F(ContactListUploadTest, ABadUploadIsNamedAndLeavesNothing) {
  std::string out;
  ASSERT_EQ(Upload(dir_.Write("names.csv", "firstName\nAda\n"), "x", &out), 0);
  EXPECT_THAT(out, HasSubstr("names.csv: line 1: header"));
  EXPECT_THAT(out, HasSubstr("\n400"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("uploads/")))
      << "the spool file's path is the server's business";
  // Not a form at all.
  HttpReply json = Call("POST", "/v2/contacts/lists/upload", "{}");
  EXPECT_EQ(json.status, 400);
  EXPECT_THAT(json.body, HasSubstr("multipart/form-data"));
  // An unknown field, by name.
  ASSERT_EQ(RunCommand(absl::StrCat("curl -sS -u mary:s3cret -F colour=red ",
                                    "-F 'file=@", dir_.File("names.csv"), "' ",
                                    Url("/v2/contacts/lists/upload")),
                       &out),
            0);
  EXPECT_THAT(out, HasSubstr("colour: unknown field"));
  EXPECT_EQ(Call("GET", "/v2/contacts/lists").Json()["totalCount"], 0);
  size_t spooled = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(dir_.File("state/uploads"))) {
    spooled += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(spooled, 0u);
  // Without credentials the upload is never read.
  ASSERT_EQ(RunCommand(absl::StrCat("curl -sS -o /dev/null -w '%{http_code}' ",
                                    "-F 'file=@", dir_.File("names.csv"), "' ",
                                    Url("/v2/contacts/lists/upload")),
                       &out),
            0);
  EXPECT_EQ(out, "401");
}

}  // namespace
}  // namespace herald
