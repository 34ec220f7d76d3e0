#include "TaskDataset.h"

#include "Error.h"
#include "tokenizer/Tokenizer.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace qkov {

QString textPreview(const QString &text, int maxChars)
{
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    QString line = text;
    line.replace(whitespace, QStringLiteral(" "));
    line = line.trimmed();
    if (line.size() > maxChars) {
        int cut = maxChars - 1;
        if (cut > 0 && line.at(cut - 1).isHighSurrogate())
            --cut; // never split a surrogate pair
        line = line.left(cut) + QChar(0x2026);
    }
    return line;
}

TaskDataset loadTaskDataset(const QString &path, const Tokenizer &tokenizer,
                            const DatasetOptions &options, const QString &name)
{
    if (options.maxLength < 2)
        throw Error(QStringLiteral("max_length"), QStringLiteral("a sample needs at least 2 tokens; max_length is %1.").arg(options.maxLength));
    if (options.maxSamples < 0)
        throw Error(QStringLiteral("max_samples"), QStringLiteral("the sample limit cannot be negative."));
    TaskDataset data;
    data.path = path;
    data.name = name.isEmpty() ? QFileInfo(path).completeBaseName() : name;
    data.format = options.format == DatasetFormat::Auto ? datasetFormatFor(path) : options.format;
    qint64 records = 0;
    readTaskRecords(path, data.format, [&](const TaskRecord &record) {
        ++records;
        if (record.text.trimmed().isEmpty()) {
            data.warnings << QStringLiteral("%1: line %2: empty record skipped.").arg(path).arg(record.line);
            return true;
        }
        std::vector<int> tokens = tokenizer.encode(record.text, options.addSpecialTokens);
        if (tokens.size() < 2) {
            data.warnings << QStringLiteral("%1: line %2: the record has %3 token(s), a sample needs at least 2; skipped.")
                                 .arg(path).arg(record.line).arg(tokens.size());
            return true;
        }
        TaskSample sample;
        sample.id = record.id.isEmpty() ? QString::number(record.index) : record.id;
        sample.recordIndex = record.index;
        sample.line = record.line;
        sample.preview = textPreview(record.text);
        if (int(tokens.size()) > options.maxLength) {
            tokens.resize(size_t(options.maxLength));
            sample.truncated = true;
        }
        sample.tokens = std::move(tokens);
        data.samples.push_back(std::move(sample));
        if (options.maxSamples > 0 && data.size() >= options.maxSamples) {
            data.limitReached = true;
            return false;
        }
        return true;
    });
    if (data.samples.empty())
        throw Error(path, records == 0
                              ? QStringLiteral("the file holds no records.")
                              : QStringLiteral("none of its %1 record(s) gives a usable sample (each needs at least 2 tokens).").arg(records));
    return data;
}

} // namespace qkov
