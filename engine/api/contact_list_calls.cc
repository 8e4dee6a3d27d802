// The registry's calls on the account's contact lists that need more than
// the store's table: a list made of recipients in memory.
#include <atomic>

#include "absl/strings/str_cat.h"
#include "engine/api/broadcast_registry.h"
#include "engine/api/recipients_csv.h"
#include "engine/base/file_io.h"

namespace herald {

absl::StatusOr<ContactListInfo> BroadcastRegistry::CreateContactList(
    const std::string& name, const BatchSource& source, bool move_file) {
  absl::StatusOr<ContactLists*> lists = AccountContactLists();
  if (!lists.ok()) return lists.status();
  if (source.contact_list() != 0) {
    return absl::InvalidArgumentError(
        "a contact list is made of a file or recipients, not another list");
  }
  if (!source.path().empty()) {
    return (*lists)->Create(name, source.path(), move_file, clock_->Now());
  }
  if (absl::Status s = Writable(); !s.ok()) return s;
  const std::string dir = options_.state_dir + "/lists";
  if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  static std::atomic<uint64_t> next{0};
  const std::string path =
      absl::StrCat(dir, "/recipients-", next.fetch_add(1), ".csv.part");
  if (absl::Status s =
          WriteRecipientsCsv(path, "phoneNumber", source.recipients());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<ContactListInfo> made =
      (*lists)->Create(name, path, /*move=*/true, clock_->Now());
  std::remove(path.c_str());  // still there when Create failed
  return made;
}

}  // namespace herald
