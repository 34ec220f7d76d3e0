#include "FreezingPanel.h"

#include "FreezeCommands.h"
#include "FreezeGrid.h"
#include "WorkbenchDocument.h"
#include "model/ModelLoader.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSet>
#include <QUndoStack>
#include <QVBoxLayout>

namespace qkov {

namespace {

const FreezeMethod kMethods[] = {FreezeMethod::Zero, FreezeMethod::Mean, FreezeMethod::Noise, FreezeMethod::Resample};
const FreezeCircuit kCircuits[] = {FreezeCircuit::QK, FreezeCircuit::OV, FreezeCircuit::Head};

} // namespace

FreezingPanel::FreezingPanel(WorkbenchDocument *document, QWidget *parent)
    : QWidget(parent), m_document(document), m_circuit(new QComboBox(this)), m_method(new QComboBox(this)),
      m_applyAll(new QPushButton(tr("Apply to all"), this)), m_grid(new FreezeGrid(this)),
      m_summary(new QLabel(this)), m_clear(new QPushButton(tr("Clear all"), this))
{
    setAccessibleName(tr("Freezing"));
    m_circuit->addItem(tr("QK (Q)"), int(FreezeCircuit::QK));
    m_circuit->addItem(tr("OV (O)"), int(FreezeCircuit::OV));
    m_circuit->addItem(tr("Whole head (H)"), int(FreezeCircuit::Head));
    m_circuit->setToolTip(tr("Which circuit a click freezes: the head's query/key vectors (QK), its value vectors (OV), or both."));
    m_circuit->setAccessibleName(tr("Circuit"));

    m_method->addItem(tr("zero (0)"), int(FreezeMethod::Zero));
    m_method->addItem(tr("mean (m)"), int(FreezeMethod::Mean));
    m_method->addItem(tr("noise (n)"), int(FreezeMethod::Noise));
    m_method->addItem(tr("resample (r)"), int(FreezeMethod::Resample));
    m_method->setToolTip(tr("How new freezes replace the values: zero, the reference mean, Gaussian noise of the "
                            "reference variance, or values resampled from the reference. The probe uses its "
                            "prompt as the reference. Right-click a frozen cell to change its method."));
    m_method->setAccessibleName(tr("Method for new freezes"));
    m_applyAll->setToolTip(tr("Give every frozen circuit the selected method (one undo step)."));

    auto *circuitLabel = new QLabel(tr("&Circuit:"), this);
    circuitLabel->setBuddy(m_circuit);
    auto *methodLabel = new QLabel(tr("&Method:"), this);
    methodLabel->setBuddy(m_method);
    auto *controls = new QHBoxLayout;
    controls->addWidget(circuitLabel);
    controls->addWidget(m_circuit);
    controls->addSpacing(8);
    controls->addWidget(methodLabel);
    controls->addWidget(m_method);
    controls->addWidget(m_applyAll);
    controls->addStretch(1);

    m_summary->setAccessibleName(tr("Frozen heads"));
    m_summary->setWordWrap(true);
    auto *legend = new QLabel(tr("Click or Space: freeze/unfreeze. Letters: Q = QK, O = OV, H = whole head; "
                                 "corner: 0 zero, m mean, n noise, r resample."), this);
    legend->setWordWrap(true);
    legend->setForegroundRole(QPalette::PlaceholderText);

    // The legend, the count and "clear all" sit beside the grid (see refresh()),
    // so that the grid gets the dock's height: it is what the user clicks.
    m_side = new QWidget(this);
    auto *side = new QVBoxLayout(m_side);
    side->setContentsMargins(0, 0, 0, 0);
    side->addWidget(legend);
    side->addStretch(1);
    side->addWidget(m_summary);
    side->addWidget(m_clear, 0, Qt::AlignLeft);
    m_side->setMaximumWidth(210);
    // Docks do not pass height-for-width down: reserve the wrapped legend's height.
    legend->setMinimumHeight(legend->heightForWidth(m_side->maximumWidth()));
    m_body = new QBoxLayout(QBoxLayout::LeftToRight);
    m_body->addWidget(m_grid, 1);
    m_body->addWidget(m_side);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(m_body, 1);

    setTabOrder(m_circuit, m_method);
    setTabOrder(m_method, m_applyAll);
    setTabOrder(m_applyAll, m_grid);
    setTabOrder(m_grid, m_clear);

    connect(m_grid, &FreezeGrid::cellActivated, this, [this](int layer, int head) {
        m_document->selectHead(layer, head);
        toggle(layer, head, circuit());
    });
    connect(m_grid, &FreezeGrid::focusCellChanged, this, [this](int layer, int head) { m_document->selectHead(layer, head); });
    connect(m_grid, &FreezeGrid::cellContextMenu, this, &FreezingPanel::showCellMenu);
    connect(m_clear, &QPushButton::clicked, this, &FreezingPanel::clearAll);
    connect(m_applyAll, &QPushButton::clicked, this, [this] { applyMethodToAll(defaultMethod()); });
    connect(m_document, &WorkbenchDocument::modelChanged, this, &FreezingPanel::refresh);
    connect(m_document, &WorkbenchDocument::freezeSetChanged, this, &FreezingPanel::refresh);
    connect(m_document, &WorkbenchDocument::selectedHeadChanged, this, [this](int layer, int head) {
        m_grid->setSelectedHead(layer, head);
        if (layer >= 0 && head >= 0)
            m_grid->setFocusCell(layer, head);
    });
    refresh();
}

FreezeCircuit FreezingPanel::circuit() const
{
    return FreezeCircuit(m_circuit->currentData().toInt());
}

void FreezingPanel::setCircuit(FreezeCircuit circuit)
{
    m_circuit->setCurrentIndex(m_circuit->findData(int(circuit)));
}

FreezeMethod FreezingPanel::defaultMethod() const
{
    return FreezeMethod(m_method->currentData().toInt());
}

void FreezingPanel::setDefaultMethod(FreezeMethod method)
{
    m_method->setCurrentIndex(m_method->findData(int(method)));
}

void FreezingPanel::toggle(int layer, int head, FreezeCircuit circuit)
{
    const auto model = m_document->model();
    if (!model || layer < 0 || head < 0 || layer >= model->structure.numLayers || head >= model->structure.numHeads)
        return;
    FreezeEntry entry;
    entry.layer = layer;
    entry.head = head;
    entry.circuit = circuit;
    entry.method = defaultMethod();
    m_document->undoStack()->push(new ToggleFreezeCommand(m_document, entry));
}

void FreezingPanel::clearAll()
{
    if (!m_document->freezeSet().empty())
        m_document->undoStack()->push(new ClearFreezesCommand(m_document));
}

void FreezingPanel::setEntryMethod(int layer, int head, FreezeCircuit circuit, FreezeMethod method)
{
    auto *command = new SetFreezeMethodCommand(m_document, SetFreezeMethodCommand::Target{layer, head, circuit}, method);
    if (command->changesAnything())
        m_document->undoStack()->push(command);
    else
        delete command;
}

void FreezingPanel::applyMethodToAll(FreezeMethod method)
{
    auto *command = new SetFreezeMethodCommand(m_document, std::nullopt, method);
    if (command->changesAnything())
        m_document->undoStack()->push(command);
    else
        delete command;
}

QString FreezingPanel::summaryText() const
{
    const FreezeSet &set = m_document->freezeSet();
    QSet<QPair<int, int>> heads;
    for (const FreezeEntry &e : set.entries)
        heads.insert({e.layer, e.head});
    const int n = int(heads.size());
    const int entries = int(set.entries.size());
    if (n == 0)
        return tr("No heads frozen");
    QString text = n == 1 ? tr("1 head frozen") : tr("%1 heads frozen").arg(n);
    if (entries != n)
        text += QLatin1Char(' ') + tr("(%1 circuits)").arg(entries);
    return text;
}

void FreezingPanel::refresh()
{
    const auto model = m_document->model();
    const int layers = model ? model->structure.numLayers : 0;
    const int heads = model ? model->structure.numHeads : 0;
    if (layers != m_grid->layers() || heads != m_grid->heads()) {
        m_grid->setShape(layers, heads);
        // Wide grids (many heads) need the dock's width: the notes then go below.
        const bool beside = heads <= 16;
        m_body->setDirection(beside ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom);
        m_side->setMaximumWidth(beside ? 210 : QWIDGETSIZE_MAX);
    }
    m_grid->setFreezeSet(m_document->freezeSet());
    m_grid->setSelectedHead(m_document->selectedLayer(), m_document->selectedHead());
    m_summary->setText(summaryText());
    const bool empty = m_document->freezeSet().empty();
    m_clear->setEnabled(!empty);
    m_clear->setToolTip(empty ? tr("Nothing is frozen.") : tr("Unfreeze every head (one undo step)."));
    m_applyAll->setEnabled(!empty);
    m_circuit->setEnabled(model != nullptr);
    m_method->setEnabled(model != nullptr);
    m_grid->setEnabled(model != nullptr);
}

void FreezingPanel::showCellMenu(int layer, int head, const QPoint &globalPos)
{
    if (!m_document->model())
        return;
    QMenu menu(this);
    for (FreezeCircuit c : kCircuits) {
        const bool frozen = m_document->freezeSet().contains(layer, head, c);
        QAction *toggleAction = menu.addAction(frozen ? tr("Unfreeze %1 %2").arg(headLabel(layer, head), freezeCircuitLabel(c))
                                                      : tr("Freeze %1 %2").arg(headLabel(layer, head), freezeCircuitLabel(c)));
        connect(toggleAction, &QAction::triggered, this, [this, layer, head, c] { toggle(layer, head, c); });
    }
    for (const FreezeEntry &e : m_document->freezeSet().entries) {
        if (e.layer != layer || e.head != head)
            continue;
        QMenu *sub = menu.addMenu(tr("Method of %1 %2").arg(headLabel(layer, head), freezeCircuitLabel(e.circuit)));
        for (FreezeMethod m : kMethods) {
            QAction *a = sub->addAction(freezeMethodLabel(m));
            a->setCheckable(true);
            a->setChecked(e.method == m);
            const FreezeCircuit c = e.circuit;
            connect(a, &QAction::triggered, this, [this, layer, head, c, m] { setEntryMethod(layer, head, c, m); });
        }
    }
    menu.exec(globalPos);
}

} // namespace qkov
