// The I/O core: libcurl's multi interface driven by a Boost.Asio io_context
// through its socket and timer callbacks (CURLMOPT_SOCKETFUNCTION,
// CURLMOPT_TIMERFUNCTION, curl_multi_socket_action), so one thread keeps
// thousands of HTTP transfers in flight over kept-alive connections.
#ifndef HERALD_ENGINE_HTTP_HTTP_CLIENT_H_
#define HERALD_ENGINE_HTTP_HTTP_CLIENT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace herald {

struct HttpRequest {
  std::string method = "POST";  // GET, POST, PUT, ...
  std::string url;
  // Sent as given, in order ("Content-Type", "application/json"); an empty
  // value is sent empty. A name that is empty, or a name or value holding
  // CR, LF or NUL, fails the request (InvalidArgument) before it is sent.
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent for every method but GET and HEAD when not empty (a POST always
  // sends one, if empty). Without a Content-Type header, libcurl labels it
  // application/x-www-form-urlencoded.
  std::string body;
  // HTTP Basic credentials, used when `username` is not empty. Never logged
  // and never part of an error message.
  std::string username;
  std::string password;
  // The whole transfer, connecting included; zero takes the client's. A
  // transfer waiting for a connection (max_host_connections) is timed from
  // Start() too, though it only ends once a connection frees up.
  absl::Duration timeout = absl::ZeroDuration();
};

struct HttpResponse {
  // OK when an HTTP answer arrived (whatever its status). Otherwise why none
  // did: DeadlineExceeded for a timeout, Unavailable for a connection that
  // could not be made (name resolution and TLS included) or broke (a reset,
  // nothing or half an answer received), Cancelled when the client was
  // destroyed first, InvalidArgument for a malformed header, Internal for
  // anything else. The message comes from libcurl and names the host, never
  // the credentials. libcurl itself sends a request again, once, when a
  // reused kept-alive connection turns out dead before any answer; only
  // when that fails too is the transfer Unavailable.
  absl::Status transport;
  // No connection could be made (name resolution, TCP or TLS set-up), so
  // nothing of the request reached the server.
  bool connect_failed = false;
  int status = 0;  // the HTTP status; 0 without an answer
  std::string body;
  // The Retry-After header, when there was one: delta-seconds, or an
  // HTTP-date turned into the time left until it (at least zero).
  std::optional<absl::Duration> retry_after;
  absl::Duration elapsed;  // from Start() to the answer
};

struct HttpClientOptions {
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(30);  // per transfer, by default
  // Connections kept open per host (libcurl's CURLMOPT_MAX_HOST_CONNECTIONS);
  // transfers beyond it wait for one. 0: no cap, so with HTTP/1.1 each
  // concurrent transfer opens its own connection (and file descriptor).
  int max_host_connections = 0;
  // TLS peer and host verification stay on; this is a CA bundle (PEM) to
  // trust, for a provider with a private CA (libcurl's CURLOPT_CAINFO, in
  // place of the system's bundle file). Empty: the system's bundle.
  std::string ca_file;
  // Offer HTTP/2 (over TLS by ALPN) and multiplex transfers on one
  // connection where the server agrees. Plain http:// stays HTTP/1.1.
  bool http2 = true;
  // An answer whose body grows past this is cut off: the transfer ends with
  // transport Internal ("answer longer than N bytes"), so a provider that
  // streams without end cannot fill the memory.
  size_t max_response_bytes = 1 << 20;
};

// Every method, and the constructor and destructor, must run on the thread
// that runs `io` (the dispatch I/O thread); the callbacks run there too. Not
// thread-safe by design: one thread owns the client, the rate limiter and
// the queues, so nothing locks on the hot path.
class HttpClient {
 public:
  // Fails (Internal) only when libcurl cannot be set up.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(
      boost::asio::io_context& io, const HttpClientOptions& options);

  // Aborts the transfers still in flight; their callbacks run with
  // transport Cancelled, in the order they were started, before it returns.
  // May be called from a callback.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Callback = std::function<void(HttpResponse)>;

  // Starts `request` and returns at once; `done` runs exactly once, on the
  // I/O thread, after Start() has returned.
  void Start(HttpRequest request, Callback done);

  // Transfers started and not yet done.
  int in_flight() const;

  // Connections libcurl opened so far (CURLINFO_NUM_CONNECTS summed over
  // transfers): with keep-alive this stays far below the transfer count.
  int64_t connections_opened() const;

 private:
  class Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Starts `*thread`, the owner of an HttpClient: there it creates the client
// on `io` into `*client`, calls `on_start`, runs `io` until it is stopped,
// and destroys the client (whose callbacks then find their owner stopping).
// Returns once the client exists, or why it could not be made; the thread
// has then ended and is joined.
absl::Status StartHttpThread(boost::asio::io_context& io,
                             const HttpClientOptions& options,
                             std::unique_ptr<HttpClient>* client,
                             std::function<void()> on_start,
                             std::thread* thread);

}  // namespace herald

#endif  // HERALD_ENGINE_HTTP_HTTP_CLIENT_H_
