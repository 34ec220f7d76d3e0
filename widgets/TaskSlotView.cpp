#include "TaskSlotView.h"

#include "StatusColours.h"
#include "WorkbenchDocument.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMimeData>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace qkov {

namespace {

// Warnings listed inline before "and N more" (all of them are in the tooltip).
constexpr int kWarningsShown = 3;
// Tooltip lines: a file with thousands of skipped records must not make a screen-high tooltip.
constexpr int kWarningsInTooltip = 40;

} // namespace

QString droppedFilePath(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1)
        return QString();
    const QUrl url = mime->urls().front();
    if (!url.isLocalFile())
        return QString();
    const QString path = url.toLocalFile();
    return QFileInfo(path).isDir() ? QString() : path;
}

TaskSlotView::TaskSlotView(int which, QWidget *parent)
    : QGroupBox(parent), m_name(new QLineEdit(this)), m_open(new QPushButton(this)),
      m_file(new QLabel(this)), m_counts(new QLabel(this)), m_previews(new QListWidget(this)),
      m_warnings(new QLabel(this)), m_error(new QLabel(this))
{
    const QString letter = which == WorkbenchDocument::TaskB ? QStringLiteral("B") : QStringLiteral("A");
    setTitle(tr("Task %1").arg(letter));
    setAcceptDrops(true);
    setObjectName(QStringLiteral("task-slot-%1").arg(letter.toLower()));

    m_name->setAccessibleName(tr("Task %1 name").arg(letter));
    m_name->setToolTip(tr("The name shown in titles, tables and exported figures."));
    m_name->setClearButtonEnabled(true);
    connect(m_name, &QLineEdit::editingFinished, this, [this] { Q_EMIT nameEdited(m_name->text().trimmed()); });

    m_open->setText(tr("Open dataset..."));
    m_open->setAccessibleName(tr("Open dataset for task %1").arg(letter));
    m_open->setToolTip(tr("Plain text (one record a line), JSONL with a \"text\" field and an optional \"id\", "
                          "or CSV with a \"text\" column. You can also drop a file here."));
    connect(m_open, &QPushButton::clicked, this, &TaskSlotView::browseRequested);

    m_file->setTextFormat(Qt::PlainText);
    m_file->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_file->setAccessibleName(tr("Task %1 dataset file").arg(letter));
    m_counts->setTextFormat(Qt::PlainText);
    m_counts->setWordWrap(true);
    m_counts->setAccessibleName(tr("Task %1 record and token counts").arg(letter));

    m_previews->setAccessibleName(tr("Task %1 first samples").arg(letter));
    m_previews->setAlternatingRowColors(true);
    m_previews->setTextElideMode(Qt::ElideRight);
    m_previews->setUniformItemSizes(true);
    m_previews->setSelectionMode(QAbstractItemView::NoSelection);
    m_previews->setMinimumHeight(m_previews->fontMetrics().height() * 4);

    for (QLabel *label : {m_warnings, m_error}) {
        label->setTextFormat(Qt::PlainText);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->hide();
    }
    m_warnings->setAccessibleName(tr("Task %1 warnings").arg(letter));
    m_error->setAccessibleName(tr("Task %1 error").arg(letter));
    updateColours();

    auto *top = new QGridLayout;
    top->addWidget(new QLabel(tr("Name:"), this), 0, 0);
    top->addWidget(m_name, 0, 1);
    top->addWidget(m_open, 0, 2);
    top->addWidget(m_file, 1, 0, 1, 3);
    top->setColumnStretch(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top);
    layout->addWidget(m_counts);
    layout->addWidget(m_previews, 1);
    layout->addWidget(m_warnings);
    layout->addWidget(m_error);
    layout->addStretch(0); // takes the slack while there is no preview list
    setTabOrder(m_name, m_open);
    setTabOrder(m_open, m_previews);
}

void TaskSlotView::showState(const TaskState &state, bool hasModel, int limit)
{
    if (!m_name->hasFocus() && m_name->text() != state.name)
        m_name->setText(state.name);

    const QLocale locale;
    if (state.path.isEmpty()) {
        m_file->setText(tr("No dataset. Open one or drop a file here."));
        m_file->setToolTip(QString());
    } else {
        const QFileInfo info(state.path);
        m_file->setText(tr("File: %1").arg(info.fileName()));
        m_file->setToolTip(QDir::toNativeSeparators(info.absoluteFilePath()));
    }

    if (state.path.isEmpty())
        m_counts->setText(QString());
    else if (state.loading)
        m_counts->setText(tr("Tokenizing..."));
    else if (!state.error.isEmpty())
        m_counts->setText(tr("Not loaded."));
    else if (!hasModel)
        m_counts->setText(tr("Tokenization waits for a model: open one to count records and tokens."));
    else {
        QString counts = tr("%n record(s), ", nullptr, state.records)
            + tr("%1 tokens (%2-%3 per sample)")
                  .arg(locale.toString(state.tokens), locale.toString(state.minTokens), locale.toString(state.maxTokens));
        if (limit > 0 && state.records >= limit)
            counts += QLatin1Char(' ') + tr("- reading stopped at the max-samples limit.");
        m_counts->setText(counts);
    }

    m_previews->clear();
    m_previews->addItems(state.previews);
    for (int i = 0; i < m_previews->count(); ++i)
        m_previews->item(i)->setToolTip(state.previews[i]);
    m_previews->setVisible(!state.previews.isEmpty());

    if (state.warnings.isEmpty()) {
        m_warnings->hide();
    } else {
        // Inline the file's own name is redundant ("<path>: line 3: ..."); the tooltip keeps it.
        const QString prefix = state.path + QStringLiteral(": ");
        QStringList shown;
        for (const QString &w : state.warnings.mid(0, kWarningsShown))
            shown << (w.startsWith(prefix) ? w.mid(prefix.size()) : w);
        if (state.warnings.size() > kWarningsShown)
            shown << tr("... and %n more", nullptr, int(state.warnings.size()) - kWarningsShown);
        m_warnings->setText(tr("%n record(s) skipped:", nullptr, int(state.warnings.size())) + QLatin1Char('\n')
                            + shown.join(QLatin1Char('\n')));
        QStringList tip = state.warnings.mid(0, kWarningsInTooltip);
        if (state.warnings.size() > kWarningsInTooltip)
            tip << tr("... and %n more", nullptr, int(state.warnings.size()) - kWarningsInTooltip);
        m_warnings->setToolTip(tip.join(QLatin1Char('\n')));
        m_warnings->show();
    }

    m_error->setText(state.error);
    m_error->setVisible(!state.error.isEmpty());
}

void TaskSlotView::dragEnterEvent(QDragEnterEvent *event)
{
    if (!droppedFilePath(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void TaskSlotView::dropEvent(QDropEvent *event)
{
    const QString path = droppedFilePath(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    Q_EMIT openRequested(path);
}

void TaskSlotView::changeEvent(QEvent *event)
{
    QGroupBox::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        updateColours();
}

void TaskSlotView::updateColours()
{
    // Our own palette is the parent's plus these roles; recompute from the window colour.
    setTextColour(m_error, errorTextColour(palette()));
    setTextColour(m_warnings, warningTextColour(palette()));
}

} // namespace qkov
