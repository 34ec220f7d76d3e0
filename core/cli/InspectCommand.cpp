// qkov inspect MODEL [--json]: the detected attention structure.
#include "../model/ModelLoader.h"
#include "Command.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace qkov::cli {

namespace {

QString describeSlice(const BlockSlice &s)
{
    QString where = QStringLiteral("%1 %2 @%3").arg(s.tensor, axisName(s.axis)).arg(s.offset());
    const int64_t stride = s.stride();
    if (stride >= 0 && stride != s.headDim)
        where += QStringLiteral(" stride %1").arg(stride);
    else if (stride < 0)
        where += QStringLiteral(" (grouped starts)");
    return where + QStringLiteral("  %1 x %2").arg(s.heads).arg(s.headDim);
}

void printText(QTextStream &out, const LoadedModel &model)
{
    const ModelStructure &s = model.structure;
    out << tr("Model:        %1").arg(model.path) << "\n"
        << tr("Architecture: %1 (family %2, detected from %3)").arg(s.architecture, s.family, detectionName(s.detection)) << "\n"
        << tr("Layers:       %1").arg(s.numLayers) << "\n"
        << tr("Heads:        %1 query, %2 key/value%3").arg(s.numHeads).arg(s.numKvHeads)
               .arg(s.numKvHeads > 0 && s.numKvHeads < s.numHeads ? tr(" (grouped-query)") : QString()) << "\n"
        << tr("Head dim:     %1 (values %2)").arg(s.headDim).arg(s.vHeadDim) << "\n"
        << tr("Hidden size:  %1").arg(s.hiddenSize) << "\n"
        << tr("QKV layout:   %1").arg(s.fusedQkv ? tr("fused") : tr("split")) << "\n"
        << tr("Parameters:   %1 (%2)").arg(model.parameterCount).arg(model.storageDtype) << "\n";
    for (const QString &note : s.notes)
        out << tr("Note:         %1").arg(note) << "\n";
    for (const AttentionLayer &layer : s.layers) {
        out << "\n" << (layer.stack.isEmpty() ? QString() : layer.stack + QStringLiteral(" "))
            << tr("layer %1  %2  [%3]").arg(layer.index).arg(layer.module, layoutName(layer.layout)) << "\n";
        out << "  Q  " << describeSlice(layer.q) << "\n"
            << "  K  " << describeSlice(layer.k) << "\n"
            << "  V  " << describeSlice(layer.v) << "\n"
            << "  O  " << describeSlice(layer.o) << "\n";
    }
    out.flush();
}

} // namespace

Command inspectCommand()
{
    static const QCommandLineOption json(QStringLiteral("json"), tr("Print one JSON document (CLI.md keys)."));
    static const QCommandLineOption tokenizer(QStringLiteral("tokenizer"),
                                              tr("Tokenizer .bin of a llama2.c checkpoint."), tr("FILE"));
    Command c;
    c.name = QStringLiteral("inspect");
    c.synopsis = QStringLiteral("inspect MODEL [--json]");
    c.description = tr("Show the detected attention structure of a model.");
    c.configure = [](QCommandLineParser &p) {
        p.addOption(json);
        p.addOption(tokenizer);
        p.addPositionalArgument(QStringLiteral("MODEL"),
                                tr("A HuggingFace folder, a .safetensors file or a llama2.c .bin."));
    };
    c.execute = [](const QCommandLineParser &p, Io io) {
        const QStringList positional = p.positionalArguments();
        if (positional.size() != 1)
            return usageError(io, QStringLiteral("inspect"),
                              positional.isEmpty() ? tr("missing MODEL") : tr("expected one MODEL, got %1").arg(positional.size()));
        LoadOptions options;
        options.llama2cTokenizer = p.value(tokenizer);
        const LoadedModel model = loadModel(positional.front(), options);
        if (p.isSet(json)) {
            QJsonObject doc = model.structure.toJson();
            doc.insert(QStringLiteral("model"), model.path);
            doc.insert(QStringLiteral("parameters"), double(model.parameterCount));
            printJson(io, doc);
        } else {
            printText(io.out, model);
        }
        return int(Success);
    };
    return c;
}

} // namespace qkov::cli
