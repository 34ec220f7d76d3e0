#pragma once
// Streams the records of a task file (METRIC.md 1): plain text (one record a
// line), JSONL (`text`, optional `id`) or CSV (RFC 4180, a `text` column and
// an optional `id` column). The file is read line by line, never slurped, and
// reading stops as soon as the consumer has enough. Every byte read is
// checked: NUL bytes (binary files) and invalid UTF-8 are errors naming the
// file, the line and the byte offset.
#include <QString>
#include <functional>

namespace qkov {

enum class DatasetFormat { Auto, Text, Jsonl, Csv };

// From the file name: *.jsonl / *.ndjson -> Jsonl, *.csv -> Csv, else Text.
DatasetFormat datasetFormatFor(const QString &path);
QString datasetFormatName(DatasetFormat format); // "text", "jsonl", "csv"

struct TaskRecord
{
    qint64 index = 0;  // 0-based position among the file's records (empty ones included)
    qint64 line = 0;   // 1-based line where the record starts
    QString id;        // the record's own id, "" when it has none
    QString text;
};

// A record longer than this is an error (a sample keeps at most a few
// hundred tokens; a multi-gigabyte "line" is not a text record).
constexpr qint64 kMaxRecordBytes = qint64(16) << 20;

// Calls `sink` for every record in file order (empty records included, so the
// caller can warn about them) until it returns false. Throws qkov::Error
// naming the file: missing, unreadable, a folder, binary, not UTF-8,
// malformed JSON/CSV lines, a missing `text` field or column.
void readTaskRecords(const QString &path, DatasetFormat format,
                     const std::function<bool(const TaskRecord &)> &sink);

} // namespace qkov
