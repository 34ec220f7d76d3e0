#include "UiTranslations.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QPointer>
#include <QTranslator>

namespace qkov {

namespace {

const QString kResourceDir = QStringLiteral(":/qkov/translations");
const QString kFilePrefix = QStringLiteral("qkov_");

// The translators this module installed, so a second call replaces them.
QList<QPointer<QTranslator>> &installedTranslators()
{
    static QList<QPointer<QTranslator>> translators;
    return translators;
}

QString &installedPreference()
{
    static QString preference = kSystemLanguage;
    return preference;
}

} // namespace

QList<UiLanguage> availableUiLanguages()
{
    QList<UiLanguage> languages{{QStringLiteral("en"), QStringLiteral("English")}};
    const QStringList files = QDir(kResourceDir).entryList({kFilePrefix + QStringLiteral("*.qm")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const QString code = file.mid(kFilePrefix.size()).chopped(3);
        const QLocale locale(code);
        QString name = locale.nativeLanguageName();
        if (!name.isEmpty())
            name[0] = name[0].toUpper();
        languages.append({code, name.isEmpty() ? code : name});
    }
    return languages;
}

QLocale uiLocale(const QString &language)
{
    for (const UiLanguage &l : availableUiLanguages())
        if (l.code == language)
            return QLocale(language);
    return QLocale::system();
}

QString installUiTranslators(const QString &language)
{
    for (const QPointer<QTranslator> &t : std::as_const(installedTranslators())) {
        if (t) {
            QCoreApplication::removeTranslator(t);
            delete t;
        }
    }
    installedTranslators().clear();
    installedPreference() = language;

    const QLocale locale = uiLocale(language);
    auto *own = new QTranslator(QCoreApplication::instance());
    // QTranslator walks the locale's UI languages ("de-CH", "de", ...) and
    // takes the first qkov_<lang>.qm it finds; English needs no file.
    if (!own->load(locale, QStringLiteral("qkov"), QStringLiteral("_"), kResourceDir)) {
        delete own;
        return QStringLiteral("en");
    }
    QCoreApplication::installTranslator(own);
    installedTranslators().append(own);

    auto *qt = new QTranslator(QCoreApplication::instance());
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
        installedTranslators().append(qt);
    } else {
        delete qt; // Debian's qt6-translations-l10n is optional: standard buttons then stay English
    }
    return own->language().section(QLatin1Char('_'), 0, 0);
}

QString installedUiLanguagePreference()
{
    return installedPreference();
}

} // namespace qkov
