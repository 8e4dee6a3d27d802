#include "engine/http/http_client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "engine/http/curl_status.h"

namespace herald {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

// libcurl's global state is set up once per process and never torn down:
// other libraries in the process may use libcurl too.
CURLcode GlobalInit() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

// Header names and values go into the request as they are: a CR or LF would
// let one header smuggle in others.
bool ValidHeader(const std::pair<std::string, std::string>& header) {
  auto bad = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
  return !header.first.empty() &&
         std::none_of(header.first.begin(), header.first.end(), bad) &&
         std::none_of(header.second.begin(), header.second.end(), bad);
}

long Milliseconds(absl::Duration d) {
  // libcurl reads 0 as "no limit"; a positive duration under a millisecond
  // still means a limit.
  if (d <= absl::ZeroDuration()) return 0;
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

}  // namespace

class HttpClient::Impl {
 public:
  Impl(asio::io_context& io, const HttpClientOptions& options)
      : io_(io), options_(options), timer_(io) {}
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  absl::Status Init();
  void Start(HttpRequest request, Callback done);
  // Cancels what is in flight and runs every pending callback; called by
  // ~HttpClient while the Impl is whole, so callbacks may still call Start().
  void Shutdown();

  int in_flight() const {
    return static_cast<int>(transfers_.size() + ready_.size());
  }
  int64_t connections_opened() const { return connections_opened_; }

 private:
  // One request from Start() to its callback, on a pooled easy handle.
  struct Transfer {
    CURL* easy = nullptr;
    HttpRequest request;
    Callback done;
    HttpResponse response;
    curl_slist* headers = nullptr;
    char error[CURL_ERROR_SIZE] = {};
    SteadyClock::time_point started;
    uint64_t seq = 0;  // order of Start(), for cancelling in that order
    size_t max_body = 0;
    bool body_too_long = false;
  };

  // A socket libcurl asked us to watch. Waits in flight hold a reference, so
  // it outlives its entry in sockets_; `gone` tells them curl is done with it.
  struct Socket {
    explicit Socket(asio::io_context& io) : descriptor(io) {}
    asio::posix::stream_descriptor descriptor;
    int wanted = 0;        // CURL_POLL_IN, _OUT or _INOUT
    bool reading = false;  // an async_wait(wait_read) is pending
    bool writing = false;
    bool gone = false;
  };

  // libcurl's callbacks; `p` is the Impl.
  static int SocketCallback(CURL* easy, curl_socket_t fd, int what, void* p,
                            void* socketp);
  static int TimerCallback(CURLM* multi, long timeout_ms, void* p);
  static int CloseSocketCallback(void* p, curl_socket_t fd);
  static size_t BodyCallback(char* data, size_t size, size_t n, void* p);
  static size_t HeaderCallback(char* data, size_t size, size_t n, void* p);

  int OnSocket(curl_socket_t fd, int what);
  void OnTimer(long timeout_ms);
  // Lets libcurl act on its timeouts (and start new transfers).
  void OnTimeout();
  void Watch(const std::shared_ptr<Socket>& socket, curl_socket_t fd);
  void OnReady(const std::shared_ptr<Socket>& socket, curl_socket_t fd,
               int select, const error_code& ec);
  // Stops watching `fd`, leaving it open: it is libcurl's to close.
  void Forget(curl_socket_t fd);

  CURLcode Configure(Transfer& t);
  // Runs the callbacks of the transfers libcurl has finished. Must be the
  // last thing its caller does: a callback may destroy the client.
  void ProcessDone();
  void Finish(Transfer& t, CURLcode code);
  // Runs `done` with `response` from the io_context, after Start() returns.
  void Fail(Callback done, absl::Status status);
  void DeliverReady();

  CURL* TakeEasy();
  void RecycleEasy(CURL* easy);

  asio::io_context& io_;
  const HttpClientOptions options_;
  CURLM* multi_ = nullptr;
  asio::steady_timer timer_;
  bool timeout_posted_ = false;  // an OnTimeout() is posted and not yet run
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  std::vector<CURL*> free_easy_;
  // Failures found in Start(), waiting for DeliverReady.
  std::deque<std::pair<Callback, HttpResponse>> ready_;
  bool delivery_posted_ = false;
  bool shutting_down_ = false;
  int64_t connections_opened_ = 0;
  uint64_t next_seq_ = 0;
  // Handlers queued on io_ hold a weak_ptr to this; once it is gone, so is
  // the Impl (or it is being torn down), and they do nothing.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

absl::Status HttpClient::Impl::Init() {
  multi_ = curl_multi_init();
  if (multi_ == nullptr) return absl::InternalError("curl_multi_init failed");
  CURLMcode rc = CURLM_OK;
  auto set = [&](CURLMoption option, auto value) {
    if (rc == CURLM_OK) rc = curl_multi_setopt(multi_, option, value);
  };
  set(CURLMOPT_SOCKETFUNCTION, &Impl::SocketCallback);
  set(CURLMOPT_SOCKETDATA, this);
  set(CURLMOPT_TIMERFUNCTION, &Impl::TimerCallback);
  set(CURLMOPT_TIMERDATA, this);
  set(CURLMOPT_PIPELINING,
      options_.http2 ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
  set(CURLMOPT_MAX_HOST_CONNECTIONS,
      static_cast<long>(std::max(0, options_.max_host_connections)));
  if (rc != CURLM_OK) {
    return absl::InternalError(
        absl::StrCat("curl_multi_setopt: ", curl_multi_strerror(rc)));
  }
  return absl::OkStatus();
}

HttpClient::Impl::~Impl() {
  Shutdown();
  for (CURL* easy : free_easy_) curl_easy_cleanup(easy);
}

void HttpClient::Impl::Shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  alive_.reset();
  timer_.cancel();

  std::vector<std::unique_ptr<Transfer>> cancelled;
  cancelled.reserve(transfers_.size());
  for (auto& [easy, t] : transfers_) cancelled.push_back(std::move(t));
  transfers_.clear();
  std::sort(cancelled.begin(), cancelled.end(),
            [](const auto& a, const auto& b) { return a->seq < b->seq; });
  for (std::unique_ptr<Transfer>& t : cancelled) {
    curl_multi_remove_handle(multi_, t->easy);
    curl_slist_free_all(t->headers);
    t->headers = nullptr;
    RecycleEasy(t->easy);
  }
  // Closes the cached connections; their sockets leave sockets_ through the
  // socket and close-socket callbacks.
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  multi_ = nullptr;
  for (auto& [fd, socket] : sockets_) {
    socket->gone = true;
    socket->descriptor.release();
  }
  sockets_.clear();

  // Callbacks last, with libcurl quiet: they may call Start(), which now
  // fails at once, and must not find half a client.
  for (std::unique_ptr<Transfer>& t : cancelled) {
    t->response = HttpResponse();
    t->response.transport = absl::CancelledError(
        "the HTTP client was destroyed with the transfer in flight");
    t->response.elapsed = absl::FromChrono(SteadyClock::now() - t->started);
    t->done(std::move(t->response));
  }
  while (!ready_.empty()) {
    auto [done, response] = std::move(ready_.front());
    ready_.pop_front();
    done(std::move(response));
  }
}

void HttpClient::Impl::Start(HttpRequest request, Callback done) {
  if (shutting_down_) {
    // Only a callback run by the destructor can get here; the client is
    // going, so the callback cannot go through ready_.
    HttpResponse response;
    response.transport = absl::CancelledError("the HTTP client is closing");
    asio::post(io_, [done = std::move(done),
                     response = std::move(response)]() mutable {
      done(std::move(response));
    });
    return;
  }
  for (const auto& header : request.headers) {
    if (!ValidHeader(header)) {
      return Fail(
          std::move(done),
          absl::InvalidArgumentError(
              "a header name is empty or a header holds CR, LF or NUL"));
    }
  }
  CURL* easy = TakeEasy();
  if (easy == nullptr) {
    return Fail(std::move(done), absl::InternalError("curl_easy_init failed"));
  }
  auto t = std::make_unique<Transfer>();
  t->easy = easy;
  t->request = std::move(request);
  t->done = std::move(done);
  t->started = SteadyClock::now();
  t->seq = next_seq_++;
  t->max_body = options_.max_response_bytes;
  const CURLcode code = Configure(*t);
  CURLMcode added = CURLM_OK;
  if (code == CURLE_OK) added = curl_multi_add_handle(multi_, easy);
  if (code != CURLE_OK || added != CURLM_OK) {
    curl_slist_free_all(t->headers);
    RecycleEasy(easy);
    return Fail(std::move(t->done),
                absl::InternalError(absl::StrCat(
                    "cannot set up the transfer: ",
                    code != CURLE_OK ? curl_easy_strerror(code)
                                     : curl_multi_strerror(added))));
  }
  // libcurl now asks, through the timer callback, to be driven from the
  // io_context; nothing runs before Start() returns.
  transfers_.emplace(easy, std::move(t));
}

CURLcode HttpClient::Impl::Configure(Transfer& t) {
  CURL* easy = t.easy;
  const HttpRequest& r = t.request;
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(easy, option, value);
  };
  set(CURLOPT_URL, r.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_ERRORBUFFER, t.error);
  set(CURLOPT_WRITEFUNCTION, &Impl::BodyCallback);
  set(CURLOPT_WRITEDATA, &t);
  set(CURLOPT_HEADERFUNCTION, &Impl::HeaderCallback);
  set(CURLOPT_HEADERDATA, &t);
  set(CURLOPT_CLOSESOCKETFUNCTION, &Impl::CloseSocketCallback);
  set(CURLOPT_CLOSESOCKETDATA, this);
  set(CURLOPT_CONNECTTIMEOUT_MS, Milliseconds(options_.connect_timeout));
  const absl::Duration timeout =
      r.timeout != absl::ZeroDuration() ? r.timeout : options_.timeout;
  set(CURLOPT_TIMEOUT_MS, Milliseconds(timeout));
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) set(CURLOPT_CAINFO, options_.ca_file.c_str());
  if (options_.http2) {
    set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    // Rather than open another connection, wait for the one being set up to
    // tell (by ALPN, in the TLS handshake) whether it multiplexes. Not for
    // plain http://, which stays HTTP/1.1: libcurl would learn that only
    // from the first answer, and every other transfer would wait for it.
    if (absl::StartsWithIgnoreCase(r.url, "https://")) {
      set(CURLOPT_PIPEWAIT, 1L);
    }
  } else {
    set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  }
  if (!r.username.empty()) {
    set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    set(CURLOPT_USERNAME, r.username.c_str());
    set(CURLOPT_PASSWORD, r.password.c_str());
  }

  if (r.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else {
    if (r.method != "POST") set(CURLOPT_CUSTOMREQUEST, r.method.c_str());
    // A POST always has a body, if an empty one; other methods only when
    // given one. The body lives in t.request until the transfer ends.
    if (!r.body.empty() || r.method == "POST") {
      set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      set(CURLOPT_POSTFIELDS, r.body.data());
    }
  }

  for (const auto& [name, value] : r.headers) {
    // "Name:" would tell libcurl to drop its own header; "Name;" sends it
    // empty, as the caller asked.
    const std::string line = value.empty() ? absl::StrCat(name, ";")
                                           : absl::StrCat(name, ": ", value);
    curl_slist* next = curl_slist_append(t.headers, line.c_str());
    if (next == nullptr) return CURLE_OUT_OF_MEMORY;
    t.headers = next;
  }
  // libcurl sends "Expect: 100-continue" with larger bodies and then waits
  // for the server's go-ahead, a round trip (or a second) for nothing.
  curl_slist* next = curl_slist_append(t.headers, "Expect:");
  if (next == nullptr) return CURLE_OUT_OF_MEMORY;
  t.headers = next;
  set(CURLOPT_HTTPHEADER, t.headers);
  return rc;
}

CURL* HttpClient::Impl::TakeEasy() {
  if (free_easy_.empty()) return curl_easy_init();
  CURL* easy = free_easy_.back();
  free_easy_.pop_back();
  return easy;
}

void HttpClient::Impl::RecycleEasy(CURL* easy) {
  // Forgets every option (the password included) but keeps the handle's
  // buffers; connections live in the multi handle's cache, not here.
  curl_easy_reset(easy);
  free_easy_.push_back(easy);
}

void HttpClient::Impl::Fail(Callback done, absl::Status status) {
  HttpResponse response;
  response.transport = std::move(status);
  ready_.emplace_back(std::move(done), std::move(response));
  if (delivery_posted_) return;
  delivery_posted_ = true;
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (alive.expired()) return;  // Shutdown() delivered them
    DeliverReady();
  });
}

void HttpClient::Impl::DeliverReady() {
  delivery_posted_ = false;
  std::weak_ptr<int> alive = alive_;
  while (!ready_.empty()) {
    auto [done, response] = std::move(ready_.front());
    ready_.pop_front();
    done(std::move(response));
    if (alive.expired()) return;  // the callback destroyed the client
  }
}

int HttpClient::Impl::SocketCallback(CURL*, curl_socket_t fd, int what, void* p,
                                     void*) {
  return static_cast<Impl*>(p)->OnSocket(fd, what);
}

int HttpClient::Impl::TimerCallback(CURLM*, long timeout_ms, void* p) {
  static_cast<Impl*>(p)->OnTimer(timeout_ms);
  return 0;
}

int HttpClient::Impl::CloseSocketCallback(void* p, curl_socket_t fd) {
  // libcurl reports CURL_POLL_REMOVE before closing a socket it watched;
  // this makes sure, since a descriptor still registered with the reactor
  // would be confused with the next socket that gets the same number.
  static_cast<Impl*>(p)->Forget(fd);
  return close(fd);
}

size_t HttpClient::Impl::BodyCallback(char* data, size_t size, size_t n,
                                      void* p) {
  auto* t = static_cast<Transfer*>(p);
  if (t->response.body.size() + size * n > t->max_body) {
    t->body_too_long = true;
    return 0;  // libcurl ends the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, size * n);
  return size * n;
}

size_t HttpClient::Impl::HeaderCallback(char* data, size_t size, size_t n,
                                        void* p) {
  auto* t = static_cast<Transfer*>(p);
  const absl::string_view line(data, size * n);
  if (absl::StartsWith(line, "HTTP/")) {
    // A new response (after a 100 Continue, say): only the last one counts.
    t->response.retry_after.reset();
  } else if (const size_t colon = line.find(':');
             colon != absl::string_view::npos &&
             absl::EqualsIgnoreCase(
                 absl::StripAsciiWhitespace(line.substr(0, colon)),
                 "Retry-After")) {
    t->response.retry_after = ParseRetryAfter(
        absl::StripAsciiWhitespace(line.substr(colon + 1)), absl::Now());
  }
  return size * n;
}

int HttpClient::Impl::OnSocket(curl_socket_t fd, int what) {
  if (what == CURL_POLL_REMOVE) {
    Forget(fd);
    return 0;
  }
  std::shared_ptr<Socket>& socket = sockets_[fd];
  if (socket == nullptr) {
    socket = std::make_shared<Socket>(io_);
    error_code ec;
    socket->descriptor.assign(fd, ec);
    if (ec) {
      sockets_.erase(fd);
      return -1;  // libcurl fails the transfer
    }
  }
  socket->wanted = what;
  Watch(socket, fd);
  return 0;
}

void HttpClient::Impl::Watch(const std::shared_ptr<Socket>& socket,
                             curl_socket_t fd) {
  // A wait for a direction libcurl no longer wants is left to complete and
  // be ignored: cancelling would cancel both directions.
  auto wait = [&](asio::posix::descriptor_base::wait_type type, int select) {
    socket->descriptor.async_wait(
        type, [this, alive = std::weak_ptr<int>(alive_), socket, fd,
               select](const error_code& ec) {
          if (alive.expired()) return;
          OnReady(socket, fd, select, ec);
        });
  };
  if ((socket->wanted & CURL_POLL_IN) && !socket->reading) {
    socket->reading = true;
    wait(asio::posix::descriptor_base::wait_read, CURL_CSELECT_IN);
  }
  if ((socket->wanted & CURL_POLL_OUT) && !socket->writing) {
    socket->writing = true;
    wait(asio::posix::descriptor_base::wait_write, CURL_CSELECT_OUT);
  }
}

void HttpClient::Impl::OnReady(const std::shared_ptr<Socket>& socket,
                               curl_socket_t fd, int select,
                               const error_code& ec) {
  const int direction =
      select == CURL_CSELECT_IN ? CURL_POLL_IN : CURL_POLL_OUT;
  (direction == CURL_POLL_IN ? socket->reading : socket->writing) = false;
  if (ec == asio::error::operation_aborted || socket->gone) return;
  if (!(socket->wanted & direction)) return;
  int running = 0;
  curl_multi_socket_action(multi_, fd, ec ? CURL_CSELECT_ERR : select,
                           &running);
  // libcurl did not ask again, since it did not change its mind; the
  // reactor's wait is one-shot, so wait again.
  if (!socket->gone) Watch(socket, fd);
  ProcessDone();
}

void HttpClient::Impl::Forget(curl_socket_t fd) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  it->second->gone = true;
  // Takes the descriptor out of the reactor and aborts its waits, without
  // closing it.
  it->second->descriptor.release();
  sockets_.erase(it);
}

void HttpClient::Impl::OnTimer(long timeout_ms) {
  // libcurl asks for "now" (0) at least once per transfer. Arming a timer
  // for that costs a timerfd_settime call each time, which was a fifth of
  // the I/O thread's time at 10,000 requests/s; a posted call does the
  // same. A timer left armed from before only makes libcurl check its
  // timeouts once more, which it allows, so it is not cancelled.
  if (timeout_ms == 0) {
    if (timeout_posted_) return;
    timeout_posted_ = true;
    asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
      if (alive.expired()) return;
      timeout_posted_ = false;
      OnTimeout();
    });
    return;
  }
  if (timeout_ms < 0) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  timer_.async_wait(
      [this, alive = std::weak_ptr<int>(alive_)](const error_code& ec) {
        if (alive.expired() || ec == asio::error::operation_aborted) return;
        OnTimeout();
      });
}

void HttpClient::Impl::OnTimeout() {
  int running = 0;
  curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  ProcessDone();
}

void HttpClient::Impl::ProcessDone() {
  std::weak_ptr<int> alive = alive_;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    // msg dies with curl_multi_remove_handle; copy what it says first.
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    auto node = transfers_.extract(easy);
    if (node.empty()) continue;
    std::unique_ptr<Transfer> t = std::move(node.mapped());
    Finish(*t, code);
    t->done(std::move(t->response));
    if (alive.expired()) return;  // the callback destroyed the client
  }
}

void HttpClient::Impl::Finish(Transfer& t, CURLcode code) {
  curl_multi_remove_handle(multi_, t.easy);
  long connects = 0;
  if (curl_easy_getinfo(t.easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) {
    connections_opened_ += connects;
  }
  HttpResponse& response = t.response;
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
  } else {
    std::string message = t.body_too_long ? absl::StrCat("answer longer than ",
                                                         t.max_body, " bytes")
                          : t.error[0] != '\0' ? std::string(t.error)
                                               : curl_easy_strerror(code);
    // Credentials never reach libcurl's messages through the URL, which
    // does not carry them; this is for a caller who put them there anyway.
    if (!t.request.password.empty()) {
      absl::StrReplaceAll({{t.request.password, "<password>"}}, &message);
    }
    message = NameTheHost(t.request.url,
                          std::string(absl::StripAsciiWhitespace(message)));
    response.transport = absl::Status(StatusCodeFor(code), message);
    response.connect_failed =
        code == CURLE_COULDNT_RESOLVE_PROXY ||
        code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT ||
        code == CURLE_SSL_CONNECT_ERROR ||
        code == CURLE_PEER_FAILED_VERIFICATION ||
        code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM;
    response.status = 0;
    response.body.clear();
    response.retry_after.reset();
  }
  response.elapsed = absl::FromChrono(SteadyClock::now() - t.started);
  curl_slist_free_all(t.headers);
  t.headers = nullptr;
  RecycleEasy(t.easy);
}

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(
    boost::asio::io_context& io, const HttpClientOptions& options) {
  if (const CURLcode code = GlobalInit(); code != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("curl_global_init: ", curl_easy_strerror(code)));
  }
  auto impl = std::make_unique<Impl>(io, options);
  if (absl::Status s = impl->Init(); !s.ok()) return s;
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpClient::~HttpClient() { impl_->Shutdown(); }

void HttpClient::Start(HttpRequest request, Callback done) {
  impl_->Start(std::move(request), std::move(done));
}

int HttpClient::in_flight() const { return impl_->in_flight(); }

int64_t HttpClient::connections_opened() const {
  return impl_->connections_opened();
}

absl::Status StartHttpThread(boost::asio::io_context& io,
                             const HttpClientOptions& options,
                             std::unique_ptr<HttpClient>* client,
                             std::function<void()> on_start,
                             std::thread* thread) {
  std::promise<absl::Status> started;
  *thread = std::thread([&io, &options, client, &on_start, &started] {
    absl::StatusOr<std::unique_ptr<HttpClient>> created =
        HttpClient::Create(io, options);
    if (!created.ok()) {
      started.set_value(created.status());
      return;
    }
    *client = *std::move(created);
    // Runs before `started` is set: the caller's references are alive.
    std::function<void()> first = std::move(on_start);
    started.set_value(absl::OkStatus());
    if (first) first();
    io.run();
    client->reset();
  });
  absl::Status status = started.get_future().get();
  if (!status.ok()) thread->join();
  return status;
}

}  // namespace herald
