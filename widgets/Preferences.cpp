#include "Preferences.h"

#include "UiTranslations.h"

#include <QDir>

namespace qkov {

namespace {
const QString recentModelsKey = QStringLiteral("recent/models");
const QString geometryKey = QStringLiteral("window/geometry");
const QString stateKey = QStringLiteral("window/state");
const QString lastFolderKey = QStringLiteral("files/lastOpenFolder");
const QString languageKey = QStringLiteral("ui/language");
} // namespace

Preferences &Preferences::instance()
{
    static Preferences preferences;
    return preferences;
}

QStringList Preferences::recentModels() const
{
    return m_settings.value(recentModelsKey).toStringList();
}

void Preferences::addRecentModel(const QString &path)
{
    QStringList list = recentModels();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > maxRecent)
        list.removeLast();
    m_settings.setValue(recentModelsKey, list);
}

void Preferences::removeRecentModel(const QString &path)
{
    QStringList list = recentModels();
    list.removeAll(path);
    m_settings.setValue(recentModelsKey, list);
}

QByteArray Preferences::windowGeometry() const { return m_settings.value(geometryKey).toByteArray(); }
void Preferences::setWindowGeometry(const QByteArray &geometry) { m_settings.setValue(geometryKey, geometry); }
QByteArray Preferences::windowState() const { return m_settings.value(stateKey).toByteArray(); }
void Preferences::setWindowState(const QByteArray &state) { m_settings.setValue(stateKey, state); }
QString Preferences::lastOpenFolder() const { return m_settings.value(lastFolderKey, QDir::homePath()).toString(); }
void Preferences::setLastOpenFolder(const QString &folder) { m_settings.setValue(lastFolderKey, folder); }

QString Preferences::language() const
{
    const QString code = m_settings.value(languageKey, kSystemLanguage).toString();
    // A hand-edited or outdated value (a language no longer shipped) means "system".
    for (const UiLanguage &l : availableUiLanguages())
        if (l.code == code)
            return code;
    return kSystemLanguage;
}

void Preferences::setLanguage(const QString &language)
{
    if (language == kSystemLanguage)
        m_settings.remove(languageKey);
    else
        m_settings.setValue(languageKey, language);
}

} // namespace qkov
