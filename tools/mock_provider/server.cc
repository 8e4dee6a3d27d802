#include "tools/mock_provider/server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "engine/base/hmac.h"
#include "tools/mock_provider/faults.h"
#include "tools/mock_provider/hooks.h"
#include "tools/mock_provider/message_log.h"
#include "tools/mock_provider/protocol.h"

namespace herald::mock_provider {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// Large enough for a CallFire batch of thousands of recipients.
constexpr size_t kBodyLimit = 16 << 20;

constexpr absl::string_view kJson = "application/json";
// What Kannel's smsbox answers with, whatever it says.
constexpr absl::string_view kKannelType = "text/html";

absl::string_view View(beast::string_view s) { return {s.data(), s.size()}; }
beast::string_view Beast(absl::string_view s) { return {s.data(), s.size()}; }

// The server's counts are kept in a Stats, so that its fields are listed once;
// every access goes through std::atomic_ref. accepted and duplicates stay 0:
// the log counts those.
using Counters = Stats;
static_assert(alignof(int64_t) >= std::atomic_ref<int64_t>::required_alignment);

// What the server counts itself, as opposed to the log.
constexpr int64_t Stats::*kServerCounts[] = {
    &Stats::connections,    &Stats::requests,
    &Stats::texts_requests, &Stats::sendsms_requests,
    &Stats::invalid,        &Stats::bad_requests,
    &Stats::auth_failures,  &Stats::errors_500,
    &Stats::errors_503,     &Stats::rate_limited,
    &Stats::resets,         &Stats::hangs,
    &Stats::garbage,        &Stats::hook_requests,
    &Stats::hooks_accepted, &Stats::hook_bad_signatures};

// Returns the count before.
int64_t Bump(int64_t& counter, int64_t n = 1) {
  return std::atomic_ref<int64_t>(counter).fetch_add(n,
                                                     std::memory_order_relaxed);
}

int64_t Read(int64_t& counter) {
  return std::atomic_ref<int64_t>(counter).load(std::memory_order_relaxed);
}

const std::string* FindParam(
    const std::vector<std::pair<std::string, std::string>>& params,
    absl::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

}  // namespace

namespace internal {

// Everything the connections share; owns the io_context and its threads.
class Server {
 public:
  Server(const Options& options, std::unique_ptr<MessageLog> log)
      : options_(options),
        log_(std::move(log)),
        hook_failures_left_(options.hook_fail_first) {
    if (options_.faults.rate_limit > 0) {
      limiter_ =
          std::make_unique<SenderRateLimiter>(options_.faults.rate_limit);
    }
  }

  absl::Status Listen();
  void Run();
  absl::Status Stop();
  Stats stats() const;
  uint16_t port() const { return port_; }

  const Options& options() const { return options_; }
  Clock* clock() const {
    return options_.clock != nullptr ? options_.clock : RealClock();
  }
  MessageLog& log() { return *log_; }
  SenderRateLimiter* limiter() { return limiter_.get(); }
  Counters& counters() { return counters_; }
  HookLog& hooks() { return hooks_; }

  // True for each of the first options().hook_fail_first calls.
  bool TakeHookFailure() {
    int64_t left = hook_failures_left_.load();
    while (left > 0 &&
           !hook_failures_left_.compare_exchange_weak(left, left - 1)) {
    }
    return left > 0;
  }

 private:
  void Accept();
  void ScheduleFlush();

  const Options options_;
  std::unique_ptr<MessageLog> log_;
  std::unique_ptr<SenderRateLimiter> limiter_;  // null when unlimited
  HookLog hooks_;
  std::atomic<int64_t> hook_failures_left_;
  // Mutable: a snapshot reads it through atomic_ref, which needs non-const.
  mutable Counters counters_;
  uint16_t port_ = 0;

  // Declared after what the connections use, so that it goes first.
  std::unique_ptr<net::io_context> ioc_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<net::steady_timer> flush_timer_;
  std::vector<std::thread> threads_;

  std::mutex stop_mu_;
  bool stopped_ = false;
  absl::Status stop_status_;
};

}  // namespace internal

namespace {

// One client connection: reads requests one at a time and answers each,
// unless a fault decides otherwise.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, internal::Server* server, uint64_t ordinal)
      : socket_(std::move(socket)),
        server_(server),
        dice_(server->options().faults, server->options().seed, ordinal),
        timer_(socket_.get_executor()) {}

  void Start() { ReadHeader(); }

 private:
  using Request = http::request<http::string_body>;

  void ReadHeader();
  void OnHeader(const error_code& ec);
  void ReadBody();
  void OnRequest(const error_code& ec);
  void Write();
  void OnWrite(const error_code& ec);
  void Reset();
  void Hang();
  void Close();

  // Starts the answer: status, the request's HTTP version and keep-alive,
  // `content_type`, an empty body.
  void Begin(http::status status, absl::string_view content_type);
  // Answers a 5xx fault; true if `fault` is one.
  bool AnswerError(Fault fault, bool callfire);
  // 400 or 500 with the whole request as the body, then Write().
  void AnswerEcho(bool bad_request);

  void HandleTexts(const FaultRoll& roll);
  void HandleSendsms(const FaultRoll& roll);
  void HandleStats();
  void HandleHook(const FaultRoll& roll);
  // Runs the rate limit over texts_; answers 429 and returns false when over.
  bool Admit(bool callfire);
  // Accepts texts_ into the log; answers 500 and returns false on a log error.
  bool Accept(absl::string_view endpoint, bool callfire);

  tcp::socket socket_;
  internal::Server* server_;
  FaultDice dice_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  absl::Time arrived_;
  http::response<http::string_body> response_;
  // Scratch reused from request to request.
  std::vector<OutgoingText> texts_;
  std::vector<Receipt> receipts_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::vector<std::pair<absl::string_view, int64_t>> senders_;
};

void Session::ReadHeader() {
  parser_.emplace();
  parser_->body_limit(kBodyLimit);
  http::async_read_header(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](const error_code& ec, size_t) {
        self->OnHeader(ec);
      });
}

void Session::OnHeader(const error_code& ec) {
  if (ec) return Close();
  if (parser_->is_done()) return OnRequest(ec);
  // A client that sends "Expect: 100-continue" (curl does for large bodies)
  // waits for this before sending the body.
  if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    static constexpr absl::string_view kContinue =
        "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](const error_code& ec, size_t) {
                       if (ec) return self->Close();
                       self->ReadBody();
                     });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  http::async_read(socket_, buffer_, *parser_,
                   [self = shared_from_this()](const error_code& ec, size_t) {
                     self->OnRequest(ec);
                   });
}

void Session::OnRequest(const error_code& ec) {
  if (ec) return Close();
  // With a rate limit, admission restamps it, so the log shows the limit.
  arrived_ = server_->clock()->Now();
  const Request& request = parser_->get();
  const absl::string_view target = View(request.target());
  const absl::string_view path = target.substr(0, target.find('?'));
  const bool texts = path == "/texts" || path == "/v2/texts";
  const bool sendsms = path == "/cgi-bin/sendsms";
  const bool hooks = path == "/hooks";
  const http::verb method = request.method();

  if (path == "/stats" && method == http::verb::get) {
    HandleStats();
  } else if (hooks && method == http::verb::get) {
    Begin(http::status::ok, kJson);
    response_.body() = server_->hooks().Json();
  } else if ((texts && method == http::verb::post) ||
             (sendsms &&
              (method == http::verb::get || method == http::verb::post)) ||
             (hooks && method == http::verb::post)) {
    const FaultRoll roll = dice_.Roll();
    Counters& counters = server_->counters();
    Bump(hooks ? counters.hook_requests : counters.requests);
    switch (roll.fault) {
      case Fault::kReset:
        Bump(counters.resets);
        return Reset();
      case Fault::kHang:
        Bump(counters.hangs);
        return Hang();
      case Fault::kEcho400:
      case Fault::kEcho500:
        if (!hooks) return AnswerEcho(roll.fault == Fault::kEcho400);
        break;
      default:
        break;
    }
    if (texts) {
      HandleTexts(roll);
    } else if (sendsms) {
      HandleSendsms(roll);
    } else {
      HandleHook(roll);
    }
    if (roll.latency.count() > 0) {
      timer_.expires_after(roll.latency);
      timer_.async_wait(
          [self = shared_from_this()](const error_code&) { self->Write(); });
      return;
    }
  } else if (texts || sendsms || hooks || path == "/stats") {
    Begin(http::status::method_not_allowed, "text/plain");
    response_.body() = "Method not allowed";
  } else {
    Begin(http::status::not_found, "text/plain");
    response_.body() = "Not found";
  }
  Write();
}

void Session::Write() {
  response_.prepare_payload();
  http::async_write(socket_, response_,
                    [self = shared_from_this()](const error_code& ec, size_t) {
                      self->OnWrite(ec);
                    });
}

void Session::OnWrite(const error_code& ec) {
  if (ec || response_.need_eof()) return Close();
  ReadHeader();
}

void Session::Reset() {
  // Linger with a zero timeout makes close() send RST instead of FIN.
  error_code ignored;
  socket_.set_option(tcp::socket::linger(true, 0), ignored);
  socket_.close(ignored);
}

void Session::Hang() {
  // Reads and drops whatever else comes, only to notice the client leaving.
  socket_.async_read_some(
      buffer_.prepare(4096),
      [self = shared_from_this()](const error_code& ec, size_t) {
        if (ec) return self->Close();
        self->Hang();
      });
}

void Session::Close() {
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
}

void Session::Begin(http::status status, absl::string_view content_type) {
  const Request& request = parser_->get();
  response_.clear();
  response_.body().clear();
  response_.result(status);
  response_.version(request.version());
  response_.set(http::field::server, "herald-mock-provider");
  response_.set(http::field::content_type, Beast(content_type));
  response_.keep_alive(request.keep_alive());
}

void Session::AnswerEcho(bool bad_request) {
  const Request& request = parser_->get();
  std::string echo = absl::StrCat("Your request could not be handled:\r\n",
                                  View(request.method_string()), " ",
                                  View(request.target()), " HTTP/1.1\r\n");
  for (const auto& field : request) {
    absl::StrAppend(&echo, View(field.name_string()), ": ", View(field.value()),
                    "\r\n");
  }
  absl::StrAppend(&echo, "\r\n", request.body());
  Begin(bad_request ? http::status::bad_request
                    : http::status::internal_server_error,
        "text/plain");
  response_.body() = std::move(echo);
  Write();
}

bool Session::AnswerError(Fault fault, bool callfire) {
  if (fault != Fault::kError500 && fault != Fault::kError503) return false;
  const bool is_500 = fault == Fault::kError500;
  Bump(is_500 ? server_->counters().errors_500
              : server_->counters().errors_503);
  const absl::string_view reason =
      is_500 ? "Internal Server Error" : "Service Unavailable";
  Begin(is_500 ? http::status::internal_server_error
               : http::status::service_unavailable,
        callfire ? kJson : kKannelType);
  response_.body() = callfire ? CallFireError(is_500 ? 500 : 503, reason)
                              : std::string(reason);
  return true;
}

bool Session::Admit(bool callfire) {
  SenderRateLimiter* limiter = server_->limiter();
  if (limiter == nullptr) return true;
  senders_.clear();
  for (const OutgoingText& text : texts_) {
    if (!text.valid) continue;
    auto it = std::find_if(senders_.begin(), senders_.end(),
                           [&](const auto& s) { return s.first == text.from; });
    if (it == senders_.end()) {
      senders_.emplace_back(text.from, 1);
    } else {
      ++it->second;
    }
  }
  if (limiter->TryAdmit(
          senders_, [this] { return server_->clock()->Now(); }, &arrived_)) {
    return true;
  }
  Bump(server_->counters().rate_limited);
  Begin(http::status::too_many_requests, callfire ? kJson : kKannelType);
  response_.set(http::field::retry_after,
                absl::StrCat(server_->options().faults.retry_after_s));
  constexpr absl::string_view kMessage =
      "Too many messages from this sender, retry later";
  response_.body() =
      callfire ? CallFireError(429, kMessage) : std::string(kMessage);
  return false;
}

bool Session::Accept(absl::string_view endpoint, bool callfire) {
  receipts_.resize(texts_.size());
  const absl::Status logged = server_->log().Accept(endpoint, arrived_, texts_,
                                                    absl::MakeSpan(receipts_));
  if (logged.ok()) return true;
  Bump(server_->counters().errors_500);
  Begin(http::status::internal_server_error, callfire ? kJson : kKannelType);
  const std::string message = absl::StrCat("message log: ", logged.message());
  response_.body() = callfire ? CallFireError(500, message) : message;
  return false;
}

void Session::HandleTexts(const FaultRoll& roll) {
  Counters& counters = server_->counters();
  Bump(counters.texts_requests);
  if (AnswerError(roll.fault, /*callfire=*/true)) return;
  const Request& request = parser_->get();
  const Options& options = server_->options();
  if (!options.user.empty() &&
      !BasicAuthMatches(View(request[http::field::authorization]), options.user,
                        options.password)) {
    Bump(counters.auth_failures);
    Begin(http::status::unauthorized, kJson);
    response_.set(http::field::www_authenticate,
                  "Basic realm=\"herald-mock-provider\"");
    response_.body() = CallFireError(401, "Unauthorized");
    return;
  }
  if (absl::Status parsed = ParseCallFireTexts(
          request.body(), View(request["Idempotency-Key"]), &texts_);
      !parsed.ok()) {
    Bump(counters.bad_requests);
    Begin(http::status::bad_request, kJson);
    response_.body() = CallFireError(400, parsed.message());
    return;
  }
  if (roll.fault == Fault::kGarbage) {
    Bump(counters.garbage);
    Begin(http::status::ok, kJson);
    response_.body() = "{\"items\":[{\"id\":";
    return;
  }
  if (!Admit(/*callfire=*/true) || !Accept("texts", /*callfire=*/true)) return;
  Bump(counters.invalid,
       std::count_if(texts_.begin(), texts_.end(),
                     [](const OutgoingText& t) { return !t.valid; }));
  Begin(http::status::ok, kJson);
  AppendCallFireItems(texts_, receipts_, &response_.body());
}

void Session::HandleSendsms(const FaultRoll& roll) {
  Counters& counters = server_->counters();
  Bump(counters.sendsms_requests);
  if (AnswerError(roll.fault, /*callfire=*/false)) return;
  const Request& request = parser_->get();
  const absl::string_view target = View(request.target());
  const size_t question = target.find('?');
  params_.clear();
  bool well_formed = question == absl::string_view::npos ||
                     ParseFormParams(target.substr(question + 1), &params_);
  if (request.method() == http::verb::post &&
      absl::StartsWithIgnoreCase(View(request[http::field::content_type]),
                                 "application/x-www-form-urlencoded")) {
    well_formed = well_formed && ParseFormParams(request.body(), &params_);
  }
  auto reject = [&](http::status status, absl::string_view answer) {
    Bump(status == http::status::forbidden ? counters.auth_failures
                                           : counters.bad_requests);
    Begin(status, kKannelType);
    response_.body() = std::string(answer);
  };
  if (!well_formed) {
    return reject(http::status::bad_request, "Malformed URL encoding");
  }
  // Kannel's own checks, in its order and with its words.
  const Options& options = server_->options();
  if (!options.user.empty()) {
    const std::string* user = FindParam(params_, "username");
    if (user == nullptr) user = FindParam(params_, "user");
    const std::string* password = FindParam(params_, "password");
    if (password == nullptr) password = FindParam(params_, "pass");
    if (user == nullptr || password == nullptr || *user != options.user ||
        *password != options.password) {
      return reject(http::status::forbidden,
                    "Authorization failed for sendsms");
    }
  }
  const std::string* to = FindParam(params_, "to");
  if (to == nullptr) {
    return reject(http::status::bad_request,
                  "Missing receiver number, rejected");
  }
  if (to->empty()) {
    return reject(http::status::bad_request,
                  "Empty receiver number not allowed, rejected");
  }
  const std::string* from = FindParam(params_, "from");
  if (from == nullptr || from->empty()) {
    return reject(http::status::bad_request,
                  "Sender missing and no global set, rejected");
  }
  int coding = 0;
  if (const std::string* c = FindParam(params_, "coding");
      c != nullptr &&
      (!absl::SimpleAtoi(*c, &coding) || coding < 0 || coding > 2)) {
    return reject(http::status::bad_request,
                  "Coding field misformed, rejected");
  }
  const std::string* text = FindParam(params_, "text");
  const std::string* charset = FindParam(params_, "charset");
  absl::StatusOr<std::string> message = KannelTextToUtf8(
      text == nullptr ? "" : *text, coding, charset == nullptr ? "" : *charset);
  if (!message.ok()) {
    return reject(http::status::bad_request,
                  "Charset or body misformed, rejected");
  }
  texts_.resize(1);
  OutgoingText& out = texts_[0];
  if (!NormalizeNanp(*to, &out.to)) {
    return reject(http::status::bad_request,
                  "Number(s) has/have been denied by white- and/or "
                  "black-lists.");
  }
  out.from = *from;
  out.message = *std::move(message);
  out.key = std::string(View(request["Idempotency-Key"]));
  out.valid = true;
  if (roll.fault == Fault::kGarbage) {
    Bump(counters.garbage);
    Begin(http::status::ok, kKannelType);
    response_.body() = "<html><body>Gateway Timeout</body></html>";
    return;
  }
  if (!Admit(/*callfire=*/false) || !Accept("sendsms", /*callfire=*/false)) {
    return;
  }
  Begin(http::status::accepted, kKannelType);
  response_.body() = "0: Accepted for delivery";
}

void Session::HandleHook(const FaultRoll& roll) {
  const Request& request = parser_->get();
  const absl::string_view signature = View(request[kWebhookSignatureHeader]);
  Counters& counters = server_->counters();
  // Garbage and the rate limit are about texts; a receiver has neither.
  if (!AnswerError(roll.fault, /*callfire=*/true)) {
    if (server_->TakeHookFailure()) {
      Bump(counters.errors_500);
      Begin(http::status::internal_server_error, kJson);
      response_.body() = CallFireError(500, "failing on purpose");
    } else {
      const HookVerdict verdict =
          CheckHook(server_->options().hook_secret, signature, request.body());
      Begin(static_cast<http::status>(verdict.status), kJson);
      if (verdict.status == 200) {
        Bump(counters.hooks_accepted);
        response_.body() = "{}";
      } else {
        Bump(verdict.status == 401 ? counters.hook_bad_signatures
                                   : counters.bad_requests);
        response_.body() = CallFireError(verdict.status, verdict.message);
      }
    }
  }
  server_->hooks().Add({arrived_, static_cast<int>(response_.result_int()),
                        std::string(signature), request.body()});
}

void Session::HandleStats() {
  // Every message acknowledged before this request is in the file after it.
  if (absl::Status flushed = server_->log().Flush(); !flushed.ok()) {
    Begin(http::status::internal_server_error, "text/plain");
    response_.body() = absl::StrCat("message log: ", flushed.message());
    return;
  }
  Begin(http::status::ok, kJson);
  response_.body() = StatsJson(server_->stats());
}

}  // namespace

absl::Status internal::Server::Listen() {
  ioc_ = std::make_unique<net::io_context>(options_.threads);
  acceptor_ = std::make_unique<tcp::acceptor>(*ioc_);
  const tcp::endpoint endpoint(net::ip::address_v4::loopback(), options_.port);
  error_code ec;
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on 127.0.0.1:", options_.port, ": ", ec.message()));
  }
  port_ = acceptor_->local_endpoint(ec).port();
  return absl::OkStatus();
}

void internal::Server::Run() {
  Accept();
  flush_timer_ = std::make_unique<net::steady_timer>(*ioc_);
  ScheduleFlush();
  threads_.reserve(options_.threads);
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] { ioc_->run(); });
  }
}

void internal::Server::Accept() {
  acceptor_->async_accept(net::make_strand(*ioc_), [this](const error_code& ec,
                                                          tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      const int64_t ordinal = Bump(counters_.connections);
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), this,
                                static_cast<uint64_t>(ordinal))
          ->Start();
    }
    Accept();
  });
}

void internal::Server::ScheduleFlush() {
  flush_timer_->expires_after(std::chrono::milliseconds(options_.log_flush_ms));
  flush_timer_->async_wait([this](const error_code& ec) {
    if (ec) return;
    // A write error stays in the log and is what Stop() returns.
    log_->Flush().IgnoreError();
    ScheduleFlush();
  });
}

absl::Status internal::Server::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (stopped_) return stop_status_;
  stopped_ = true;
  if (ioc_ != nullptr) {
    ioc_->stop();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    acceptor_.reset();
    flush_timer_.reset();
    // Destroys the connections, closing their sockets.
    ioc_.reset();
  }
  stop_status_ = log_->Close();
  return stop_status_;
}

Stats internal::Server::stats() const {
  Stats s;
  for (int64_t Stats::*count : kServerCounts) s.*count = Read(counters_.*count);
  const MessageLog::Totals totals = log_->totals();
  s.accepted = totals.accepted;
  s.duplicates = totals.duplicates;
  return s;
}

std::string StatsJson(const Stats& s) {
  return absl::StrCat(
      "{\"connections\":", s.connections, ",\"requests\":", s.requests,
      ",\"textsRequests\":", s.texts_requests,
      ",\"sendsmsRequests\":", s.sendsms_requests,
      ",\"messagesAccepted\":", s.accepted, ",\"duplicates\":", s.duplicates,
      ",\"invalidRecipients\":", s.invalid, ",\"badRequests\":", s.bad_requests,
      ",\"authFailures\":", s.auth_failures,
      ",\"hookRequests\":", s.hook_requests,
      ",\"hooksAccepted\":", s.hooks_accepted,
      ",\"hookBadSignatures\":", s.hook_bad_signatures,
      ",\"faults\":{\"error500\":", s.errors_500,
      ",\"error503\":", s.errors_503, ",\"rateLimited\":", s.rate_limited,
      ",\"reset\":", s.resets, ",\"hang\":", s.hangs,
      ",\"garbage\":", s.garbage, "}}");
}

absl::StatusOr<std::unique_ptr<MockProvider>> MockProvider::Start(
    const Options& options) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  absl::StatusOr<std::unique_ptr<MessageLog>> log =
      MessageLog::Open(options.log_path);
  if (!log.ok()) return log.status();
  auto server = std::make_unique<internal::Server>(options, *std::move(log));
  if (absl::Status s = server->Listen(); !s.ok()) return s;
  server->Run();
  return std::unique_ptr<MockProvider>(new MockProvider(std::move(server)));
}

MockProvider::MockProvider(std::unique_ptr<internal::Server> server)
    : server_(std::move(server)) {}

MockProvider::~MockProvider() { Stop().IgnoreError(); }

uint16_t MockProvider::port() const { return server_->port(); }

Stats MockProvider::stats() const { return server_->stats(); }

std::vector<HookRequest> MockProvider::hook_requests() const {
  return server_->hooks().requests();
}

absl::Status MockProvider::Stop() { return server_->Stop(); }

}  // namespace herald::mock_provider
