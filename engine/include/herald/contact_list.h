// CallFire's contact lists: a CSV of contacts kept by the account, under a
// name, for batches to use (BatchSource::ContactList). A list's file never
// changes once made: a change makes a new file, so a batch made from a list
// keeps reading what the list held when it was made.
#ifndef HERALD_CONTACT_LIST_H_
#define HERALD_CONTACT_LIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace herald {

using ContactListId = int64_t;  // 1, 2, ... in the order they were made

struct ContactListInfo {
  ContactListId id = 0;
  std::string name;
  uint64_t size = 0;  // its contacts (the file's rows)
  absl::Time created;
};

struct ContactListQuery {
  std::string name;  // a part of the name; empty: any
  uint64_t offset = 0;
  int limit = 100;  // 0 to kMaxTextPageLimit
};

struct ContactListPage {
  std::vector<ContactListInfo> items;  // by id
  uint64_t offset = 0;
  int limit = 0;
  uint64_t total_count = 0;
};

// Contacts of one list, as its file has them.
struct ContactListItems {
  std::vector<std::string> columns;  // the header
  struct Row {
    uint64_t row = 0;                 // 1-based, among the file's rows
    std::vector<std::string> values;  // one per column ("" when missing)
  };
  std::vector<Row> rows;
  uint64_t offset = 0;
  int limit = 0;
  uint64_t total_count = 0;
};

}  // namespace herald

#endif  // HERALD_CONTACT_LIST_H_
