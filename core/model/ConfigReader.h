#pragma once
// Typed, validating access to the keys of one JSON object of a config file
// (the top level of config.json or a nested tower such as "text_config").
// Every problem becomes a qkov::Error naming the file and the key path.
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <optional>

namespace qkov {

class ConfigReader
{
public:
    // `keyPath` prefixes key names in messages ("text_config" -> "text_config.hidden_size").
    ConfigReader(const QJsonObject &object, const QString &path, const QString &keyPath);

    const QJsonObject &object() const { return m_object; }
    const QString &path() const { return m_path; }
    QString qualified(const QString &key) const;

    // The first alias present with a non-null value, or "" when none is.
    QString presentKey(const QStringList &aliases) const;
    bool has(const QStringList &aliases) const { return !presentKey(aliases).isEmpty(); }

    // A positive integer at most `maximum`; throws naming the key (and its
    // aliases when missing), the wrong value, or the violated bound.
    int requiredCount(const QStringList &aliases, int maximum) const;
    std::optional<int> count(const QStringList &aliases, int maximum) const;
    // Any integer (no range check beyond int).
    std::optional<int> integer(const QStringList &aliases) const;
    std::optional<double> number(const QStringList &aliases) const;
    std::optional<double> positiveNumber(const QStringList &aliases) const;
    std::optional<bool> flag(const QStringList &aliases) const;
    std::optional<QString> text(const QStringList &aliases) const;
    // Token ids may be an int, a list of ints (first one is used) or null.
    std::optional<int> tokenId(const QStringList &aliases) const;
    // A nested object, or nullopt when absent/null; throws for other types.
    std::optional<QJsonObject> objectValue(const QString &key) const;

    [[noreturn]] void fail(const QString &problem) const;
    // Compact JSON text of a value for messages ("\"five\"", "-3", "null").
    static QString describe(const QJsonValue &value);

private:
    std::optional<int> readInteger(const QString &key, const QJsonValue &value, const char *expected) const;

    QJsonObject m_object;
    QString m_path;
    QString m_keyPath;
};

} // namespace qkov
