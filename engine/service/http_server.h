// The HTTP/1.1 server under `herald serve`: Boost.Beast on one Asio
// io_context, optionally TLS. It knows nothing of CallFire: it reads a
// request, asks a HeaderCheck whether to read its body at all, and hands the
// whole request to a Handler on one of a fixed pool of handler threads (the
// Engine's calls may block: a batch is validated before AddBatch returns),
// so the I/O thread never waits and a connection costs no thread.
//
// A body too large for memory (an upload) can instead stream, a piece at a
// time as it arrives, into a BodySink that a SinkFactory chose for it.
//
// Everything is bounded: the header size, the body size, the connections,
// the requests waiting for a handler thread (beyond: 503 at once), and time
// (a connection idle between requests, a header or body that arrives too
// slowly, is closed). A request it cannot parse gets a 400 naming the
// problem and its connection is closed; no other connection notices.
#ifndef HERALD_ENGINE_SERVICE_HTTP_SERVER_H_
#define HERALD_ENGINE_SERVICE_HTTP_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace herald {

class BodySink;

struct ServerRequest {
  std::string method;  // as sent: "GET", "POST", ...
  std::string path;    // the target up to '?', not decoded
  std::string query;   // the target after '?', not decoded; may be empty
  std::string content_type;
  std::string authorization;  // the Authorization header's value
  std::string body;           // empty until the HeaderCheck let it be read
  // Where the body went instead of `body`, when a SinkFactory chose one.
  std::shared_ptr<BodySink> sink;
};

// Takes a request's body as it arrives, in pieces, on the I/O thread (so
// each call must be quick: a write to a local file is). An error ends the
// read: the client gets the error's message with a status from its code
// (InvalidArgument 400, OutOfRange 413, ResourceExhausted 507, others 500)
// and the connection is closed.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual absl::Status Append(absl::string_view bytes) = 0;
  // The whole body has been appended.
  virtual absl::Status Finish() = 0;
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones
};

// Answers a whole request. Called on a handler thread, for several requests
// at once; must not throw.
using HttpHandler = std::function<ServerResponse(const ServerRequest&)>;
// Called on the I/O thread with a request whose body is not read yet: a
// response to send instead (the connection is then closed, the body never
// read), or nullopt to read the body and call the handler. Must be quick.
using HeaderCheck =
    std::function<std::optional<ServerResponse>(const ServerRequest&)>;

// Called on the I/O thread after the HeaderCheck let a request in: a sink
// for its body to stream into, nullptr to read it into memory as usual, or
// an error to refuse it with (the status as for BodySink). Must be quick.
using SinkFactory = std::function<absl::StatusOr<std::shared_ptr<BodySink>>(
    const ServerRequest&)>;

struct HttpServerOptions {
  // host:port; port 0 picks a free one (HttpServer::port()).
  std::string listen = "127.0.0.1:8080";
  size_t header_limit = 16 << 10;
  size_t body_limit = 16 << 20;  // beyond: 413 before the body is read
  // The same for a body that streams into a sink.
  uint64_t streamed_body_limit = uint64_t{8} << 30;
  // A kept-alive connection that sends nothing for this long is closed.
  absl::Duration idle_timeout = absl::Seconds(60);
  // From a request's first byte to the end of its header, and for its body;
  // a client that sends one byte a second is cut off.
  absl::Duration header_timeout = absl::Seconds(10);
  absl::Duration body_timeout = absl::Seconds(60);
  // A streamed body may take longer, as long as it keeps up this rate on
  // average once body_timeout has passed.
  uint64_t streamed_bytes_per_second = 64 << 10;
  int max_connections = 512;  // beyond: accepted and closed at once
  int handler_threads = 4;
  // Requests with a handler or waiting for one; beyond: 503.
  int max_pending_requests = 256;
  // Both set: TLS (PEM files); both empty: plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class HttpServer {
 public:
  // Listens and starts serving. InvalidArgument for a listen address that is
  // not host:port or TLS files that cannot be used (naming the file);
  // Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const HttpServerOptions& options, HttpHandler handler, HeaderCheck check,
      SinkFactory sinks = nullptr);
  // Stop().
  ~HttpServer();

  uint16_t port() const;

  // Stops accepting, waits for the handlers that run to return and their
  // answers to be written, closes every connection. Idempotent.
  void Stop();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_HTTP_SERVER_H_
