#include "ModelOverview.h"

#include "HeadGroupsView.h"

#include "model/ModelLoader.h"

#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QVBoxLayout>

namespace qkov {

namespace {

QString kindName(CheckpointKind kind)
{
    switch (kind) {
    case CheckpointKind::HuggingFaceFolder: return ModelOverview::tr("HuggingFace folder");
    case CheckpointKind::SafeTensorsFile: return ModelOverview::tr("safetensors file");
    case CheckpointKind::Llama2c: return ModelOverview::tr("llama2.c checkpoint (imported to HF layout)");
    }
    return {};
}

QString row(const QString &key, const QString &value)
{
    return QStringLiteral("<tr><td style='padding-right:18px'><b>%1</b></td><td>%2</td></tr>").arg(key.toHtmlEscaped(), value.toHtmlEscaped());
}

} // namespace

ModelOverview::ModelOverview(QWidget *parent)
    : QWidget(parent), m_label(new QLabel(this)), m_gridTitle(new QLabel(this)), m_grid(new HeadGroupsView(this))
{
    m_label->setTextFormat(Qt::RichText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_label->setWordWrap(true);
    QFont bold = m_gridTitle->font();
    bold.setBold(true);
    m_gridTitle->setFont(bold);
    auto *content = new QWidget(this);
    // The margins are the layout's: a selectable QLabel loses its own
    // contents margins when a layout takes it.
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(24, 24, 24, 24);
    column->setSpacing(8);
    column->addWidget(m_label);
    column->addSpacing(8);
    column->addWidget(m_gridTitle);
    column->addWidget(m_grid, 1);
    column->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
}

void ModelOverview::showModel(const LoadedModel &model)
{
    const ModelStructure &s = model.structure;
    const QLocale locale;
    QString html = QStringLiteral("<h2>%1</h2><table>").arg(tr("%1 model").arg(s.architecture).toHtmlEscaped());
    html += row(tr("Path"), model.path);
    html += row(tr("Checkpoint"), kindName(model.kind));
    html += row(tr("Family"), tr("%1 (structure detected from %2)").arg(s.family, detectionName(s.detection)));
    html += row(tr("Layers"), QString::number(s.numLayers));
    html += row(tr("Query heads"), QString::number(s.numHeads));
    html += row(tr("Key/value heads"), s.numKvHeads < s.numHeads
                    ? tr("%1 (grouped-query: %2 query heads share each)").arg(s.numKvHeads).arg(s.numKvHeads ? s.numHeads / s.numKvHeads : 0)
                    : QString::number(s.numKvHeads));
    html += row(tr("Head dim"), s.vHeadDim != s.headDim ? tr("%1 (values %2)").arg(s.headDim).arg(s.vHeadDim) : QString::number(s.headDim));
    html += row(tr("Hidden size"), QString::number(s.hiddenSize));
    html += row(tr("Q/K/V layout"), s.fusedQkv ? tr("fused (%1)").arg(layoutName(s.layers.front().layout)) : tr("split"));
    html += row(tr("Parameters"), tr("%1 (%2)").arg(locale.toString(qlonglong(model.parameterCount)), model.storageDtype));
    if (s.stacks().size() > 1)
        html += row(tr("Stacks"), s.stacks().join(QStringLiteral(", ")));
    html += row(tr("Tokenizer"), model.tokenizerPath.isEmpty() ? tr("none found") : model.tokenizerPath);
    html += QStringLiteral("</table>");
    for (const QString &note : s.notes)
        html += QStringLiteral("<p><b>%1</b> %2</p>").arg(tr("Note:").toHtmlEscaped(), note.toHtmlEscaped());
    m_label->setText(html);
    // The first stack's geometry (every stack of a multi-stack model is listed in the tree).
    m_gridTitle->setText(tr("Attention heads (%1 layers x %2 heads)").arg(s.numLayers).arg(s.numHeads));
    m_grid->setShape(s.numLayers, s.numHeads, s.numKvHeads);
}

QString ModelOverview::text() const
{
    return m_label->text();
}

} // namespace qkov
