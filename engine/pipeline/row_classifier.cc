#include "engine/pipeline/row_classifier.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/base/utf8.h"

namespace herald {
namespace {

// Long values are cut in reasons so one bad cell cannot flood a report.
constexpr size_t kMaxQuotedValue = 40;

std::string Quoted(absl::string_view value) {
  if (value.size() <= kMaxQuotedValue) return absl::StrCat("\"", value, "\"");
  return absl::StrCat("\"", Utf8Prefix(value, kMaxQuotedValue), "...\"");
}

}  // namespace

void RowClassifier::Reject(RowVerdict verdict, absl::string_view reason,
                           ClassifiedRow* row, ClassifiedChunk* out) {
  row->verdict = verdict;
  row->text_begin = static_cast<uint32_t>(out->text.size());
  out->text.append(reason.data(), reason.size());
  row->text_end = static_cast<uint32_t>(out->text.size());
}

std::optional<std::string> RowClassifier::FindBadField(
    const BatchPlan& plan) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    const size_t at = FindInvalidUtf8(fields_[i]);
    if (at == absl::string_view::npos) continue;
    return absl::StrCat("column \"", plan.columns.names[i], "\": ",
                        fields_[i][at] == '\0' ? "NUL byte" : "invalid UTF-8",
                        " at byte ", at + 1);
  }
  return std::nullopt;
}

void RowClassifier::Classify(const BatchPlan& plan, const CsvChunk& chunk,
                             size_t skip, uint64_t first_row,
                             const RowSelection* selection,
                             ClassifiedChunk* out) {
  const ContactColumns& columns = plan.columns;
  out->rows.reserve(out->rows.size() + chunk.records.size());
  for (size_t k = skip; k < chunk.records.size(); ++k) {
    const uint64_t id = first_row + (k - skip);
    if (selection != nullptr && !selection->Contains(id)) continue;
    const CsvRecordRef& record = chunk.records[k];
    ClassifiedRow& row = out->rows.emplace_back();
    row.recipient_id = id;
    row.line = record.line;
    if (record.defect != CsvRecordDefect::kNone) {
      Reject(RowVerdict::kInvalid, DescribeDefect(chunk, record), &row, out);
      continue;
    }
    const absl::string_view text = chunk.RecordText(record);
    if (absl::Status s = SplitCsvRecord(text, &fields_, &scratch_); !s.ok()) {
      Reject(RowVerdict::kInvalid, absl::StrCat("malformed CSV: ", s.message()),
             &row, out);
      continue;
    }
    if (fields_.size() != columns.names.size()) {
      Reject(RowVerdict::kInvalid,
             absl::StrCat("row has ", fields_.size(),
                          " fields but the header has ", columns.names.size()),
             &row, out);
      continue;
    }
    if (FindInvalidUtf8(text) != absl::string_view::npos) {
      if (std::optional<std::string> bad = FindBadField(plan)) {
        Reject(RowVerdict::kInvalid, *bad, &row, out);
        continue;
      }
    }
    const absl::string_view phone = fields_[columns.phone];
    absl::StatusOr<PhoneNumber> number = ParseNanpNumber(phone);
    if (!number.ok()) {
      Reject(RowVerdict::kInvalid,
             absl::StrCat("column \"", columns.names[columns.phone], "\" ",
                          Quoted(phone), ": ", number.status().message()),
             &row, out);
      continue;
    }
    row.number = *number;
    row.zone_group = zones_->Lookup(*number);
    // A selected row passed the DNC check when it was first read.
    const bool check_dnc = selection == nullptr;
    // The DNC lookup is a likely cache miss: start it, render while it
    // loads, and drop the rendered text for the few numbers on the list.
    if (check_dnc) dnc_->Prefetch(*number);
    const size_t begin = out->text.size();
    Render(plan, text.size(), &row, out);
    if (check_dnc && dnc_->Contains(*number)) {
      out->text.resize(begin);
      row.verdict = RowVerdict::kDnc;
      row.text_begin = row.text_end = 0;
    }
  }
}

void RowClassifier::Render(const BatchPlan& plan, size_t record_bytes,
                           ClassifiedRow* row, ClassifiedChunk* out) {
  const ContactColumns& columns = plan.columns;
  // The row's own message, when it has one, replaces the broadcast's.
  std::optional<MessageTemplate> own;
  const MessageTemplate* message = nullptr;
  if (columns.message >= 0 && !fields_[columns.message].empty()) {
    absl::StatusOr<MessageTemplate> compiled = MessageTemplate::Compile(
        fields_[columns.message], columns.names, broadcast_->template_options);
    if (!compiled.ok()) {
      Reject(RowVerdict::kUnrenderable,
             absl::StrCat("column \"message\": ", compiled.status().message()),
             row, out);
      return;
    }
    own = *std::move(compiled);
    message = &*own;
  } else if (plan.message) {
    message = &*plan.message;
  } else {
    Reject(RowVerdict::kUnrenderable,
           "no message: the broadcast has none and this row's message column "
           "is empty",
           row, out);
    return;
  }
  const size_t begin = out->text.size();
  // No character takes more than 4 bytes and no segment more than 160
  // characters: a text past this many bytes cannot fit maxSegments (nor
  // does TRIM need more of it). No cell is longer than its record.
  const size_t can_fit = size_t{640} * std::max(broadcast_->max_segments, 1);
  const absl::Status s =
      message->MaxRenderedBytes(record_bytes) > can_fit
          ? message->RenderAtMost(fields_, &out->text, can_fit)
          : message->Render(fields_, &out->text);
  if (!s.ok()) {
    out->text.resize(begin);
    Reject(RowVerdict::kUnrenderable, s.message(), row, out);
    return;
  }
  FitMessage(begin, row, out);
}

void RowClassifier::FitMessage(size_t begin, ClassifiedRow* row,
                               ClassifiedChunk* out) {
  if (broadcast_->smart_encoding) {
    smart_.clear();
    AppendSmartEncoded(absl::string_view(out->text).substr(begin), &smart_);
    out->text.resize(begin);
    out->text.append(smart_);
  }
  absl::string_view message = absl::string_view(out->text).substr(begin);
  SmsSegmentation fit = Segment(message);
  if (fit.segments == 0) {
    out->text.resize(begin);
    Reject(RowVerdict::kUnrenderable, "the message is empty", row, out);
    return;
  }
  if (fit.segments > 1) {
    switch (broadcast_->big_message_strategy) {
      case BigMessageStrategy::kSendMultiple:
        if (fit.segments <= broadcast_->max_segments) break;
        out->text.resize(begin);
        Reject(RowVerdict::kTooBig,
               absl::StrCat(EncodingName(fit.encoding), " message of ",
                            fit.segments, " segments, more than maxSegments ",
                            broadcast_->max_segments),
               row, out);
        return;
      case BigMessageStrategy::kTrim:
        message = TrimToOneSegment(message, fit.encoding);
        out->text.resize(begin + message.size());
        fit = Segment(absl::string_view(out->text).substr(begin));
        break;
      case BigMessageStrategy::kDoNotSend:
        out->text.resize(begin);
        Reject(RowVerdict::kTooBig,
               absl::StrCat(EncodingName(fit.encoding), " message of ",
                            fit.segments,
                            " segments and bigMessageStrategy DO_NOT_SEND"),
               row, out);
        return;
    }
  }
  row->verdict = RowVerdict::kSendable;
  row->encoding = fit.encoding;
  row->segments = static_cast<uint16_t>(fit.segments);
  row->text_begin = static_cast<uint32_t>(begin);
  row->text_end = static_cast<uint32_t>(out->text.size());
}

}  // namespace herald
