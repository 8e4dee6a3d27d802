// The account's auto-replies (herald/auto_reply.h), a table of the
// account's database (account_db.h).
#ifndef HERALD_ENGINE_STORE_AUTO_REPLIES_H_
#define HERALD_ENGINE_STORE_AUTO_REPLIES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/store/account_db.h"
#include "herald/auto_reply.h"

namespace herald {

class AutoReplies {
 public:
  // `db` must outlive it.
  explicit AutoReplies(const AccountDb* db) : db_(db) {}

  // Keeps `reply` (its id ignored) and returns its id. InvalidArgument
  // naming the field for an empty number or message.
  absl::StatusOr<int64_t> Create(const AutoReply& reply);
  // NotFound when there is none with this id.
  absl::StatusOr<AutoReply> Get(int64_t id) const;
  absl::Status Delete(int64_t id);
  // Those for `number` (all when nullopt). InvalidArgument for a limit
  // outside 0 to kMaxTextPageLimit.
  absl::StatusOr<AutoReplyPage> Find(const std::optional<std::string>& number,
                                     uint64_t offset, int limit) const;

 private:
  const AccountDb* const db_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_AUTO_REPLIES_H_
