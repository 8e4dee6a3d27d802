// The Kannel harness itself: a real bearerbox, smsbox and fakesmsc on
// 127.0.0.1, driven through cgi-bin/sendsms with libcurl, and what fakesmsc
// printed parsed back.
#include <curl/curl.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/kannel_harness.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;
using Kind = FakeSmscMessage::Kind;

constexpr char kNoKannel[] =
    "Kannel is not installed (/usr/sbin/bearerbox, /usr/sbin/smsbox, "
    "/usr/lib/kannel/test/fakesmsc): tools/install-deps.sh installs the "
    "Debian packages kannel and kannel-extras";

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// One libcurl easy handle, reused so requests share a connection.
class Client {
 public:
  Client() : curl_(curl_easy_init()) {}
  ~Client() { curl_easy_cleanup(curl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // URL-encodes `bytes` (any bytes, NULs included).
  std::string Escape(absl::string_view bytes) {
    char* escaped =
        curl_easy_escape(curl_, bytes.data(), static_cast<int>(bytes.size()));
    std::string out(escaped);
    curl_free(escaped);
    return out;
  }

  // GETs `url`; returns the HTTP status (0 when no answer came) and the
  // body in *body.
  long Get(const std::string& url, std::string* body) {
    body->clear();
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_PROXY, "");
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, body);
    if (curl_easy_perform(curl_) != CURLE_OK) return 0;
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    return status;
  }

 private:
  CURL* curl_;
};

// UTF-8 → UTF-16BE for the characters the tests use (all in the BMP).
std::string Utf8ToUtf16Be(absl::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    const unsigned char c = utf8[i];
    char32_t cp;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c < 0xE0) {
      cp = ((c & 0x1F) << 6) | (utf8[i + 1] & 0x3F);
      i += 2;
    } else {
      cp = ((c & 0x0F) << 12) | ((utf8[i + 1] & 0x3F) << 6) |
           (utf8[i + 2] & 0x3F);
      i += 3;
    }
    out += static_cast<char>(cp >> 8);
    out += static_cast<char>(cp & 0xFF);
  }
  return out;
}

// Sends a broadcast of 52 distinct messages through Kannel's sendsms: 50
// GSM-7 texts (some with é, € and braces), one UCS-2 text given as
// UTF-16BE, and one of 200 characters that Kannel splits in two
// concatenated parts. Every request is accepted with 202, and once Kannel
// has been stopped fakesmsc has printed each message exactly once, with its
// sender, receiver and text.
TEST(KannelHarnessTest, EverySendsmsMessageReachesFakeSmscExactlyOnce) {
  if (!KannelInstalled()) GTEST_SKIP() << kNoKannel;
  TempDir dir;
  const absl::Time began = absl::Now();
  absl::StatusOr<std::unique_ptr<KannelHarness>> kannel =
      KannelHarness::Start(dir.path());
  ASSERT_TRUE(kannel.ok()) << kannel.status();
  KannelHarness& k = **kannel;
  const absl::Duration startup = absl::Now() - began;

  Client client;
  // (to, text) of every message sent; texts are UTF-8.
  std::vector<std::pair<std::string, std::string>> sent;
  auto send = [&](const std::string& to, const std::string& text,
                  absl::string_view extra) {
    std::string body;
    const std::string url =
        absl::StrCat(k.sendsms_url(), "?username=", client.Escape(k.username()),
                     "&password=", client.Escape(k.password()),
                     "&from=19206596476&to=", to, extra, "&text=");
    const std::string payload =
        extra.empty() ? text : Utf8ToUtf16Be(text);  // extra: coding=2
    const long status = client.Get(url + client.Escape(payload), &body);
    EXPECT_EQ(status, 202) << to << ": " << body;
    EXPECT_EQ(body, "0: Accepted for delivery") << to;
    sent.emplace_back(to, text);
  };
  for (int i = 0; i < 50; ++i) {
    send(absl::StrFormat("1555010%04d", i),
         absl::StrCat("Beaufort weekend #", i,
                      i % 5 == 0 ? ": caf\xC3\xA9 \xE2\x82\xAC"
                                   "5 {ok}"
                                 : ": join us & bring 100% of a friend"),
         "");
  }
  // "Привет, мир! 你好" as UTF-16BE.
  send("15550200001",
       "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, "
       "\xD0\xBC\xD0\xB8\xD1\x80! \xE4\xBD\xA0\xE5\xA5\xBD",
       "&coding=2&charset=UTF-16BE");
  send("15550200002", std::string(160, 'L') + std::string(40, 'M'), "");
  const absl::Time all_sent = absl::Now();

  // 50 + 1 + the two parts of the long one.
  const std::vector<FakeSmscMessage> early =
      k.WaitForMessages(53, absl::Seconds(10));
  const absl::Duration delivery = absl::Now() - all_sent;
  EXPECT_EQ(early.size(), 53u) << "see " << dir.path() << "/fakesmsc.log";
  // Stopped, Kannel can deliver nothing more: what fakesmsc printed is all.
  const absl::Time stopping = absl::Now();
  const absl::Status stopped = k.Stop();
  EXPECT_TRUE(stopped.ok()) << stopped;
  const absl::Duration stop = absl::Now() - stopping;
  std::fprintf(stderr, "start-up %s, delivery %s, stop %s\n",
               absl::FormatDuration(startup).c_str(),
               absl::FormatDuration(delivery).c_str(),
               absl::FormatDuration(stop).c_str());

  const std::vector<FakeSmscMessage> parts = k.ReceivedMessages();
  EXPECT_EQ(parts.size(), 53u);
  const std::vector<FakeSmscMessage> received = Reassemble(parts);
  std::vector<std::pair<std::string, std::string>> got;
  for (const FakeSmscMessage& m : received) {
    EXPECT_NE(m.kind, Kind::kUnparsed) << m.raw;
    EXPECT_EQ(m.from, "19206596476") << m.raw;
    got.emplace_back(m.to, m.text);
    if (m.to == "15550200001") {
      EXPECT_EQ(m.kind, Kind::kUcs2);
    }
    if (m.to == "15550200002") {
      EXPECT_EQ(m.kind, Kind::kUdh);
      EXPECT_EQ(m.parts, 2);
    }
  }
  // Exactly once each: the multisets are equal.
  EXPECT_THAT(got, UnorderedElementsAreArray(sent));
}

// The socket inodes of `pid`'s open sockets.
std::set<std::string> SocketInodes(pid_t pid) {
  std::set<std::string> inodes;
  const std::string fd_dir = absl::StrCat("/proc/", pid, "/fd");
  DIR* d = opendir(fd_dir.c_str());
  if (d == nullptr) return inodes;
  while (dirent* e = readdir(d)) {
    char target[256];
    const std::string link = absl::StrCat(fd_dir, "/", e->d_name);
    const ssize_t n = readlink(link.c_str(), target, sizeof(target) - 1);
    if (n <= 0) continue;
    absl::string_view t(target, static_cast<size_t>(n));
    if (absl::ConsumePrefix(&t, "socket:[") && absl::ConsumeSuffix(&t, "]")) {
      inodes.insert(std::string(t));
    }
  }
  closedir(d);
  return inodes;
}

// Rows of /proc/net/`table` ("local_address" and "st" and "inode" columns)
// whose inode is in `inodes`, as "table local_address state".
std::vector<std::string> Sockets(const std::string& table,
                                 const std::set<std::string>& inodes) {
  std::vector<std::string> rows;
  std::ifstream in("/proc/net/" + table);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const std::vector<std::string> f =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() > 9 && inodes.count(f[9]) > 0) {
      rows.push_back(absl::StrCat(table, " ", f[1], " ", f[3]));
    }
  }
  return rows;
}

// While running, bearerbox, smsbox and fakesmsc listen on exactly the four
// ports the harness picked, all on 127.0.0.1, and hold no UDP or IPv6
// sockets; Stop() ends all three cleanly (SIGTERM was enough) and reaps them.
TEST(KannelHarnessTest, ListensOnLoopbackOnlyAndStopsCleanly) {
  if (!KannelInstalled()) GTEST_SKIP() << kNoKannel;
  TempDir dir;
  absl::StatusOr<std::unique_ptr<KannelHarness>> kannel =
      KannelHarness::Start(dir.path());
  ASSERT_TRUE(kannel.ok()) << kannel.status();
  KannelHarness& k = **kannel;

  std::set<std::string> inodes;
  const std::vector<pid_t> pids = k.pids();
  for (pid_t pid : pids) {
    ASSERT_NE(pid, 0);
    inodes.merge(SocketInodes(pid));
  }
  ASSERT_FALSE(inodes.empty());
  std::vector<std::string> listening;
  for (const std::string& row : Sockets("tcp", inodes)) {
    if (absl::EndsWith(row, " 0A")) listening.push_back(row);  // LISTEN
  }
  auto loopback = [](uint16_t port) {
    return absl::StrFormat("tcp 0100007F:%04X 0A", port);
  };
  EXPECT_THAT(listening,
              UnorderedElementsAreArray(
                  {loopback(k.admin_port()), loopback(k.smsbox_port()),
                   loopback(k.fake_smsc_port()), loopback(k.sendsms_port())}));
  EXPECT_THAT(Sockets("tcp6", inodes), IsEmpty());
  EXPECT_THAT(Sockets("udp", inodes), IsEmpty());
  EXPECT_THAT(Sockets("udp6", inodes), IsEmpty());

  const absl::Status stopped = k.Stop();
  EXPECT_TRUE(stopped.ok()) << stopped;
  EXPECT_THAT(k.pids(), ElementsAre(0, 0, 0));
  for (pid_t pid : pids) {
    EXPECT_EQ(kill(pid, 0), -1) << pid << " still exists";
  }
  EXPECT_TRUE(k.Stop().ok());  // idempotent
}

// Start() refuses a work_dir kannel.conf cannot name, and one it cannot
// write into, before starting anything.
TEST(KannelHarnessTest, StartRejectsUnusableWorkDir) {
  if (!KannelInstalled()) GTEST_SKIP() << kNoKannel;
  TempDir dir;
  const std::string quoted = dir.path() + "/a\"b";
  absl::StatusOr<std::unique_ptr<KannelHarness>> kannel =
      KannelHarness::Start(quoted);
  EXPECT_EQ(kannel.status().code(), absl::StatusCode::kInvalidArgument);
  kannel = KannelHarness::Start(dir.path() + "/missing");
  EXPECT_EQ(kannel.status().code(), absl::StatusCode::kInternal)
      << kannel.status();
}

// fakesmsc's output as Kannel 1.4.5 prints it, parsed without Kannel.
TEST(KannelHarnessTest, ParsesFakeSmscOutput) {
  const std::string output =
      "2026-11-22 16:16:30 [22781] [0] INFO: fakesmsc starting\n"
      "2026-11-22 16:16:30 [22781] [0] DEBUG: Connecting to <127.0.0.1>\n"
      "2026-11-22 16:16:36 [22781] [0] DEBUG: Got message 1: <19206596476 "
      "15551234567 text Hello <world> \xC3\xA9\xE2\x82\xAC{}>\n"
      "2026-11-22 16:16:36 [22781] [0] DEBUG: Got message 2: <12345 "
      "15551234567 ucs-2 %04%1F%04%40%048%00+%00%2B%D8%3C%DF%89>\n"
      "2026-11-22 16:16:36 [22781] [0] DEBUG: Got message 3: <12345 155 udh "
      "%05%00%03%02%02%01 data b+b%25>\n"
      "2026-11-22 16:16:50 [22781] [0] DEBUG: Got message 4: <12345 155 data "
      "x%00y+z>\n"
      "2026-11-22 16:16:36 [22781] [0] DEBUG: Got message 5: <12345 155 text "
      "line1>\n"
      "2026-11-22 16:16:36 [22781] [0] DEBUG: Got message 6: <line2>\n"
      "2026-11-22 16:16:37 [22781] [0] INFO: Got message 7: <12345 155 udh "
      "%05%00%03%02%02%02 data c>\n"
      "2026-11-22 16:16:38 [22781] [0] DEBUG: Got message 8: <1 2 text >\n";
  const std::vector<FakeSmscMessage> m = ParseFakeSmscOutput(output);
  ASSERT_EQ(m.size(), 8u);
  EXPECT_EQ(m[0].kind, Kind::kText);
  EXPECT_EQ(m[0].from, "19206596476");
  EXPECT_EQ(m[0].to, "15551234567");
  EXPECT_EQ(m[0].text, "Hello <world> \xC3\xA9\xE2\x82\xAC{}");
  EXPECT_EQ(m[1].kind, Kind::kUcs2);
  EXPECT_EQ(m[1].data, std::string("\x04\x1F\x04\x40\x04"
                                   "8\x00 \x00+\xD8<\xDF\x89",
                                   14));
  // "При", a space from '+', '+' from %2B, and U+1F389 from a surrogate pair.
  EXPECT_EQ(m[1].text, "\xD0\x9F\xD1\x80\xD0\xB8 +\xF0\x9F\x8E\x89");
  EXPECT_EQ(m[2].kind, Kind::kUdh);
  EXPECT_EQ(m[2].udh, std::string("\x05\x00\x03\x02\x02\x01", 6));
  EXPECT_EQ(m[2].data, "b b%");
  EXPECT_EQ(m[3].kind, Kind::kData);
  EXPECT_EQ(m[3].data, std::string("x\0y z", 5));
  EXPECT_EQ(m[4].text, "line1");
  EXPECT_EQ(m[5].kind, Kind::kUnparsed);
  EXPECT_EQ(m[5].raw, "line2");
  EXPECT_EQ(m[6].kind, Kind::kUdh);
  EXPECT_EQ(m[7].kind, Kind::kText);
  EXPECT_EQ(m[7].text, "");

  const std::vector<FakeSmscMessage> joined = Reassemble(m);
  ASSERT_EQ(joined.size(), 7u);
  EXPECT_EQ(joined[2].kind, Kind::kUdh);
  EXPECT_EQ(joined[2].parts, 2);
  EXPECT_EQ(joined[2].text, "b b%c");
  EXPECT_EQ(joined[3].kind, Kind::kData);
  EXPECT_EQ(joined[6].kind, Kind::kText);

  // A set with a part missing stays apart.
  const std::vector<FakeSmscMessage> lone = Reassemble({m[2]});
  ASSERT_EQ(lone.size(), 1u);
  EXPECT_EQ(lone[0].parts, 1);

  EXPECT_EQ(Utf16BeToUtf8(std::string("\x00"
                                      "A\xD8\x00",
                                      4)),
            "A\xEF\xBF\xBD");  // unpaired high surrogate
  EXPECT_EQ(Utf16BeToUtf8(std::string("\x00"
                                      "A\x00",
                                      3)),
            "A\xEF\xBF\xBD");
}

}  // namespace
}  // namespace herald
