#include "engine/service/api_server.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/service/api_call.h"

namespace herald {

bool IsLoopbackListen(absl::string_view listen) {
  const size_t colon = listen.rfind(':');
  const absl::string_view host =
      colon == absl::string_view::npos ? listen : listen.substr(0, colon);
  return absl::StartsWith(host, "127.") || host == "[::1]" ||
         host == "localhost";
}

ApiServer::ApiServer(Engine* engine, ApiServerOptions options)
    : options_(std::move(options)),
      api_(engine, options_.api),
      callbacks_(engine, options_.providers, options_.clock) {}

absl::StatusOr<std::unique_ptr<ApiServer>> ApiServer::Start(
    Engine* engine, ApiServerOptions options) {
  if (!options.credentials.has_value() &&
      !IsLoopbackListen(options.http.listen)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listening on ", options.http.listen,
        " lets other hosts in: give the API's users (--credentials)"));
  }
  std::unique_ptr<ApiServer> server(new ApiServer(engine, std::move(options)));
  ApiServer* self = server.get();
  absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Start(
      self->options_.http,
      [self](const ServerRequest& request) {
        if (ProviderCallbacks::Serves(request.path)) {
          return self->callbacks_.Handle(request);
        }
        return self->api_.Handle(request);
      },
      [self](const ServerRequest& request) -> std::optional<ServerResponse> {
        const std::optional<ApiCredentials>& users = self->options_.credentials;
        if (!users.has_value() || ProviderCallbacks::Serves(request.path) ||
            users->Accepts(request.authorization)) {
          return std::nullopt;
        }
        ServerResponse refused =
            ErrorResponse(401, request.authorization.empty()
                                   ? "credentials required (HTTP Basic)"
                                   : "the username or password is wrong");
        refused.headers.emplace_back("WWW-Authenticate",
                                     "Basic realm=\"herald\"");
        return refused;
      },
      [self](const ServerRequest& request) {
        return self->api_.SinkFor(request);
      });
  if (!http.ok()) return http.status();
  server->http_ = *std::move(http);
  if (absl::Status s = server->api_.StartWebhooks(); !s.ok()) return s;
  return server;
}

}  // namespace herald
