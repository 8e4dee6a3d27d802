#include "engine/http/curl_status.h"

#include "gtest/gtest.h"

namespace herald {
namespace {

const absl::Time kNow =
    absl::FromUnixSeconds(784111777);  // 1994-11-06 08:49:37Z

TEST(ParseRetryAfterTest, ReadsSecondsAndTheThreeDateForms) {
  EXPECT_EQ(ParseRetryAfter("120", kNow), absl::Seconds(120));
  EXPECT_EQ(ParseRetryAfter("0", kNow), absl::ZeroDuration());
  // RFC 9110's IMF-fixdate, obsolete RFC 850 and asctime forms, 30 s ahead.
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", kNow),
            absl::Seconds(30));
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:50:07 GMT", kNow),
            absl::Seconds(30));
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:50:07 1994", kNow),
            absl::Seconds(30));
}

TEST(ParseRetryAfterTest, APastDateIsNoWaitAndGarbageIsNothing) {
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", kNow),
            absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", kNow), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("99999999999999999999999", kNow), std::nullopt);
}

TEST(NameTheHostTest, PutsHostAndPortInFrontButNeverThePathOrUser) {
  EXPECT_EQ(NameTheHost("http://kannel:secret@127.0.0.1:13013/cgi-bin/"
                        "sendsms?password=hunter2",
                        "Connection refused"),
            "127.0.0.1:13013: Connection refused");
  EXPECT_EQ(NameTheHost("https://api.example.com/v2", "x"),
            "api.example.com:443: x");
  // Named already: left as it is.
  EXPECT_EQ(NameTheHost("http://localhost:8080/", "localhost refused"),
            "localhost refused");
}

TEST(StatusCodeForTest, ConnectionTroubleIsUnavailableTimeoutIsDeadline) {
  EXPECT_EQ(StatusCodeFor(CURLE_OPERATION_TIMEDOUT),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(StatusCodeFor(CURLE_COULDNT_CONNECT),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeFor(CURLE_PEER_FAILED_VERIFICATION),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeFor(CURLE_OUT_OF_MEMORY), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace herald
