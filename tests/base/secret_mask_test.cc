#include "engine/base/secret_mask.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kUser[] = "u";
constexpr char kPassword[] = "Evil-Pw d/&=+";

// Issue 14: a provider whose error page echoes the request headers put the
// base64 of user:password into every output.
TEST(SecretMaskTest, MasksThePasswordInEveryEncoding) {
  const SecretMask mask(kUser, kPassword);
  const std::string basic = absl::Base64Escape("u:Evil-Pw d/&=+");
  for (const std::string& echo :
       {std::string("password=Evil-Pw d/&=+"),
        std::string("password=Evil-Pw%20d%2F%26%3D%2B"),
        std::string("password=Evil-Pw%20d%2f%26%3d%2b"),
        std::string("password=Evil-Pw+d%2F%26%3D%2B"), "X-Echo: " + basic,
        "X-Echo: " + basic.substr(0, basic.find('='))}) {
    const std::string masked = mask.Mask(echo);
    EXPECT_THAT(masked, HasSubstr("****")) << echo;
    EXPECT_THAT(masked, Not(HasSubstr("Evil"))) << echo;
    EXPECT_THAT(masked, Not(HasSubstr(basic.substr(0, 12)))) << echo;
  }
}

TEST(SecretMaskTest, MasksAuthorizationValuesAndSchemeTokens) {
  const SecretMask mask;  // no password known: a templated token, say
  EXPECT_EQ(mask.Mask("GET / HTTP/1.1\r\nAuthorization: Basic dTpFdmlsLVB3\r\n"
                      "Host: x\r\n"),
            "GET / HTTP/1.1\r\nAuthorization: ****\r\nHost: x\r\n");
  EXPECT_EQ(mask.Mask("{\"authorization\":\"Bearer abc.def-123\",\"a\":1}"),
            "{\"authorization\":\"****\",\"a\":1}");
  EXPECT_EQ(mask.Mask("token was Bearer eyJhbGciOiJIUzI1NiJ9 ok"),
            "token was Bearer **** ok");
  // Masking what was masked before changes nothing.
  const std::string once =
      mask.Mask("Authorization: Basic dTpFdmlsLVB3\r\nA: b");
  EXPECT_EQ(mask.Mask("x Authorization: ****  A: b \"c\""),
            "x Authorization: ****  A: b \"c\"");
  EXPECT_EQ(mask.Mask(once), once);
  // Words are not secrets.
  EXPECT_EQ(mask.Mask("Authorization required. Basic plan only."),
            "Authorization required. Basic plan only.");
}

}  // namespace
}  // namespace herald
