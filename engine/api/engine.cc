// The Engine: broadcasts, their batches and their lifecycle over the
// pipeline (engine/pipeline/broadcast_run.h) and the store
// (engine/store/sqlite_store.h).
//
// Each broadcast that runs has a runner thread of its own. A run of the
// pipeline takes the batches as they are when it begins; when they change
// (a batch added, one switched off or on) the runner interrupts the run,
// which collects the answers in flight and records them, and begins a new
// one that picks up from the store: settled rows are skipped, CALLBACK rows
// keep their due time. The same path carries a broadcast over a Stop() and
// Start(), and over a restart of the host process.
//
// This file is the public face; the broadcasts and their calls are
// engine/api/broadcast_registry.h.
#include "herald/engine.h"

#include <sqlite3.h>

#include <exception>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/api/broadcast_registry.h"

namespace herald {

class Engine::Impl : public BroadcastRegistry {
 public:
  using BroadcastRegistry::BroadcastRegistry;
};

BatchSource BatchSource::File(std::string csv_path) {
  BatchSource source;
  source.path_ = std::move(csv_path);
  return source;
}

BatchSource BatchSource::Recipients(std::vector<Recipient> recipients) {
  BatchSource source;
  source.recipients_ = std::move(recipients);
  return source;
}

BatchSource BatchSource::ContactList(ContactListId id) {
  BatchSource source;
  source.contact_list_ = id;
  return source;
}

// The public face: every call goes to the Impl, and no exception crosses
// it (an allocation failure included).
namespace {
template <typename F>
auto Guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("herald engine: ", e.what()));
  }
}
}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(
    const EngineOptions& options) {
  // SQLite's memory statistics take a process-wide mutex on every
  // allocation, which the store's readers on several threads then queue
  // on. Only possible before SQLite starts: a host that used it already
  // keeps its setting (the call then fails, harmlessly).
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  return Guarded([&]() -> absl::StatusOr<std::unique_ptr<Engine>> {
    auto impl = std::make_unique<Impl>(options);
    if (absl::Status s = impl->Init(); !s.ok()) return s;
    return std::unique_ptr<Engine>(new Engine(std::move(impl)));
  });
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

absl::StatusOr<BroadcastId> Engine::CreateBroadcast(
    absl::string_view definition, const BroadcastOptions& options) {
  return Guarded([&] { return impl_->CreateBroadcast(definition, options); });
}

absl::StatusOr<BatchId> Engine::AddBatch(BroadcastId broadcast,
                                         const BatchSource& source,
                                         const BatchOptions& options) {
  return Guarded([&] { return impl_->AddBatch(broadcast, source, options); });
}

absl::Status Engine::CloseWhenDone(BroadcastId broadcast) {
  return Guarded([&] { return impl_->CloseWhenDone(broadcast); });
}

absl::Status Engine::SetBatchEnabled(BroadcastId broadcast, BatchId batch,
                                     bool enabled) {
  return Guarded(
      [&] { return impl_->SetBatchEnabled(broadcast, batch, enabled); });
}

absl::Status Engine::Start(BroadcastId broadcast) {
  return Guarded([&] { return impl_->Start(broadcast); });
}

absl::Status Engine::Stop(BroadcastId broadcast) {
  return Guarded([&] { return impl_->Stop(broadcast); });
}

absl::Status Engine::Archive(BroadcastId broadcast) {
  return Guarded([&] { return impl_->Archive(broadcast); });
}

absl::Status Engine::UpdateDefinition(BroadcastId broadcast,
                                      absl::string_view definition) {
  return Guarded(
      [&] { return impl_->UpdateDefinition(broadcast, definition); });
}

absl::StatusOr<BroadcastInfo> Engine::GetBroadcast(BroadcastId broadcast) {
  return Guarded([&] { return impl_->GetBroadcast(broadcast); });
}

std::vector<BroadcastInfo> Engine::ListBroadcasts() {
  try {
    return impl_->ListBroadcasts();
  } catch (const std::exception&) {
    return {};  // out of memory: nothing to show
  }
}

absl::StatusOr<BroadcastProgress> Engine::GetProgress(BroadcastId broadcast) {
  return Guarded([&] { return impl_->GetProgress(broadcast); });
}

absl::StatusOr<BroadcastStatus> Engine::Wait(BroadcastId broadcast,
                                             absl::Duration timeout) {
  return Guarded([&] { return impl_->Wait(broadcast, timeout); });
}

absl::StatusOr<StoreStats> Engine::Stats(BroadcastId broadcast,
                                         absl::Time begin, absl::Time end) {
  return Guarded([&] { return impl_->Stats(broadcast, begin, end); });
}

absl::StatusOr<uint64_t> Engine::PendingEvents(BroadcastId broadcast) {
  return Guarded([&] { return impl_->PendingEvents(broadcast); });
}

absl::Status Engine::RecordReceipts(
    BroadcastId broadcast, absl::Span<const DeliveryReceipt> receipts) {
  return Guarded([&] { return impl_->RecordReceipts(broadcast, receipts); });
}

absl::StatusOr<InboundText> Engine::ReceiveText(InboundText text) {
  return Guarded([&] { return impl_->ReceiveText(std::move(text)); });
}

absl::StatusOr<InboundPage> Engine::FindInboundTexts(
    const InboundQuery& query) {
  return Guarded([&] { return impl_->FindInboundTexts(query); });
}

absl::StatusOr<TextPage> Engine::FindTexts(BroadcastId broadcast,
                                           const TextQuery& query) {
  return Guarded([&] { return impl_->FindTexts(broadcast, query); });
}

absl::Status Engine::AddDoNotContacts(absl::Span<const PhoneNumber> numbers,
                                      bool call, bool text,
                                      absl::string_view source) {
  return Guarded([&]() -> absl::Status {
    absl::StatusOr<AccountDnc*> dnc = impl_->DoNotContacts(true);
    if (!dnc.ok()) return dnc.status();
    return (*dnc)->Add(numbers, call, text, source);
  });
}

absl::StatusOr<DncEntry> Engine::GetDoNotContact(PhoneNumber number) {
  return Guarded([&]() -> absl::StatusOr<DncEntry> {
    absl::StatusOr<AccountDnc*> dnc = impl_->DoNotContacts(false);
    if (!dnc.ok()) return dnc.status();
    return (*dnc)->Get(number);
  });
}

absl::Status Engine::UpdateDoNotContact(PhoneNumber number, bool call,
                                        bool text) {
  return Guarded([&]() -> absl::Status {
    absl::StatusOr<AccountDnc*> dnc = impl_->DoNotContacts(true);
    if (!dnc.ok()) return dnc.status();
    return (*dnc)->Update(number, call, text);
  });
}

absl::StatusOr<uint64_t> Engine::RemoveDoNotContacts(
    absl::Span<const PhoneNumber> numbers) {
  return Guarded([&]() -> absl::StatusOr<uint64_t> {
    absl::StatusOr<AccountDnc*> dnc = impl_->DoNotContacts(true);
    if (!dnc.ok()) return dnc.status();
    return (*dnc)->Remove(numbers);
  });
}

absl::StatusOr<uint64_t> Engine::RemoveDoNotContactSource(
    absl::string_view source) {
  return Guarded([&]() -> absl::StatusOr<uint64_t> {
    absl::StatusOr<AccountDnc*> dnc = impl_->DoNotContacts(true);
    if (!dnc.ok()) return dnc.status();
    return (*dnc)->RemoveSource(source);
  });
}

absl::StatusOr<DncPage> Engine::FindDoNotContacts(const DncQuery& query) {
  return Guarded([&]() -> absl::StatusOr<DncPage> {
    absl::StatusOr<AccountDnc*> dnc = impl_->DoNotContacts(false);
    if (!dnc.ok()) return dnc.status();
    return (*dnc)->Find(query);
  });
}

absl::StatusOr<int64_t> Engine::CreateAutoReply(const AutoReply& reply) {
  return Guarded([&]() -> absl::StatusOr<int64_t> {
    absl::StatusOr<AutoReplies*> replies = impl_->AccountAutoReplies();
    if (!replies.ok()) return replies.status();
    return (*replies)->Create(reply);
  });
}

absl::StatusOr<AutoReply> Engine::GetAutoReply(int64_t id) {
  return Guarded([&]() -> absl::StatusOr<AutoReply> {
    absl::StatusOr<AutoReplies*> replies = impl_->AccountAutoReplies();
    if (!replies.ok()) return replies.status();
    return (*replies)->Get(id);
  });
}

absl::Status Engine::DeleteAutoReply(int64_t id) {
  return Guarded([&]() -> absl::Status {
    absl::StatusOr<AutoReplies*> replies = impl_->AccountAutoReplies();
    if (!replies.ok()) return replies.status();
    return (*replies)->Delete(id);
  });
}

absl::StatusOr<AutoReplyPage> Engine::FindAutoReplies(
    const std::optional<std::string>& number, uint64_t offset, int limit) {
  return Guarded([&]() -> absl::StatusOr<AutoReplyPage> {
    absl::StatusOr<AutoReplies*> replies = impl_->AccountAutoReplies();
    if (!replies.ok()) return replies.status();
    return (*replies)->Find(number, offset, limit);
  });
}

namespace {
// Guarded `call` on the account's contact lists.
template <typename Call>
auto OnContactLists(BroadcastRegistry& registry, Call call)
    -> decltype(call(std::declval<ContactLists&>())) {
  return Guarded([&]() -> decltype(call(std::declval<ContactLists&>())) {
    absl::StatusOr<ContactLists*> lists = registry.AccountContactLists();
    if (!lists.ok()) return lists.status();
    return call(**lists);
  });
}
}  // namespace

absl::StatusOr<ContactListInfo> Engine::CreateContactList(
    const std::string& name, const BatchSource& source, bool move_file) {
  return Guarded(
      [&] { return impl_->CreateContactList(name, source, move_file); });
}

absl::StatusOr<ContactListInfo> Engine::GetContactList(ContactListId id) {
  return OnContactLists(*impl_, [&](ContactLists& l) { return l.Get(id); });
}

absl::StatusOr<ContactListPage> Engine::FindContactLists(
    const ContactListQuery& query) {
  return OnContactLists(*impl_, [&](ContactLists& l) { return l.Find(query); });
}

absl::Status Engine::RenameContactList(ContactListId id,
                                       const std::string& name) {
  return OnContactLists(*impl_,
                        [&](ContactLists& l) { return l.Rename(id, name); });
}

absl::Status Engine::DeleteContactList(ContactListId id) {
  return OnContactLists(*impl_, [&](ContactLists& l) { return l.Delete(id); });
}

absl::StatusOr<ContactListItems> Engine::ContactListContacts(ContactListId id,
                                                             uint64_t offset,
                                                             int limit) {
  return OnContactLists(
      *impl_, [&](ContactLists& l) { return l.Items(id, offset, limit); });
}

absl::StatusOr<WebhookId> Engine::CreateWebhook(const Webhook& webhook) {
  return Guarded([&] { return impl_->CreateWebhook(webhook); });
}

absl::StatusOr<Webhook> Engine::GetWebhook(WebhookId id) {
  return Guarded([&] { return impl_->GetWebhook(id); });
}

absl::Status Engine::UpdateWebhook(const Webhook& webhook) {
  return Guarded([&] { return impl_->UpdateWebhook(webhook); });
}

absl::Status Engine::DeleteWebhook(WebhookId id) {
  return Guarded([&] { return impl_->DeleteWebhook(id); });
}

absl::StatusOr<WebhookPage> Engine::FindWebhooks(const WebhookQuery& query) {
  return Guarded([&] { return impl_->FindWebhooks(query); });
}

absl::StatusOr<std::vector<WebhookEvent>> Engine::PendingWebhookEvents(
    WebhookId id, int limit) {
  return Guarded([&] { return impl_->PendingWebhookEvents(id, limit); });
}

absl::Status Engine::WebhookEventsDelivered(WebhookId id, int64_t seq) {
  return Guarded([&] { return impl_->WebhookEventsDelivered(id, seq); });
}

absl::StatusOr<uint64_t> Engine::CountWebhookEvents(WebhookId id) {
  return Guarded([&] { return impl_->CountWebhookEvents(id); });
}

absl::StatusOr<std::optional<RunReport>> Engine::LastRunReport(
    BroadcastId broadcast) {
  return Guarded([&] { return impl_->LastRunReport(broadcast); });
}

absl::StatusOr<std::string> Engine::LastRunReportJson(BroadcastId broadcast) {
  return Guarded([&] { return impl_->LastRunReportJson(broadcast); });
}

SubscriptionId Engine::Subscribe(
    std::function<void(const EngineEvent&)> listener, EventKinds kinds) {
  return impl_->events().Subscribe(std::move(listener), kinds);
}

void Engine::Unsubscribe(SubscriptionId id) { impl_->events().Unsubscribe(id); }

}  // namespace herald
