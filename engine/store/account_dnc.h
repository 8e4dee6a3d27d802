// The account's do-not-contact list (herald/do_not_contact.h), kept in the
// account's database (account_db.h) and, for the numbers that must get no
// text, in memory, where every run asks it at the moment of sending (a
// SendBlock). The in-memory set has a lock per shard, held only to look up
// or change one number.
#ifndef HERALD_ENGINE_STORE_ACCOUNT_DNC_H_
#define HERALD_ENGINE_STORE_ACCOUNT_DNC_H_

#include <array>
#include <memory>
#include <shared_mutex>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/store/account_db.h"
#include "herald/clock.h"
#include "herald/do_not_contact.h"

namespace herald {

// The source of the entries opt-out keywords make.
inline constexpr char kKeywordDncSource[] = "keyword";

class AccountDnc : public SendBlock {
 public:
  // Opens the list in the account's database (its table created when
  // missing, unless read only) and loads the numbers blocked for texts.
  // `db` and `clock` (which stamps the entries) must outlive the list.
  // Errors name the database's path.
  static absl::StatusOr<std::unique_ptr<AccountDnc>> Open(const AccountDb* db,
                                                          Clock* clock);

  bool Blocks(PhoneNumber to) const override;

  // Adds `numbers`, or changes their entries when they have one (call, text
  // and source replaced, created kept), in one transaction. A number with
  // text=true is blocked before the call returns: no run hands a text to it
  // to a transport after that (a text already being written to a provider's
  // socket may still arrive). Should the database fail, the numbers stay
  // blocked in memory until the engine closes, and the error says so.
  absl::Status Add(absl::Span<const PhoneNumber> numbers, bool call, bool text,
                   absl::string_view source);
  // NotFound when the number has no entry.
  absl::StatusOr<DncEntry> Get(PhoneNumber number) const;
  // Sets the entry's call and text flags (NotFound when it has none).
  absl::Status Update(PhoneNumber number, bool call, bool text);
  // Removes the entries of `numbers` (those without one are ignored), or
  // of every number added with `source`; returns how many went. A number is
  // texted again only once its entry is gone from the database.
  absl::StatusOr<uint64_t> Remove(absl::Span<const PhoneNumber> numbers);
  absl::StatusOr<uint64_t> RemoveSource(absl::string_view source);
  // InvalidArgument for a limit out of range or a prefix that is not 1 to
  // 11 digits.
  absl::StatusOr<DncPage> Find(const DncQuery& query) const;

  // An opt-out keyword (STOP) from `number`, written on `db` inside the
  // caller's write transaction (the one that records the text): an entry
  // with text=true and source kKeywordDncSource, or an existing entry made
  // to block texts (its source becomes the keyword's when it did not block
  // them). The number is blocked before the write, and stays blocked should
  // the transaction fail. True when the number was not blocked for texts
  // before: an opt-out that is news, which earns one confirmation.
  absl::StatusOr<bool> OptOutByKeyword(const SqliteDb& db, PhoneNumber number);
  // An opt-in keyword (START), written on `db` inside the caller's write
  // transaction: undoes what a keyword did and nothing else (an entry of
  // another source stays). True when the number may be texted again: it is
  // unblocked here, while the transaction holds the database's write lock,
  // so an opt-out writing after it cannot be undone by it; should the
  // transaction then fail, the caller calls Reblock().
  absl::StatusOr<bool> OptInByKeyword(const SqliteDb& db, PhoneNumber number);
  // Blocks `number` again after an opt-in's transaction failed.
  void Reblock(PhoneNumber number) { SetBlocked(number, true); }

 private:
  AccountDnc(const AccountDb* db, Clock* clock) : db_(db), clock_(clock) {}

  void SetBlocked(PhoneNumber number, bool blocked);

  const AccountDb* const db_;
  Clock* const clock_;

  static constexpr size_t kShards = 64;
  struct Shard {
    mutable std::shared_mutex mu;
    absl::flat_hash_set<PhoneNumber> numbers;  // (mu)
  };
  std::array<Shard, kShards> shards_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_ACCOUNT_DNC_H_
