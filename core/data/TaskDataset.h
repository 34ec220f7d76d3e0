#pragma once
// A task (METRIC.md 1): the records of one dataset file tokenized into
// samples with the model's tokenizer. Skipped records (empty, or fewer than
// two tokens) are reported as warnings naming the line; nothing else is
// dropped.
#include "RecordReader.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace qkov {

class Tokenizer;

struct DatasetOptions
{
    int maxLength = 128;      // tokens per sample; longer records are truncated
    int maxSamples = 0;       // usable samples per task; 0 = no limit (reading stops there)
    bool addSpecialTokens = true; // as the tokenizer's configuration says (e.g. BOS for LLaMA)
    DatasetFormat format = DatasetFormat::Auto;
};

struct TaskSample
{
    QString id;               // the record's id, else its 0-based record index
    qint64 recordIndex = 0;
    qint64 line = 0;          // 1-based line where the record starts
    QString preview;          // first ~80 characters, on one line
    std::vector<int> tokens;  // 2 .. maxLength ids
    bool truncated = false;
};

struct TaskDataset
{
    QString path;
    QString name;
    DatasetFormat format = DatasetFormat::Text;
    std::vector<TaskSample> samples;
    QStringList warnings;     // "<path>: line N: ..." for every skipped record
    bool limitReached = false; // reading stopped at maxSamples

    int size() const { return int(samples.size()); }
};

// One line of at most `maxChars` characters: whitespace runs collapsed,
// an ellipsis when cut.
QString textPreview(const QString &text, int maxChars = 80);

// Throws qkov::Error naming the file for unreadable or malformed files and
// when no record gives a usable sample.
TaskDataset loadTaskDataset(const QString &path, const Tokenizer &tokenizer,
                            const DatasetOptions &options = {}, const QString &name = QString());

} // namespace qkov
