#pragma once
// Typed preferences (Tiled's way): one accessor per setting, the QSettings
// key and default live here only.
#include <QByteArray>
#include <QSettings>
#include <QStringList>

namespace qkov {

class Preferences
{
public:
    static Preferences &instance();

    QStringList recentModels() const;
    void addRecentModel(const QString &path); // most recent first, at most maxRecent
    void removeRecentModel(const QString &path);
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);
    QString lastOpenFolder() const;
    void setLastOpenFolder(const QString &folder);
    // The user-interface language: "system" (the default: follow the
    // system's languages) or a code of availableUiLanguages() ("en", "de").
    // Read once at startup; a change takes effect at the next start.
    QString language() const;
    void setLanguage(const QString &language);

    static constexpr int maxRecent = 10;

private:
    Preferences() = default;
    QSettings m_settings;
};

} // namespace qkov
