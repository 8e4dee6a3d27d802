// The account's contact lists (herald/contact_list.h): a table of the
// account's database (account_db.h) naming files in the state directory's
// `lists/` folder. A list's file is never written again once the list has
// it, so a batch can hard-link it and read it for as long as it lives,
// whatever happens to the list.
#ifndef HERALD_ENGINE_STORE_CONTACT_LISTS_H_
#define HERALD_ENGINE_STORE_CONTACT_LISTS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/store/account_db.h"
#include "herald/contact_list.h"

namespace herald {

class ContactLists {
 public:
  // `db` must outlive it; `dir` is where the lists' files go.
  ContactLists(const AccountDb* db, std::string dir)
      : db_(db), dir_(std::move(dir)) {}

  // Makes a list named `name` of the CSV file at `csv_path`, which is moved
  // into the lists' folder when `move` (a rename on the same file system),
  // copied otherwise. The file must have a header with a phone column
  // (MapContactColumns' defaults); InvalidArgument naming the file and line
  // otherwise, or for an empty name. Nothing is made on an error, and the
  // file is left where it was.
  absl::StatusOr<ContactListInfo> Create(const std::string& name,
                                         const std::string& csv_path, bool move,
                                         absl::Time now);
  // NotFound when there is none with this id.
  absl::StatusOr<ContactListInfo> Get(ContactListId id) const;
  // InvalidArgument for a limit outside 0 to kMaxTextPageLimit.
  absl::StatusOr<ContactListPage> Find(const ContactListQuery& query) const;
  absl::Status Rename(ContactListId id, const std::string& name);
  // The list goes; its file goes too, but batches that linked it keep
  // their link.
  absl::Status Delete(ContactListId id);
  // `limit` rows from the `offset`-th (0-based), read from the file.
  absl::StatusOr<ContactListItems> Items(ContactListId id, uint64_t offset,
                                         int limit) const;
  // Makes `link` (a new path) the list's file, as a hard link when it can
  // (a copy otherwise). NotFound for no such list.
  absl::Status LinkFile(ContactListId id, const std::string& link) const;

 private:
  // The list's row and its file's path.
  absl::StatusOr<std::pair<ContactListInfo, std::string>> Lookup(
      ContactListId id) const;

  const AccountDb* const db_;
  const std::string dir_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_CONTACT_LISTS_H_
