// Delivers a source's events (webhook_source.h) to a webhook from a thread
// of its own, so that a slow or dead endpoint never slows dispatch.
//
// The source is the queue: for the webhook file, the store's `events` table,
// where the store's writer appends a row for each text that becomes final
// (SqliteStoreOptions::record_events); for an account webhook, its rows of
// the account's outbox. The notifier reads the oldest events, POSTs them in
// one signed envelope and tells the source they were delivered (which
// deletes them) once the endpoint answers 2xx.
// A failed request (an answer other than 2xx, a timeout, a refused or broken
// connection) is sent again, the same events in the same order, after an
// exponential back-off. Events are therefore delivered at least once and in
// order; one that is never acknowledged stays in the table, across crashes
// and runs, until it is. Memory holds one batch, however far behind the
// endpoint is. docs/WEBHOOKS.md describes the envelope and the signature.
#ifndef HERALD_ENGINE_WEBHOOK_WEBHOOK_NOTIFIER_H_
#define HERALD_ENGINE_WEBHOOK_WEBHOOK_NOTIFIER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/webhook/webhook_config.h"
#include "engine/webhook/webhook_source.h"
#include "herald/clock.h"

namespace herald {

class WebhookNotifier {
 public:
  // Counts since Start().
  struct Stats {
    int64_t posts = 0;              // requests made, repeats included
    int64_t batches_delivered = 0;  // requests answered 2xx
    int64_t events_delivered = 0;   // events in those
    int64_t retries = 0;            // failed requests, each sent again later
    // Why the last request, or reading the store, failed ("HTTP 503",
    // libcurl's message naming the host, SQLite's); empty when nothing has
    // failed yet. Never holds the secret.
    std::string last_error;
  };

  // Opens the store database at `db_path` on connections of its own and
  // starts delivering its events to `config.url`. The store must exist with
  // its broadcast recorded (SqliteStore::WriteBroadcast), whose run id is the
  // resources' campaignId: FailedPrecondition otherwise. Errors name the
  // path; Internal when the HTTP client cannot be set up. The back-off and
  // a batch's wait for more events run on `clock` (null: the real clock),
  // which must outlive the notifier.
  static absl::StatusOr<std::unique_ptr<WebhookNotifier>> Start(
      const std::string& db_path, WebhookConfig config, Clock* clock);
  // The same for the events of `source`, in its envelopes: the config's url,
  // secret, batching, timeout and back-off apply, its id and name do not.
  static absl::StatusOr<std::unique_ptr<WebhookNotifier>> Start(
      std::unique_ptr<WebhookSource> source, WebhookConfig config,
      Clock* clock);

  // Finish(absl::ZeroDuration()) unless Finish() was called.
  ~WebhookNotifier();
  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  // Tells the notifier that events were written, so that it looks now rather
  // than at its next poll (it polls the table a few times a second anyway).
  // Thread-safe and cheap enough to call from SqliteStoreOptions::on_finished
  // after every commit; never blocks.
  void Notify();

  // Sends what is left without waiting for batches to fill, until the table
  // is empty or `drain` has passed (a request still in flight then is
  // abandoned, and its events count as undelivered), then stops the thread.
  // Returns within about `drain` with the number of events left in the
  // table, which the next run with the same store delivers first; an error
  // only when that number cannot be read. Call it after the store's Finish(),
  // so that no event is written behind it. Later calls return the same.
  absl::StatusOr<uint64_t> Finish(absl::Duration drain);

  // A snapshot; thread-safe.
  Stats stats() const;

 private:
  class Impl;
  explicit WebhookNotifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_WEBHOOK_WEBHOOK_NOTIFIER_H_
