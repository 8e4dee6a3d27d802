#include "engine/service/http_server.h"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/thread_pool.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/beast/ssl.hpp"
#include "engine/base/utf8.h"
#include "engine/service/server_endpoint.h"
#include "engine/service/sink_body.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// What the first read of a request asks for.
constexpr size_t kFirstRead = 4096;

// How long a connection whose body was refused is drained before it closes.
constexpr auto kLinger = std::chrono::seconds(2);

// Stop() waits this long for connections with an answer to write.
constexpr auto kStopGrace = std::chrono::seconds(10);

std::chrono::steady_clock::duration Steady(absl::Duration d) {
  return absl::ToChronoNanoseconds(d);
}

std::string View(beast::string_view s) { return std::string(s); }

ServerResponse PlainError(int status, absl::string_view message) {
  ServerResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = nlohmann::json{{"httpStatusCode", status},
                                 {"internalCode", 0},
                                 {"message", ValidUtf8(message)}}
                      .dump();
  return response;
}

// What a connection needs of the server; the server outlives its sessions
// (Stop() waits for them to end).
class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection once it has no answer pending.
  virtual void Shutdown() = 0;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const HttpServerOptions& options, HttpHandler handler, HeaderCheck check,
       SinkFactory sinks)
      : options_(options),
        handler_(std::move(handler)),
        check_(std::move(check)),
        sinks_(std::move(sinks)),
        acceptor_(ioc_),
        pool_(std::max(1, options.handler_threads)) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  ~Impl() { Stop(); }

  absl::Status Listen();
  void Stop();
  uint16_t port() const { return port_; }

  const HttpServerOptions& options() const { return options_; }
  const HeaderCheck& check() const { return check_; }
  const SinkFactory& sinks() const { return sinks_; }
  bool stopping() const { return stopping_.load(); }

  // Runs handler_ on a pool thread and `done` with its answer on
  // `executor`; false (nothing runs) when too many requests are pending.
  template <typename Executor, typename Done>
  bool Handle(ServerRequest request, Executor executor, Done done) {
    if (pending_.fetch_add(1) >= options_.max_pending_requests) {
      pending_.fetch_sub(1);
      return false;
    }
    net::post(pool_, [this, request = std::move(request), executor,
                      done = std::move(done)]() mutable {
      ServerResponse response = handler_(request);
      pending_.fetch_sub(1);
      net::post(executor, [done = std::move(done),
                           response = std::move(response)]() mutable {
        done(std::move(response));
      });
    });
    return true;
  }

  void Register(const std::shared_ptr<SessionBase>& session) {
    std::lock_guard lock(sessions_mu_);
    sessions_.push_back(session);
  }
  void SessionEnded() {
    std::lock_guard lock(sessions_mu_);
    --open_sessions_;
    sessions_changed_.notify_all();
  }

 private:
  void Accept();
  void OnAccept(const error_code& ec, tcp::socket socket);

  const HttpServerOptions options_;
  const HttpHandler handler_;
  const HeaderCheck check_;
  const SinkFactory sinks_;
  std::optional<ssl::context> tls_;  // the TLS sessions use it
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> pending_{0};

  std::mutex sessions_mu_;
  std::condition_variable sessions_changed_;
  std::list<std::weak_ptr<SessionBase>> sessions_;  // (sessions_mu_)
  int open_sessions_ = 0;                           // (sessions_mu_)

  std::mutex stop_mu_;
  bool stopped_ = false;  // (stop_mu_)

  // After what a session's destructor uses: sessions still queued in the
  // io_context when it goes (past Stop's grace) end before the rest.
  net::io_context ioc_{1};
  // Keeps ioc_ running while a handler works and no socket waits.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{
      ioc_.get_executor()};
  tcp::acceptor acceptor_;
  net::thread_pool pool_;
  std::thread io_thread_;
};

namespace {

// One connection: reads a request, lets the check refuse it, reads its
// body, has it handled, writes the answer, and again while it is kept
// alive. All its handlers run on its strand.
template <typename Stream>
class Session : public SessionBase {
 public:
  template <typename... StreamArgs>
  explicit Session(HttpServer::Impl* server, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...),
        server_(server),
        options_(server->options()) {}

  ~Session() override { server_->SessionEnded(); }

  void Start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      ReadHeader();
    } else {
      Lowest().expires_after(Steady(options_.header_timeout));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = Self()](const error_code& ec) {
                                if (ec) return self->Close();
                                self->ReadHeader();
                              });
    }
  }

  void Shutdown() override {
    net::post(Lowest().get_executor(), [self = Self()] {
      self->closing_ = true;
      if (!self->busy_) self->Close();
    });
  }

 private:
  std::shared_ptr<Session> Self() {
    return std::static_pointer_cast<Session>(shared_from_this());
  }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // Waits, at most idle_timeout, for the next request's first bytes; its
  // header then has header_timeout to arrive whole (Beast parses a header
  // only once it is complete, so the wait for the first bytes is a read of
  // its own, which also sees what TLS has decrypted already).
  void ReadHeader() {
    if (closing_) return Close();
    body_unread_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options_.header_limit));
    // Beast checks a Content-Length against the limit with the header,
    // before anyone knows whether the body streams: OnHeader sets the
    // limit that applies.
    parser_->body_limit(
        std::max<uint64_t>(options_.body_limit, options_.streamed_body_limit));
    if (buffer_.size() > 0) return ReadWholeHeader();
    Lowest().expires_after(Steady(options_.idle_timeout));
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = Self()](const error_code& ec, size_t n) {
                              if (ec) return self->OnReadError(ec);
                              self->buffer_.commit(n);
                              self->ReadWholeHeader();
                            });
  }

  void ReadWholeHeader() {
    Lowest().expires_after(Steady(options_.header_timeout));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = Self()](const error_code& ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(const error_code& ec) {
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    request_ = ServerRequest();
    const beast::string_view target = header.target();
    const size_t question = target.find('?');
    request_.method = View(header.method_string());
    request_.path = View(target.substr(0, question));
    if (question != beast::string_view::npos) {
      request_.query = View(target.substr(question + 1));
    }
    request_.content_type = View(header[http::field::content_type]);
    request_.authorization = View(header[http::field::authorization]);
    keep_alive_ = header.keep_alive();
    if (std::optional<ServerResponse> refused = server_->check()(request_)) {
      keep_alive_ = false;
      body_unread_ = true;
      return Write(*std::move(refused));
    }
    if (server_->sinks()) {
      absl::StatusOr<std::shared_ptr<BodySink>> sink =
          server_->sinks()(request_);
      if (!sink.ok()) {
        keep_alive_ = false;
        body_unread_ = true;
        return Write(PlainError(SinkErrorStatus(sink.status()),
                                sink.status().message()));
      }
      if (*sink != nullptr) return StreamBody(*std::move(sink));
    }
    if (parser_->content_length().has_value() &&
        *parser_->content_length() > options_.body_limit) {
      keep_alive_ = false;
      body_unread_ = true;
      return Write(PlainError(
          413, absl::StrCat("the body is larger than the server takes (",
                            options_.body_limit, " bytes)")));
    }
    parser_->body_limit(options_.body_limit);
    body_limit_ = options_.body_limit;
    Lowest().expires_after(Steady(options_.body_timeout));
    ContinueThen(parser_->get(), [self = Self()] { self->ReadBody(); });
  }

  // Sends "100 Continue" first when the client waits for it (`header`
  // asks for it).
  template <typename Header, typename Next>
  void ContinueThen(const Header& header, Next next) {
    if (!absl::EqualsIgnoreCase(View(header[http::field::expect]),
                                "100-continue")) {
      return next();
    }
    continue_.emplace(http::status::continue_, header.version());
    http::async_write(stream_, *continue_,
                      [self = Self(), next](const error_code& ec, size_t) {
                        if (ec) return self->Close();
                        next();
                      });
  }

  void StreamBody(std::shared_ptr<BodySink> sink) {
    if (parser_->content_length().has_value() &&
        *parser_->content_length() > options_.streamed_body_limit) {
      keep_alive_ = false;
      body_unread_ = true;
      return Write(PlainError(
          413, absl::StrCat("the body is larger than the server takes (",
                            options_.streamed_body_limit, " bytes)")));
    }
    request_.sink = sink;
    stream_parser_.emplace(std::move(*parser_));
    parser_.reset();
    stream_parser_->body_limit(options_.streamed_body_limit);
    stream_parser_->get().body().sink = std::move(sink);
    body_limit_ = options_.streamed_body_limit;
    if (stream_parser_->is_done()) {
      // The message ended with its header: the sink gets no byte at all.
      stream_parser_.reset();
      const absl::Status finished = request_.sink->Finish();
      if (!finished.ok()) {
        keep_alive_ = false;
        return Write(PlainError(SinkErrorStatus(finished), finished.message()));
      }
      return Dispatch();
    }
    stream_started_ = std::chrono::steady_clock::now();
    streamed_bytes_ = 0;
    ContinueThen(stream_parser_->get(),
                 [self = Self()] { self->ReadStreamedBody(); });
  }

  // A piece at a time, so that a long upload is timed by its rate, not as
  // a whole: each read has body_timeout, and the bytes so far must keep up
  // streamed_bytes_per_second once body_timeout has passed.
  void ReadStreamedBody() {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                      stream_started_)
            .count();
    const double allowed = absl::ToDoubleSeconds(options_.body_timeout) +
                           static_cast<double>(streamed_bytes_) /
                               static_cast<double>(std::max<uint64_t>(
                                   1, options_.streamed_bytes_per_second));
    if (seconds > allowed) return Close();  // a trickle: cut off
    Lowest().expires_after(Steady(options_.body_timeout));
    http::async_read_some(stream_, buffer_, *stream_parser_,
                          [self = Self()](const error_code& ec, size_t n) {
                            self->streamed_bytes_ += n;
                            self->OnStreamedPiece(ec);
                          });
  }

  void OnStreamedPiece(const error_code& ec) {
    SinkBody::value_type& body = stream_parser_->get().body();
    if (!body.failure.ok()) {
      keep_alive_ = false;
      body_unread_ = true;
      const absl::Status failure = body.failure;
      stream_parser_.reset();
      return Write(PlainError(SinkErrorStatus(failure), failure.message()));
    }
    if (ec) {
      stream_parser_.reset();
      return OnReadError(ec);
    }
    if (!stream_parser_->is_done()) return ReadStreamedBody();
    stream_parser_.reset();
    Dispatch();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = Self()](const error_code& ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(const error_code& ec) {
    if (ec) return OnReadError(ec);
    request_.body = parser_->release().body();
    Dispatch();
  }

  // Hands the whole request to a handler thread.
  void Dispatch() {
    busy_ = true;
    const bool taken =
        server_->Handle(std::move(request_), Lowest().get_executor(),
                        [self = Self()](ServerResponse response) {
                          self->Write(std::move(response));
                        });
    if (!taken) {
      ServerResponse busy = PlainError(
          503, "the server has too many requests waiting; try again");
      busy.headers.emplace_back("Retry-After", "1");
      Write(std::move(busy));
    }
  }

  void OnReadError(const error_code& ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec.category() !=
            http::make_error_code(http::error::bad_method).category()) {
      return Close();  // gone, too slow, or a socket error: no one to tell
    }
    keep_alive_ = false;
    if (ec == http::error::header_limit) {
      return Write(PlainError(
          431, absl::StrCat("the request header is larger than the server "
                            "takes (",
                            options_.header_limit, " bytes)")));
    }
    if (ec == http::error::body_limit) {
      body_unread_ = true;
      return Write(PlainError(
          413, absl::StrCat("the body is larger than the server takes (",
                            body_limit_, " bytes)")));
    }
    Write(PlainError(400,
                     absl::StrCat("not a valid HTTP request: ", ec.message())));
  }

  void Write(ServerResponse response) {
    busy_ = true;
    response_.emplace();
    response_->version(11);
    response_->result(static_cast<unsigned>(response.status));
    response_->set(http::field::server, "herald");
    if (!response.body.empty() || response.status != 204) {
      response_->set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) {
      response_->set(name, value);
    }
    response_->body() = std::move(response.body);
    response_->keep_alive(keep_alive_ && !closing_ && !server_->stopping());
    response_->prepare_payload();
    Lowest().expires_after(Steady(options_.body_timeout));
    http::async_write(
        stream_, *response_,
        [self = Self()](const error_code& ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(const error_code& ec) {
    busy_ = false;
    const bool again = !ec && response_->keep_alive();
    response_.reset();
    if (!again) return body_unread_ && !ec ? Linger() : Close();
    ReadHeader();
  }

  // The client may still be sending the body that was refused: a socket
  // closed with bytes unread answers them with a reset, which can destroy
  // the answer before the client reads it. So the server stops sending,
  // drops what still comes for a while, and then closes.
  void Linger() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Lowest().expires_after(kLinger);
      Drain();
    } else {
      Close();
    }
  }

  void Drain() {
    Lowest().async_read_some(net::buffer(drained_),
                             [self = Self()](const error_code& ec, size_t) {
                               if (ec) return self->Close();
                               self->Drain();
                             });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Lowest().close();
    } else {
      Lowest().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown(
          [self = Self()](const error_code&) { self->Lowest().close(); });
    }
  }

  Stream stream_;
  HttpServer::Impl* server_;
  const HttpServerOptions& options_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request_parser<SinkBody>> stream_parser_;
  std::chrono::steady_clock::time_point stream_started_;
  uint64_t body_limit_ = 0;   // the one that applies to the body being read
  bool body_unread_ = false;  // answered before the body was read whole
  std::array<char, 16384> drained_;
  uint64_t streamed_bytes_ = 0;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  ServerRequest request_;
  bool keep_alive_ = false;
  bool busy_ = false;     // a handler or a write is under way
  bool closing_ = false;  // the server stops: close when not busy
  bool closed_ = false;
};

}  // namespace

absl::Status HttpServer::Impl::Listen() {
  absl::StatusOr<tcp::endpoint> endpoint = ParseListenAddress(options_.listen);
  if (!endpoint.ok()) return endpoint.status();
  if (options_.tls_cert_file.empty() != options_.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs both a certificate and a key file");
  }
  if (!options_.tls_cert_file.empty()) {
    tls_.emplace(ssl::context::tls_server);
    if (absl::Status s = LoadTlsIdentity(options_.tls_cert_file,
                                         options_.tls_key_file, &*tls_);
        !s.ok()) {
      return s;
    }
  }
  error_code ec;
  acceptor_.open(endpoint->protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(*endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen, ": ", ec.message()));
  }
  port_ = acceptor_.local_endpoint().port();
  Accept();
  io_thread_ = std::thread([this] { ioc_.run(); });
  return absl::OkStatus();
}

void HttpServer::Impl::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         [this](const error_code& ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void HttpServer::Impl::OnAccept(const error_code& ec, tcp::socket socket) {
  if (stopping_ || ec == net::error::operation_aborted) return;
  if (!ec) {
    std::shared_ptr<SessionBase> session;
    {
      std::lock_guard lock(sessions_mu_);
      if (open_sessions_ < options_.max_connections)
        ++open_sessions_;
      else
        socket.close();  // over the cap: the client may try again
      sessions_.remove_if([](const auto& s) { return s.expired(); });
    }
    if (socket.is_open()) {
      if (tls_.has_value()) {
        auto s =
            std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
                this, std::move(socket), *tls_);
        session = s;
        Register(session);
        s->Start();
      } else {
        auto s = std::make_shared<Session<beast::tcp_stream>>(
            this, std::move(socket));
        session = s;
        Register(session);
        s->Start();
      }
    }
  }
  Accept();
}

void HttpServer::Impl::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  stopping_ = true;
  if (io_thread_.joinable()) {
    net::post(ioc_, [this] {
      error_code ignored;
      acceptor_.close(ignored);
    });
    std::vector<std::shared_ptr<SessionBase>> open;
    {
      std::lock_guard lock(sessions_mu_);
      for (const std::weak_ptr<SessionBase>& weak : sessions_) {
        if (std::shared_ptr<SessionBase> session = weak.lock()) {
          open.push_back(std::move(session));
        }
      }
    }
    for (const auto& session : open) session->Shutdown();
    open.clear();  // without the lock: the last reference ends a session
    std::unique_lock lock(sessions_mu_);
    sessions_changed_.wait_for(lock, kStopGrace,
                               [this] { return open_sessions_ == 0; });
    lock.unlock();
    work_.reset();
    ioc_.stop();
    io_thread_.join();
  }
  pool_.join();
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpServerOptions& options, HttpHandler handler, HeaderCheck check,
    SinkFactory sinks) {
  auto impl = std::make_unique<Impl>(options, std::move(handler),
                                     std::move(check), std::move(sinks));
  if (absl::Status s = impl->Listen(); !s.ok()) return s;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Stop() { impl_->Stop(); }

}  // namespace herald
