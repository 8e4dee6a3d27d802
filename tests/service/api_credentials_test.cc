#include "engine/service/api_credentials.h"

#include <sys/stat.h>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

std::string Write(const TempDir& dir, const std::string& name,
                  const std::string& text, mode_t mode) {
  const std::string path = dir.Write(name, text);
  ::chmod(path.c_str(), mode);
  return path;
}

std::string Basic(const std::string& user_password) {
  return "Basic " + absl::Base64Escape(user_password);
}

TEST(ApiCredentialsTest, AcceptsEachUserWithItsOwnPasswordOnly) {
  TempDir dir;
  absl::StatusOr<ApiCredentials> users = ApiCredentials::Load(
      Write(dir, "users", "# API users\nmary:s3cret:with:colons\n\nbob:pw\r\n",
            0600));
  ASSERT_TRUE(users.ok()) << users.status();
  EXPECT_EQ(users->users(), 2);
  EXPECT_TRUE(users->Accepts(Basic("mary:s3cret:with:colons")));
  EXPECT_TRUE(users->Accepts(Basic("bob:pw")));
  EXPECT_TRUE(users->Accepts("basic " + absl::Base64Escape("bob:pw")));
  EXPECT_FALSE(users->Accepts(Basic("bob:s3cret:with:colons")));
  EXPECT_FALSE(users->Accepts(Basic("mary:pw")));
  EXPECT_FALSE(users->Accepts(Basic("bob:pw ")));
  EXPECT_FALSE(users->Accepts(Basic("bob")));
  EXPECT_FALSE(users->Accepts("Bearer " + absl::Base64Escape("bob:pw")));
  EXPECT_FALSE(users->Accepts("Basic !!!"));
  EXPECT_FALSE(users->Accepts(""));
}

TEST(ApiCredentialsTest, RefusesAFileOthersCanRead) {
  TempDir dir;
  absl::StatusOr<ApiCredentials> users =
      ApiCredentials::Load(Write(dir, "open-users", "mary:pw\n", 0644));
  ASSERT_FALSE(users.ok());
  EXPECT_EQ(users.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(users.status().message().find("pw\n"), std::string::npos);
}

TEST(ApiCredentialsTest, NamesTheBadLineAndNeverThePassword) {
  TempDir dir;
  const struct {
    const char* text;
    const char* error;
  } cases[] = {
      {"mary:hunter2\nbob\n", "line 2: expected username:password"},
      {":hunter2\n", "line 1: the username is empty"},
      {"mary:\n", "line 1: the password is empty"},
      {"mary:hunter2\nmary:hunter3\n", "line 2: user \"mary\" is given twice"},
      {"# only a comment\n", "no username:password line"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<ApiCredentials> users =
        ApiCredentials::Load(Write(dir, "bad-users", c.text, 0600));
    ASSERT_FALSE(users.ok()) << c.text;
    EXPECT_NE(users.status().message().find(c.error), std::string::npos)
        << users.status();
    EXPECT_EQ(users.status().message().find("hunter"), std::string::npos)
        << users.status();
  }
}

}  // namespace
}  // namespace herald
