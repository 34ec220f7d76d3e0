#include "AnalysisSettingsPanel.h"

#include "Error.h"
#include "StatusColours.h"
#include "WorkbenchDocument.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace qkov {

namespace {

// The statistics stage refuses more draws than this (core/analysis/Statistics.cpp);
// the field stops there so that a run does not fail after the whole collection.
constexpr int kMaxResamplesField = 100'000;

QString formatNumber(double value)
{
    return QString::number(value, 'g', 6);
}

// Scientific values are typed in the C locale ("1e-30"); the user's own decimal separator is accepted too.
bool parseNumber(const QString &text, double *value)
{
    bool ok = false;
    *value = QLocale::c().toDouble(text.trimmed(), &ok);
    if (!ok)
        *value = QLocale().toDouble(text.trimmed(), &ok);
    return ok;
}

bool sameSettings(const AnalysisSettings &a, const AnalysisSettings &b)
{
    return a.toJson() == b.toJson();
}

} // namespace

AnalysisSettingsPanel::AnalysisSettingsPanel(WorkbenchDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document)
{
    buildForm();
    showSettings(m_document->settings());
    commit(); // validates what the document holds (a loaded session may carry bad values)

    connect(m_document, &WorkbenchDocument::settingsChanged, this, [this] {
        if (!sameSettings(enteredSettings(), m_document->settings()))
            showSettings(m_document->settings());
        commit();
    });
    connect(m_document, &WorkbenchDocument::modelChanged, this, &AnalysisSettingsPanel::updateRunButton);
    connect(m_document, &WorkbenchDocument::taskChanged, this, &AnalysisSettingsPanel::updateRunButton);
}

void AnalysisSettingsPanel::buildForm()
{
    m_maxLength = intField("max-length", 0, 1'000'000);
    m_maxSamples = intField("max-samples", 0, 100'000'000);
    m_maxSamples->setSpecialValueText(tr("all records"));
    m_batchSize = intField("batch-size", 0, 65'536);
    m_includeBias = new QCheckBox(tr("Q/K/V biases"), this);
    m_includeBias->setObjectName(QStringLiteral("include-bias"));
    connect(m_includeBias, &QCheckBox::toggled, this, &AnalysisSettingsPanel::commit);

    m_fisher = choiceField("fisher", {{QStringLiteral("mean"), tr("mean")}, {QStringLiteral("ema"), tr("ema (moving average)")}});
    m_beta = realField("beta", 0.0, 1.0, 5, 0.001);
    m_fisherRef = choiceField("fisher-ref", {{QStringLiteral("pooled"), tr("pooled (tasks A and B)")}, {QStringLiteral("a"), tr("a (task A only)")}});
    m_referenceWarning = new QLabel(this);
    m_referenceWarning->setObjectName(QStringLiteral("reference-warning"));
    m_referenceWarning->setWordWrap(true);
    m_referenceWarning->setTextFormat(Qt::PlainText);
    m_referenceWarning->setAccessibleName(tr("Fisher reference warning"));
    m_epsilon = numberField("epsilon");
    m_ridgeRel = numberField("ridge-rel");
    m_ridgeAbs = numberField("ridge-abs");

    m_variant = choiceField("variant", {{QStringLiteral("abs"), tr("abs")}, {QStringLiteral("signed"), tr("signed")}, {QStringLiteral("symmetric"), tr("symmetric")}});
    m_topK = intField("top-k", 0, 1'000'000);

    m_permutations = intField("permutations", 0, kMaxResamplesField);
    m_bootstrap = intField("bootstrap", 0, kMaxResamplesField);
    m_alpha = realField("alpha", 0.0, 1.0, 4, 0.01);
    m_minEffect = realField("min-effect", 0.0, 1000.0, 3, 0.05);
    m_fdrFamily = choiceField("fdr-family", {{QStringLiteral("block"), tr("block (each block alone)")}, {QStringLiteral("all"), tr("all blocks jointly")}});
    m_seed = new QLineEdit(this);
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{0,20}")), m_seed));
    connect(m_seed, &QLineEdit::textEdited, this, &AnalysisSettingsPanel::commit);

    m_threads = intField("threads", 0, 4096);
    m_threads->setSpecialValueText(tr("all cores"));
    m_memory = intField("memory-budget", 0, 64 * 1024 * 1024);
    m_memory->setSuffix(tr(" MB"));
    m_memory->setSingleStep(256);
    m_storage = choiceField("gradient-storage", {{QStringLiteral("float32"), tr("float32")}, {QStringLiteral("bfloat16"), tr("bfloat16")}});

    auto group = [this](const QString &title) {
        auto *box = new QGroupBox(title, this);
        auto *column = new QVBoxLayout(box);
        column->setContentsMargins(6, 6, 6, 6);
        auto *form = new QFormLayout;
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        column->addLayout(form);
        return std::make_pair(box, form);
    };
    auto [samplesBox, samples] = group(tr("Samples"));
    addRow(samples, "--max-length", tr("Max length:"), m_maxLength,
           tr("Tokens per sample after truncation (default 128). A sample needs at least 2 tokens."));
    addRow(samples, "--max-samples", tr("Max samples:"), m_maxSamples,
           tr("Samples read per task; 0 reads all records. Reading stops once the limit is reached."));
    addRow(samples, "--batch-size", tr("Batch size:"), m_batchSize,
           tr("Samples per batched forward/backward pass (default 8). Every sample has the same weight, whatever batch it shares."));
    addRow(samples, "--include-bias", tr("Include bias:"), m_includeBias,
           tr("Adds the Q/K/V biases, row-sliced like their weights (off by default). The O bias is not per head and is never included."));

    auto [fisherBox, fisher] = group(tr("Fisher reference"));
    addRow(fisher, "--fisher", tr("Fisher:"), m_fisher,
           tr("mean: I = (1/|R|) sum of C_i = g_i * g_i (default). ema: an exponential moving average over R in collection "
              "order (all of task A, then task B), bias-corrected."));
    addRow(fisher, "--beta", tr("Beta:"), m_beta,
           tr("Decay of the ema Fisher, F_t = beta F_{t-1} + (1 - beta) C_t, bias-corrected by 1 - beta^n (default 0.99). Used only with ema."));
    addRow(fisher, "--fisher-ref", tr("Reference:"), m_fisherRef,
           tr("The samples R the Fisher is taken over: pooled = tasks A and B together (default), a = task A only."));
    addRow(fisher, "--epsilon", tr("Epsilon:"), m_epsilon,
           tr("Floor of the Fisher before the ridge: I_reg = max(I, eps) + lambda (default 1e-30)."));
    addRow(fisher, "--ridge-rel", tr("Ridge (relative):"), m_ridgeRel,
           tr("lambda = ridge_rel * mean(I over the layer's block) + ridge_abs (default 1e-3). The relative ridge keeps scores "
              "unchanged in ranking when the loss is rescaled."));
    addRow(fisher, "--ridge-abs", tr("Ridge (absolute):"), m_ridgeAbs,
           tr("An absolute term added to lambda (default 0). Unlike the relative ridge it does not follow the loss's scale."));

    // Below the form, not a form row: a word-wrapped row of a QFormLayout gets clipped.
    static_cast<QVBoxLayout *>(fisherBox->layout())->addWidget(m_referenceWarning);

    auto [scoresBox, scores] = group(tr("Scores"));
    addRow(scores, "--variant", tr("Variant:"), m_variant,
           tr("abs: sum over the head's slice of C_i / I_reg * |g_j| (>= 0, default). signed: sum of g_i g_j / I_reg (negative = "
              "the tasks pull the head's weights apart). symmetric: the mean of M(A,B) and M(B,A)."));
    addRow(scores, "--top-k", tr("Top conflicts:"), m_topK,
           tr("How many of the largest (block, layer, head, sample pair) scores the conflicts table lists (default 50)."));

    auto [statsBox, stats] = group(tr("Statistics"));
    addRow(stats, "--permutations", tr("Permutations:"), m_permutations,
           tr("Task-label permutations for each head's two-sided p-value, with the +1 correction (default 1000, seeded)."));
    addRow(stats, "--bootstrap", tr("Bootstrap:"), m_bootstrap,
           tr("Two-way bootstrap resamples (task A and B indices independently) for the 95 % percentile CI of each head's "
              "mean score (default 1000, seeded)."));
    addRow(stats, "--alpha", tr("Alpha:"), m_alpha,
           tr("A head is flagged when its Benjamini-Hochberg q-value is below alpha (default 0.05) and |z| reaches the minimum effect."));
    addRow(stats, "--min-effect", tr("Min effect |z|:"), m_minEffect,
           tr("The smallest |z| = |S - null mean| / null sd for which a head is flagged (default 0.2)."));
    addRow(stats, "--fdr-family", tr("FDR family:"), m_fdrFamily,
           tr("The heads corrected together by Benjamini-Hochberg: all heads of one block (default), or all blocks jointly."));
    addRow(stats, "--seed", tr("Seed:"), m_seed,
           tr("Seed of the permutations and bootstrap resamples (default 0): the same seed gives the same p-values and CIs."));

    auto [resourcesBox, resources] = group(tr("Resources"));
    addRow(resources, "--threads", tr("Threads:"), m_threads,
           tr("Compute threads for LibTorch and OpenBLAS alike; 0 uses all cores (default)."));
    addRow(resources, "--memory-budget", tr("Memory budget:"), m_memory,
           tr("Per-sample gradients beyond this budget spill to a temporary file in the cache folder (default 4096 MB, at least 64)."));
    addRow(resources, "--gradient-storage", tr("Gradient storage:"), m_storage,
           tr("Precision of the stored per-sample gradients: float32 (default) or bfloat16 (half the memory, about 3 significant digits)."));

    // One label column width for all groups, so the fields line up down the panel.
    int labelWidth = 0;
    for (const QLabel *label : std::as_const(m_rowLabels))
        labelWidth = std::max(labelWidth, label->sizeHint().width());
    for (QLabel *label : std::as_const(m_rowLabels))
        label->setMinimumWidth(labelWidth);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("settings-error"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextFormat(Qt::PlainText);
    m_errorLabel->setAccessibleName(tr("Settings error"));
    m_errorLabel->hide();
    m_restore = new QPushButton(tr("Restore defaults"), this);
    m_restore->setToolTip(tr("Sets every option back to its METRIC.md default."));
    connect(m_restore, &QPushButton::clicked, this, &AnalysisSettingsPanel::restoreDefaults);
    m_run = new QPushButton(tr("Run analysis"), this);
    m_run->setObjectName(QStringLiteral("run-analysis"));
    connect(m_run, &QPushButton::clicked, this, [this] {
        if (runBlocker().isEmpty())
            Q_EMIT runRequested();
    });

    auto *content = new QWidget(this);
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(0, 0, 0, 0);
    for (QGroupBox *box : {samplesBox, fisherBox, scoresBox, statsBox, resourcesBox})
        column->addWidget(box);
    column->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_restore);
    buttons->addStretch(1);
    buttons->addWidget(m_run);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_errorLabel);
    layout->addLayout(buttons);
    updateColours();
}

QSpinBox *AnalysisSettingsPanel::intField(const char *name, int minimum, int maximum)
{
    auto *box = new QSpinBox(this);
    box->setObjectName(QLatin1String(name));
    box->setRange(minimum, maximum);
    box->setKeyboardTracking(false); // commit on Enter, focus out or arrows, not per keystroke
    box->setGroupSeparatorShown(true);
    connect(box, &QSpinBox::valueChanged, this, &AnalysisSettingsPanel::commit);
    return box;
}

QDoubleSpinBox *AnalysisSettingsPanel::realField(const char *name, double minimum, double maximum, int decimals, double step)
{
    auto *box = new QDoubleSpinBox(this);
    box->setObjectName(QLatin1String(name));
    box->setDecimals(decimals);
    box->setRange(minimum, maximum);
    box->setSingleStep(step);
    box->setKeyboardTracking(false);
    connect(box, &QDoubleSpinBox::valueChanged, this, &AnalysisSettingsPanel::commit);
    return box;
}

QLineEdit *AnalysisSettingsPanel::numberField(const char *name)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(QLatin1String(name));
    connect(edit, &QLineEdit::textEdited, this, &AnalysisSettingsPanel::commit);
    return edit;
}

QComboBox *AnalysisSettingsPanel::choiceField(const char *name, const QList<QPair<QString, QString>> &choices)
{
    auto *box = new QComboBox(this);
    box->setObjectName(QLatin1String(name));
    for (const auto &[value, text] : choices)
        box->addItem(text, value);
    connect(box, &QComboBox::currentIndexChanged, this, &AnalysisSettingsPanel::commit);
    return box;
}

void AnalysisSettingsPanel::addRow(QFormLayout *form, const char *flag, const QString &label, QWidget *field, const QString &tip)
{
    auto *labelWidget = new QLabel(label, this);
    labelWidget->setBuddy(field);
    const QString fullTip = tip + QStringLiteral("\n") + tr("CLI: %1").arg(QLatin1String(flag));
    labelWidget->setToolTip(fullTip);
    field->setToolTip(fullTip);
    field->setProperty("qkovTip", fullTip);
    field->setAccessibleName(QString(label).remove(QLatin1Char(':')));
    field->setAccessibleDescription(tip);
    form->addRow(labelWidget, field);
    m_rowLabels.insert(QLatin1String(flag), labelWidget);
}

void AnalysisSettingsPanel::showSettings(const AnalysisSettings &s)
{
    m_showing = true;
    auto setChoice = [](QComboBox *box, const QString &value) {
        const int index = box->findData(value);
        box->setCurrentIndex(index);
    };
    // A line being typed keeps its spelling when it already means this value.
    auto setNumber = [](QLineEdit *edit, double value) {
        double shown = 0;
        if (!parseNumber(edit->text(), &shown) || shown != value)
            edit->setText(formatNumber(value));
    };
    m_maxLength->setValue(s.maxLength);
    m_maxSamples->setValue(s.maxSamples);
    m_batchSize->setValue(s.batchSize);
    m_includeBias->setChecked(s.includeBias);
    setChoice(m_fisher, s.fisher);
    m_beta->setValue(s.beta);
    setChoice(m_fisherRef, s.fisherRef);
    setNumber(m_epsilon, s.epsilon);
    setNumber(m_ridgeRel, s.ridgeRel);
    setNumber(m_ridgeAbs, s.ridgeAbs);
    setChoice(m_variant, s.variant);
    m_topK->setValue(s.topK);
    m_permutations->setValue(s.permutations);
    m_bootstrap->setValue(s.bootstrap);
    m_alpha->setValue(s.alpha);
    m_minEffect->setValue(s.minEffect);
    setChoice(m_fdrFamily, s.fdrFamily);
    if (m_seed->text() != QString::number(qulonglong(s.seed)))
        m_seed->setText(QString::number(qulonglong(s.seed)));
    m_threads->setValue(s.threads);
    m_memory->setValue(int(std::clamp<int64_t>(s.memoryBudgetMB, 0, m_memory->maximum())));
    setChoice(m_storage, s.gradientStorage);
    m_showing = false;
}

AnalysisSettings AnalysisSettingsPanel::enteredSettings() const
{
    // Device and the freeze SPEC are not edited here: they keep the document's values.
    AnalysisSettings s = m_document->settings();
    s.maxLength = m_maxLength->value();
    s.maxSamples = m_maxSamples->value();
    s.batchSize = m_batchSize->value();
    s.includeBias = m_includeBias->isChecked();
    s.fisher = m_fisher->currentData().toString();
    s.beta = m_beta->value();
    s.fisherRef = m_fisherRef->currentData().toString();
    // Unparsable text gives NaN, which validate() refuses naming the flag.
    auto number = [](const QLineEdit *edit) {
        double v = 0;
        return parseNumber(edit->text(), &v) ? v : std::numeric_limits<double>::quiet_NaN();
    };
    s.epsilon = number(m_epsilon);
    s.ridgeRel = number(m_ridgeRel);
    s.ridgeAbs = number(m_ridgeAbs);
    s.variant = m_variant->currentData().toString();
    s.topK = m_topK->value();
    s.permutations = m_permutations->value();
    s.bootstrap = m_bootstrap->value();
    s.alpha = m_alpha->value();
    s.minEffect = m_minEffect->value();
    s.fdrFamily = m_fdrFamily->currentData().toString();
    s.seed = m_seed->text().toULongLong();
    s.threads = m_threads->value();
    s.memoryBudgetMB = m_memory->value();
    s.gradientStorage = m_storage->currentData().toString();
    return s;
}

void AnalysisSettingsPanel::commit()
{
    if (m_showing)
        return;
    updateDependentRows();
    const AnalysisSettings entered = enteredSettings();
    m_error.clear();
    m_errorFlag.clear();
    bool seedOk = false;
    m_seed->text().toULongLong(&seedOk);
    try {
        entered.validate();
        if (!seedOk)
            throw Error(QStringLiteral("--seed"), tr("must be a whole number from 0 to 18446744073709551615"));
    } catch (const Error &e) {
        m_errorFlag = e.where();
        const QLabel *row = m_rowLabels.value(m_errorFlag);
        const QString name = row ? row->text().remove(QLatin1Char(':')).remove(QLatin1Char('&')) : e.where();
        m_error = tr("%1 %2 (%3)").arg(name + QLatin1Char(':'), e.problem(), e.where());
    }
    m_errorLabel->setText(m_error);
    m_errorLabel->setVisible(!m_error.isEmpty());
    updateColours();
    if (m_error.isEmpty() && !sameSettings(entered, m_document->settings()))
        m_document->setSettings(entered);
    updateRunButton();
}

void AnalysisSettingsPanel::updateDependentRows()
{
    const bool ema = m_fisher->currentData().toString() == QLatin1String("ema");
    m_beta->setEnabled(ema);
    if (QLabel *label = m_rowLabels.value(QStringLiteral("--beta")))
        label->setEnabled(ema);
    const QString tip = m_beta->property("qkovTip").toString();
    m_beta->setToolTip(ema ? tip : tr("Disabled: beta is used only by the ema Fisher.") + QLatin1Char('\n') + tip);

    const bool taskAOnly = m_fisherRef->currentData().toString() == QLatin1String("a");
    QStringList warning;
    if (taskAOnly && !ema)
        warning << tr("With reference 'a' and the mean Fisher the sample-averaged map degenerates: each head's score is just "
                      "task B's gradient mass on its slice, whatever task A is. The pooled reference avoids this.");
    if (taskAOnly)
        warning << tr("With reference 'a' the permutation null must recompute the Fisher for every permutation, which this "
                      "build does not do: the analysis then needs permutations set to 0 and gives scores without p-values.");
    m_referenceWarning->setText(warning.join(QLatin1Char(' ')));
    m_referenceWarning->setVisible(!warning.isEmpty());
}

QString AnalysisSettingsPanel::runBlocker() const
{
    if (m_running)
        return tr("An analysis is running: cancel it in the Jobs panel (Esc) to start another.");
    if (!m_document->model())
        return tr("Open a model first.");
    for (int which : {WorkbenchDocument::TaskA, WorkbenchDocument::TaskB}) {
        const TaskState &task = m_document->task(which);
        const QString name = which == WorkbenchDocument::TaskB ? tr("Task B") : tr("Task A");
        if (task.path.isEmpty())
            return tr("%1 needs a dataset: open one in the Tasks panel.").arg(name);
        if (task.loading)
            return tr("%1 is still being tokenized.").arg(name);
        if (!task.error.isEmpty())
            return tr("%1 could not be loaded: %2").arg(name, task.error);
        if (task.records == 0)
            return tr("%1 has no usable samples.").arg(name);
    }
    if (!m_error.isEmpty())
        return tr("Fix the settings first: %1").arg(m_error);
    if (!m_document->canRunAnalysis())
        return tr("The model or the tasks are not ready.");
    return QString();
}

void AnalysisSettingsPanel::updateRunButton()
{
    const QString blocker = runBlocker();
    m_run->setEnabled(blocker.isEmpty());
    m_run->setToolTip(blocker.isEmpty() ? tr("Collect gradients on both tasks and compute the QK-OV interference (F5).") : blocker);
}

void AnalysisSettingsPanel::restoreDefaults()
{
    AnalysisSettings defaults;
    defaults.device = m_document->settings().device;
    defaults.freeze = m_document->settings().freeze;
    showSettings(defaults);
    commit();
}

void AnalysisSettingsPanel::setAnalysisRunning(bool running)
{
    m_running = running;
    updateRunButton();
}

void AnalysisSettingsPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateColours();
}

void AnalysisSettingsPanel::updateColours()
{
    const QPalette base = palette();
    setTextColour(m_errorLabel, errorTextColour(base));
    setTextColour(m_referenceWarning, warningTextColour(base));
    QPalette bad = base;
    bad.setColor(QPalette::WindowText, errorTextColour(base));
    for (auto it = m_rowLabels.cbegin(); it != m_rowLabels.cend(); ++it)
        it.value()->setPalette(it.key() == m_errorFlag ? bad : base);
}

} // namespace qkov
