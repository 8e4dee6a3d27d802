#include "engine/store/contact_lists.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/base/file_io.h"
#include "engine/ingest/contact_columns.h"
#include "engine/ingest/csv_reader.h"
#include "herald/texts.h"

namespace herald {
namespace {

constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS contact_lists ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  file TEXT NOT NULL);";

constexpr char kSelect[] = "SELECT id, name, size, created_ms, file";

ContactListInfo InfoOf(const SqliteStatement& row) {
  return {row.Int(0), row.Text(1), static_cast<uint64_t>(row.Int(2)),
          absl::FromUnixMillis(row.Int(3))};
}

// Goes through the contact file at `path`, a record at a time, calling
// `header` with its header's fields, then `row` with each data record's
// 0-based index and the record; a callback returning false stops it.
template <typename Header, typename Row>
absl::Status ReadContactFile(const std::string& path, Header header, Row row) {
  absl::StatusOr<std::unique_ptr<CsvChunkReader>> reader =
      CsvChunkReader::Open(path);
  if (!reader.ok()) return reader.status();
  CsvChunk chunk;
  bool in_header = true;
  uint64_t index = 0;
  std::vector<absl::string_view> fields;
  std::string scratch;
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&chunk);
    if (!more.ok()) return more.status();
    if (!*more) break;
    for (const CsvRecordRef& record : chunk.records) {
      if (in_header) {
        in_header = false;
        absl::Status s =
            record.defect != CsvRecordDefect::kNone
                ? absl::InvalidArgumentError(DescribeDefect(chunk, record))
                : SplitCsvRecord(chunk.RecordText(record), &fields, &scratch);
        if (!s.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              path, ": line ", record.line, ": header: ", s.message()));
        }
        if (absl::Status s = header(fields, record.line); !s.ok()) return s;
        continue;
      }
      if (!row(index++, chunk, record)) return absl::OkStatus();
    }
  }
  if (in_header) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": empty: a contact file starts with a header"));
  }
  return absl::OkStatus();
}

// The header checked as a batch will read it; `columns` gets its names.
absl::Status CheckHeader(const std::string& path,
                         const std::vector<absl::string_view>& fields,
                         uint64_t line, std::vector<std::string>* columns) {
  std::vector<std::string> names(fields.begin(), fields.end());
  absl::StatusOr<ContactColumns> mapped = MapContactColumns(names, "");
  if (!mapped.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": line ", line, ": header: ", mapped.status().message()));
  }
  *columns = std::move(mapped->names);
  return absl::OkStatus();
}

// A new name in `dir` for a list's file.
std::string NewListFile(const std::string& dir, absl::Time now) {
  static std::atomic<uint64_t> next{0};
  return absl::StrCat(dir, "/list-", absl::ToUnixNanos(now), "-", getpid(), "-",
                      next.fetch_add(1), ".csv");
}

// Copies `from` to `to` (a new file), durably.
absl::Status CopyFile(const std::string& from, const std::string& to) {
  std::error_code ec;
  if (!std::filesystem::copy_file(from, to, ec)) {
    return ErrnoStatus(ec.value(), absl::StrCat("cannot copy ", from, " to"),
                       to);
  }
  return SyncFile(to);
}

}  // namespace

absl::StatusOr<ContactListInfo> ContactLists::Create(
    const std::string& name, const std::string& csv_path, bool move,
    absl::Time now) {
  if (absl::Status s = db_->Writable("contact lists"); !s.ok()) return s;
  if (absl::StripAsciiWhitespace(name).empty()) {
    return absl::InvalidArgumentError("name: a contact list needs a name");
  }
  uint64_t size = 0;
  std::vector<std::string> columns;
  if (absl::Status s = ReadContactFile(
          csv_path,
          [&](const std::vector<absl::string_view>& fields, uint64_t line) {
            return CheckHeader(csv_path, fields, line, &columns);
          },
          [&](uint64_t, const CsvChunk&, const CsvRecordRef&) {
            ++size;
            return true;
          });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = MakeDirectories(dir_); !s.ok()) return s;
  const std::string file = NewListFile(dir_, now);
  // Until the list is recorded the caller's file stays where it was (moved
  // back if it was moved), and the list's copy goes.
  const bool moved = move && std::rename(csv_path.c_str(), file.c_str()) == 0;
  auto undo = [&] {
    if (!moved || std::rename(file.c_str(), csv_path.c_str()) != 0) {
      ::unlink(file.c_str());
    }
  };
  absl::Status s = moved ? SyncFile(file) : CopyFile(csv_path, file);
  if (!s.ok()) {
    undo();
    return s;
  }
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  ContactListInfo info{0, name, size,
                       absl::FromUnixMillis(absl::ToUnixMillis(now))};
  const std::string file_name = std::filesystem::path(file).filename().string();
  s = connection.status();
  if (s.ok()) {
    s = connection->Write([&]() -> absl::Status {
      absl::StatusOr<SqliteStatement> insert = SqliteStatement::Prepare(
          connection->db(),
          "INSERT INTO contact_lists (name, size, created_ms, file) "
          "VALUES (?1, ?2, ?3, ?4)");
      if (!insert.ok()) return insert.status();
      insert->Bind(1, name);
      insert->Bind(2, static_cast<int64_t>(size));
      insert->Bind(3, absl::ToUnixMillis(now));
      insert->Bind(4, file_name);
      if (absl::Status s = insert->Run(); !s.ok()) return s;
      info.id = sqlite3_last_insert_rowid(connection->db().handle);
      return absl::OkStatus();
    });
  }
  if (!s.ok()) {
    undo();
    return s;
  }
  if (move && !moved) ::unlink(csv_path.c_str());
  return info;
}

absl::StatusOr<std::pair<ContactListInfo, std::string>> ContactLists::Lookup(
    ContactListId id) const {
  const absl::Status not_found =
      absl::NotFoundError(absl::StrCat("no contact list ", id));
  if (!db_->Exists()) return not_found;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<SqliteStatement> select = SqliteStatement::Prepare(
      connection->db(),
      absl::StrCat(kSelect, " FROM contact_lists WHERE id = ?1"));
  if (!select.ok()) return select.status();
  select->Bind(1, id);
  absl::StatusOr<bool> row = select->Next();
  if (!row.ok()) return row.status();
  if (!*row) return not_found;
  return std::make_pair(InfoOf(*select),
                        absl::StrCat(dir_, "/", select->TextView(4)));
}

absl::StatusOr<ContactListInfo> ContactLists::Get(ContactListId id) const {
  absl::StatusOr<std::pair<ContactListInfo, std::string>> found = Lookup(id);
  if (!found.ok()) return found.status();
  return found->first;
}

absl::StatusOr<ContactListPage> ContactLists::Find(
    const ContactListQuery& query) const {
  if (query.limit < 0 || query.limit > kMaxTextPageLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit: expected 0 to ", kMaxTextPageLimit, ", got ", query.limit));
  }
  ContactListPage page;
  page.offset = query.offset;
  page.limit = query.limit;
  if (!db_->Exists()) return page;
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  // A part of the name, taken literally.
  const std::string from = absl::StrCat(
      " FROM contact_lists",
      query.name.empty() ? "" : " WHERE instr(lower(name), lower(?1)) > 0");
  absl::Status s = ReadAccountPage(
      connection->db(), kSelect, from,
      [&](SqliteStatement& statement) {
        if (!query.name.empty()) statement.Bind(1, query.name);
      },
      query.offset, query.limit, &page.total_count,
      [&](const SqliteStatement& row) { page.items.push_back(InfoOf(row)); });
  if (!s.ok()) return s;
  return page;
}

absl::Status ContactLists::Rename(ContactListId id, const std::string& name) {
  if (absl::Status s = db_->Writable("contact lists"); !s.ok()) return s;
  if (absl::StripAsciiWhitespace(name).empty()) {
    return absl::InvalidArgumentError("name: a contact list needs a name");
  }
  if (absl::StatusOr<ContactListInfo> list = Get(id); !list.ok()) {
    return list.status();
  }
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  return connection->Write([&]() -> absl::Status {
    absl::StatusOr<SqliteStatement> update = SqliteStatement::Prepare(
        connection->db(), "UPDATE contact_lists SET name = ?2 WHERE id = ?1");
    if (!update.ok()) return update.status();
    update->Bind(1, id);
    update->Bind(2, name);
    return update->Run();
  });
}

absl::Status ContactLists::Delete(ContactListId id) {
  if (absl::Status s = db_->Writable("contact lists"); !s.ok()) return s;
  absl::StatusOr<std::pair<ContactListInfo, std::string>> found = Lookup(id);
  if (!found.ok()) return found.status();
  absl::StatusOr<AccountDb::Connection> connection = db_->Connect(kSchema);
  if (!connection.ok()) return connection.status();
  if (absl::Status s = connection->Write([&]() -> absl::Status {
        absl::StatusOr<SqliteStatement> remove = SqliteStatement::Prepare(
            connection->db(), "DELETE FROM contact_lists WHERE id = ?1");
        if (!remove.ok()) return remove.status();
        remove->Bind(1, id);
        return remove->Run();
      });
      !s.ok()) {
    return s;
  }
  // After the row: a crash in between leaves a file no list names, never a
  // list without its file.
  ::unlink(found->second.c_str());
  return absl::OkStatus();
}

absl::StatusOr<ContactListItems> ContactLists::Items(ContactListId id,
                                                     uint64_t offset,
                                                     int limit) const {
  if (limit < 0 || limit > kMaxTextPageLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit: expected 0 to ", kMaxTextPageLimit, ", got ", limit));
  }
  absl::StatusOr<std::pair<ContactListInfo, std::string>> found = Lookup(id);
  if (!found.ok()) return found.status();
  ContactListItems items;
  items.offset = offset;
  items.limit = limit;
  items.total_count = found->first.size;
  const std::string& path = found->second;
  std::vector<absl::string_view> fields;
  std::string scratch;
  absl::Status s = ReadContactFile(
      path,
      [&](const std::vector<absl::string_view>& header, uint64_t line) {
        return CheckHeader(path, header, line, &items.columns);
      },
      [&](uint64_t index, const CsvChunk& chunk, const CsvRecordRef& record) {
        if (index < offset) return true;
        if (items.rows.size() >= static_cast<size_t>(limit)) return false;
        ContactListItems::Row& row = items.rows.emplace_back();
        row.row = index + 1;
        row.values.resize(items.columns.size());
        if (record.defect == CsvRecordDefect::kNone &&
            SplitCsvRecord(chunk.RecordText(record), &fields, &scratch).ok()) {
          for (size_t i = 0; i < fields.size() && i < row.values.size(); ++i) {
            row.values[i] = std::string(fields[i]);
          }
        }
        return true;
      });
  if (!s.ok()) return s;
  return items;
}

absl::Status ContactLists::LinkFile(ContactListId id,
                                    const std::string& link) const {
  absl::StatusOr<std::pair<ContactListInfo, std::string>> found = Lookup(id);
  if (!found.ok()) return found.status();
  const absl::Status s = ::link(found->second.c_str(), link.c_str()) == 0
                             ? SyncFile(link)
                             : CopyFile(found->second, link);
  if (!s.ok()) {
    // Named as the list, not where the server keeps its files.
    return absl::Status(s.code(), absl::StrCat("contact list ", id,
                                               ": cannot be made a batch"));
  }
  return absl::OkStatus();
}

}  // namespace herald
