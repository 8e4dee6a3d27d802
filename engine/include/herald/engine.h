// The embeddable engine: a process opens one Engine over a state directory
// and runs any number of broadcasts in it, adding batches of recipients,
// switching batches off and on, stopping and starting broadcasts while they
// run. Everything the engine is told and everything that becomes of a
// recipient is kept in the state directory, so a host process that restarts
// finds every broadcast where it was, and the running ones carry on.
//
//   herald::EngineOptions options;
//   options.state_dir = "/var/lib/herald";
//   options.providers_file = "/etc/herald/providers.json";
//   auto engine = herald::Engine::Open(options);
//   herald::BroadcastOptions broadcast;
//   broadcast.provider = "k1";
//   auto id = (*engine)->CreateBroadcast(campaign_json, broadcast);
//   (*engine)->AddBatch(*id, herald::BatchSource::File("contacts.csv"), {});
//   (*engine)->Start(*id);
//
// Every method is thread-safe, returns an absl::Status (never throws), and
// names the broadcast, batch, file, line and field an error is about.
#ifndef HERALD_ENGINE_H_
#define HERALD_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "herald/auto_reply.h"
#include "herald/clock.h"
#include "herald/contact_list.h"
#include "herald/do_not_contact.h"
#include "herald/run_report.h"
#include "herald/texts.h"
#include "herald/transport.h"
#include "herald/webhook.h"

namespace herald {

// The lifecycle of a broadcast, as the CallFire API names it:
//   SETUP --Start--> START_PENDING --(a batch is ACTIVE)--> RUNNING
//   RUNNING --Stop--> STOPPED --Start--> RUNNING (or START_PENDING)
//   RUNNING --(every recipient of its ACTIVE batches final)--> FINISHED
//   any --Archive--> ARCHIVED (a running broadcast is stopped first)
enum class BroadcastStatus : uint8_t {
  kSetup,
  kStartPending,
  kRunning,
  kStopped,
  kFinished,
  kArchived,
};

// A batch: NEW --> VALIDATING --> ACTIVE, or ERRORS when it cannot be used
// (a file without a phone column, or strictValidation and a bad number).
enum class BatchStatus : uint8_t { kNew, kValidating, kActive, kErrors };

// The API's names: "START_PENDING", "ACTIVE", ...
absl::string_view BroadcastStatusName(BroadcastStatus status);
// START_PENDING or RUNNING: started, and not yet stopped or finished.
bool IsLive(BroadcastStatus status);
absl::string_view BatchStatusName(BatchStatus status);

using BroadcastId = int64_t;  // 1, 2, ... in the order they were created
using BatchId = uint32_t;     // 1, 2, ... within its broadcast

// The batches one broadcast may have (AddBatch refuses another).
inline constexpr size_t kMaxBatchesPerBroadcast = 999;

struct BroadcastOptions;

// Makes the transport (herald/transport.h) of one run of broadcast `id`.
// `options` are the broadcast's: its `provider` to choose by, its `run_id` to
// prefix the idempotency keys with (IdempotencyKey). The run calls Finish()
// when it ends and destroys the transport then. Called by the runs of
// several broadcasts at once; an error ends the run with it.
using TransportFactory =
    std::function<absl::StatusOr<std::unique_ptr<Transport>>(
        BroadcastId id, const BroadcastOptions& options)>;

struct EngineOptions {
  // Where broadcasts are kept (created when missing): one SQLite database
  // per broadcast under broadcasts/<id>/. One Engine at a time may open a
  // directory for writing. Empty: nothing is kept, and FindTexts/Stats
  // answer FailedPrecondition; for one-off runs.
  std::string state_dir;
  // Open the state directory to read only: no broadcast runs, and every
  // method that would change something answers FailedPrecondition. Any
  // number of readers may open a directory an Engine is writing.
  bool read_only = false;
  // What Open() does with broadcasts the store says are RUNNING or
  // START_PENDING (a crash, or an engine closed while they ran): true
  // carries on with them at once; false makes them STOPPED, for the caller
  // to Start() (or change first) as it decides.
  bool resume_running = true;
  // Every commit of the store on the disk before the run goes on (SQLite's
  // synchronous=FULL), so that a power cut loses nothing recorded; slower.
  // The default can lose the last commits to a power cut, never to a crash
  // (docs/STORE.md, "Durability").
  bool synchronous_full = false;
  // The SQLite VFS (sqlite3_vfs_register) the broadcasts' stores are
  // written through; empty: SQLite's default, the operating system's files.
  // The storage seam: a test registers a VFS that fails writes, syncs or
  // reads where a full or failing disk would (tests/fault_vfs.h).
  std::string sqlite_vfs;
  // The providers file (README, "Sending through a provider"): each provider
  // with its URL, credentials (from the environment or a 0600 file) and
  // lanes. Broadcasts name the provider they send through; all broadcasts
  // on one provider share its lanes. Empty: no providers.
  std::string providers_file;
  // The transport seam: when set, every run sends through the transport it
  // makes, in place of the outbox or the provider the broadcast names (an
  // embedder's own gateway; a test's scripted provider). Null: those.
  TransportFactory transport_factory;
  // Null: the system clock. Must outlive the engine.
  Clock* clock = nullptr;
  // Threads that classify rows, per running broadcast; 0: one per core.
  int workers = 0;
  // An NPA-NXX zone file overriding the built-in table (see `herald lookup
  // --tz-data`); empty: the built-in table.
  std::string zone_data_path;
};

// How a broadcast is run, besides its definition.
struct BroadcastOptions {
  // The provider it sends through (a name in the providers file); empty:
  // the outbox below.
  std::string provider;
  // Without a provider, the file its texts are appended to, one JSON line
  // each (README, "Outputs"); nothing is sent. Empty:
  // outbox.jsonl in the broadcast's folder of the state directory.
  std::string outbox_path;
  // Its share of the provider's lanes while other broadcasts send through
  // the same provider: two broadcasts with weights 3 and 1 get three texts
  // and one in turn. At least 1.
  int weight = 1;
  // Do-not-contact lists (one number per line, or a CSV with a number
  // column) scrubbed from every batch.
  std::vector<std::string> dnc_paths;
  // A DNC line that cannot be read stops the broadcast before anything is
  // sent (it may hold a number that must not be texted); true skips such
  // lines instead, counting them in the report.
  bool dnc_skip_unreadable = false;
  // The contacts column holding the number; empty: found by its name.
  std::string phone_column;
  // Nothing is sent from this instant on; rows without a window before it
  // end TIMEOUT.
  absl::Time deadline = absl::InfiniteFuture();
  // The prefix of every idempotency key the provider sees; empty: one is
  // made from the definition and the broadcast's creation.
  std::string run_id;
  // When set, every recipient's outcome is also appended to this file as a
  // JSON line (the format of `herald run --outcomes`).
  std::string outcomes_path;
  // When set, the webhook file (docs/WEBHOOKS.md) whose endpoint gets a
  // Finished event per final text; needs a state directory.
  std::string webhook_file;
  // It stays RUNNING once its batches are done, for the batches still to
  // come, until it is stopped or archived: CallFire's default campaign,
  // which every ad-hoc text (POST /v2/texts) goes through.
  bool keep_open = false;
};

// One recipient given in memory: the number and the attributes the message
// template refers to as ${name}.
struct Recipient {
  std::string phone_number;
  std::vector<std::pair<std::string, std::string>> attributes;
};

// Where a batch's recipients come from: a CSV file with a header (read
// where it is, every time the broadcast passes over it, so it must not
// change while the broadcast lives), recipients in memory (written to a
// CSV file in the state directory), or one of the account's contact lists
// (its file as it is when the batch is added, linked into the state
// directory).
class BatchSource {
 public:
  static BatchSource File(std::string csv_path);
  static BatchSource Recipients(std::vector<Recipient> recipients);
  static BatchSource ContactList(ContactListId id);

  const std::string& path() const { return path_; }
  const std::vector<Recipient>& recipients() const { return recipients_; }
  ContactListId contact_list() const { return contact_list_; }  // 0: none

 private:
  std::string path_;
  std::vector<Recipient> recipients_;
  ContactListId contact_list_ = 0;
};

struct BatchOptions {
  std::string name;  // empty: the file's name, or "batch <id>"
  // A recipient whose number an earlier recipient of the broadcast (in this
  // batch or an earlier one) already has ends DUP. The broadcast's own
  // scrubDuplicates does this for every batch.
  bool scrub_duplicates = false;
  // One number that is not a dialable NANP number puts the whole batch in
  // ERRORS, with the first such line in its error; otherwise such rows end
  // INVALID and the others are sent.
  bool strict_validation = false;
};

struct BatchInfo {
  BatchId id = 0;
  std::string name;
  std::string path;  // the CSV file the rows are read from
  BatchStatus status = BatchStatus::kNew;
  bool enabled = true;
  uint64_t size = 0;       // recipients (data rows); 0 until validated
  uint64_t remaining = 0;  // of them not in a final state yet
  bool scrub_duplicates = false;
  std::string error;  // ERRORS: why, naming the file, line and field
  absl::Time created;
};

struct BroadcastInfo {
  BroadcastId id = 0;
  std::string name;                 // the definition's name
  std::string from_number;          // the definition's fromNumber
  std::vector<std::string> labels;  // the definition's labels
  // The definition as CreateBroadcast or UpdateDefinition last took it.
  std::string definition;
  BroadcastStatus status = BroadcastStatus::kSetup;
  std::string provider;  // empty: the outbox
  int weight = 1;
  std::string run_id;  // the idempotency key prefix (the texts' campaignId)
  std::vector<BatchInfo> batches;
  // When the last run of the broadcast stopped on an error (a provider that
  // refused the credentials, a contacts file that changed): the error. The
  // broadcast is then STOPPED.
  std::string error;
  // The error came before the run sent anything: it refused its inputs (a
  // DNC list with unreadable lines, a contacts file without a header).
  bool inputs_refused = false;
  absl::Time created;
};

// How a running broadcast is getting on (RUNNING or START_PENDING); zeros
// otherwise.
struct BroadcastProgress {
  uint64_t rows = 0;       // rows classified in this run, counting each pass
  uint64_t sent = 0;       // texts sent in this run
  uint64_t waiting = 0;    // rows waiting for their recipient's window
  uint64_t callbacks = 0;  // rows waiting for their next attempt
  uint64_t in_flight = 0;  // texts with the provider, not yet answered
  uint64_t queued = 0;     // texts queued for the provider, not yet sent
  // How long the provider may take to answer a text in flight (its
  // timeoutMs); zero for the outbox, which answers at once.
  absl::Duration answer_timeout = absl::ZeroDuration();
  bool first_pass = true;  // still reading the batches for the first time
  // When the broadcast is idle until a window opens: that instant; else
  // absl::InfinitePast().
  absl::Time idle_until = absl::InfinitePast();
  // The zones with the most rows waiting, most first (at most three).
  std::vector<std::pair<std::string, uint64_t>> deferred_by_zone;
  // What the run warns of so far, in order (the report has them too): a
  // warning found at the start is here before the first text goes.
  std::vector<std::string> warnings;
};

// Something that happened, for subscribers.
struct EngineEvent {
  enum class Kind : uint8_t {
    kBroadcastStatus,  // the broadcast's status changed: `broadcast_status`
    kBatchStatus,      // a batch's status changed: `batch`, `batch_status`
    kTextFinished,     // a text became final: `text` (needs a state_dir)
    // Text events were dropped, `lost` of them since the last such event:
    // the listeners fell behind (see Subscribe). The texts are in the store.
    kTextEventsLost,
    kInboundText,  // a text came in: `inbound` (needs a state_dir)
  };
  Kind kind = Kind::kBroadcastStatus;
  BroadcastId broadcast = 0;
  BroadcastStatus broadcast_status = BroadcastStatus::kSetup;
  BatchId batch = 0;
  BatchStatus batch_status = BatchStatus::kNew;
  TextRecord text;
  InboundText inbound;  // kInboundText
  uint64_t lost = 0;    // kTextEventsLost
  std::string detail;   // why, when there is something to say (an error)
};

using SubscriptionId = uint64_t;

// The kinds of events a listener takes: EventKindBit(kind) | ...
using EventKinds = uint32_t;
constexpr EventKinds EventKindBit(EngineEvent::Kind kind) {
  return EventKinds{1} << static_cast<int>(kind);
}
inline constexpr EventKinds kAllEventKinds = ~EventKinds{0};

class Engine {
 public:
  // Opens the engine over options.state_dir (creating it), reads every
  // broadcast kept there and carries on with those that were RUNNING or
  // START_PENDING when the last engine over it stopped (or crashed): texts
  // that were with a provider unanswered go again under the same
  // idempotency key, so the provider drops the repeat. Fails when the
  // providers file or the zone data cannot be read, or when another
  // Engine has the directory open for writing.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(
      const EngineOptions& options);

  // Stops every run (texts already with a provider are answered and
  // recorded first) and lets go of the state directory. Running broadcasts
  // stay RUNNING in the store: the next Open() carries on with them.
  ~Engine();

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // A new broadcast in SETUP from its definition, the CallFire
  // TextBroadcast JSON (README, "The broadcast definition").
  // InvalidArgument naming the field when the definition, the provider or
  // the weight is wrong.
  absl::StatusOr<BroadcastId> CreateBroadcast(absl::string_view definition,
                                              const BroadcastOptions& options);

  // Adds a batch to the broadcast, and returns once the batch is validated:
  // its status is then ACTIVE (its rows are counted, a running broadcast
  // starts on them, a START_PENDING one starts RUNNING) or ERRORS (see
  // BatchInfo::error). A batch may be added in every status but FINISHED
  // and ARCHIVED, up to kMaxBatchesPerBroadcast (FailedPrecondition
  // otherwise). Errors about the source itself (a file that cannot be
  // opened, recipients without a number) return InvalidArgument and add
  // nothing.
  absl::StatusOr<BatchId> AddBatch(BroadcastId broadcast,
                                   const BatchSource& source,
                                   const BatchOptions& options);

  // Switches a batch on or off. The recipients of a batch that is off and
  // not final yet are DISABLED: none of them is sent until it is on again,
  // and they keep the broadcast from FINISHING. Texts already with a
  // provider are answered and recorded as usual. FailedPrecondition for a
  // FINISHED or ARCHIVED broadcast and for turning on a batch in ERRORS.
  absl::Status SetBatchEnabled(BroadcastId broadcast, BatchId batch,
                               bool enabled);

  // A broadcast kept open (BroadcastOptions::keep_open) is kept open no
  // more: it finishes once the rows it has are done. Nothing changes for
  // one that is not kept open.
  absl::Status CloseWhenDone(BroadcastId broadcast);

  // SETUP or STOPPED: starts it: START_PENDING, then RUNNING as soon as it
  // has an ACTIVE batch (at once when it has one). A STOPPED broadcast carries
  // on where it stopped. OK and nothing happens when it is RUNNING or
  // START_PENDING; FailedPrecondition when it is FINISHED or ARCHIVED.
  absl::Status Start(BroadcastId broadcast);

  // RUNNING or START_PENDING: stops it, and returns once every text that
  // was with the provider is answered and recorded; what was not sent
  // stays as it was for the next Start(). OK when it is STOPPED already;
  // FailedPrecondition in SETUP, FINISHED or ARCHIVED.
  absl::Status Stop(BroadcastId broadcast);

  // SETUP or STOPPED: replaces its definition with `definition` (checked as
  // CreateBroadcast checks it). The rows already final stay as they are;
  // the others are sent with the new message when it starts again, under
  // the same run id, so every recipient keeps its idempotency key.
  // FailedPrecondition while it runs (stop it first), when FINISHED or
  // ARCHIVED.
  absl::Status UpdateDefinition(BroadcastId broadcast,
                                absl::string_view definition);

  // Archives it (stopping it first when it runs). An archived broadcast
  // keeps its texts and statistics but never runs again. OK when it is
  // archived already.
  absl::Status Archive(BroadcastId broadcast);

  // What the broadcast is, its status and its batches.
  absl::StatusOr<BroadcastInfo> GetBroadcast(BroadcastId broadcast);
  // Every broadcast, by id.
  std::vector<BroadcastInfo> ListBroadcasts();
  absl::StatusOr<BroadcastProgress> GetProgress(BroadcastId broadcast);

  // Waits until the broadcast is neither RUNNING nor START_PENDING, or
  // `timeout` has passed, and returns its status then.
  absl::StatusOr<BroadcastStatus> Wait(BroadcastId broadcast,
                                       absl::Duration timeout);

  // Finished events of the broadcast its webhook has not acknowledged yet
  // (they wait in the store, and go out while an engine has it open).
  absl::StatusOr<uint64_t> PendingEvents(BroadcastId broadcast);

  // Records delivery receipts of the broadcast's texts (herald/texts.h:
  // one part of one attempt each) and returns once they are durable, so
  // that the provider may be told it can forget them. A receipt may come
  // before its attempt is recorded (it waits in the store for it), twice,
  // or after a final one (which stays). NotFound for no such broadcast,
  // FailedPrecondition without a state directory or read only.
  absl::Status RecordReceipts(BroadcastId broadcast,
                              absl::Span<const DeliveryReceipt> receipts);

  // Records a text someone sent to one of the account's numbers (`text`'s
  // from, to, message, provider and at; the rest is set here) and does
  // what its whole body asks for (herald/texts.h keyword; the keywords of
  // engine/message/reply_keywords.h): an opt-out (STOP, UNSUBSCRIBE, ...)
  // puts the number on the account's do-not-contact list (source
  // "keyword") in the same transaction, and no broadcast hands a text to
  // it once this returns (texts queued, waiting for a window or a retry end
  // DNC with DNT); an opt-in (START, UNSTOP, YES) undoes what a keyword
  // did. The text is attributed to the broadcast that last texted its
  // sender from the number it went to (`campaign`), and listeners get a
  // kInboundText event. The same text again (sender, number, body and time)
  // is the one recorded before, and does nothing more. FailedPrecondition
  // without a state directory or read only.
  absl::StatusOr<InboundText> ReceiveText(InboundText text);
  // The inbound texts `query` asks for, by id. InvalidArgument for a limit
  // out of range.
  absl::StatusOr<InboundPage> FindInboundTexts(const InboundQuery& query);

  // The broadcast's statistics over the texts modified in [begin, end)
  // (the CallFire stats call; the infinite times take every text).
  absl::StatusOr<StoreStats> Stats(BroadcastId broadcast,
                                   absl::Time begin = absl::InfinitePast(),
                                   absl::Time end = absl::InfiniteFuture());
  // A page of the broadcast's texts that are final or CALLBACK (the
  // CallFire texts query), or the texts query.ids names. InvalidArgument
  // for a limit out of range or more than kMaxTextPageLimit ids.
  absl::StatusOr<TextPage> FindTexts(BroadcastId broadcast,
                                     const TextQuery& query);

  // The account's do-not-contact list (herald/do_not_contact.h), kept in
  // the state directory and asked by every broadcast as each text goes:
  // once AddDoNotContacts returns, no broadcast hands a text to a number it
  // added with `text` to its transport, and such texts end DNC with DNT.
  // An existing entry takes the new flags and source. FailedPrecondition
  // without a state directory, or read only.
  absl::Status AddDoNotContacts(absl::Span<const PhoneNumber> numbers,
                                bool call, bool text,
                                absl::string_view source = kDefaultDncSource);
  // NotFound when the number has no entry.
  absl::StatusOr<DncEntry> GetDoNotContact(PhoneNumber number);
  absl::Status UpdateDoNotContact(PhoneNumber number, bool call, bool text);
  // The entries removed (numbers without one are ignored): those numbers
  // are texted again.
  absl::StatusOr<uint64_t> RemoveDoNotContacts(
      absl::Span<const PhoneNumber> numbers);
  absl::StatusOr<uint64_t> RemoveDoNotContactSource(absl::string_view source);
  // InvalidArgument for a limit out of range or a bad prefix.
  absl::StatusOr<DncPage> FindDoNotContacts(const DncQuery& query);

  // The account's auto-replies (herald/auto_reply.h), kept in the state
  // directory. FailedPrecondition without one, or read only to change them;
  // InvalidArgument naming the field for a reply without a number or
  // message; NotFound for an unknown id.
  absl::StatusOr<int64_t> CreateAutoReply(const AutoReply& reply);
  absl::StatusOr<AutoReply> GetAutoReply(int64_t id);
  absl::Status DeleteAutoReply(int64_t id);
  // Those for `number` (every one when nullopt), by id.
  absl::StatusOr<AutoReplyPage> FindAutoReplies(
      const std::optional<std::string>& number, uint64_t offset, int limit);

  // The account's contact lists (herald/contact_list.h), kept in the state
  // directory. FailedPrecondition without one, or read only to change
  // them; NotFound for an unknown id.
  //
  // Makes a list named `name` of `source`: a file (copied into the state
  // directory, or moved when `move_file` and it is on the same file
  // system) or recipients (as AddBatch writes them). InvalidArgument naming
  // the file and line for a file without a header with a phone column.
  absl::StatusOr<ContactListInfo> CreateContactList(const std::string& name,
                                                    const BatchSource& source,
                                                    bool move_file = false);
  absl::StatusOr<ContactListInfo> GetContactList(ContactListId id);
  absl::StatusOr<ContactListPage> FindContactLists(
      const ContactListQuery& query);
  absl::Status RenameContactList(ContactListId id, const std::string& name);
  // Batches made from it keep their recipients.
  absl::Status DeleteContactList(ContactListId id);
  // `limit` contacts from the `offset`-th, as the list's file has them.
  absl::StatusOr<ContactListItems> ContactListContacts(ContactListId id,
                                                       uint64_t offset,
                                                       int limit);

  // The account's webhooks (herald/webhook.h, docs/WEBHOOKS.md), kept in
  // the state directory. FailedPrecondition without one, or read only;
  // NotFound for an unknown id. Create and Update check the webhook
  // (InvalidArgument naming the field; ResourceExhausted past 64). An
  // enabled webhook gets the events that happen once it is made: each
  // OutboundText Finished (a text reached a final state) and TextBroadcast
  // Started, Stopped and Finished (a broadcast became RUNNING, STOPPED,
  // FINISHED). Each is written in its store's transaction, moved once to the
  // account's outbox, and kept there until its endpoint takes it. Updating a
  // webhook drops its queued events of what it no longer watches; deleting
  // it drops them all.
  absl::StatusOr<WebhookId> CreateWebhook(const Webhook& webhook);
  absl::StatusOr<Webhook> GetWebhook(WebhookId id);
  // Replaces the definition of webhook.id.
  absl::Status UpdateWebhook(const Webhook& webhook);
  absl::Status DeleteWebhook(WebhookId id);
  absl::StatusOr<WebhookPage> FindWebhooks(const WebhookQuery& query);
  // The `limit` oldest events queued for webhook `id`, in the order they
  // happened per broadcast. The stores' new events move to the outbox
  // first (by one caller at a time).
  absl::StatusOr<std::vector<WebhookEvent>> PendingWebhookEvents(WebhookId id,
                                                                 int limit);
  // Webhook `id`'s events up to `seq` reached its endpoint: they go.
  absl::Status WebhookEventsDelivered(WebhookId id, int64_t seq);
  // The events in the outbox for webhook `id` (those still in the stores
  // not counted).
  absl::StatusOr<uint64_t> CountWebhookEvents(WebhookId id);

  // The report of the broadcast's last run in this engine; nullopt before
  // it has run here.
  absl::StatusOr<std::optional<RunReport>> LastRunReport(BroadcastId broadcast);
  // The same as `herald run --report` writes it (JSON, with the broadcast's
  // settings and the process's peak memory); empty before it has run here.
  absl::StatusOr<std::string> LastRunReportJson(BroadcastId broadcast);

  // Calls `listener` with every event of `kinds` from now on, in order, on
  // one thread of the engine's (never while the engine holds a lock, so the
  // listener may call the engine). Nothing waits for a listener: at most
  // 65,536 events wait to be delivered, and a text event that finds the
  // queue full is dropped and counted, the count delivered as one
  // kTextEventsLost event once there is room (to listeners of text events).
  // Status and batch events are never dropped. The texts themselves are in
  // the store (FindTexts), and a webhook gets every one. Per-text records
  // are built only while someone listens for kTextFinished.
  SubscriptionId Subscribe(std::function<void(const EngineEvent&)> listener,
                           EventKinds kinds = kAllEventKinds);
  // After it returns, the listener is not called again.
  void Unsubscribe(SubscriptionId id);

 private:
  class Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_H_
