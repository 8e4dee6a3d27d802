#include "tools/run_flags.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

std::string Absolute(const std::string& path) {
  if (path.empty()) return path;
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return error ? path : absolute.lexically_normal().string();
}

std::vector<std::string> Absolute(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) out.push_back(Absolute(path));
  return out;
}

}  // namespace

std::string RunFlagsToJson(const RunFlags& flags) {
  const nlohmann::json json = {
      {"campaign", Absolute(flags.campaign)},
      {"contacts", Absolute(flags.contacts)},
      {"dnc", Absolute(flags.dnc)},
      {"outbox", Absolute(flags.outbox)},
      {"report", Absolute(flags.report)},
      {"outcomes", Absolute(flags.outcomes)},
      {"phoneColumn", flags.phone_column},
      {"workers", flags.workers},
      {"clock", flags.clock},
      {"start", flags.start},
      {"deadline", flags.deadline},
      {"tzData", Absolute(flags.tz_data)},
      {"providers", Absolute(flags.providers)},
      {"provider", flags.provider},
      {"runId", flags.run_id},
      {"state", Absolute(flags.state)},
      {"webhook", Absolute(flags.webhook)},
  };
  return json.dump();
}

absl::StatusOr<RunFlags> RunFlagsFromJson(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) {
    return absl::DataLossError("the stored run inputs are not a JSON object");
  }
  RunFlags flags;
  try {
    json.at("campaign").get_to(flags.campaign);
    json.at("contacts").get_to(flags.contacts);
    json.at("dnc").get_to(flags.dnc);
    json.at("outbox").get_to(flags.outbox);
    json.at("report").get_to(flags.report);
    json.at("outcomes").get_to(flags.outcomes);
    json.at("phoneColumn").get_to(flags.phone_column);
    json.at("workers").get_to(flags.workers);
    json.at("clock").get_to(flags.clock);
    json.at("start").get_to(flags.start);
    json.at("deadline").get_to(flags.deadline);
    json.at("tzData").get_to(flags.tz_data);
    json.at("providers").get_to(flags.providers);
    json.at("provider").get_to(flags.provider);
    json.at("runId").get_to(flags.run_id);
    json.at("state").get_to(flags.state);
    json.at("webhook").get_to(flags.webhook);
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(
        absl::StrCat("the stored run inputs are incomplete: ", e.what()));
  }
  return flags;
}

}  // namespace herald
