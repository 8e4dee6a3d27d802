// The HTTP server's bounds, over real sockets on loopback: limits on
// header, body, connections and waiting requests, idle and slow clients,
// requests that are not HTTP, 100-continue, TLS and a stop with a request
// under way.
#include "engine/service/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/http_test_client.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using testing::HttpCall;
using testing::HttpReply;
using testing::Send;

// A client socket that writes and reads raw bytes.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address),
                           sizeof(address)) == 0;
  }
  ~RawConnection() { ::close(fd_); }

  bool connected() const { return connected_; }
  // False once the server has closed the connection.
  bool Write(absl::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // What arrives until the server closes the connection or `timeout`
  // passes without a byte; *closed says which.
  std::string ReadUntilClosed(absl::Duration timeout, bool* closed) {
    std::string out;
    *closed = false;
    char buffer[4096];
    while (true) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, absl::ToInt64Milliseconds(timeout)) <= 0) return out;
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        *closed = true;
        return out;
      }
      out.append(buffer, n);
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

ServerResponse Echo(const ServerRequest& request) {
  ServerResponse response;
  response.content_type = "text/plain";
  response.body = absl::StrCat(request.method, " ", request.path, "?",
                               request.query, " ", request.body.size());
  return response;
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options,
                                        HttpHandler handler = Echo,
                                        HeaderCheck check = nullptr) {
  options.listen = "127.0.0.1:0";
  if (check == nullptr) {
    check = [](const ServerRequest&) {
      return std::optional<ServerResponse>();
    };
  }
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start(options, std::move(handler), std::move(check));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

std::string Url(const HttpServer& server, absl::string_view path) {
  return absl::StrCat("http://127.0.0.1:", server.port(), path);
}

TEST(HttpServerTest, AnswersAndKeepsTheConnectionAlive) {
  std::unique_ptr<HttpServer> server = StartServer({});
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Write(
      "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
      "GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  bool closed = false;
  const std::string answers =
      connection.ReadUntilClosed(absl::Seconds(10), &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(answers.find("GET /a?x=1 0"), std::string::npos) << answers;
  EXPECT_NE(answers.find("POST /b? 3"), std::string::npos) << answers;
  EXPECT_NE(answers.find("GET /c? 0"), std::string::npos) << answers;
}

// A sink that counts what it got and keeps its first 64 bytes; with
// `fail_after`, it refuses a body longer than that.
class CountingSink : public BodySink {
 public:
  explicit CountingSink(size_t fail_after = SIZE_MAX)
      : fail_after_(fail_after) {}
  absl::Status Append(absl::string_view bytes) override {
    received_ += bytes.size();
    if (received_ > fail_after_) {
      return absl::InvalidArgumentError("file: line 3: not what was wanted");
    }
    const absl::string_view kept = bytes.substr(0, 64 - kept_.size());
    kept_.append(kept.data(), kept.size());
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    finished_ = true;
    return absl::OkStatus();
  }
  std::atomic<uint64_t> received_{0};
  std::string kept_;
  bool finished_ = false;

 private:
  const size_t fail_after_;
};

std::unique_ptr<HttpServer> StartStreaming(HttpServerOptions options,
                                           SinkFactory sinks) {
  options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(
      options,
      [](const ServerRequest& request) {
        ServerResponse response = Echo(request);
        if (auto* sink = dynamic_cast<CountingSink*>(request.sink.get())) {
          absl::StrAppend(&response.body, " streamed ", sink->received_.load(),
                          " ", sink->kept_, sink->finished_ ? " finished" : "");
        }
        return response;
      },
      [](const ServerRequest&) { return std::optional<ServerResponse>(); },
      std::move(sinks));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

// A body far over body_limit streams through a sink the factory chose for
// its path, in pieces, and the handler sees the sink, not a body; other
// paths keep the limit.
TEST(HttpServerTest, AChosenBodyStreamsIntoASinkPastTheBodyLimit) {
  HttpServerOptions options;
  options.body_limit = 4096;
  std::unique_ptr<HttpServer> server =
      StartStreaming(options,
                     [](const ServerRequest& request)
                         -> absl::StatusOr<std::shared_ptr<BodySink>> {
                       if (request.path != "/upload") return nullptr;
                       return std::make_shared<CountingSink>();
                     });
  const std::string body = absl::StrCat("head:", std::string(3 << 20, 'x'));
  HttpCall call;
  call.method = "POST";
  call.url = Url(*server, "/upload");
  call.body = body;
  call.headers = {"Expect: 100-continue"};
  HttpReply reply = Send(call);
  EXPECT_EQ(reply.status, 200) << reply.error;
  EXPECT_EQ(reply.body, absl::StrCat("POST /upload? 0 streamed ", body.size(),
                                     " ", body.substr(0, 64), " finished"));
  call.url = Url(*server, "/other");
  EXPECT_EQ(Send(call).status, 413);
  // A streamed body of no bytes at all still ends, and is handled.
  call.url = Url(*server, "/upload");
  call.body = "";
  call.send_body = true;
  call.headers = {};
  reply = Send(call);
  EXPECT_EQ(reply.status, 200) << reply.error;
  EXPECT_EQ(reply.body, "POST /upload? 0 streamed 0  finished");
}

TEST(HttpServerTest, ASinksErrorIsTheAnswerAndTheFactoryMayRefuse) {
  HttpServerOptions options;
  options.streamed_body_limit = 16 << 20;
  std::unique_ptr<HttpServer> server = StartStreaming(
      options,
      [](const ServerRequest& request)
          -> absl::StatusOr<std::shared_ptr<BodySink>> {
        if (request.path == "/refused") {
          return absl::ResourceExhaustedError("no room for uploads");
        }
        return std::make_shared<CountingSink>(/*fail_after=*/1000);
      });
  HttpCall call;
  call.method = "POST";
  call.url = Url(*server, "/upload");
  // Far more than the sink takes, still on its way when the answer goes:
  // the answer must reach the client all the same, not a reset.
  call.body = std::string(8 << 20, 'y');
  HttpReply reply = Send(call);
  EXPECT_EQ(reply.status, 400) << reply.error;
  EXPECT_NE(reply.body.find("file: line 3: not what was wanted"),
            std::string::npos)
      << reply.body;
  call.url = Url(*server, "/refused");
  reply = Send(call);
  EXPECT_EQ(reply.status, 507);
  EXPECT_NE(reply.body.find("no room for uploads"), std::string::npos);
  // Over the streamed limit: refused from its Content-Length.
  call.url = Url(*server, "/upload");
  call.body = std::string((16 << 20) + 1, 'z');
  EXPECT_EQ(Send(call).status, 413);
}

// Each piece of a streamed body has body_timeout, and the whole must keep
// up streamed_bytes_per_second after that: a client that trickles is cut
// off even though it never pauses for long.
TEST(HttpServerTest, AStreamedBodyThatTricklesIsCutOff) {
  HttpServerOptions options;
  options.body_timeout = absl::Milliseconds(300);
  options.streamed_bytes_per_second = 1 << 20;
  std::unique_ptr<HttpServer> server = StartStreaming(
      options,
      [](const ServerRequest&) -> absl::StatusOr<std::shared_ptr<BodySink>> {
        return std::make_shared<CountingSink>();
      });
  RawConnection connection(server->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Write(
      "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n"));
  bool cut = false;
  for (int i = 0; i < 100 && !cut; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    cut = !connection.Write("0123456789");
  }
  bool closed = false;
  connection.ReadUntilClosed(absl::Seconds(5), &closed);
  EXPECT_TRUE(cut || closed) << "ten bytes every 100 ms went on for 10 s";
}

TEST(HttpServerTest, RefusesABodyOverTheLimitBeforeReadingIt) {
  HttpServerOptions options;
  options.body_limit = 1024;
  std::atomic<int> handled{0};
  std::unique_ptr<HttpServer> server =
      StartServer(options, [&](const ServerRequest& request) {
        ++handled;
        return Echo(request);
      });
  HttpCall call;
  call.method = "POST";
  call.url = Url(*server, "/big");
  call.body = std::string(4096, 'x');
  HttpReply reply = Send(call);
  EXPECT_EQ(reply.status, 413) << reply.body;
  EXPECT_NE(reply.body.find("larger than the server takes (1024 bytes)"),
            std::string::npos);
  // A chunked body over the limit too.
  call.headers = {"Transfer-Encoding: chunked"};
  reply = Send(call);
  EXPECT_EQ(reply.status, 413) << reply.body;
  EXPECT_EQ(handled, 0);
  call.body = std::string(1024, 'x');
  call.headers.clear();
  EXPECT_EQ(Send(call).status, 200);
}

TEST(HttpServerTest, RefusesAHeaderOverTheLimit) {
  HttpServerOptions options;
  options.header_limit = 2048;
  std::unique_ptr<HttpServer> server = StartServer(options);
  HttpCall call;
  call.url = Url(*server, "/");
  call.headers = {"X-Filler: " + std::string(4096, 'y')};
  HttpReply reply = Send(call);
  EXPECT_EQ(reply.status, 431) << reply.body;
}

TEST(HttpServerTest, CutsOffAClientThatSendsItsHeaderTooSlowly) {
  HttpServerOptions options;
  options.header_timeout = absl::Milliseconds(300);
  std::unique_ptr<HttpServer> server = StartServer(options);
  RawConnection slow(server->port());
  ASSERT_TRUE(slow.connected());
  // One byte each 50 ms, for up to 20 s: the server must hang up first.
  const std::string request =
      "GET / HTTP/1.1\r\nHost: h\r\nX-Slow: " + std::string(400, 'z');
  bool cut_off = false;
  for (char c : request) {
    if (!slow.Write(std::string(1, c))) {
      cut_off = true;
      break;
    }
    bool closed = false;
    slow.ReadUntilClosed(absl::Milliseconds(50), &closed);
    if (closed) {
      cut_off = true;
      break;
    }
  }
  EXPECT_TRUE(cut_off);
  // Meanwhile and after, others are served.
  HttpCall call;
  call.url = Url(*server, "/ok");
  EXPECT_EQ(Send(call).status, 200);
}

TEST(HttpServerTest, ClosesAConnectionIdleBetweenRequests) {
  HttpServerOptions options;
  options.idle_timeout = absl::Milliseconds(200);
  std::unique_ptr<HttpServer> server = StartServer(options);
  RawConnection idle(server->port());
  ASSERT_TRUE(idle.connected());
  bool closed = false;
  EXPECT_EQ(idle.ReadUntilClosed(absl::Seconds(20), &closed), "");
  EXPECT_TRUE(closed);
}

TEST(HttpServerTest, AnswersGarbageWith400AndServesTheOthers) {
  std::unique_ptr<HttpServer> server = StartServer({});
  RawConnection good(server->port());
  RawConnection bad(server->port());
  ASSERT_TRUE(good.Write("GET /first HTTP/1.1\r\nHost: h\r\n"));
  ASSERT_TRUE(bad.Write("\x16\x03\x01 this is not HTTP\r\n\r\n"));
  bool closed = false;
  const std::string refused = bad.ReadUntilClosed(absl::Seconds(10), &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(refused.find("HTTP/1.1 400"), std::string::npos) << refused;
  EXPECT_NE(refused.find("not a valid HTTP request"), std::string::npos);
  ASSERT_TRUE(good.Write("Connection: close\r\n\r\n"));
  const std::string answer = good.ReadUntilClosed(absl::Seconds(10), &closed);
  EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  EXPECT_NE(answer.find("GET /first"), std::string::npos) << answer;
}

TEST(HttpServerTest, ClosesConnectionsOverTheCap) {
  HttpServerOptions options;
  options.max_connections = 2;
  std::unique_ptr<HttpServer> server = StartServer(options);
  auto first = std::make_unique<RawConnection>(server->port());
  RawConnection second(server->port());
  ASSERT_TRUE(first->Write("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"));
  ASSERT_TRUE(second.Write("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n"));
  bool closed = false;
  // Both are served (and kept alive) before the third comes.
  EXPECT_NE(
      first->ReadUntilClosed(absl::Milliseconds(500), &closed).find("GET /1"),
      std::string::npos);
  EXPECT_NE(
      second.ReadUntilClosed(absl::Milliseconds(500), &closed).find("GET /2"),
      std::string::npos);
  RawConnection third(server->port());
  third.Write("GET /3 HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(third.ReadUntilClosed(absl::Seconds(10), &closed), "");
  EXPECT_TRUE(closed);
  first.reset();  // a place frees up
  std::string answer;
  for (int i = 0; i < 100 && answer.empty(); ++i) {
    RawConnection fourth(server->port());
    fourth.Write("GET /4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    answer = fourth.ReadUntilClosed(absl::Seconds(10), &closed);
    if (answer.empty()) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_NE(answer.find("GET /4"), std::string::npos) << answer;
}

TEST(HttpServerTest, AnswersBusyWhenTooManyRequestsWait) {
  HttpServerOptions options;
  options.handler_threads = 1;
  options.max_pending_requests = 1;
  absl::Notification entered, release;
  std::unique_ptr<HttpServer> server =
      StartServer(options, [&](const ServerRequest& request) {
        if (request.path == "/block") {
          entered.Notify();
          release.WaitForNotification();
        }
        return Echo(request);
      });
  std::future<HttpReply> blocked = std::async(std::launch::async, [&] {
    HttpCall call;
    call.url = Url(*server, "/block");
    return Send(call);
  });
  entered.WaitForNotification();
  HttpCall call;
  call.url = Url(*server, "/other");
  HttpReply busy = Send(call);
  EXPECT_EQ(busy.status, 503) << busy.body;
  EXPECT_NE(busy.headers.find("Retry-After: 1"), std::string::npos);
  release.Notify();
  EXPECT_EQ(blocked.get().status, 200);
  EXPECT_EQ(Send(call).status, 200);
}

TEST(HttpServerTest, SendsContinueBeforeReadingABodyThatAsksForIt) {
  std::unique_ptr<HttpServer> server = StartServer({});
  RawConnection connection(server->port());
  ASSERT_TRUE(
      connection.Write("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                       "Expect: 100-continue\r\nConnection: close\r\n\r\n"));
  bool closed = false;
  EXPECT_NE(connection.ReadUntilClosed(absl::Milliseconds(500), &closed)
                .find("HTTP/1.1 100 Continue"),
            std::string::npos);
  ASSERT_TRUE(connection.Write("hello"));
  const std::string answer =
      connection.ReadUntilClosed(absl::Seconds(10), &closed);
  EXPECT_NE(answer.find("POST /up? 5"), std::string::npos) << answer;
}

TEST(HttpServerTest, ARefusedHeaderNeverHasItsBodyRead) {
  std::atomic<int> handled{0};
  std::unique_ptr<HttpServer> server = StartServer(
      {},
      [&](const ServerRequest& request) {
        ++handled;
        return Echo(request);
      },
      [](const ServerRequest& request) -> std::optional<ServerResponse> {
        if (request.authorization == "let me in") return std::nullopt;
        ServerResponse refused;
        refused.status = 401;
        return refused;
      });
  HttpCall call;
  call.method = "POST";
  call.url = Url(*server, "/x");
  call.body = "payload";
  EXPECT_EQ(Send(call).status, 401);
  EXPECT_EQ(handled, 0);
  call.headers = {"Authorization: let me in"};
  EXPECT_EQ(Send(call).status, 200);
  EXPECT_EQ(handled, 1);
}

TEST(HttpServerTest, ServesTlsWithTheGivenCertificate) {
  TempDir dir;
  std::string output;
  ASSERT_EQ(RunCommand(absl::StrCat(
                           "openssl req -x509 -newkey rsa:2048 -nodes -days 2 "
                           "-subj /CN=127.0.0.1 -addext "
                           "subjectAltName=IP:127.0.0.1 -keyout ",
                           dir.File("key.pem"), " -out ", dir.File("cert.pem")),
                       &output),
            0)
      << output;
  HttpServerOptions options;
  options.tls_cert_file = dir.File("cert.pem");
  options.tls_key_file = dir.File("key.pem");
  std::unique_ptr<HttpServer> server = StartServer(options);
  HttpCall call;
  call.url = absl::StrCat("https://127.0.0.1:", server->port(), "/secure");
  call.ca_file = dir.File("cert.pem");
  HttpReply reply = Send(call);
  EXPECT_EQ(reply.status, 200) << reply.error;
  EXPECT_EQ(reply.body, "GET /secure? 0");
  // Plain HTTP to the TLS port gets no answer, and hurts no one.
  call.url = Url(*server, "/plain");
  EXPECT_EQ(Send(call).status, 0);
  call.url = absl::StrCat("https://127.0.0.1:", server->port(), "/again");
  EXPECT_EQ(Send(call).status, 200);

  options.tls_key_file = dir.Write("bad.pem", "not a key");
  options.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<HttpServer>> refused =
      HttpServer::Start(options, Echo, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("bad.pem"), std::string::npos)
      << refused.status();
}

TEST(HttpServerTest, StopAnswersTheRequestUnderWay) {
  absl::Notification entered;
  std::unique_ptr<HttpServer> server =
      StartServer({}, [&](const ServerRequest& request) {
        entered.Notify();
        absl::SleepFor(absl::Milliseconds(200));
        return Echo(request);
      });
  std::future<HttpReply> under_way = std::async(std::launch::async, [&] {
    HttpCall call;
    call.url = Url(*server, "/slow");
    return Send(call);
  });
  entered.WaitForNotification();
  server->Stop();
  EXPECT_EQ(under_way.get().status, 200);
  HttpCall call;
  call.url = Url(*server, "/after");
  EXPECT_EQ(Send(call).status, 0);  // nothing listens any more
}

TEST(HttpServerTest, RefusesABadListenAddress) {
  for (const char* listen : {"127.0.0.1", "127.0.0.1:99999", "nohost:80"}) {
    HttpServerOptions options;
    options.listen = listen;
    absl::StatusOr<std::unique_ptr<HttpServer>> server =
        HttpServer::Start(options, Echo, nullptr);
    ASSERT_FALSE(server.ok()) << listen;
    EXPECT_NE(server.status().message().find(listen), std::string::npos)
        << server.status();
  }
}

}  // namespace
}  // namespace herald
