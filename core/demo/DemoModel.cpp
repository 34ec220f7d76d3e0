// Where the demo lives and when it is rebuilt: the stamp file, the
// temporary sibling folder and the final rename. The build itself is in
// DemoBuild.cpp.
#include "DemoModel.h"

#include "DemoBuild.h"
#include "Error.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUuid>

namespace qkov {

namespace {

const char *const kFiles[] = {"config.json", "model.safetensors", "tokenizer.json",
                              "tokenizer_config.json", "task_a.txt", "task_b.txt"};

QString sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return QString();
    return QString::fromLatin1(hash.result().toHex());
}

std::vector<DemoHead> headsFromJson(const QJsonArray &list)
{
    std::vector<DemoHead> heads;
    for (const QJsonValue &v : list) {
        const QJsonObject o = v.toObject();
        heads.push_back({o.value(QStringLiteral("layer")).toInt(), o.value(QStringLiteral("head")).toInt(),
                         o.value(QStringLiteral("score")).toDouble()});
    }
    return heads;
}

// Leftovers of builds that were killed (a cancel or an error cleans up at
// once); only old ones, so that a build running in another process is kept.
void removeStaleSiblings(const QDir &parent, const QString &name)
{
    const QStringList patterns = {QStringLiteral(".%1.building-*").arg(name), QStringLiteral(".%1.old-*").arg(name)};
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-3600);
    for (const QFileInfo &fi : parent.entryInfoList(patterns, QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot))
        if (fi.lastModified().toUTC() < cutoff)
            QDir(fi.absoluteFilePath()).removeRecursively();
}

// Applies the recipe's thread count for the build and restores the caller's after.
class ComputeThreadsScope
{
public:
    explicit ComputeThreadsScope(int threads) : m_previous(demo::currentComputeThreads())
    {
        demo::applyComputeThreads(threads);
    }
    ~ComputeThreadsScope()
    {
        try {
            demo::applyComputeThreads(m_previous);
        } catch (...) {
            // The previous count was valid when read; nothing sensible to report here.
        }
    }

private:
    int m_previous;
};

} // namespace

namespace demo {

void writeStamp(const QString &dir, const DemoInfo &info)
{
    const QJsonObject stamp{
        {QStringLiteral("version"), info.version},
        {QStringLiteral("steps"), info.steps},
        {QStringLiteral("seed"), QString::number(info.seed)},
        {QStringLiteral("threads"), info.threads},
        {QStringLiteral("task_a"), QJsonObject{{QStringLiteral("name"), info.taskAName},
                                               {QStringLiteral("file"), QStringLiteral("task_a.txt")},
                                               {QStringLiteral("loss"), info.taskALoss}}},
        {QStringLiteral("task_b"), QJsonObject{{QStringLiteral("name"), info.taskBName},
                                               {QStringLiteral("file"), QStringLiteral("task_b.txt")},
                                               {QStringLiteral("loss"), info.taskBLoss}}},
        {QStringLiteral("induction_heads"), demoHeadsToJson(info.inductionHeads)},
        {QStringLiteral("previous_token_heads"), demoHeadsToJson(info.previousTokenHeads)},
        {QStringLiteral("training_seconds"), info.trainingSeconds},
        {QStringLiteral("model_sha256"), sha256Of(dir + QStringLiteral("/model.safetensors"))},
        {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
    writeFileAtomically(dir + QLatin1Char('/') + QLatin1String(kDemoStampFile),
                        QJsonDocument(stamp).toJson(QJsonDocument::Indented));
}

} // namespace demo

QString demoFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/qkov/demo");
}

std::optional<DemoInfo> readDemo(const QString &dir, const DemoOptions &options)
{
    const QString folder = QFileInfo(dir).absoluteFilePath();
    QFile file(folder + QLatin1Char('/') + QLatin1String(kDemoStampFile));
    if (!file.open(QIODevice::ReadOnly) || file.size() > (1 << 20))
        return std::nullopt;
    const QJsonObject stamp = QJsonDocument::fromJson(file.readAll()).object();
    const demo::DemoRecipe recipe = demo::recipeFor(options);
    if (stamp.value(QStringLiteral("version")).toInt(-1) != kDemoVersion
        || stamp.value(QStringLiteral("steps")).toInt(-1) != recipe.steps
        || stamp.value(QStringLiteral("seed")).toString() != QString::number(recipe.seed)
        || stamp.value(QStringLiteral("threads")).toInt(-1) != recipe.threads)
        return std::nullopt;
    for (const char *name : kFiles)
        if (!QFileInfo(folder + QLatin1Char('/') + QLatin1String(name)).isFile())
            return std::nullopt;
    if (sha256Of(folder + QStringLiteral("/model.safetensors")) != stamp.value(QStringLiteral("model_sha256")).toString())
        return std::nullopt;

    DemoInfo info;
    info.folder = folder;
    const QJsonObject a = stamp.value(QStringLiteral("task_a")).toObject();
    const QJsonObject b = stamp.value(QStringLiteral("task_b")).toObject();
    info.taskAName = a.value(QStringLiteral("name")).toString();
    info.taskBName = b.value(QStringLiteral("name")).toString();
    info.taskAPath = folder + QStringLiteral("/task_a.txt");
    info.taskBPath = folder + QStringLiteral("/task_b.txt");
    info.taskALoss = a.value(QStringLiteral("loss")).toDouble();
    info.taskBLoss = b.value(QStringLiteral("loss")).toDouble();
    info.inductionHeads = headsFromJson(stamp.value(QStringLiteral("induction_heads")).toArray());
    info.previousTokenHeads = headsFromJson(stamp.value(QStringLiteral("previous_token_heads")).toArray());
    info.trainingSeconds = stamp.value(QStringLiteral("training_seconds")).toDouble();
    info.version = kDemoVersion;
    info.steps = recipe.steps;
    info.seed = recipe.seed;
    info.threads = recipe.threads;
    return info;
}

bool demoIsCurrent(const QString &dir, const DemoOptions &options)
{
    return readDemo(dir, options).has_value();
}

DemoInfo ensureDemo(const QString &dir, JobContext &job, const DemoOptions &options)
{
    if (dir.trimmed().isEmpty())
        throw Error(QStringLiteral("--out"), tr("the demo folder must not be empty."));
    const QFileInfo target(QDir::cleanPath(QFileInfo(dir).absoluteFilePath()));
    const QString targetPath = target.absoluteFilePath();
    if (!options.force)
        if (std::optional<DemoInfo> info = readDemo(targetPath, options))
            return *info;
    const demo::DemoRecipe recipe = demo::recipeFor(options); // validates the options
    if (target.exists() && !target.isDir())
        throw Error(targetPath, tr("is a file, not a folder."));
    if (target.isDir() && !QDir(targetPath).isEmpty()
        && !QFileInfo::exists(targetPath + QLatin1Char('/') + QLatin1String(kDemoStampFile)))
        throw Error(targetPath, tr("exists and is not a demo folder; give a new or empty folder."));
    QDir parent = target.absoluteDir();
    if (!parent.mkpath(QStringLiteral(".")))
        throw Error(parent.absolutePath(), tr("cannot be created."));
    removeStaleSiblings(parent, target.fileName());

    QTemporaryDir building(parent.absoluteFilePath(QStringLiteral(".%1.building-XXXXXX").arg(target.fileName())));
    if (!building.isValid())
        throw Error(parent.absolutePath(), tr("cannot hold a temporary folder: %1").arg(building.errorString()));
    DemoInfo info;
    {
        ComputeThreadsScope threads(recipe.threads);
        info = demo::buildDemo(building.path(), recipe, job);
    }

    // Swap the finished folder in: the old one (outdated) is moved aside
    // first and removed only once the new one is in place.
    QString aside;
    if (target.exists()) {
        if (!options.force)
            if (std::optional<DemoInfo> other = readDemo(targetPath, options))
                return *other; // another process finished the same demo meanwhile
        aside = parent.absoluteFilePath(QStringLiteral(".%1.old-%2").arg(target.fileName(),
                                        QUuid::createUuid().toString(QUuid::Id128)));
        if (!QDir().rename(targetPath, aside))
            throw Error(targetPath, tr("cannot be replaced (is it in use or read-only?)."));
    }
    if (!QDir().rename(building.path(), targetPath)) {
        if (!aside.isEmpty())
            QDir().rename(aside, targetPath);
        throw Error(targetPath, tr("cannot be written."));
    }
    building.setAutoRemove(false);
    // QTemporaryDir made it private (0700); the demo is an ordinary folder.
    QFile::setPermissions(targetPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                      | QFileDevice::ReadGroup | QFileDevice::ExeGroup
                                      | QFileDevice::ReadOther | QFileDevice::ExeOther);
    if (!aside.isEmpty())
        QDir(aside).removeRecursively();

    info.folder = targetPath;
    info.taskAPath = targetPath + QStringLiteral("/task_a.txt");
    info.taskBPath = targetPath + QStringLiteral("/task_b.txt");
    info.trained = true;
    return info;
}

QJsonArray demoHeadsToJson(const std::vector<DemoHead> &heads)
{
    QJsonArray list;
    for (const DemoHead &h : heads)
        list.append(QJsonObject{{QStringLiteral("layer"), h.layer},
                                {QStringLiteral("head"), h.head},
                                {QStringLiteral("score"), h.score}});
    return list;
}

} // namespace qkov
