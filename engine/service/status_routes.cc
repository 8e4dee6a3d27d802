// The status page of CallFireApi (GET /, plain HTML, CSS and a little
// JavaScript of its own that calls the API; nothing loaded from elsewhere)
// and the route it reads a run's progress from, a herald extension:
// GET /v2/texts/broadcasts/{id}/progress.
#include "absl/time/time.h"
#include "engine/service/callfire_api.h"
#include "engine/service/status_page.h"

namespace herald {

ServerResponse CallFireApi::StatusPage(const ApiCall&) {
  ServerResponse page;
  page.content_type = "text/html; charset=utf-8";
  page.body = std::string(kStatusPageHtml);
  // Only its own script and style, fetching only from this server.
  page.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'unsafe-inline'; style-src "
      "'unsafe-inline'; connect-src 'self'; img-src 'self'");
  page.headers.emplace_back("Cache-Control", "no-store");
  return page;
}

ServerResponse CallFireApi::ProgressOfBroadcast(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "broadcast");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<BroadcastProgress> progress = engine_->GetProgress(*id);
  if (!progress.ok()) return ErrorResponse(progress.status());
  nlohmann::json zones = nlohmann::json::array();
  for (const auto& [zone, rows] : progress->deferred_by_zone) {
    zones.push_back({{"zone", zone}, {"rows", rows}});
  }
  return call.Json({
      {"rows", progress->rows},
      {"sent", progress->sent},
      {"waiting", progress->waiting},
      {"callbacks", progress->callbacks},
      {"inFlight", progress->in_flight},
      {"queued", progress->queued},
      {"firstPass", progress->first_pass},
      {"idleUntil",
       progress->idle_until == absl::InfinitePast()
           ? nlohmann::json(nullptr)
           : nlohmann::json(absl::ToUnixMillis(progress->idle_until))},
      {"waitingByZone", std::move(zones)},
      {"warnings", progress->warnings},
  });
}

}  // namespace herald
