// qkov logits MODEL (--text TEXT | --tokens "1 403 407") [--json]
#include "../Error.h"
#include "../engine/ComputeSettings.h"
#include "../engine/TransformerModel.h"
#include "../freeze/FreezeInterventions.h"
#include "../freeze/FreezeReference.h"
#include "../tokenizer/Tokenizer.h"
#include "../pipeline/ModelTokenizer.h"
#include "Command.h"
#include "CommandSupport.h"
#include "Translate.h"

#include <ATen/ATen.h>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

namespace qkov::cli {

namespace {

std::vector<int64_t> parseTokens(const QString &text)
{
    std::vector<int64_t> ids;
    for (const QString &part : text.split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong id = part.toLongLong(&ok);
        if (!ok || id < 0)
            throw Error(QStringLiteral("--tokens"), tr("'%1' is not a token id").arg(part));
        ids.push_back(id);
    }
    if (ids.empty())
        throw Error(QStringLiteral("--tokens"), tr("no token ids given"));
    return ids;
}

} // namespace

Command logitsCommand()
{
    static const QCommandLineOption text(QStringLiteral("text"), tr("Text to run (tokenized with the model's tokenizer, special tokens included)."), tr("TEXT"));
    static const QCommandLineOption tokens(QStringLiteral("tokens"), tr("Token ids to run, e.g. \"1 403 407\"."), tr("IDS"));
    static const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON: {\"tokens\": [...], \"logits\": [[...] per position]}."));
    static const QCommandLineOption tokenizer(QStringLiteral("tokenizer"), tr("Tokenizer .bin of a llama2.c checkpoint."), tr("FILE"));
    static const QCommandLineOption threads(QStringLiteral("threads"), tr("Compute threads (0 = all cores)."), tr("N"), QStringLiteral("0"));
    static const QCommandLineOption device(QStringLiteral("device"), tr("Compute device: cpu or cuda:N."), tr("DEVICE"), QStringLiteral("cpu"));
    static const QCommandLineOption freeze(QStringLiteral("freeze"), tr("Freeze heads first (see qkov freeze); mean, noise and resample use the input as reference."), tr("SPEC"));
    Command c;
    c.name = QStringLiteral("logits");
    c.synopsis = QStringLiteral("logits MODEL (--text TEXT | --tokens IDS) [--json]");
    c.description = tr("Run the forward pass and print the logits.");
    c.configure = [](QCommandLineParser &p) {
        p.addOptions({text, tokens, json, tokenizer, threads, device, freeze});
        p.addPositionalArgument(QStringLiteral("MODEL"), tr("A HuggingFace folder or a llama2.c .bin."));
    };
    c.execute = [](const QCommandLineParser &p, Io io) {
        const QStringList positional = p.positionalArguments();
        if (positional.size() != 1)
            return usageError(io, QStringLiteral("logits"), positional.isEmpty() ? tr("missing MODEL") : tr("expected one MODEL"));
        if (p.isSet(text) == p.isSet(tokens))
            return usageError(io, QStringLiteral("logits"), tr("give exactly one of --text and --tokens"));
        ComputeSettings compute;
        compute.threads = parseThreads(p.value(threads));
        compute.device = p.value(device);
        compute.apply();

        LoadOptions loadOptions;
        loadOptions.llama2cTokenizer = p.value(tokenizer);
        const LoadedModel loaded = loadModel(positional.front(), loadOptions);
        std::unique_ptr<Tokenizer> tok;
        std::vector<int64_t> ids;
        if (p.isSet(text)) {
            tok = tokenizerFor(loaded);
            for (int id : tok->encode(p.value(text), true))
                ids.push_back(id);
            if (ids.empty())
                throw Error(QStringLiteral("--text"), tr("the text gives no tokens"));
        } else {
            ids = parseTokens(p.value(tokens));
        }
        EngineOptions engineOptions;
        engineOptions.device = compute.parsedDevice();
        const TransformerModel model(loaded, engineOptions);
        at::NoGradGuard noGrad;
        const at::Tensor input = at::tensor(at::ArrayRef<int64_t>(ids), at::kLong).unsqueeze(0).to(engineOptions.device);
        ForwardOptions forwardOptions;
        if (p.isSet(freeze)) {
            const FreezeSet set = FreezeSet::parse(p.value(freeze), model.numLayers(), model.numHeads());
            // The input is the only reference here: its own mean is itself.
            if (set.usesMethod(FreezeMethod::Resample) || set.usesMethod(FreezeMethod::Mean))
                throw Error(QStringLiteral("--freeze"), tr("mean and resample need a reference dataset; use qkov freeze with --reference"));
            std::shared_ptr<const FreezeReference> reference;
            if (set.needsReference())
                reference = FreezeReference::compute(model, {std::vector<int>(ids.begin(), ids.end())});
            forwardOptions.interventions = freezeInterventions(set, model, reference.get(), {1, int64_t(ids.size()), 0});
        }
        const at::Tensor logits = model.forward(input, {}, forwardOptions).squeeze(0).to(at::kCPU, at::kFloat).contiguous();
        const int64_t positions = logits.size(0), vocab = logits.size(1);
        const float *values = logits.data_ptr<float>();
        if (p.isSet(json)) {
            QJsonArray tokenArray, rows;
            for (int64_t id : ids)
                tokenArray.append(qint64(id));
            for (int64_t t = 0; t < positions; ++t) {
                QJsonArray row;
                for (int64_t v = 0; v < vocab; ++v)
                    row.append(double(values[t * vocab + v]));
                rows.append(row);
            }
            printJson(io, QJsonObject{{QStringLiteral("tokens"), tokenArray}, {QStringLiteral("logits"), rows}});
            return int(Success);
        }
        if (!tok && !loaded.tokenizerPath.isEmpty())
            tok = tokenizerFor(loaded);
        auto name = [&](int64_t id) { return tok ? tok->tokenString(int(id)) : QString::number(id); };
        io.out << tr("position  token  ->  top next tokens (logit)") << "\n";
        for (int64_t t = 0; t < positions; ++t) {
            const auto top = logits[t].topk(std::min<int64_t>(5, vocab));
            const at::Tensor topValues = std::get<0>(top), topIds = std::get<1>(top);
            QStringList best;
            for (int64_t k = 0; k < topIds.size(0); ++k)
                best << QStringLiteral("%1 (%2)").arg(name(topIds[k].item<int64_t>())).arg(topValues[k].item<float>(), 0, 'f', 3);
            io.out << QStringLiteral("%1  %2  ->  %3").arg(t, 8).arg(name(ids[size_t(t)]), 5).arg(best.join(QStringLiteral(", "))) << "\n";
        }
        io.out.flush();
        return int(Success);
    };
    return c;
}

} // namespace qkov::cli
