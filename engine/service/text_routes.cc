// The text routes of CallFireApi: a broadcast's texts, the texts of every
// broadcast (GET /v2/texts, with CallFire's filters) and one text by id.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/enum_names.h"
#include "engine/base/utf8.h"
#include "engine/ingest/phone_number.h"
#include "engine/service/api_ids.h"
#include "engine/service/api_json.h"
#include "engine/service/callfire_api.h"

namespace herald {
namespace {

// The values of a comma-list parameter as enum values; InvalidArgument
// naming the parameter and the known names otherwise.
template <typename T>
absl::StatusOr<std::vector<T>> ParseNames(
    const ApiCall& call, absl::string_view parameter, int count,
    std::optional<T> (*parse)(absl::string_view),
    absl::string_view (*name_of)(T)) {
  std::vector<T> values;
  for (const std::string& name : call.QueryList(parameter)) {
    std::optional<T> value = parse(absl::AsciiStrToUpper(name));
    if (!value.has_value()) {
      std::vector<std::string> known;
      for (int i = 0; i < count; ++i) {
        known.emplace_back(name_of(static_cast<T>(i)));
      }
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter ", parameter, ": \"", ValidUtf8(name),
                       "\" is not one of ", absl::StrJoin(known, ", ")));
    }
    values.push_back(*value);
  }
  return values;
}

// The filters every texts query shares; the batch and broadcast are the
// caller's.
absl::StatusOr<TextQuery> TextQueryOf(const ApiCall& call) {
  TextQuery query;
  absl::StatusOr<std::vector<RecipientState>> states =
      ParseNames<RecipientState>(call, "states",
                                 static_cast<int>(RecipientState::kSkipped) + 1,
                                 ParseStateName, StateName);
  if (!states.ok()) return states.status();
  query.states = *std::move(states);
  absl::StatusOr<std::vector<TextResult>> results = ParseNames<TextResult>(
      call, "results", static_cast<int>(TextResult::kUndialed) + 1,
      ParseResultName, ResultName);
  if (!results.ok()) return results.status();
  query.results = *std::move(results);
  if (std::optional<std::string> to = call.Query("toNumber")) {
    absl::StatusOr<PhoneNumber> number = ParseNanpNumber(*to);
    if (!number.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter toNumber: ", number.status().message()));
    }
    query.to = *number;
  }
  if (std::optional<std::string> from = call.Query("fromNumber")) {
    query.from = *from;
  }
  absl::StatusOr<std::optional<absl::Time>> begin =
      call.QueryTime("intervalBegin");
  if (!begin.ok()) return begin.status();
  absl::StatusOr<std::optional<absl::Time>> end = call.QueryTime("intervalEnd");
  if (!end.ok()) return end.status();
  query.since = begin->value_or(absl::InfinitePast());
  query.until = end->value_or(absl::InfiniteFuture());
  absl::StatusOr<ApiPaging> paging = call.Paging();
  if (!paging.ok()) return paging.status();
  query.offset = paging->offset;
  query.limit = paging->limit;
  return query;
}

// The batchId parameter, as the broadcast and batch it names; nullopt when
// absent.
absl::StatusOr<std::optional<ApiBatchRef>> BatchParameter(const ApiCall& call) {
  absl::StatusOr<std::optional<int64_t>> id =
      call.QueryInt("batchId", 1, INT64_MAX);
  if (!id.ok()) return id.status();
  if (!id->has_value()) return std::nullopt;
  std::optional<ApiBatchRef> ref = ParseApiBatchId(**id);
  if (!ref.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("query parameter batchId: no batch ", **id));
  }
  return ref;
}

ApiPaging PagingOf(const TextQuery& query) {
  return {query.offset, query.limit};
}

}  // namespace

ServerResponse CallFireApi::FindBroadcastTexts(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "broadcast");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<TextQuery> query = TextQueryOf(call);
  if (!query.ok()) return ErrorResponse(query.status());
  absl::StatusOr<std::optional<ApiBatchRef>> batch = BatchParameter(call);
  if (!batch.ok()) return ErrorResponse(batch.status());
  if (batch->has_value()) {
    if ((*batch)->broadcast != *id) {
      return ErrorResponse(absl::InvalidArgumentError(
          absl::StrCat("query parameter batchId: batch ",
                       ApiBatchId((*batch)->broadcast, (*batch)->batch),
                       " is not a batch of broadcast ", *id)));
    }
    query->batch = (*batch)->batch;
  }
  absl::StatusOr<TextPage> page = engine_->FindTexts(*id, *query);
  if (!page.ok()) return ErrorResponse(page.status());
  nlohmann::json items = nlohmann::json::array();
  for (const TextRecord& text : page->items) {
    items.push_back(TextJson(*id, text));
  }
  return call.Page(std::move(items), PagingOf(*query), page->total_count);
}

ServerResponse CallFireApi::FindTexts(const ApiCall& call) {
  absl::StatusOr<TextQuery> query = TextQueryOf(call);
  if (!query.ok()) return ErrorResponse(query.status());
  const ApiPaging paging = PagingOf(*query);

  // Texts by id: "if ids specified other query params ignored".
  const std::vector<std::string> ids = call.QueryList("id");
  if (!ids.empty()) {
    std::map<BroadcastId, std::vector<uint64_t>> by_broadcast;
    InboundQuery inbound_ids;
    for (const std::string& text : ids) {
      int64_t id = 0;
      std::optional<ApiTextRef> ref;
      if (absl::SimpleAtoi(text, &id)) ref = ParseApiTextId(id);
      if (IsInboundTextId(id)) {
        inbound_ids.ids.push_back(id);
        continue;
      }
      if (!ref.has_value()) {
        return ErrorResponse(absl::InvalidArgumentError(absl::StrCat(
            "query parameter id: \"", ValidUtf8(text), "\" is not a text id")));
      }
      by_broadcast[ref->broadcast].push_back(ref->text);
    }
    nlohmann::json items = nlohmann::json::array();
    for (auto& [broadcast, texts] : by_broadcast) {
      TextQuery by_id;
      by_id.ids = std::move(texts);
      absl::StatusOr<TextPage> page = engine_->FindTexts(broadcast, by_id);
      if (absl::IsNotFound(page.status())) continue;
      if (!page.ok()) return ErrorResponse(page.status());
      for (const TextRecord& text : page->items) {
        items.push_back(TextJson(broadcast, text));
      }
    }
    if (!inbound_ids.ids.empty()) {
      inbound_ids.limit = kMaxTextPageLimit;
      absl::StatusOr<InboundPage> page = engine_->FindInboundTexts(inbound_ids);
      if (!page.ok()) return ErrorResponse(page.status());
      for (const InboundText& text : page->items) {
        items.push_back(InboundTextJson(text, CampaignOf(text.campaign)));
      }
    }
    const uint64_t total = items.size();
    return call.Page(std::move(items), {0, static_cast<int>(total)}, total);
  }

  absl::StatusOr<std::optional<bool>> inbound = call.QueryBool("inbound");
  if (!inbound.ok()) return ErrorResponse(inbound.status());
  absl::StatusOr<std::optional<int64_t>> campaign =
      call.QueryInt("campaignId", 0, INT64_MAX);
  if (!campaign.ok()) return ErrorResponse(campaign.status());
  absl::StatusOr<std::optional<ApiBatchRef>> batch = BatchParameter(call);
  if (!batch.ok()) return ErrorResponse(batch.status());
  const std::optional<std::string> label = call.Query("label");

  if (inbound->value_or(false)) return FindInboundTexts(call, paging);
  // Which broadcasts: the campaignId's (0: the default campaign's), the
  // batch's, or every one (with the label).
  std::vector<BroadcastInfo> broadcasts;
  for (BroadcastInfo& broadcast : engine_->ListBroadcasts()) {
    if (campaign->has_value() && CampaignIdOf(broadcast) != **campaign) {
      continue;
    }
    if (batch->has_value() && broadcast.id != (*batch)->broadcast) continue;
    if (label.has_value() &&
        std::find(broadcast.labels.begin(), broadcast.labels.end(), *label) ==
            broadcast.labels.end()) {
      continue;
    }
    broadcasts.push_back(std::move(broadcast));
  }
  if (batch->has_value()) query->batch = (*batch)->batch;

  // One page over the broadcasts in id order: each is counted, and read
  // only where the page falls.
  nlohmann::json items = nlohmann::json::array();
  uint64_t total = 0;
  uint64_t skip = paging.offset;
  for (const BroadcastInfo& broadcast : broadcasts) {
    TextQuery part = *query;
    const int room = paging.limit - static_cast<int>(items.size());
    part.offset = skip;
    part.limit = room;
    absl::StatusOr<TextPage> page = engine_->FindTexts(broadcast.id, part);
    if (!page.ok()) return ErrorResponse(page.status());
    total += page->total_count;
    skip -= std::min(skip, page->total_count);
    for (const TextRecord& text : page->items) {
      items.push_back(ApiTextJson(broadcast.id, CampaignIdOf(broadcast), text));
    }
  }
  return call.Page(std::move(items), paging, total);
}

ServerResponse CallFireApi::FindInboundTexts(const ApiCall& call,
                                             const ApiPaging& paging) {
  absl::StatusOr<std::optional<int64_t>> campaign =
      call.QueryInt("campaignId", 0, INT64_MAX);
  if (!campaign.ok()) return ErrorResponse(campaign.status());
  const std::optional<std::string> from = call.Query("fromNumber");
  InboundQuery query;
  query.offset = paging.offset;
  query.limit = paging.limit;
  if (campaign->has_value()) {
    query.campaigns = {**campaign};
    // Campaign 0 is every broadcast of the default campaign, and the texts
    // no broadcast is known for.
    if (**campaign == 0) {
      std::lock_guard lock(default_mu_);
      query.campaigns.insert(query.campaigns.end(), default_campaign_.begin(),
                             default_campaign_.end());
    }
  }
  if (from.has_value()) {
    absl::StatusOr<PhoneNumber> number = ParseNanpNumber(*from);
    if (!number.ok()) {
      return ErrorResponse(absl::InvalidArgumentError(absl::StrCat(
          "query parameter fromNumber: ", number.status().message())));
    }
    query.from = *number;
  }
  absl::StatusOr<InboundPage> page = engine_->FindInboundTexts(query);
  if (!page.ok()) return ErrorResponse(page.status());
  nlohmann::json items = nlohmann::json::array();
  for (const InboundText& text : page->items) {
    items.push_back(InboundTextJson(text, CampaignOf(text.campaign)));
  }
  return call.Page(std::move(items), paging, page->total_count);
}

ServerResponse CallFireApi::GetText(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "text");
  if (!id.ok()) return ErrorResponse(id.status());
  if (IsInboundTextId(*id)) {
    InboundQuery query;
    query.ids = {*id};
    absl::StatusOr<InboundPage> page = engine_->FindInboundTexts(query);
    if (!page.ok()) return ErrorResponse(page.status());
    if (page->items.empty()) {
      return ErrorResponse(absl::NotFoundError(absl::StrCat("no text ", *id)));
    }
    const InboundText& text = page->items.front();
    return call.Json(InboundTextJson(text, CampaignOf(text.campaign)));
  }
  std::optional<ApiTextRef> ref = ParseApiTextId(*id);
  const absl::Status not_found =
      absl::NotFoundError(absl::StrCat("no text ", *id));
  if (!ref.has_value()) return ErrorResponse(not_found);
  TextQuery query;
  query.ids = {ref->text};
  absl::StatusOr<TextPage> page = engine_->FindTexts(ref->broadcast, query);
  if (!page.ok() || page->items.empty()) {
    return ErrorResponse(page.ok() || absl::IsNotFound(page.status())
                             ? not_found
                             : page.status());
  }
  return call.Json(TextJson(ref->broadcast, page->items.front()));
}

int64_t CallFireApi::CampaignOf(BroadcastId id) const {
  std::lock_guard lock(default_mu_);
  return default_campaign_.contains(id) ? 0 : id;
}

nlohmann::json CallFireApi::TextJson(BroadcastId id,
                                     const TextRecord& text) const {
  return ApiTextJson(id, CampaignOf(id), text);
}

namespace {
// Whether broadcast `info` can take another batch of ad-hoc texts.
bool TakesTexts(const BroadcastInfo& info) {
  return IsLive(info.status) && info.batches.size() < kMaxBatchesPerBroadcast;
}
}  // namespace

absl::StatusOr<BroadcastId> CallFireApi::DefaultCampaign(
    BroadcastId replacing) {
  BroadcastId open = 0;
  {
    std::lock_guard lock(default_mu_);
    open = default_open_ != replacing ? default_open_ : 0;
  }
  if (open != 0) {
    absl::StatusOr<BroadcastInfo> info = engine_->GetBroadcast(open);
    if (info.ok() && TakesTexts(*info)) return open;
    replacing = open;
  }
  // The one replaced finishes with the texts it has (a kept-open broadcast
  // would run for ever); one stopped or archived stays as it is.
  if (replacing != 0) engine_->CloseWhenDone(replacing).IgnoreError();
  // Made without the lock (it writes the broadcast's store).
  const nlohmann::json definition = {
      {"name", "Default campaign (POST /v2/texts)"},
      {"labels", {kDefaultCampaignLabel}},
      // Every text brings its own (its message or the defaultMessage).
      {"message", "${message}"},
  };
  BroadcastOptions options;
  options.provider = options_.provider;
  options.keep_open = true;
  absl::StatusOr<BroadcastId> id =
      engine_->CreateBroadcast(definition.dump(), options);
  if (!id.ok()) return id.status();
  BroadcastId winner = 0;
  {
    std::lock_guard lock(default_mu_);
    default_campaign_.insert(*id);
    if (default_open_ != 0 && default_open_ != replacing) {
      winner = default_open_;  // another request made one meanwhile
    } else {
      default_open_ = *id;
    }
  }
  if (winner != 0) {
    // Ours never had a batch: it goes, and the texts go to the other.
    engine_->Archive(*id).IgnoreError();
    return winner;
  }
  if (absl::Status s = engine_->Start(*id); !s.ok()) return s;
  return *id;
}

ServerResponse CallFireApi::SendTexts(const ApiCall& call) {
  absl::StatusOr<std::optional<int64_t>> campaign =
      call.QueryInt("campaignId", 0, INT64_MAX);
  if (!campaign.ok()) return ErrorResponse(campaign.status());
  const std::optional<std::string> default_message =
      call.Query("defaultMessage");
  absl::StatusOr<nlohmann::json> body = call.Body(nlohmann::json::array());
  if (!body.ok()) return ErrorResponse(body.status());
  absl::StatusOr<std::vector<Recipient>> recipients =
      ParseRecipients(JsonField("request body", "", *body));
  if (!recipients.ok()) return ErrorResponse(recipients.status());
  const bool to_default = campaign->value_or(0) == 0;
  for (size_t i = 0; i < recipients->size(); ++i) {
    Recipient& recipient = (*recipients)[i];
    const bool has_message =
        std::any_of(recipient.attributes.begin(), recipient.attributes.end(),
                    [](const auto& a) { return a.first == "message"; });
    if (has_message) continue;
    if (default_message.has_value()) {
      recipient.attributes.emplace_back("message", *default_message);
    } else if (to_default) {
      // A campaign's texts may take its message; the default campaign has
      // none.
      return ErrorResponse(absl::InvalidArgumentError(
          absl::StrCat("request body: [", i,
                       "]: no message: give the recipient's "
                       "message or the defaultMessage parameter")));
    }
  }
  if (!to_default) {
    absl::StatusOr<nlohmann::json> texts =
        AddTexts(call, **campaign, *std::move(recipients));
    if (!texts.ok()) return ErrorResponse(texts.status());
    return call.Json({{"items", *std::move(texts)}});
  }
  absl::StatusOr<BroadcastId> id = DefaultCampaign(0);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<nlohmann::json> texts = AddTexts(call, *id, *recipients);
  if (absl::IsFailedPrecondition(texts.status())) {
    // Only when it could no longer take them (finished, archived or full
    // since it was chosen) do the texts go to a new one: any other error
    // may come after the batch was kept, and a second try would send it
    // twice.
    absl::StatusOr<BroadcastInfo> info = engine_->GetBroadcast(*id);
    if (info.ok() && !TakesTexts(*info)) {
      id = DefaultCampaign(*id);
      if (!id.ok()) return ErrorResponse(id.status());
      texts = AddTexts(call, *id, *std::move(recipients));
    }
  }
  if (!texts.ok()) return ErrorResponse(texts.status());
  return call.Json({{"items", *std::move(texts)}});
}

}  // namespace herald
