#include "ProbePanel.h"

#include "AttentionPatternPlot.h"
#include "FreezeCommands.h"
#include "HeatmapPlot.h"
#include "WorkbenchDocument.h"
#include "data/RecordReader.h"
#include "jobs/JobRunner.h"
#include "model/ModelLoader.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace qkov {

namespace {

const QString kProbeKind = QStringLiteral("probe");
const QString kServiceKind = QStringLiteral("probe-model");
constexpr int kPromptDebounceMs = 250;
constexpr int kTopRows = 5;
// Reference texts per task for mean/noise/resample freezing: enough for
// stable statistics, few enough that a probe stays interactive.
constexpr int kReferenceTextsPerTask = 32;
constexpr int kReferenceTextChars = 600;

// The first non-empty records of each task file (runs in the probe's job).
QStringList readReferenceTexts(const QStringList &paths)
{
    QStringList texts;
    for (const QString &path : paths) {
        int taken = 0;
        readTaskRecords(path, datasetFormatFor(path), [&](const TaskRecord &record) {
            const QString text = record.text.trimmed();
            if (!text.isEmpty()) {
                texts << text.left(kReferenceTextChars);
                ++taken;
            }
            return taken < kReferenceTextsPerTask;
        });
    }
    return texts;
}

QString visibleToken(QString token)
{
    token.replace(QChar(0x2581), QChar(0x2423)); // SentencePiece's word marker -> ␣
    token.replace(QLatin1Char('\n'), QChar(0x21b5));
    return token;
}

} // namespace

ProbePanel::ProbePanel(WorkbenchDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_debounce(new QTimer(this)), m_prompt(new QLineEdit(this)),
      m_status(new QLabel(this)), m_reference(new QLabel(this)), m_loss(new QLabel(this)),
      m_top(new QTableWidget(kTopRows, 4, this)), m_pattern(new AttentionPatternPlot(this)), m_change(new HeatmapPlot(this))
{
    setAccessibleName(tr("Probe"));
    m_debounce->setSingleShot(true);
    connect(m_debounce, &QTimer::timeout, this, &ProbePanel::runProbe);

    m_prompt->setText(document->probePrompt());
    m_prompt->setPlaceholderText(tr("A prompt to run baseline and frozen"));
    m_prompt->setAccessibleName(tr("Probe prompt"));
    m_prompt->setClearButtonEnabled(true);

    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAccessibleName(tr("Probe status"));
    m_reference->setForegroundRole(QPalette::PlaceholderText);
    m_loss->setAccessibleName(tr("Loss baseline and frozen"));
    m_loss->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_loss->setToolTip(tr("Mean next-token cross-entropy over the prompt (nats), baseline -> frozen."));

    m_top->setHorizontalHeaderLabels({tr("Baseline"), tr("p"), tr("Frozen"), tr("p")});
    m_top->horizontalHeaderItem(0)->setToolTip(tr("Most likely next tokens after the prompt, without freezing"));
    m_top->horizontalHeaderItem(2)->setToolTip(tr("Most likely next tokens with the freeze set applied"));
    m_top->setMinimumWidth(230);
    m_top->verticalHeader()->setVisible(false);
    m_top->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_top->setSelectionMode(QAbstractItemView::NoSelection);
    m_top->setFocusPolicy(Qt::TabFocus);
    m_top->setAccessibleName(tr("Top next tokens, baseline and frozen"));
    m_top->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_top->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_top->horizontalHeader()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    m_top->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_top->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_top->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_top->verticalHeader()->setDefaultSectionSize(m_top->fontMetrics().height() + 6);
    const int tableHeight = m_top->horizontalHeader()->sizeHint().height() + kTopRows * m_top->verticalHeader()->defaultSectionSize()
                            + 2 * m_top->frameWidth();
    m_top->setFixedHeight(tableHeight);

    m_change->setBaseMinimumSize(QSize(180, 140));
    // An overview beside the table: small cells, so that the dock needs no
    // horizontal scrolling for models of 8 or even 32 heads.
    m_change->setMinimumCellSize(8);
    m_change->setToolTip(tr("How far each head's attention moved (total variation, mean over query positions). Click a head to select it."));
    m_pattern->setMinimumHeight(170);

    auto *promptLabel = new QLabel(tr("&Prompt:"), this);
    promptLabel->setBuddy(m_prompt);
    auto *promptRow = new QHBoxLayout;
    promptRow->addWidget(promptLabel);
    promptRow->addWidget(m_prompt, 1);

    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_loss, 1);
    statusRow->addWidget(m_reference);

    auto *numbers = new QHBoxLayout;
    numbers->addWidget(m_top, 3);
    numbers->addWidget(m_change, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(promptRow);
    layout->addLayout(statusRow);
    layout->addWidget(m_status);
    layout->addLayout(numbers);
    layout->addWidget(m_pattern, 1);
    setTabOrder(m_prompt, m_top);

    connect(m_prompt, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_document->setProbePrompt(text);
    });
    connect(m_document, &WorkbenchDocument::probePromptChanged, this, [this](const QString &prompt) {
        if (m_prompt->text() != prompt)
            m_prompt->setText(prompt);
        schedule(kPromptDebounceMs);
    });
    connect(m_document, &WorkbenchDocument::freezeSetChanged, this, [this] {
        updateReferenceNote();
        schedule(0);
    });
    connect(m_document, &WorkbenchDocument::selectedHeadChanged, this, [this] { schedule(0); });
    connect(m_document, &WorkbenchDocument::taskChanged, this, [this] {
        updateReferenceNote();
        if (m_document->freezeSet().needsReference())
            schedule(0); // the reference activations come from the tasks
    });
    connect(m_document, &WorkbenchDocument::modelChanged, this, &ProbePanel::onModelChanged);
    connect(m_change, &HeatmapPlot::cellClicked, this, [this](int layer, int head) { m_document->selectHead(layer, head); });
    connect(m_document->jobs(), &JobRunner::jobFinished, this, [this](quint64, JobOutcome outcome, const QString &) {
        // A probe cancelled without a successor (e.g. by a model change) must not leave "probing..." behind.
        if (outcome == JobOutcome::Cancelled && m_probing && !m_debounce->isActive()) {
            bool anyProbe = false;
            for (const JobInfo &job : m_document->jobs()->runningJobs())
                anyProbe = anyProbe || job.kind == kProbeKind || job.kind == kServiceKind;
            if (!anyProbe) {
                m_probing = false;
                setStatus(QString());
            }
        }
    });
    updateReferenceNote();
    onModelChanged();
}

ProbePanel::~ProbePanel() = default;

void ProbePanel::onModelChanged()
{
    ++m_modelGeneration;
    m_service.reset();
    m_hasView = false;
    m_error.clear();
    m_debounce->stop();
    m_document->jobs()->cancelKind(kProbeKind);
    m_loss->setText(QString());
    m_top->clearContents();
    m_change->setData(HeatmapData{});
    const auto model = m_document->model();
    if (!model) {
        m_probing = false;
        m_document->jobs()->cancelKind(kServiceKind);
        setStatus(tr("Open a model to probe the effect of freezing."));
        m_pattern->clearPatterns(QString());
        return;
    }
    m_probing = true;
    setStatus(tr("preparing the probe..."));
    m_pattern->clearPatterns(QString());
    const quint64 generation = m_modelGeneration;
    QPointer<ProbePanel> self(this);
    m_document->jobs()->start<std::shared_ptr<ProbeService>>(
        kServiceKind, tr("Prepare probe"),
        [model](JobContext &) { return std::make_shared<ProbeService>(*model); },
        [self, generation](std::shared_ptr<ProbeService> service) {
            if (!self || generation != self->m_modelGeneration)
                return;
            self->m_service = std::move(service);
            self->runProbe();
        },
        [self, generation](const QString &message) {
            if (self && generation == self->m_modelGeneration)
                self->showError(message);
        });
}

void ProbePanel::schedule(int delayMs)
{
    if (!m_service)
        return; // the service's job probes when it is ready
    m_debounce->start(delayMs);
}

void ProbePanel::runProbe()
{
    m_debounce->stop();
    if (!m_service)
        return;
    const QString prompt = m_document->probePrompt();
    if (prompt.trimmed().isEmpty()) {
        m_document->jobs()->cancelKind(kProbeKind);
        m_probing = false;
        setStatus(tr("Type a prompt to probe."));
        return;
    }
    const FreezeSet set = m_document->freezeSet();
    const int layer = m_document->selectedLayer();
    const int head = m_document->selectedHead();
    const quint64 generation = m_modelGeneration;
    const QStringList referencePaths = set.needsReference() ? referenceTaskPaths() : QStringList();
    auto service = m_service;
    m_probing = true;
    setStatus(tr("probing..."));
    QPointer<ProbePanel> self(this);
    m_document->jobs()->start<ProbeView>(
        kProbeKind, tr("Probe %1 frozen").arg(set.entries.size()),
        // Without ready tasks the service uses the prompt itself as the reference (see the reference note).
        [service, prompt, set, layer, head, referencePaths](JobContext &job) {
            return service->run(prompt, set, layer, head, readReferenceTexts(referencePaths), &job);
        },
        [self, generation, set, prompt](ProbeView view) {
            if (!self || generation != self->m_modelGeneration)
                return;
            self->m_viewSet = set;
            self->m_viewPrompt = prompt;
            self->showView(view);
        },
        [self, generation](const QString &message) {
            if (self && generation == self->m_modelGeneration)
                self->showError(message);
        });
}

void ProbePanel::showView(const ProbeView &view)
{
    m_view = view;
    m_hasView = true;
    m_probing = false;
    m_error.clear();
    setStatus(QString());

    const double diff = view.frozenLoss - view.baselineLoss;
    m_loss->setText(tr("Loss %1 \u2192 %2 (%3%4)")
                        .arg(view.baselineLoss, 0, 'f', 4)
                        .arg(view.frozenLoss, 0, 'f', 4)
                        .arg(diff >= 0 ? QStringLiteral("+") : QString())
                        .arg(diff, 0, 'f', 4));

    auto put = [this](int row, int column, const std::vector<ProbeNextToken> &tokens) {
        const bool has = row < int(tokens.size());
        auto *token = new QTableWidgetItem(has ? visibleToken(tokens[size_t(row)].text) : QString());
        if (has)
            token->setToolTip(tr("token id %1").arg(tokens[size_t(row)].id));
        auto *p = new QTableWidgetItem(has ? QStringLiteral("%1%").arg(100.0 * tokens[size_t(row)].probability, 0, 'f', 1) : QString());
        p->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_top->setItem(row, column, token);
        m_top->setItem(row, column + 1, p);
    };
    for (int row = 0; row < kTopRows; ++row) {
        put(row, 0, view.baselineTop);
        put(row, 2, view.frozenTop);
    }

    HeatmapData change;
    change.title = tr("Pattern change");
    change.valueLabel = tr("total variation");
    change.layers = view.layers;
    change.heads = view.heads;
    change.values = view.patternChange;
    m_change->setData(change);

    if (view.layer >= 0 && !view.baselinePattern.empty())
        m_pattern->setPatterns(tr("%1 attention: baseline | frozen").arg(headLabel(view.layer, view.head)), view.tokens,
                               view.baselinePattern, view.frozenPattern);
    else
        m_pattern->clearPatterns(tr("Select a head (freezing grid or heatmaps) to see its attention pattern."));
    Q_EMIT probeShown();
}

void ProbePanel::showError(const QString &message)
{
    m_probing = false;
    m_error = message;
    setStatus(message);
    Q_EMIT probeShown();
}

void ProbePanel::setStatus(const QString &text)
{
    QPalette pal = m_status->palette();
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    // Errors in a red readable on either palette; other states in the normal text colour.
    pal.setColor(QPalette::WindowText, !m_error.isEmpty() && text == m_error ? (dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x1c, 0x1c))
                                                                              : palette().color(QPalette::WindowText));
    m_status->setPalette(pal);
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

QStringList ProbePanel::referenceTaskPaths() const
{
    QStringList paths;
    for (int which : {WorkbenchDocument::TaskA, WorkbenchDocument::TaskB})
        if (m_document->task(which).isReady())
            paths << m_document->task(which).path;
    return paths;
}

void ProbePanel::updateReferenceNote()
{
    const QStringList paths = referenceTaskPaths();
    if (paths.isEmpty()) {
        m_reference->setText(tr("Reference: the prompt itself"));
        m_reference->setToolTip(tr("Mean, noise and resample freezes replace a head's values with statistics of "
                                   "reference activations. With no task loaded the probe uses its own prompt: "
                                   "mean (per position) and resample then give back the prompt's own values and "
                                   "change little or nothing; load tasks A and B for a real reference."));
    } else {
        m_reference->setText(tr("Reference: %1").arg(paths.size() == 2 ? tr("tasks A and B") : tr("one task")));
        m_reference->setToolTip(tr("Mean, noise and resample freezes use reference activations of the first %1 "
                                   "texts of each loaded task.").arg(kReferenceTextsPerTask));
    }
    m_reference->setVisible(m_document->freezeSet().needsReference());
}

} // namespace qkov
