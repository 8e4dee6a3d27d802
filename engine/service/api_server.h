// `herald serve` without the command line: the CallFire API (callfire_api.h)
// on an HttpServer, behind HTTP Basic authentication, and the providers'
// callbacks beside it (provider_callbacks.h). The command and the tests
// start it the same way.
#ifndef HERALD_ENGINE_SERVICE_API_SERVER_H_
#define HERALD_ENGINE_SERVICE_API_SERVER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/service/api_credentials.h"
#include "engine/service/callfire_api.h"
#include "engine/service/http_server.h"
#include "engine/service/provider_callbacks.h"
#include "herald/engine.h"

namespace herald {

struct ApiServerOptions {
  HttpServerOptions http;
  CallFireApiOptions api;
  // The users; nullopt: every request is taken without credentials, which
  // Start() allows only on a loopback address.
  std::optional<ApiCredentials> credentials;
  // The providers file's providers, whose callbacks (/callbacks/...) the
  // server takes with their own secrets, not the users' credentials.
  std::vector<ProviderConfig> providers;
  // What callbacks are stamped with; null: the system clock.
  Clock* clock = nullptr;
};

class ApiServer {
 public:
  // Serves `engine` (which must outlive the server). InvalidArgument for a
  // server without credentials on an address other hosts can reach, and
  // HttpServer::Start's errors.
  static absl::StatusOr<std::unique_ptr<ApiServer>> Start(
      Engine* engine, ApiServerOptions options);

  uint16_t port() const { return http_->port(); }
  bool SignsWebhooks() const { return api_.SignsWebhooks(); }
  // HttpServer::Stop: answers what is under way, then closes.
  void Stop() { http_->Stop(); }

 private:
  ApiServer(Engine* engine, ApiServerOptions options);

  const ApiServerOptions options_;
  CallFireApi api_;
  ProviderCallbacks callbacks_;
  std::unique_ptr<HttpServer> http_;  // last: stops before api_ goes
};

// Whether `listen` (host:port) is on a loopback address (127.0.0.0/8, ::1,
// localhost).
bool IsLoopbackListen(absl::string_view listen);

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_API_SERVER_H_
