#pragma once
// The workbench's user-interface languages: English is built in (the source
// texts), every other language is a translations/qkov_<code>.ts compiled to
// a .qm and embedded under :/qkov/translations. The app installs the
// translators once at startup, before it creates any window.
#include <QList>
#include <QLocale>
#include <QString>

namespace qkov {

struct UiLanguage
{
    QString code;       // "en", "de": the Preferences value
    QString nativeName; // "English", "Deutsch": as its speakers write it
};

// The preference value that follows the system's UI languages.
inline const QString kSystemLanguage = QStringLiteral("system");

// English first, then every embedded translation.
QList<UiLanguage> availableUiLanguages();
// The locale a preference value stands for ("system" -> QLocale::system());
// an unknown code falls back to the system's languages too.
QLocale uiLocale(const QString &language);
// Installs the translators for `language` on the application: the workbench's
// own (embedded) and Qt's (qtbase_<lang>.qm from Qt's translations folder,
// for standard dialogs and buttons, when that package is installed). Earlier
// translators installed by this function are removed first. Returns the
// language code actually used ("en" when no translation matched).
QString installUiTranslators(const QString &language);
// The preference value the last installUiTranslators() call was given
// ("system" before any): what the running application shows.
QString installedUiLanguagePreference();

} // namespace qkov
