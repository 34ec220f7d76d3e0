#include "SessionFile.h"

#include "Error.h"
#include "SessionJson.h"
#include "io/SafeTensors.h"
#include "io/TensorStore.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cstring>

namespace qkov {

namespace {

const QString kSessionKey = QStringLiteral("qkov.session");
const QString kVersionKey = QStringLiteral("qkov.version");

QString shapeText(const std::vector<int64_t> &shape)
{
    QStringList dims;
    for (int64_t d : shape)
        dims << QString::number(d);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

int64_t product(const std::vector<int64_t> &shape)
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

// The per-head statistics of a block, F64 [layers, heads], by tensor prefix.
struct StatisticsField
{
    const char *prefix;
    std::vector<double> BlockResult::*values;
};
const StatisticsField kStatistics[] = {
    {"pvalue", &BlockResult::pvalue}, {"qvalue", &BlockResult::qvalue}, {"z", &BlockResult::z},
    {"ratio", &BlockResult::ratio},   {"ci_low", &BlockResult::ciLow},  {"ci_high", &BlockResult::ciHigh}};

QString tensorName(const char *prefix, int block)
{
    return QLatin1String(prefix) + QLatin1Char('.') + AnalysisResult::blockName(block);
}

// "grad.a.<name>" / "grad.b.<name>": which task's sample count leads the shape.
int gradientTask(const QString &key)
{
    static const QRegularExpression pattern(QStringLiteral("^grad\\.([ab])\\..+$"));
    const QRegularExpressionMatch m = pattern.match(key);
    return !m.hasMatch() ? -1 : m.captured(1) == QLatin1String("a") ? 0 : 1;
}

// Refuses a result the file could not represent or that would not load back.
void checkSavable(const AnalysisResult &r, const QString &path)
{
    const auto refuse = [&](const QString &problem) { throw Error(path, tr("cannot be saved: %1").arg(problem)); };
    try {
        r.settings.validate();
    } catch (const Error &e) {
        refuse(tr("setting %1").arg(e.message()));
    }
    const int64_t cells = int64_t(r.layers) * r.heads;
    for (int b = 0; b < 4; ++b) {
        const BlockResult &block = r.blocks[size_t(b)];
        if (block.heatmap.empty())
            continue;
        const QString name = AnalysisResult::blockName(b);
        if (cells == 0)
            refuse(tr("block %1 has results but the model has %2 layers and %3 heads").arg(name).arg(r.layers).arg(r.heads));
        const auto check = [&](const char *what, size_t size, int64_t expected) {
            if (int64_t(size) != expected)
                refuse(tr("block %1 has %2 %3 values, expected %4").arg(name).arg(size).arg(QLatin1String(what)).arg(expected));
        };
        check("scores", block.scores.size(), int64_t(r.nA()) * r.nB() * cells);
        check("heatmap", block.heatmap.size(), cells);
        for (const StatisticsField &f : kStatistics)
            check(f.prefix, (block.*f.values).size(), cells);
        check("flagged", block.flagged.size(), cells);
    }
    for (const ConflictEntry &c : r.topConflicts) {
        const int b = AnalysisResult::blockIndex(c.block);
        if (b < 0 || r.blocks[size_t(b)].heatmap.empty() || c.layer < 0 || c.layer >= r.layers || c.head < 0
            || c.head >= r.heads || c.sampleA < 0 || c.sampleA >= r.nA() || c.sampleB < 0 || c.sampleB >= r.nB())
            refuse(tr("the top conflict %1 L%2.H%3 (samples %4, %5) lies outside the results")
                       .arg(c.block).arg(c.layer).arg(c.head).arg(c.sampleA).arg(c.sampleB));
    }
    for (const TaskSummary *t : {&r.taskA, &r.taskB})
        if (!t->previews.isEmpty() && t->previews.size() != t->sampleIds.size())
            refuse(tr("%1 has %2 previews for %3 samples").arg(t->name).arg(t->previews.size()).arg(t->sampleIds.size()));
    for (auto it = r.fisher.cbegin(); it != r.fisher.cend(); ++it)
        if (product(it.value().shape) != int64_t(it.value().values.size()))
            refuse(tr("Fisher tensor %1 has %2 values for shape %3").arg(it.key()).arg(it.value().values.size()).arg(shapeText(it.value().shape)));
    for (auto it = r.gradients.cbegin(); it != r.gradients.cend(); ++it) {
        const int task = gradientTask(it.key());
        const std::vector<int64_t> &shape = it.value().shape;
        if (task < 0)
            refuse(tr("gradient tensor '%1' is not named grad.a.<name> or grad.b.<name>").arg(it.key()));
        if (shape.empty() || shape.front() != (task == 0 ? r.nA() : r.nB()) || product(shape) != int64_t(it.value().values.size()))
            refuse(tr("gradient tensor %1 of shape %2 with %3 values does not match its task's sample count")
                       .arg(it.key(), shapeText(shape)).arg(it.value().values.size()));
    }
}

// Checks a tensor's presence, dtype and shape, then copies its values out of the mapping.
template <typename T>
std::vector<T> readTensor(const SafeTensorsFile &file, const QString &name, DType dtype, const std::vector<int64_t> &shape)
{
    const TensorInfo *info = file.find(name);
    if (!info)
        throw Error(file.path(), tr("damaged session: the tensor '%1' is missing").arg(name));
    if (info->dtype != dtype)
        throw Error(file.path(), tr("damaged session: the tensor '%1' is %2, expected %3").arg(name, dtypeName(info->dtype), dtypeName(dtype)));
    if (info->shape != shape)
        throw Error(file.path(), tr("damaged session: the tensor '%1' has shape %2, expected %3 from the session's description")
                                     .arg(name, shapeText(info->shape), shapeText(shape)));
    std::vector<T> values(size_t(info->numel()));
    // memcpy: tensors in the mapping need not be aligned for T.
    if (!values.empty())
        std::memcpy(values.data(), file.data(*info), values.size() * sizeof(T));
    return values;
}

int readVersion(const SafeTensorsFile &file)
{
    const QJsonValue version = file.metadata().value(kVersionKey);
    if (version.isUndefined())
        throw Error(file.path(), tr("is not a QKOV session (its safetensors metadata has no %1)").arg(kVersionKey));
    static const QRegularExpression integer(QStringLiteral("^[0-9]{1,9}$"));
    if (!version.isString() || !integer.match(version.toString()).hasMatch())
        throw Error(file.path(), tr("damaged session: the format version '%1' is not a whole number").arg(version.toString()));
    const int v = version.toString().toInt();
    if (v > SessionFile::formatVersion)
        throw Error(file.path(), tr("this session was written by a newer QKOV Workbench (format version %1; this build reads up to %2)")
                                     .arg(v).arg(SessionFile::formatVersion));
    if (v < 1)
        throw Error(file.path(), tr("damaged session: format version %1 does not exist").arg(v));
    return v;
}

} // namespace

void SessionFile::save(const AnalysisResult &result, const QString &path)
{
    checkSavable(result, path);
    SafeTensorsWriter writer;
    writer.setMetadata(kVersionKey, QString::number(formatVersion));
    writer.setMetadata(kSessionKey, QString::fromUtf8(QJsonDocument(sessionToJson(result, path)).toJson(QJsonDocument::Compact)));

    const std::vector<int64_t> cells{result.layers, result.heads};
    for (int b = 0; b < 4; ++b) {
        const BlockResult &block = result.blocks[size_t(b)];
        if (block.heatmap.empty())
            continue;
        writer.addFloat(tensorName("scores", b), {result.nA(), result.nB(), result.layers, result.heads}, block.scores);
        writer.addFloat(tensorName("heatmap", b), cells, block.heatmap);
        for (const StatisticsField &f : kStatistics)
            writer.add(tensorName(f.prefix, b), DType::F64, cells, (block.*f.values).data());
        writer.add(tensorName("flagged", b), DType::U8, cells, block.flagged.data());
    }
    for (auto it = result.fisher.cbegin(); it != result.fisher.cend(); ++it)
        writer.addFloat(QStringLiteral("fisher.") + it.key(), it.value().shape, it.value().values);
    for (auto it = result.gradients.cbegin(); it != result.gradients.cend(); ++it)
        writer.addFloat(it.key(), it.value().shape, it.value().values);
    writer.write(path);
}

AnalysisResult SessionFile::load(const QString &path)
{
    // open() validates the whole header (length, JSON, dtypes, ranges) before any data.
    const std::shared_ptr<SafeTensorsFile> file = SafeTensorsFile::open(path);
    readVersion(*file);

    const QJsonValue text = file->metadata().value(kSessionKey);
    if (!text.isString())
        throw Error(path, tr("damaged session: its safetensors metadata has no %1").arg(kSessionKey));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toString().toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Error(path, tr("damaged session: %1 is not valid JSON (%2 at character %3)")
                              .arg(kSessionKey, parseError.errorString()).arg(parseError.offset));
    if (!doc.isObject())
        throw Error(path, tr("damaged session: %1 is not a JSON object").arg(kSessionKey));

    SessionJsonContents contents = sessionFromJson(doc.object(), path);
    AnalysisResult &result = contents.result;
    const std::vector<int64_t> cells{result.layers, result.heads};
    for (int b = 0; b < 4; ++b) {
        if (!contents.blockPresent[size_t(b)])
            continue;
        BlockResult &block = result.blocks[size_t(b)];
        block.scores = readTensor<float>(*file, tensorName("scores", b), DType::F32, {result.nA(), result.nB(), result.layers, result.heads});
        block.heatmap = readTensor<float>(*file, tensorName("heatmap", b), DType::F32, cells);
        for (const StatisticsField &f : kStatistics)
            block.*f.values = readTensor<double>(*file, tensorName(f.prefix, b), DType::F64, cells);
        block.flagged = readTensor<uint8_t>(*file, tensorName("flagged", b), DType::U8, cells);
        for (uint8_t flag : block.flagged)
            if (flag > 1)
                throw Error(path, tr("damaged session: the tensor '%1' holds %2 where only 0 or 1 may stand")
                                      .arg(tensorName("flagged", b)).arg(int(flag)));
    }
    for (auto it = result.fisher.begin(); it != result.fisher.end(); ++it)
        it.value().values = readTensor<float>(*file, QStringLiteral("fisher.") + it.key(), DType::F32, it.value().shape);
    for (auto it = result.gradients.begin(); it != result.gradients.end(); ++it) {
        const int task = gradientTask(it.key());
        const std::vector<int64_t> &shape = it.value().shape;
        if (task < 0 || shape.empty() || shape.front() != (task == 0 ? result.nA() : result.nB()))
            throw Error(path, tr("damaged session: the gradient tensor '%1' of shape %2 does not match a task's sample count")
                                  .arg(it.key(), shapeText(shape)));
        it.value().values = readTensor<float>(*file, it.key(), DType::F32, shape);
    }
    return result;
}

} // namespace qkov
