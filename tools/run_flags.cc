#include "tools/run_flags.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

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

std::string RunPath(const std::string& state_dir) {
  return absl::StrCat(state_dir, "/herald-run.json");
}

}  // namespace

absl::Status ResolveContacts(std::vector<std::string>* paths) {
  std::vector<std::string> resolved;
  for (const std::string& path : *paths) {
    std::error_code error;
    // Before it is opened: opening a FIFO nobody writes to would block.
    const std::filesystem::file_status status =
        std::filesystem::status(path, error);
    if (!error && std::filesystem::exists(status) &&
        !std::filesystem::is_regular_file(status)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path,
          ": not a regular file; herald reads a contacts file again for "
          "later windows and retries, so save it to a file first"));
    }
    const std::filesystem::path canonical =
        std::filesystem::canonical(path, error);
    if (error) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": cannot open: ", error.message()));
    }
    if (absl::StatusOr<ContactsVersion> opened = StatContacts(path);
        !opened.ok()) {
      return opened.status();
    }
    for (size_t i = 0; i < resolved.size(); ++i) {
      if (resolved[i] == canonical.string()) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": the same file as --contacts ", (*paths)[i],
            "; given twice, every recipient in it would be texted twice"));
      }
    }
    resolved.push_back(canonical.string());
  }
  *paths = std::move(resolved);
  return absl::OkStatus();
}

absl::StatusOr<ContactsVersion> StatContacts(const std::string& path) {
  // Opened rather than only stat'ed: a file herald cannot read is bad input
  // before anything is sent.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info;
  if (fd < 0 || ::fstat(fd, &info) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot open: ", std::strerror(err)));
  }
  ::close(fd);
  return ContactsVersion{
      static_cast<int64_t>(info.st_size),
      static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 +
          info.st_mtim.tv_nsec};
}

absl::Status SaveRun(const StoredRun& run) {
  const RunFlags& flags = run.flags;
  nlohmann::json versions = nlohmann::json::array();
  for (const ContactsVersion& v : run.contacts) {
    versions.push_back({{"size", v.size}, {"mtimeNs", v.mtime_ns}});
  }
  const nlohmann::json json = {
      {"campaign", Absolute(flags.campaign)},
      {"contacts", Absolute(flags.contacts)},
      {"contactsVersions", versions},
      {"dnc", Absolute(flags.dnc)},
      {"dncSkipUnreadable", flags.dnc_skip_unreadable},
      {"synchronous", flags.synchronous},
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
  // Written aside and renamed: a crash leaves the old command or the new
  // one, never half of one.
  const std::string path = RunPath(flags.state);
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << "\n";
    out.close();
    if (!out) {
      return absl::InvalidArgumentError(
          absl::StrCat(temp, ": cannot write: ", std::strerror(errno)));
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot write: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<StoredRun>> LoadRun(const std::string& state_dir) {
  const std::string path = RunPath(state_dir);
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, false);
  if (!json.is_object()) {
    return absl::DataLossError(absl::StrCat(path, ": not a JSON object"));
  }
  StoredRun run;
  RunFlags& flags = run.flags;
  try {
    json.at("campaign").get_to(flags.campaign);
    json.at("contacts").get_to(flags.contacts);
    for (const nlohmann::json& v : json.at("contactsVersions")) {
      run.contacts.push_back(
          {v.at("size").get<int64_t>(), v.at("mtimeNs").get<int64_t>()});
    }
    json.at("dnc").get_to(flags.dnc);
    flags.dnc_skip_unreadable = json.value("dncSkipUnreadable", false);
    flags.synchronous = json.value("synchronous", "normal");
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
        absl::StrCat(path, ": the stored command is incomplete: ", e.what()));
  }
  if (run.contacts.size() != flags.contacts.size()) {
    return absl::DataLossError(absl::StrCat(
        path, ": contactsVersions: one per contacts file expected"));
  }
  return run;
}

absl::Status CheckContactsUnchanged(const StoredRun& run) {
  for (size_t i = 0; i < run.contacts.size(); ++i) {
    const std::string& path = run.flags.contacts[i];
    absl::StatusOr<ContactsVersion> now = StatContacts(path);
    if (!now.ok()) return now.status();
    if (now->size != run.contacts[i].size ||
        now->mtime_ns != run.contacts[i].mtime_ns) {
      return absl::FailedPreconditionError(absl::StrCat(
          path,
          ": the file changed since the broadcast began (size or time); "
          "rows are found again by position, so herald cannot tell which "
          "were sent. Put the file back as it was, or start a new broadcast "
          "with another --state directory"));
    }
  }
  return absl::OkStatus();
}

}  // namespace herald
