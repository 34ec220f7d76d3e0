#pragma once
// The Probe panel: the effect of the document's freeze set on a prompt,
// baseline against frozen. Every change of the freeze set, the prompt
// (debounced) or the selected head re-runs the probe as a "probe" job; the
// newest run wins and stale results are dropped. One ProbeService per
// model, built in a job when the model changes.
#include "freeze/FreezeSet.h"
#include "pipeline/ProbeService.h"

#include <QWidget>
#include <memory>

class QLabel;
class QLineEdit;
class QTableWidget;
class QTimer;

namespace qkov {

class AttentionPatternPlot;
class HeatmapPlot;
class WorkbenchDocument;

class ProbePanel : public QWidget
{
    Q_OBJECT
public:
    explicit ProbePanel(WorkbenchDocument *document, QWidget *parent = nullptr);
    ~ProbePanel() override;

    // The shown probe and the freeze set, prompt and head it was run with.
    bool hasView() const { return m_hasView; }
    const ProbeView &view() const { return m_view; }
    const FreezeSet &viewFreezeSet() const { return m_viewSet; }
    QString viewPrompt() const { return m_viewPrompt; }
    bool isProbing() const { return m_probing; }
    QString errorText() const { return m_error; }

    QLineEdit *promptEdit() const { return m_prompt; }
    QLabel *lossLabel() const { return m_loss; }
    QLabel *referenceNote() const { return m_reference; }
    QTableWidget *topTable() const { return m_top; }
    AttentionPatternPlot *patternPlot() const { return m_pattern; }
    HeatmapPlot *changeMap() const { return m_change; }

Q_SIGNALS:
    // A probe result (or error) was shown; its inputs are those of the document at that time.
    void probeShown();

private:
    void onModelChanged();
    void schedule(int delayMs);
    void runProbe();
    void showView(const ProbeView &view);
    void showError(const QString &message);
    void setStatus(const QString &text);
    void updateReferenceNote();
    // Ready tasks' files, whose texts are the reference for mean/noise/resample.
    QStringList referenceTaskPaths() const;

    WorkbenchDocument *m_document;
    std::shared_ptr<ProbeService> m_service;
    quint64 m_modelGeneration = 0; // results of an older model are dropped
    QTimer *m_debounce;

    QLineEdit *m_prompt;
    QLabel *m_status;
    QLabel *m_reference;
    QLabel *m_loss;
    QTableWidget *m_top;
    AttentionPatternPlot *m_pattern;
    HeatmapPlot *m_change;

    bool m_probing = false;
    bool m_hasView = false;
    ProbeView m_view;
    FreezeSet m_viewSet;
    QString m_viewPrompt;
    QString m_error;
};

} // namespace qkov
