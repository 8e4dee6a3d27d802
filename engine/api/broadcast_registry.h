// The engine's broadcasts: which there are (loaded from the state
// directory when it opens, created after), and every call that looks at or
// changes one (those that only read are in broadcast_reads.cc). herald::Engine
// (herald/engine.h) is its public face; the contracts of the calls are written
// there.
//
// Its mutex (mu_) guards only which broadcasts there are; each broadcast has
// its own locks (engine/api/live_broadcast.h), so that a call about one
// broadcast never waits for another's store. Listeners are called by the
// event bus's thread, with no lock held.
#ifndef HERALD_ENGINE_API_BROADCAST_REGISTRY_H_
#define HERALD_ENGINE_API_BROADCAST_REGISTRY_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/api/broadcast_runner.h"
#include "engine/api/event_bus.h"
#include "engine/api/index_builder.h"
#include "engine/api/live_broadcast.h"
#include "engine/api/run_assembly.h"
#include "engine/store/account_dnc.h"
#include "engine/store/account_webhooks.h"
#include "engine/store/auto_replies.h"
#include "engine/store/contact_lists.h"
#include "engine/store/inbound_texts.h"
#include "engine/store/store_reader.h"
#include "herald/engine.h"
#include "herald/webhook.h"
#include "timezone/zone_table.h"

namespace herald {

class BroadcastRegistry {
 public:
  explicit BroadcastRegistry(const EngineOptions& options)
      : options_(options) {}
  ~BroadcastRegistry();

  absl::Status Init();

  absl::StatusOr<BroadcastId> CreateBroadcast(absl::string_view definition,
                                              const BroadcastOptions& options);
  absl::StatusOr<BatchId> AddBatch(BroadcastId id, const BatchSource& source,
                                   const BatchOptions& options);
  absl::Status CloseWhenDone(BroadcastId id);
  absl::Status SetBatchEnabled(BroadcastId id, BatchId batch, bool enabled);
  absl::Status Start(BroadcastId id);
  absl::Status Stop(BroadcastId id);
  absl::Status Archive(BroadcastId id);
  absl::Status UpdateDefinition(BroadcastId id, absl::string_view definition);
  absl::StatusOr<BroadcastInfo> GetBroadcast(BroadcastId id);
  std::vector<BroadcastInfo> ListBroadcasts();
  absl::StatusOr<BroadcastProgress> GetProgress(BroadcastId id);
  absl::StatusOr<BroadcastStatus> Wait(BroadcastId id, absl::Duration timeout);
  absl::StatusOr<uint64_t> PendingEvents(BroadcastId id);
  absl::StatusOr<StoreStats> Stats(BroadcastId id, absl::Time begin,
                                   absl::Time end);
  absl::StatusOr<TextPage> FindTexts(BroadcastId id, const TextQuery& query);
  // What comes back from the providers (provider_calls.cc): delivery
  // receipts and inbound texts.
  absl::Status RecordReceipts(BroadcastId id,
                              absl::Span<const DeliveryReceipt> receipts);
  absl::StatusOr<InboundText> ReceiveText(InboundText text);
  absl::StatusOr<InboundPage> FindInboundTexts(const InboundQuery& query);
  // The account's do-not-contact list, or FailedPrecondition without one
  // (no state directory) or to change it read only.
  absl::StatusOr<AccountDnc*> DoNotContacts(bool to_change);
  // The account's auto-replies, or FailedPrecondition without a state
  // directory.
  absl::StatusOr<AutoReplies*> AccountAutoReplies();
  // The account's contact lists, or FailedPrecondition without a state
  // directory.
  absl::StatusOr<ContactLists*> AccountContactLists();
  absl::StatusOr<ContactListInfo> CreateContactList(const std::string& name,
                                                    const BatchSource& source,
                                                    bool move_file);
  // The account's webhooks (webhook_calls.cc). FailedPrecondition without a
  // state directory or, to change them, read only.
  absl::StatusOr<WebhookId> CreateWebhook(const Webhook& webhook);
  absl::StatusOr<Webhook> GetWebhook(WebhookId id);
  absl::Status UpdateWebhook(const Webhook& webhook);
  absl::Status DeleteWebhook(WebhookId id);
  absl::StatusOr<WebhookPage> FindWebhooks(const WebhookQuery& query);
  absl::StatusOr<std::vector<WebhookEvent>> PendingWebhookEvents(WebhookId id,
                                                                 int limit);
  absl::Status WebhookEventsDelivered(WebhookId id, int64_t seq);
  absl::StatusOr<uint64_t> CountWebhookEvents(WebhookId id);
  absl::StatusOr<std::optional<RunReport>> LastRunReport(BroadcastId id);
  absl::StatusOr<std::string> LastRunReportJson(BroadcastId id);

  EventBus& events() { return events_; }

 private:
  absl::Status Writable() const;
  // The broadcast `id`, or NotFound. Broadcasts are never removed while the
  // engine is open, so the pointer stays good.
  absl::StatusOr<LiveBroadcast*> Find(BroadcastId id);
  // Find() in an engine that may change things.
  absl::StatusOr<LiveBroadcast*> FindToChange(BroadcastId id);

  absl::Status LoadBroadcast(BroadcastId id, const std::string& dir);
  // Gives the new `b` the account's webhooks, before its store opens.
  void AttachAccount(LiveBroadcast* b);
  // The account's webhooks, or FailedPrecondition (naming `what`) without
  // a state directory.
  absl::StatusOr<AccountWebhooks*> Webhooks(absl::string_view what);
  // Sets feed_wanted_ from the webhooks there are now: true when they
  // cannot be read, so that no event is lost.
  void RefreshFeedWanted();
  // The broadcast that last texted `text.from` from `text.to`; 0 when none
  // did. A store that cannot be read is passed over.
  BroadcastId Attribute(const InboundText& text);
  // Moves the events the stores hold (feed_events) to the account's
  // outbox. One caller at a time collects; another returns at once. A store
  // that fails keeps its events for the next collection.
  void CollectFeed();
  // A reader of the broadcast's store, from its idle readers or opened; it
  // goes back to them when the handle goes. Used by one thread at a time.
  using ReaderHandle =
      std::unique_ptr<StoreReader, std::function<void(StoreReader*)>>;
  absl::StatusOr<ReaderHandle> Reader(BroadcastId id);

  const EngineOptions options_;
  Clock* clock_ = nullptr;
  std::optional<ZoneTable> zones_;
  int lock_fd_ = -1;

  EventBus events_;
  // What belongs to the account: nothing without a state directory.
  std::optional<AccountDb> account_;
  std::unique_ptr<AccountDnc> dnc_;  // null without a state directory
  std::optional<AutoReplies> auto_replies_;
  std::optional<InboundTexts> inbound_;
  const ReplyKeywords keywords_;
  std::optional<ContactLists> contact_lists_;
  std::optional<AccountWebhooks> webhooks_;
  // An enabled webhook watches OutboundText's Finished: the stores write
  // their texts' events to feed_events. Set under feed_wanted_mu_, so that
  // two changes of the webhooks cannot store their answers out of order.
  std::atomic<bool> feed_wanted_{false};
  std::mutex feed_wanted_mu_;
  // Held (try_lock) by the one CollectFeed() at work, and by the
  // destructor.
  std::mutex collect_mu_;
  // Stopped first when the engine closes: it builds in the broadcasts'
  // stores.
  IndexBuilder indexes_;
  std::optional<RunAssembly> runs_;
  std::optional<BroadcastRunner> runner_;
  std::mutex mu_;
  std::map<BroadcastId, std::unique_ptr<LiveBroadcast>> broadcasts_;  // (mu_)
  BroadcastId next_id_ = 1;                                           // (mu_)
};

}  // namespace herald

#endif  // HERALD_ENGINE_API_BROADCAST_REGISTRY_H_
