#include "SessionJson.h"

#include "Error.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace qkov {

namespace {

constexpr int kMaxDimension = 1'000'000; // layers, heads: far beyond any real model

QJsonArray toArray(const QStringList &list)
{
    QJsonArray array;
    for (const QString &s : list)
        array.append(s);
    return array;
}

QJsonArray shapeToJson(const std::vector<int64_t> &shape)
{
    QJsonArray array;
    for (int64_t d : shape)
        array.append(qint64(d));
    return array;
}

QString relativeTo(const QDir &dir, const QString &absolute)
{
    return absolute.isEmpty() ? QString() : dir.relativeFilePath(absolute);
}

// Absolute and without "..": the same input is then always spelled the same way.
QString cleanAbsolute(const QString &path)
{
    return path.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

QJsonObject taskToJson(const TaskSummary &task, const QDir &sessionDir)
{
    return QJsonObject{{QStringLiteral("name"), task.name},
                       {QStringLiteral("path"), relativeTo(sessionDir, cleanAbsolute(task.path))},
                       {QStringLiteral("absolute_path"), cleanAbsolute(task.path)},
                       {QStringLiteral("sha256"), task.sha256},
                       {QStringLiteral("sample_ids"), toArray(task.sampleIds)},
                       {QStringLiteral("previews"), toArray(task.previews)}};
}

// Typed access to the session JSON; every failure names the file and the key.
class Reader
{
public:
    explicit Reader(const QString &file) : m_file(file) {}

    [[noreturn]] void fail(const QString &key, const QString &problem) const
    {
        throw Error(m_file, tr("damaged session: '%1' %2").arg(key, problem));
    }

    QJsonValue value(const QJsonObject &o, const QString &key, const QString &path, bool required) const
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() && required)
            fail(path, tr("is missing"));
        return v;
    }
    QJsonObject object(const QJsonObject &o, const QString &key, const QString &path, bool required = true) const
    {
        const QJsonValue v = value(o, key, path, required);
        if (v.isUndefined())
            return {};
        if (!v.isObject())
            fail(path, tr("must be an object"));
        return v.toObject();
    }
    QJsonArray array(const QJsonObject &o, const QString &key, const QString &path, bool required = true) const
    {
        const QJsonValue v = value(o, key, path, required);
        if (v.isUndefined())
            return {};
        if (!v.isArray())
            fail(path, tr("must be an array"));
        return v.toArray();
    }
    QString string(const QJsonObject &o, const QString &key, const QString &path, bool required = true) const
    {
        const QJsonValue v = value(o, key, path, required);
        if (v.isUndefined())
            return {};
        if (!v.isString())
            fail(path, tr("must be a string"));
        return v.toString();
    }
    double number(const QJsonValue &v, const QString &path) const
    {
        if (!v.isDouble())
            fail(path, tr("must be a number"));
        return v.toDouble();
    }
    int integer(const QJsonValue &v, const QString &path, int low, int high) const
    {
        const double d = number(v, path);
        if (std::floor(d) != d || d < low || d > high)
            fail(path, tr("must be a whole number from %1 to %2, not %3").arg(low).arg(high).arg(d));
        return int(d);
    }
    int integer(const QJsonObject &o, const QString &key, const QString &path, int low, int high) const
    {
        return integer(value(o, key, path, true), path, low, high);
    }
    QStringList strings(const QJsonObject &o, const QString &key, const QString &path) const
    {
        QStringList list;
        const QJsonArray a = array(o, key, path);
        list.reserve(a.size());
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!a.at(i).isString())
                fail(QStringLiteral("%1[%2]").arg(path).arg(i), tr("must be a string"));
            list << a.at(i).toString();
        }
        return list;
    }
    std::vector<int64_t> shape(const QJsonValue &v, const QString &path) const
    {
        if (!v.isArray())
            fail(path, tr("must be a shape (an array of sizes)"));
        std::vector<int64_t> shape;
        for (const QJsonValue d : v.toArray()) {
            const double size = number(d, path);
            if (std::floor(size) != size || size < 0 || size > 9007199254740992.0)
                fail(path, tr("must hold whole sizes of at least 0"));
            shape.push_back(int64_t(size));
        }
        return shape;
    }
    const QString &file() const { return m_file; }

private:
    QString m_file;
};

// The relative path when it exists beside the session, else the absolute one.
QString resolvePath(const QDir &sessionDir, const QString &relative, const QString &absolute)
{
    if (!relative.isEmpty()) {
        const QString candidate = QDir::cleanPath(sessionDir.absoluteFilePath(relative));
        if (QFileInfo::exists(candidate))
            return candidate;
    }
    return absolute;
}

TaskSummary taskFromJson(const Reader &r, const QJsonObject &tasks, const QString &key, const QDir &sessionDir)
{
    const QString path = QStringLiteral("tasks.") + key;
    const QJsonObject o = r.object(tasks, key, path);
    TaskSummary task;
    task.name = r.string(o, QStringLiteral("name"), path + QStringLiteral(".name"));
    task.path = resolvePath(sessionDir, r.string(o, QStringLiteral("path"), path + QStringLiteral(".path")),
                            r.string(o, QStringLiteral("absolute_path"), path + QStringLiteral(".absolute_path")));
    task.sha256 = r.string(o, QStringLiteral("sha256"), path + QStringLiteral(".sha256"));
    task.sampleIds = r.strings(o, QStringLiteral("sample_ids"), path + QStringLiteral(".sample_ids"));
    task.previews = r.strings(o, QStringLiteral("previews"), path + QStringLiteral(".previews"));
    if (!task.previews.isEmpty() && task.previews.size() != task.sampleIds.size())
        r.fail(path + QStringLiteral(".previews"), tr("has %1 entries for %2 samples").arg(task.previews.size()).arg(task.sampleIds.size()));
    return task;
}

void readTensorShapes(const Reader &r, const QJsonObject &json, const QString &key, QMap<QString, NamedTensor> &out)
{
    const QJsonObject shapes = r.object(json, key, key);
    for (auto it = shapes.begin(); it != shapes.end(); ++it)
        out[it.key()].shape = r.shape(it.value(), key + QLatin1Char('.') + it.key());
}

} // namespace

QJsonObject sessionToJson(const AnalysisResult &result, const QString &sessionPath)
{
    const QDir sessionDir = QFileInfo(sessionPath).absoluteDir();
    QJsonObject json;
    json.insert(QStringLiteral("written_by"), QStringLiteral("QKOV Workbench " QKOV_VERSION));
    json.insert(QStringLiteral("model"),
                QJsonObject{{QStringLiteral("path"), relativeTo(sessionDir, cleanAbsolute(result.modelPath))},
                            {QStringLiteral("absolute_path"), cleanAbsolute(result.modelPath)},
                            {QStringLiteral("sha256"), result.modelSha256},
                            {QStringLiteral("architecture"), result.architecture},
                            {QStringLiteral("layers"), result.layers},
                            {QStringLiteral("heads"), result.heads},
                            {QStringLiteral("kv_heads"), result.kvHeads}});
    json.insert(QStringLiteral("tasks"), QJsonObject{{QStringLiteral("a"), taskToJson(result.taskA, sessionDir)},
                                                     {QStringLiteral("b"), taskToJson(result.taskB, sessionDir)}});
    json.insert(QStringLiteral("settings"), result.settings.toJson());
    json.insert(QStringLiteral("freeze"), result.freezeSet);
    QJsonObject seeds;
    for (auto it = result.seeds.cbegin(); it != result.seeds.cend(); ++it)
        seeds.insert(it.key(), QString::number(qulonglong(it.value()))); // strings: exact past 2^53
    json.insert(QStringLiteral("seeds"), seeds);

    QJsonObject blocks;
    for (const BlockResult &b : result.blocks)
        if (!b.heatmap.empty())
            blocks.insert(b.block, QJsonObject{{QStringLiteral("ridge_dominated_share"), b.ridgeDominatedShare}});
    json.insert(QStringLiteral("blocks"), blocks);

    QJsonArray conflicts;
    for (const ConflictEntry &c : result.topConflicts)
        conflicts.append(QJsonObject{{QStringLiteral("block"), c.block},
                                     {QStringLiteral("layer"), c.layer},
                                     {QStringLiteral("head"), c.head},
                                     {QStringLiteral("sample_a_index"), c.sampleA},
                                     {QStringLiteral("sample_b_index"), c.sampleB},
                                     {QStringLiteral("score"), c.score}});
    json.insert(QStringLiteral("top_conflicts"), conflicts);

    QJsonObject fisher, gradients;
    for (auto it = result.fisher.cbegin(); it != result.fisher.cend(); ++it)
        fisher.insert(it.key(), shapeToJson(it.value().shape));
    for (auto it = result.gradients.cbegin(); it != result.gradients.cend(); ++it)
        gradients.insert(it.key(), shapeToJson(it.value().shape));
    json.insert(QStringLiteral("fisher"), fisher);
    json.insert(QStringLiteral("gradients"), gradients);

    QJsonObject timings;
    for (auto it = result.timings.cbegin(); it != result.timings.cend(); ++it)
        timings.insert(it.key(), it.value());
    json.insert(QStringLiteral("timings"), timings);
    json.insert(QStringLiteral("warnings"), toArray(result.warnings));
    json.insert(QStringLiteral("ui"), result.uiState);
    return json;
}

SessionJsonContents sessionFromJson(const QJsonObject &json, const QString &sessionPath)
{
    const Reader r(sessionPath);
    const QDir sessionDir = QFileInfo(sessionPath).absoluteDir();
    SessionJsonContents contents;
    AnalysisResult &result = contents.result;

    const QJsonObject model = r.object(json, QStringLiteral("model"), QStringLiteral("model"));
    result.modelPath = resolvePath(sessionDir, r.string(model, QStringLiteral("path"), QStringLiteral("model.path")),
                                   r.string(model, QStringLiteral("absolute_path"), QStringLiteral("model.absolute_path")));
    result.modelSha256 = r.string(model, QStringLiteral("sha256"), QStringLiteral("model.sha256"));
    result.architecture = r.string(model, QStringLiteral("architecture"), QStringLiteral("model.architecture"));
    result.layers = r.integer(model, QStringLiteral("layers"), QStringLiteral("model.layers"), 0, kMaxDimension);
    result.heads = r.integer(model, QStringLiteral("heads"), QStringLiteral("model.heads"), 0, kMaxDimension);
    result.kvHeads = r.integer(model, QStringLiteral("kv_heads"), QStringLiteral("model.kv_heads"), 0, kMaxDimension);

    const QJsonObject tasks = r.object(json, QStringLiteral("tasks"), QStringLiteral("tasks"));
    result.taskA = taskFromJson(r, tasks, QStringLiteral("a"), sessionDir);
    result.taskB = taskFromJson(r, tasks, QStringLiteral("b"), sessionDir);

    try {
        result.settings = AnalysisSettings::fromJson(r.object(json, QStringLiteral("settings"), QStringLiteral("settings")), sessionPath);
        result.settings.validate();
    } catch (const Error &e) {
        // validate() names the CLI flag; the user needs the file first.
        throw Error(sessionPath, e.where() == sessionPath ? tr("damaged session: %1").arg(e.problem()) : tr("damaged session: setting %1").arg(e.message()));
    }
    result.freezeSet = r.string(json, QStringLiteral("freeze"), QStringLiteral("freeze"));

    const QJsonObject seeds = r.object(json, QStringLiteral("seeds"), QStringLiteral("seeds"));
    static const QRegularExpression decimal(QStringLiteral("^[0-9]{1,20}$"));
    for (auto it = seeds.begin(); it != seeds.end(); ++it) {
        const QString key = QStringLiteral("seeds.") + it.key();
        bool ok = it.value().isString() && decimal.match(it.value().toString()).hasMatch();
        const qulonglong seed = ok ? it.value().toString().toULongLong(&ok) : 0;
        if (!ok)
            r.fail(key, tr("must be a decimal string from 0 to 2^64-1"));
        result.seeds.insert(it.key(), uint64_t(seed));
    }

    const QJsonObject blocks = r.object(json, QStringLiteral("blocks"), QStringLiteral("blocks"));
    for (auto it = blocks.begin(); it != blocks.end(); ++it) {
        const int index = AnalysisResult::blockIndex(it.key());
        const QString key = QStringLiteral("blocks.") + it.key();
        if (index < 0)
            r.fail(key, tr("is not a block (Q, K, V or O)"));
        if (!it.value().isObject())
            r.fail(key, tr("must be an object"));
        contents.blockPresent[size_t(index)] = true;
        result.blocks[size_t(index)].ridgeDominatedShare =
            r.number(r.value(it.value().toObject(), QStringLiteral("ridge_dominated_share"), key + QStringLiteral(".ridge_dominated_share"), true),
                     key + QStringLiteral(".ridge_dominated_share"));
    }
    for (int b = 0; b < 4; ++b)
        result.blocks[size_t(b)].block = AnalysisResult::blockName(b);
    const bool anyBlock = std::find(contents.blockPresent.begin(), contents.blockPresent.end(), true) != contents.blockPresent.end();
    if (anyBlock && (result.layers < 1 || result.heads < 1))
        r.fail(QStringLiteral("model"), tr("has %1 layers and %2 heads but the session holds scores").arg(result.layers).arg(result.heads));

    const QJsonArray conflicts = r.array(json, QStringLiteral("top_conflicts"), QStringLiteral("top_conflicts"));
    for (qsizetype i = 0; i < conflicts.size(); ++i) {
        const QString key = QStringLiteral("top_conflicts[%1]").arg(i);
        if (!conflicts.at(i).isObject())
            r.fail(key, tr("must be an object"));
        const QJsonObject o = conflicts.at(i).toObject();
        ConflictEntry c;
        c.block = r.string(o, QStringLiteral("block"), key + QStringLiteral(".block"));
        const int block = AnalysisResult::blockIndex(c.block);
        if (block < 0 || !contents.blockPresent[size_t(block)])
            r.fail(key + QStringLiteral(".block"), tr("names block '%1', which the session does not hold").arg(c.block));
        // Indices are checked here so that views can use them without bounds checks.
        c.layer = r.integer(o, QStringLiteral("layer"), key + QStringLiteral(".layer"), 0, result.layers - 1);
        c.head = r.integer(o, QStringLiteral("head"), key + QStringLiteral(".head"), 0, result.heads - 1);
        c.sampleA = r.integer(o, QStringLiteral("sample_a_index"), key + QStringLiteral(".sample_a_index"), 0, result.nA() - 1);
        c.sampleB = r.integer(o, QStringLiteral("sample_b_index"), key + QStringLiteral(".sample_b_index"), 0, result.nB() - 1);
        c.score = r.number(r.value(o, QStringLiteral("score"), key + QStringLiteral(".score"), true), key + QStringLiteral(".score"));
        result.topConflicts.push_back(c);
    }

    readTensorShapes(r, json, QStringLiteral("fisher"), result.fisher);
    readTensorShapes(r, json, QStringLiteral("gradients"), result.gradients);

    const QJsonObject timings = r.object(json, QStringLiteral("timings"), QStringLiteral("timings"));
    for (auto it = timings.begin(); it != timings.end(); ++it)
        result.timings.insert(it.key(), r.number(it.value(), QStringLiteral("timings.") + it.key()));
    result.warnings = r.strings(json, QStringLiteral("warnings"), QStringLiteral("warnings"));
    result.uiState = r.object(json, QStringLiteral("ui"), QStringLiteral("ui"), false);
    return contents;
}

} // namespace qkov
