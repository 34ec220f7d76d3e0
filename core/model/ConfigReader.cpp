#include "ConfigReader.h"

#include "../Error.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>
#include <limits>

namespace qkov {

namespace {

// Long values (a whole nested object) would drown the message.
constexpr int kMaxDescribedChars = 60;

} // namespace

ConfigReader::ConfigReader(const QJsonObject &object, const QString &path, const QString &keyPath)
    : m_object(object), m_path(path), m_keyPath(keyPath)
{
}

QString ConfigReader::qualified(const QString &key) const
{
    return m_keyPath.isEmpty() ? key : m_keyPath + QLatin1Char('.') + key;
}

QString ConfigReader::presentKey(const QStringList &aliases) const
{
    for (const QString &key : aliases) {
        const QJsonValue value = m_object.value(key);
        if (!value.isUndefined() && !value.isNull())
            return key;
    }
    return {};
}

void ConfigReader::fail(const QString &problem) const
{
    throw Error(m_path, problem);
}

QString ConfigReader::describe(const QJsonValue &value)
{
    QString text;
    switch (value.type()) {
    case QJsonValue::Null: text = QStringLiteral("null"); break;
    case QJsonValue::Bool: text = value.toBool() ? QStringLiteral("true") : QStringLiteral("false"); break;
    case QJsonValue::Double: text = QString::number(value.toDouble(), 'g', 17); break;
    case QJsonValue::String: text = QLatin1Char('"') + value.toString() + QLatin1Char('"'); break;
    case QJsonValue::Array:
        text = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
        break;
    case QJsonValue::Object:
        text = QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        break;
    case QJsonValue::Undefined: text = QStringLiteral("nothing"); break;
    }
    if (text.size() > kMaxDescribedChars)
        text = text.left(kMaxDescribedChars) + QStringLiteral("...");
    return text;
}

std::optional<int> ConfigReader::readInteger(const QString &key, const QJsonValue &value, const char *expected) const
{
    const double d = value.toDouble();
    const bool integral = value.isDouble() && std::isfinite(d) && std::floor(d) == d
        && d >= double(std::numeric_limits<int>::min()) && d <= double(std::numeric_limits<int>::max());
    if (!integral)
        fail(tr("%1 must be %2, got %3").arg(qualified(key), QLatin1String(expected), describe(value)));
    return int(d);
}

std::optional<int> ConfigReader::count(const QStringList &aliases, int maximum) const
{
    const QString key = presentKey(aliases);
    if (key.isEmpty())
        return std::nullopt;
    const QJsonValue value = m_object.value(key);
    const int n = *readInteger(key, value, "a positive integer");
    if (n <= 0)
        fail(tr("%1 must be a positive integer, got %2").arg(qualified(key), describe(value)));
    if (n > maximum)
        fail(tr("%1 is %2, which is implausible (at most %3)").arg(qualified(key)).arg(n).arg(maximum));
    return n;
}

int ConfigReader::requiredCount(const QStringList &aliases, int maximum) const
{
    // A key written as null is a present-but-wrong value, not a missing one.
    for (const QString &key : aliases) {
        if (m_object.value(key).isNull())
            fail(tr("%1 must be a positive integer, got null").arg(qualified(key)));
    }
    const std::optional<int> n = count(aliases, maximum);
    if (!n) {
        QString problem = tr("missing required key '%1'").arg(qualified(aliases.front()));
        if (aliases.size() > 1)
            problem += tr(" (also accepted: %1)").arg(aliases.mid(1).join(QStringLiteral(", ")));
        fail(problem);
    }
    return *n;
}

std::optional<int> ConfigReader::integer(const QStringList &aliases) const
{
    const QString key = presentKey(aliases);
    if (key.isEmpty())
        return std::nullopt;
    return readInteger(key, m_object.value(key), "an integer");
}

std::optional<double> ConfigReader::number(const QStringList &aliases) const
{
    const QString key = presentKey(aliases);
    if (key.isEmpty())
        return std::nullopt;
    const QJsonValue value = m_object.value(key);
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        fail(tr("%1 must be a number, got %2").arg(qualified(key), describe(value)));
    return value.toDouble();
}

std::optional<double> ConfigReader::positiveNumber(const QStringList &aliases) const
{
    const QString key = presentKey(aliases);
    if (key.isEmpty())
        return std::nullopt;
    const QJsonValue value = m_object.value(key);
    if (!value.isDouble() || !std::isfinite(value.toDouble()) || value.toDouble() <= 0.0)
        fail(tr("%1 must be a positive number, got %2").arg(qualified(key), describe(value)));
    return value.toDouble();
}

std::optional<bool> ConfigReader::flag(const QStringList &aliases) const
{
    const QString key = presentKey(aliases);
    if (key.isEmpty())
        return std::nullopt;
    const QJsonValue value = m_object.value(key);
    if (value.isBool())
        return value.toBool();
    // Some hand-written configs use 0/1 for flags; Python reads them as truthy.
    if (value.isDouble() && (value.toDouble() == 0.0 || value.toDouble() == 1.0))
        return value.toDouble() != 0.0;
    fail(tr("%1 must be true or false, got %2").arg(qualified(key), describe(value)));
}

std::optional<QString> ConfigReader::text(const QStringList &aliases) const
{
    const QString key = presentKey(aliases);
    if (key.isEmpty())
        return std::nullopt;
    const QJsonValue value = m_object.value(key);
    if (!value.isString())
        fail(tr("%1 must be a string, got %2").arg(qualified(key), describe(value)));
    return value.toString();
}

std::optional<int> ConfigReader::tokenId(const QStringList &aliases) const
{
    const QString key = presentKey(aliases);
    if (key.isEmpty())
        return std::nullopt;
    QJsonValue value = m_object.value(key);
    if (value.isArray()) {
        // LLaMA 3 lists several end-of-turn ids; the first is the primary one.
        const QJsonArray ids = value.toArray();
        if (ids.isEmpty())
            return std::nullopt;
        value = ids.first();
    }
    const int id = *readInteger(key, value, "a token id (an integer or a list of integers)");
    // Old LLaMA configs write -1 for "no such token".
    return id < 0 ? -1 : id;
}

std::optional<QJsonObject> ConfigReader::objectValue(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isObject())
        fail(tr("%1 must be a JSON object, got %2").arg(qualified(key), describe(value)));
    return value.toObject();
}

} // namespace qkov
