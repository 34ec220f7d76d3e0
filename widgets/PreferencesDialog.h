#pragma once
// Edit > Preferences: the settings that belong to the user rather than to an
// analysis (those live in the Analysis panel and travel with the session).
// For now the user-interface language, which applies at the next start.
#include <QDialog>

class QComboBox;
class QLabel;

namespace qkov {

class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget *parent = nullptr);

    QComboBox *languageBox() const { return m_language; }
    QLabel *restartNote() const { return m_restartNote; }
    // The selected preference value: "system", "en", "de", ...
    QString selectedLanguage() const;

    // Writes the choices to Preferences (OK does this).
    void apply();
    void accept() override;

private:
    void updateRestartNote();

    QComboBox *m_language;
    QLabel *m_restartNote;
    QString m_startupLanguage; // the preference the running app's translators follow
};

} // namespace qkov
