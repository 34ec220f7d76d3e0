#include "PreferencesDialog.h"

#include "Preferences.h"
#include "UiTranslations.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace qkov {

PreferencesDialog::PreferencesDialog(QWidget *parent)
    : QDialog(parent), m_language(new QComboBox(this)), m_restartNote(new QLabel(this)),
      m_startupLanguage(installedUiLanguagePreference())
{
    setObjectName(QStringLiteral("PreferencesDialog"));
    setWindowTitle(tr("Preferences"));

    // "System default" names the language it resolves to, so the choice is concrete.
    const QList<UiLanguage> languages = availableUiLanguages();
    const QString systemCode = uiLocale(kSystemLanguage).uiLanguages().value(0).section(QLatin1Char('-'), 0, 0);
    QString systemName = languages.front().nativeName;
    for (const UiLanguage &l : languages)
        if (l.code == systemCode)
            systemName = l.nativeName;
    m_language->addItem(tr("System default (%1)").arg(systemName), kSystemLanguage);
    for (const UiLanguage &l : languages)
        m_language->addItem(l.nativeName, l.code);
    m_language->setCurrentIndex(std::max(0, m_language->findData(Preferences::instance().language())));
    m_language->setAccessibleName(tr("Language"));
    m_language->setToolTip(tr("The language of menus, panels, dialogs and exported figures. The command-line tool "
                              "and the messages of the model, dataset and session readers stay in English."));

    m_restartNote->setWordWrap(true);
    m_restartNote->setText(tr("The new language takes effect the next time QKOV Workbench starts."));
    m_restartNote->setForegroundRole(QPalette::PlaceholderText);

    auto *form = new QFormLayout;
    auto *languageLabel = new QLabel(tr("&Language:"), this);
    languageLabel->setBuddy(m_language);
    form->addRow(languageLabel, m_language);
    form->addRow(m_restartNote);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &PreferencesDialog::reject);
    connect(m_language, &QComboBox::currentIndexChanged, this, &PreferencesDialog::updateRestartNote);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(buttons);
    updateRestartNote();
    setMinimumWidth(420);
}

QString PreferencesDialog::selectedLanguage() const
{
    return m_language->currentData().toString();
}

void PreferencesDialog::updateRestartNote()
{
    m_restartNote->setVisible(selectedLanguage() != m_startupLanguage);
}

void PreferencesDialog::apply()
{
    Preferences::instance().setLanguage(selectedLanguage());
}

void PreferencesDialog::accept()
{
    apply();
    QDialog::accept();
}

} // namespace qkov
