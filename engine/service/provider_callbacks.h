// What the providers call back: /callbacks/{provider}/receipt (delivery
// receipts) and /callbacks/{provider}/inbound (texts people send, with what
// their keywords do: Engine::ReceiveText) on `herald serve`'s listener, GET or
// POST (a query, or a form body), `{provider}` a name in the providers file. A
// caller proves itself with the provider's callback secret as the `secret`
// parameter (provider_config.h); the API's users and their credentials play no
// part. Each call is recorded before it is answered 200, so a provider that
// retries a call it got no answer to loses nothing; a call that is wrong
// (a bad parameter, an unknown text) is answered 4xx naming why.
#ifndef HERALD_ENGINE_SERVICE_PROVIDER_CALLBACKS_H_
#define HERALD_ENGINE_SERVICE_PROVIDER_CALLBACKS_H_

#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/dispatch/provider_config.h"
#include "engine/service/http_server.h"
#include "herald/clock.h"
#include "herald/engine.h"

namespace herald {

class ProviderCallbacks {
 public:
  // `engine` and `clock` (null: the system clock; what a receipt without
  // a time of its own is stamped with) must outlive this.
  ProviderCallbacks(Engine* engine, std::vector<ProviderConfig> providers,
                    Clock* clock);

  // Whether `path` is a callback's (under /callbacks/).
  static bool Serves(absl::string_view path);

  // Answers a callback's request; must not throw.
  ServerResponse Handle(const ServerRequest& request) const;

 private:
  const ProviderConfig* Find(absl::string_view name) const;

  Engine* const engine_;
  const std::vector<ProviderConfig> providers_;
  Clock* const clock_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_PROVIDER_CALLBACKS_H_
