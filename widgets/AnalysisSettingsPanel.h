#pragma once
// The analysis settings (METRIC.md; core/session/AnalysisSettings.h): every
// option with its default and a tooltip, validated with
// AnalysisSettings::validate() as the user types, and the "Run analysis"
// button. Valid edits go straight to the document; an invalid value stays in
// the panel, named inline, and keeps Run disabled.
#include "session/AnalysisSettings.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace qkov {

class WorkbenchDocument;

class AnalysisSettingsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit AnalysisSettingsPanel(WorkbenchDocument *document, QWidget *parent = nullptr);

    // The settings as entered (valid or not).
    AnalysisSettings enteredSettings() const;
    // "" when the entered settings are valid, else the first problem, as shown inline.
    QString validationError() const { return m_error; }
    // Why "Run analysis" is disabled ("" when it is enabled).
    QString runBlocker() const;
    QPushButton *runButton() const { return m_run; }
    QPushButton *restoreDefaultsButton() const { return m_restore; }

public Q_SLOTS:
    void restoreDefaults();
    // An analysis is running (the lead wires AnalysisRunner::runningChanged here).
    void setAnalysisRunning(bool running);

Q_SIGNALS:
    void runRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildForm();
    void showSettings(const AnalysisSettings &settings);
    void commit();
    void updateDependentRows();
    void updateRunButton();
    void updateColours();
    QSpinBox *intField(const char *name, int minimum, int maximum);
    QDoubleSpinBox *realField(const char *name, double minimum, double maximum, int decimals, double step);
    QLineEdit *numberField(const char *name);
    QComboBox *choiceField(const char *name, const QList<QPair<QString, QString>> &choices);
    void addRow(QFormLayout *form, const char *flag, const QString &label, QWidget *field, const QString &tip);

    WorkbenchDocument *m_document;
    QSpinBox *m_maxLength, *m_maxSamples, *m_batchSize, *m_topK, *m_permutations, *m_bootstrap, *m_threads, *m_memory;
    QDoubleSpinBox *m_beta, *m_alpha, *m_minEffect;
    QLineEdit *m_epsilon, *m_ridgeRel, *m_ridgeAbs, *m_seed;
    QComboBox *m_fisher, *m_fisherRef, *m_variant, *m_fdrFamily, *m_storage;
    QCheckBox *m_includeBias;
    QLabel *m_referenceWarning;
    QLabel *m_errorLabel;
    QPushButton *m_restore;
    QPushButton *m_run;
    QHash<QString, QLabel *> m_rowLabels; // CLI flag -> its row's label, to mark the bad one
    QString m_error;
    QString m_errorFlag;
    bool m_running = false;
    bool m_showing = true; // building the form or filling it from the document: no commits
};

} // namespace qkov
