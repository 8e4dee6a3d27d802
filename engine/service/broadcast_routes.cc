// The text broadcast routes of CallFireApi: broadcasts, their batches and
// recipients, start/stop/archive and statistics.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/ingest/phone_number.h"
#include "engine/service/api_ids.h"
#include "engine/service/api_json.h"
#include "engine/service/callfire_api.h"
#include "engine/store/store_reader.h"

namespace herald {
namespace {

// The broadcast the path's first parameter names.
absl::StatusOr<BroadcastId> BroadcastOf(const ApiCall& call) {
  return call.PathId(0, "broadcast");
}

absl::StatusOr<ApiBatchRef> BatchOf(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "batch");
  if (!id.ok()) return id.status();
  std::optional<ApiBatchRef> ref = ParseApiBatchId(*id);
  if (!ref.has_value()) {
    return absl::NotFoundError(absl::StrCat("no batch ", *id));
  }
  return *ref;
}

// The batch `ref` names, or NotFound.
absl::StatusOr<BatchInfo> FindBatch(Engine& engine, const ApiBatchRef& ref) {
  absl::StatusOr<BroadcastInfo> broadcast = engine.GetBroadcast(ref.broadcast);
  if (!broadcast.ok() || ref.batch > broadcast->batches.size()) {
    return absl::NotFoundError(
        absl::StrCat("no batch ", ApiBatchId(ref.broadcast, ref.batch)));
  }
  return broadcast->batches[ref.batch - 1];
}

// The strictValidation parameter.
absl::StatusOr<bool> StrictValidation(const ApiCall& call) {
  absl::StatusOr<std::optional<bool>> strict =
      call.QueryBool("strictValidation");
  if (!strict.ok()) return strict.status();
  return strict->value_or(false);
}

// Adds a batch of `source` and answers its API id; with
// strictValidation, a batch in ERRORS is a 400 naming its first bad row.
absl::StatusOr<int64_t> AddApiBatch(Engine& engine, BroadcastId id,
                                    const BatchSource& source,
                                    BatchOptions options) {
  absl::StatusOr<BatchId> batch = engine.AddBatch(id, source, options);
  if (!batch.ok()) return batch.status();
  if (options.strict_validation) {
    absl::StatusOr<BroadcastInfo> info = engine.GetBroadcast(id);
    if (info.ok() && *batch <= info->batches.size()) {
      const BatchInfo& added = info->batches[*batch - 1];
      if (added.status == BatchStatus::kErrors) {
        return absl::InvalidArgumentError(
            absl::StrCat("strictValidation: batch ", ApiBatchId(id, *batch),
                         " has errors: ", added.error));
      }
    }
  }
  return ApiBatchId(id, *batch);
}

}  // namespace

ServerResponse CallFireApi::CreateBroadcast(const ApiCall& call) {
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  const JsonField root(kBody, "", *body);
  absl::StatusOr<nlohmann::json> definition = DefinitionOf(root);
  if (!definition.ok()) return ErrorResponse(definition.status());
  std::vector<Recipient> recipients;
  if (definition->contains("recipients")) {
    absl::StatusOr<std::vector<Recipient>> parsed =
        ParseRecipients(root.Child("recipients", (*body)["recipients"]));
    if (!parsed.ok()) return ErrorResponse(parsed.status());
    recipients = *std::move(parsed);
    definition->erase("recipients");
  }
  absl::StatusOr<bool> strict = StrictValidation(call);
  if (!strict.ok()) return ErrorResponse(strict.status());
  absl::StatusOr<std::optional<bool>> start = call.QueryBool("start");
  if (!start.ok()) return ErrorResponse(start.status());

  BroadcastOptions options;
  options.provider = options_.provider;
  absl::StatusOr<BroadcastId> id =
      engine_->CreateBroadcast(definition->dump(), options);
  if (!id.ok()) return ErrorResponse(id.status());
  if (!recipients.empty()) {
    BatchOptions batch;
    batch.name = absl::StrCat("API ", *id);
    batch.strict_validation = *strict;
    absl::StatusOr<int64_t> added = AddApiBatch(
        *engine_, *id, BatchSource::Recipients(std::move(recipients)), batch);
    if (!added.ok()) {
      // Nothing half-made stays in sight: an archived broadcast is hidden
      // from searches and never runs.
      engine_->Archive(*id).IgnoreError();
      return ErrorResponse(added.status());
    }
  }
  if (start->value_or(false)) {
    if (absl::Status s = engine_->Start(*id); !s.ok()) return ErrorResponse(s);
  }
  return call.Json({{"id", *id}});
}

ServerResponse CallFireApi::FindBroadcasts(const ApiCall& call) {
  absl::StatusOr<ApiPaging> paging = call.Paging();
  if (!paging.ok()) return ErrorResponse(paging.status());
  absl::StatusOr<std::optional<bool>> running = call.QueryBool("running");
  if (!running.ok()) return ErrorResponse(running.status());
  const std::string name =
      absl::AsciiStrToLower(call.Query("name").value_or(""));
  const std::optional<std::string> label = call.Query("label");

  nlohmann::json items = nlohmann::json::array();
  uint64_t total = 0;
  for (const BroadcastInfo& broadcast : engine_->ListBroadcasts()) {
    // Archived broadcasts are hidden from searches, as CallFire's are, and
    // the default campaign is not a broadcast to CallFire.
    if (broadcast.status == BroadcastStatus::kArchived ||
        CampaignIdOf(broadcast) == 0) {
      continue;
    }
    if (running->has_value() && IsLive(broadcast.status) != **running) {
      continue;
    }
    if (!name.empty() &&
        !absl::StrContains(absl::AsciiStrToLower(broadcast.name), name)) {
      continue;
    }
    if (label.has_value() &&
        std::find(broadcast.labels.begin(), broadcast.labels.end(), *label) ==
            broadcast.labels.end()) {
      continue;
    }
    if (total >= paging->offset &&
        items.size() < static_cast<size_t>(paging->limit)) {
      items.push_back(BroadcastJson(broadcast));
    }
    ++total;
  }
  return call.Page(std::move(items), *paging, total);
}

ServerResponse CallFireApi::GetBroadcast(const ApiCall& call) {
  absl::StatusOr<BroadcastId> id = BroadcastOf(call);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<BroadcastInfo> broadcast = engine_->GetBroadcast(*id);
  if (!broadcast.ok()) return ErrorResponse(broadcast.status());
  return call.Json(BroadcastJson(*broadcast));
}

ServerResponse CallFireApi::UpdateBroadcast(const ApiCall& call) {
  absl::StatusOr<BroadcastId> id = BroadcastOf(call);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  const JsonField root(kBody, "", *body);
  absl::StatusOr<nlohmann::json> patch = DefinitionOf(root);
  if (!patch.ok()) return ErrorResponse(patch.status());
  if (patch->contains("recipients")) {
    return ErrorResponse(
        root.Child("recipients", (*patch)["recipients"])
            .Error("recipients are added with POST "
                   "/v2/texts/broadcasts/{id}/batches or /recipients"));
  }
  absl::StatusOr<BroadcastInfo> broadcast = engine_->GetBroadcast(*id);
  if (!broadcast.ok()) return ErrorResponse(broadcast.status());
  // A partial update: the members given replace the definition's, a null
  // removes one, objects merge member by member (RFC 7386).
  nlohmann::json definition =
      nlohmann::json::parse(broadcast->definition, nullptr, false);
  if (!definition.is_object()) definition = nlohmann::json::object();
  definition.merge_patch(*patch);
  if (absl::Status s = engine_->UpdateDefinition(*id, definition.dump());
      !s.ok()) {
    return ErrorResponse(s);
  }
  return EmptyOk();
}

ServerResponse CallFireApi::StartBroadcast(const ApiCall& call) {
  absl::StatusOr<BroadcastId> id = BroadcastOf(call);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::Status s = engine_->Start(*id);
  return s.ok() ? EmptyOk() : ErrorResponse(s);
}

ServerResponse CallFireApi::StopBroadcast(const ApiCall& call) {
  absl::StatusOr<BroadcastId> id = BroadcastOf(call);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::Status s = engine_->Stop(*id);
  return s.ok() ? EmptyOk() : ErrorResponse(s);
}

ServerResponse CallFireApi::ArchiveBroadcast(const ApiCall& call) {
  absl::StatusOr<BroadcastId> id = BroadcastOf(call);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::Status s = engine_->Archive(*id);
  return s.ok() ? EmptyOk() : ErrorResponse(s);
}

ServerResponse CallFireApi::FindBatches(const ApiCall& call) {
  absl::StatusOr<BroadcastId> id = BroadcastOf(call);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<ApiPaging> paging = call.Paging();
  if (!paging.ok()) return ErrorResponse(paging.status());
  absl::StatusOr<BroadcastInfo> broadcast = engine_->GetBroadcast(*id);
  if (!broadcast.ok()) return ErrorResponse(broadcast.status());
  nlohmann::json items = nlohmann::json::array();
  const std::vector<BatchInfo>& batches = broadcast->batches;
  for (uint64_t i = paging->offset;
       i < batches.size() && items.size() < static_cast<size_t>(paging->limit);
       ++i) {
    items.push_back(BatchJson(*id, batches[i]));
  }
  return call.Page(std::move(items), *paging, batches.size());
}

ServerResponse CallFireApi::AddBatch(const ApiCall& call) {
  absl::StatusOr<BroadcastId> id = BroadcastOf(call);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  absl::StatusOr<bool> strict = StrictValidation(call);
  if (!strict.ok()) return ErrorResponse(strict.status());
  BatchOptions options;
  options.strict_validation = *strict;
  std::vector<Recipient> recipients;
  ContactListId list = 0;
  const JsonField root(kBody, "", *body);
  absl::Status s = root.Object({
      {"name",
       [&](const JsonField& f) {
         return AssignField(&options.name, [&] { return f.String(); });
       }},
      {"recipients",
       [&](const JsonField& f) -> absl::Status {
         absl::StatusOr<std::vector<Recipient>> parsed = ParseRecipients(f);
         if (!parsed.ok()) return parsed.status();
         recipients = *std::move(parsed);
         return absl::OkStatus();
       }},
      {"scrubDuplicates",
       [&](const JsonField& f) {
         return AssignField(&options.scrub_duplicates,
                            [&] { return f.Bool(); });
       }},
      {"contactListId",
       [&](const JsonField& f) {
         return AssignField(&list, [&] { return f.Id(); });
       }},
  });
  if (!s.ok()) return ErrorResponse(s);
  if (recipients.empty() == (list == 0)) {
    return ErrorResponse(
        root.Error("a batch needs recipients or a contactListId, not both"));
  }
  absl::StatusOr<int64_t> batch =
      AddApiBatch(*engine_, *id,
                  list != 0 ? BatchSource::ContactList(list)
                            : BatchSource::Recipients(std::move(recipients)),
                  options);
  if (!batch.ok()) return ErrorResponse(batch.status());
  return call.Json({{"id", *batch}});
}

ServerResponse CallFireApi::GetBatch(const ApiCall& call) {
  absl::StatusOr<ApiBatchRef> ref = BatchOf(call);
  if (!ref.ok()) return ErrorResponse(ref.status());
  absl::StatusOr<BatchInfo> batch = FindBatch(*engine_, *ref);
  if (!batch.ok()) return ErrorResponse(batch.status());
  return call.Json(BatchJson(ref->broadcast, *batch));
}

ServerResponse CallFireApi::UpdateBatch(const ApiCall& call) {
  absl::StatusOr<ApiBatchRef> ref = BatchOf(call);
  if (!ref.ok()) return ErrorResponse(ref.status());
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  std::optional<bool> enabled;
  const JsonField root(kBody, "", *body);
  absl::Status s = root.Object({
      {"enabled",
       [&](const JsonField& f) -> absl::Status {
         absl::StatusOr<bool> value = f.Bool();
         if (!value.ok()) return value.status();
         enabled = *value;
         return absl::OkStatus();
       }},
  });
  if (!s.ok()) return ErrorResponse(s);
  if (absl::StatusOr<BatchInfo> batch = FindBatch(*engine_, *ref);
      !batch.ok()) {
    return ErrorResponse(batch.status());
  }
  if (enabled.has_value()) {
    s = engine_->SetBatchEnabled(ref->broadcast, ref->batch, *enabled);
    if (!s.ok()) return ErrorResponse(s);
  }
  return EmptyOk();
}

ServerResponse CallFireApi::AddRecipients(const ApiCall& call) {
  absl::StatusOr<BroadcastId> id = BroadcastOf(call);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<nlohmann::json> body = call.Body(nlohmann::json::array());
  if (!body.ok()) return ErrorResponse(body.status());
  absl::StatusOr<std::vector<Recipient>> recipients =
      ParseRecipients(JsonField(kBody, "", *body));
  if (!recipients.ok()) return ErrorResponse(recipients.status());
  absl::StatusOr<nlohmann::json> texts =
      AddTexts(call, *id, *std::move(recipients));
  if (!texts.ok()) return ErrorResponse(texts.status());
  return call.Json({{"items", *std::move(texts)}});
}

absl::StatusOr<nlohmann::json> CallFireApi::AddTexts(
    const ApiCall& call, BroadcastId id, std::vector<Recipient> recipients) {
  if (recipients.empty()) {
    return absl::InvalidArgumentError(
        "request body: expected a list of recipients, got an empty one");
  }
  absl::StatusOr<BroadcastInfo> broadcast = engine_->GetBroadcast(id);
  if (!broadcast.ok()) return broadcast.status();
  const std::vector<Recipient> given = recipients;
  absl::StatusOr<bool> strict = StrictValidation(call);
  if (!strict.ok()) return strict.status();
  BatchOptions options;
  options.name =
      absl::StrCat("API ", id, " recipients ", broadcast->batches.size() + 1);
  options.strict_validation = *strict;
  absl::StatusOr<int64_t> batch_id = AddApiBatch(
      *engine_, id, BatchSource::Recipients(std::move(recipients)), options);
  if (!batch_id.ok()) return batch_id.status();
  // The texts as they are created: READY, one per recipient, in order.
  const ApiBatchRef ref = *ParseApiBatchId(*batch_id);
  absl::StatusOr<BatchInfo> added = FindBatch(*engine_, ref);
  if (!added.ok()) return added.status();
  const int64_t now = absl::ToUnixMillis(added->created);
  nlohmann::json items = nlohmann::json::array();
  for (size_t i = 0; i < given.size(); ++i) {
    absl::StatusOr<PhoneNumber> number = ParseNanpNumber(given[i].phone_number);
    nlohmann::json text = {
        {"id", ApiTextId(id, TextId(ref.batch, i + 1))},
        {"fromNumber", broadcast->from_number},
        {"toNumber", number.ok() ? E164Digits(*number) : given[i].phone_number},
        {"state", "READY"},
        {"campaignId", CampaignIdOf(*broadcast)},
        {"batchId", *batch_id},
        {"inbound", false},
        {"created", now},
        {"modified", now},
    };
    // A recipient's own message is its `message` attribute inside herald
    // (a contact file's message column) and the Text's message to CallFire.
    nlohmann::json attributes = nlohmann::json::object();
    for (const auto& [name, value] : given[i].attributes) {
      (name == "message" ? text["message"] : attributes[name]) = value;
    }
    if (!attributes.empty()) text["attributes"] = std::move(attributes);
    items.push_back(std::move(text));
  }
  return items;
}

ServerResponse CallFireApi::BroadcastStats(const ApiCall& call) {
  absl::StatusOr<BroadcastId> id = BroadcastOf(call);
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<std::optional<absl::Time>> begin = call.QueryTime("begin");
  if (!begin.ok()) return ErrorResponse(begin.status());
  absl::StatusOr<std::optional<absl::Time>> end = call.QueryTime("end");
  if (!end.ok()) return ErrorResponse(end.status());
  absl::StatusOr<StoreStats> stats =
      engine_->Stats(*id, begin->value_or(absl::InfinitePast()),
                     end->value_or(absl::InfiniteFuture()));
  if (!stats.ok()) return ErrorResponse(stats.status());
  nlohmann::json out = StatsJson(*stats);
  for (nlohmann::json& batch : out["batches"]) {
    batch["id"] = ApiBatchId(*id, batch["id"].get<BatchId>());
  }
  return call.Json(out);
}

}  // namespace herald
