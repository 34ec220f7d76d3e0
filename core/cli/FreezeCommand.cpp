// qkov freeze MODEL (--freeze SPEC | --sweep qk|ov|head) (--text TEXT | --task FILE) [--json]
#include "../Error.h"
#include "../data/TaskDataset.h"
#include "../engine/ComputeSettings.h"
#include "../engine/TransformerModel.h"
#include "../freeze/FreezeProbe.h"
#include "../freeze/FreezeReference.h"
#include "../jobs/JobContext.h"
#include "../tokenizer/Tokenizer.h"
#include "../pipeline/ModelTokenizer.h"
#include "Command.h"
#include "CommandSupport.h"
#include "ProgressPrinter.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace qkov::cli {

namespace {

int positiveInt(const QString &flag, const QString &value)
{
    bool ok = false;
    const int n = value.toInt(&ok);
    if (!ok || n <= 0)
        throw Error(flag, tr("'%1' is not a positive whole number").arg(value));
    return n;
}

FreezeMethod parseMethod(const QString &value)
{
    for (FreezeMethod m : {FreezeMethod::Zero, FreezeMethod::Mean, FreezeMethod::Noise, FreezeMethod::Resample})
        if (value.compare(freezeMethodName(m), Qt::CaseInsensitive) == 0)
            return m;
    throw Error(QStringLiteral("--method"), tr("'%1' is not zero, mean, noise or resample").arg(value));
}

FreezeCircuit parseCircuit(const QString &value)
{
    for (FreezeCircuit c : {FreezeCircuit::QK, FreezeCircuit::OV, FreezeCircuit::Head})
        if (value.compare(freezeCircuitName(c), Qt::CaseInsensitive) == 0)
            return c;
    throw Error(QStringLiteral("--sweep"), tr("'%1' is not qk, ov or head").arg(value));
}

QJsonArray tokensJson(const std::vector<ProbeToken> &tokens)
{
    QJsonArray list;
    for (const ProbeToken &t : tokens)
        list.append(QJsonObject{{QStringLiteral("id"), qint64(t.id)},
                                {QStringLiteral("token"), t.text},
                                {QStringLiteral("probability"), t.probability}});
    return list;
}

QString tokensText(const std::vector<ProbeToken> &tokens)
{
    QStringList parts;
    for (const ProbeToken &t : tokens)
        parts << QStringLiteral("%1 %2").arg(QString::fromUtf8(QJsonDocument(QJsonArray{t.text}).toJson(QJsonDocument::Compact)).mid(1).chopped(1))
                                        .arg(t.probability, 0, 'f', 3);
    return parts.join(QStringLiteral(", "));
}

void printProbe(Io io, const ProbeResult &r, const FreezeSet &set, const QStringList &sampleIds)
{
    io.out << tr("freeze: %1").arg(set.format()) << "\n\n";
    io.out << tr("sample  tokens  baseline loss  frozen loss  difference") << "\n";
    for (size_t i = 0; i < r.samples.size(); ++i) {
        const ProbeSample &s = r.samples[i];
        io.out << QStringLiteral("%1  %2  %3  %4  %5").arg(sampleIds[int(i)], 6).arg(s.length, 6)
                      .arg(s.baselineLoss, 13, 'f', 4).arg(s.frozenLoss, 11, 'f', 4)
                      .arg(QStringLiteral("%1%2").arg(s.frozenLoss >= s.baselineLoss ? "+" : "").arg(s.frozenLoss - s.baselineLoss, 0, 'f', 4), 10)
               << "\n";
    }
    io.out << tr("mean loss: baseline %1, frozen %2, difference %3%4")
                  .arg(r.baselineMeanLoss, 0, 'f', 4).arg(r.frozenMeanLoss, 0, 'f', 4)
                  .arg(r.meanLossDifference >= 0 ? "+" : "").arg(r.meanLossDifference, 0, 'f', 4)
           << "\n\n" << tr("top next tokens at the last position (token probability):") << "\n";
    for (size_t i = 0; i < r.samples.size(); ++i)
        io.out << tr("  sample %1 baseline: %2").arg(sampleIds[int(i)], tokensText(r.samples[i].baselineTop)) << "\n"
               << tr("  sample %1 frozen:   %2").arg(sampleIds[int(i)], tokensText(r.samples[i].frozenTop)) << "\n";
    io.out << "\n" << tr("attention pattern change per head (mean total variation over query positions):") << "\n     ";
    const int64_t L = r.patternChange.size(0), H = r.patternChange.size(1);
    for (int64_t h = 0; h < H; ++h)
        io.out << QStringLiteral("%1").arg(QStringLiteral("H%1").arg(h), 7);
    io.out << "\n";
    for (int64_t l = 0; l < L; ++l) {
        io.out << QStringLiteral("%1").arg(QStringLiteral("L%1").arg(l), -5);
        for (int64_t h = 0; h < H; ++h)
            io.out << QStringLiteral("%1").arg(r.patternChange[l][h].item<double>(), 7, 'f', 4);
        io.out << "\n";
    }
    io.out.flush();
}

QJsonObject probeJson(const QString &model, const ProbeResult &r, const FreezeSet &set, const QStringList &sampleIds)
{
    QJsonArray samples;
    for (size_t i = 0; i < r.samples.size(); ++i) {
        const ProbeSample &s = r.samples[i];
        samples.append(QJsonObject{{QStringLiteral("id"), sampleIds[int(i)]},
                                   {QStringLiteral("tokens"), qint64(s.length)},
                                   {QStringLiteral("loss_baseline"), s.baselineLoss},
                                   {QStringLiteral("loss_frozen"), s.frozenLoss},
                                   {QStringLiteral("loss_difference"), s.frozenLoss - s.baselineLoss},
                                   {QStringLiteral("top_baseline"), tokensJson(s.baselineTop)},
                                   {QStringLiteral("top_frozen"), tokensJson(s.frozenTop)}});
    }
    QJsonArray change;
    for (int64_t l = 0; l < r.patternChange.size(0); ++l) {
        QJsonArray row;
        for (int64_t h = 0; h < r.patternChange.size(1); ++h)
            row.append(r.patternChange[l][h].item<double>());
        change.append(row);
    }
    return {{QStringLiteral("model"), model},
            {QStringLiteral("freeze"), set.format()},
            {QStringLiteral("sigma"), set.sigma},
            {QStringLiteral("seed"), qint64(set.seed)},
            {QStringLiteral("samples"), samples},
            {QStringLiteral("loss_baseline"), r.baselineMeanLoss},
            {QStringLiteral("loss_frozen"), r.frozenMeanLoss},
            {QStringLiteral("mean_loss_difference"), r.meanLossDifference},
            {QStringLiteral("pattern_change"), change}};
}

void printSweep(Io io, const std::vector<SweepRow> &rows, FreezeCircuit circuit, FreezeMethod method, bool json)
{
    if (json) {
        QJsonArray list;
        for (const SweepRow &r : rows)
            list.append(QJsonObject{{QStringLiteral("layer"), r.layer},
                                    {QStringLiteral("head"), r.head},
                                    {QStringLiteral("circuit"), freezeCircuitName(circuit)},
                                    {QStringLiteral("method"), freezeMethodName(method)},
                                    {QStringLiteral("loss_baseline"), r.baselineLoss},
                                    {QStringLiteral("loss_frozen"), r.frozenLoss},
                                    {QStringLiteral("loss_increase"), r.lossIncrease}});
        io.out << QJsonDocument(list).toJson(QJsonDocument::Indented);
        io.out.flush();
        return;
    }
    io.out << tr("each head's %1 circuit frozen alone (%2), by loss increase:")
                  .arg(freezeCircuitName(circuit), freezeMethodName(method)) << "\n"
           << tr("  head   baseline loss  frozen loss  increase") << "\n";
    for (const SweepRow &r : rows)
        io.out << QStringLiteral("%1  %2  %3  %4").arg(QStringLiteral("L%1.H%2").arg(r.layer).arg(r.head), 6)
                      .arg(r.baselineLoss, 14, 'f', 4).arg(r.frozenLoss, 11, 'f', 4)
                      .arg(r.lossIncrease, 9, 'f', 4) << "\n";
    io.out.flush();
}

} // namespace

Command freezeCommand()
{
    static const QCommandLineOption freeze(QStringLiteral("freeze"), tr("Heads to freeze: comma-separated L<layer>.H<head>:<qk|ov|head>[:<zero|mean|noise|resample>][:stopgrad], 0-based."), tr("SPEC"));
    static const QCommandLineOption sweep(QStringLiteral("sweep"), tr("Freeze each head's qk, ov or whole head alone in turn and list them by loss increase."), tr("CIRCUIT"));
    static const QCommandLineOption method(QStringLiteral("method"), tr("Method of --sweep: zero, mean, noise or resample."), tr("METHOD"), QStringLiteral("zero"));
    static const QCommandLineOption text(QStringLiteral("text"), tr("A prompt to probe (special tokens included)."), tr("TEXT"));
    static const QCommandLineOption task(QStringLiteral("task"), tr("A task dataset (txt, jsonl, csv) to probe."), tr("FILE"));
    static const QCommandLineOption reference(QStringLiteral("reference"), tr("Reference dataset for mean, noise and resample (default: the probed samples)."), tr("FILE"));
    static const QCommandLineOption sigma(QStringLiteral("sigma"), tr("Noise scale: N(0, sigma^2 var)."), tr("S"), QStringLiteral("1.0"));
    static const QCommandLineOption seed(QStringLiteral("seed"), tr("Seed of noise and resampling."), tr("N"), QStringLiteral("0"));
    static const QCommandLineOption maxLength(QStringLiteral("max-length"), tr("Tokens per dataset sample."), tr("N"), QStringLiteral("128"));
    static const QCommandLineOption maxSamples(QStringLiteral("max-samples"), tr("Samples read per dataset."), tr("N"), QStringLiteral("64"));
    static const QCommandLineOption json(QStringLiteral("json"), tr("Print one JSON document (a list with --sweep)."));
    static const QCommandLineOption quiet(QStringLiteral("quiet"), tr("No progress on stderr."));
    static const QCommandLineOption tokenizer(QStringLiteral("tokenizer"), tr("Tokenizer .bin of a llama2.c checkpoint."), tr("FILE"));
    static const QCommandLineOption threads(QStringLiteral("threads"), tr("Compute threads (0 = all cores)."), tr("N"), QStringLiteral("0"));
    static const QCommandLineOption device(QStringLiteral("device"), tr("Compute device: cpu or cuda:N."), tr("DEVICE"), QStringLiteral("cpu"));
    Command c;
    c.name = QStringLiteral("freeze");
    c.synopsis = QStringLiteral("freeze MODEL (--freeze SPEC | --sweep qk|ov|head) (--text TEXT | --task FILE) [--json]");
    c.description = tr("Freeze head circuits and compare loss, next tokens and patterns with the baseline.");
    c.configure = [](QCommandLineParser &p) {
        p.addOptions({freeze, sweep, method, text, task, reference, sigma, seed, maxLength, maxSamples, json, quiet,
                      tokenizer, threads, device});
        p.addPositionalArgument(QStringLiteral("MODEL"), tr("A HuggingFace folder or a llama2.c .bin."));
    };
    c.execute = [](const QCommandLineParser &p, Io io) {
        const QStringList positional = p.positionalArguments();
        if (positional.size() != 1)
            return usageError(io, QStringLiteral("freeze"), positional.isEmpty() ? tr("missing MODEL") : tr("expected one MODEL"));
        if (p.isSet(text) == p.isSet(task))
            return usageError(io, QStringLiteral("freeze"), tr("give exactly one of --text and --task"));
        if (p.isSet(freeze) == p.isSet(sweep))
            return usageError(io, QStringLiteral("freeze"), tr("give exactly one of --freeze and --sweep"));
        FreezeSet set = p.isSet(freeze) ? FreezeSet::parse(p.value(freeze)) : FreezeSet();
        const FreezeCircuit sweepCircuit = p.isSet(sweep) ? parseCircuit(p.value(sweep)) : FreezeCircuit::QK;
        const FreezeMethod sweepMethod = parseMethod(p.value(method));
        bool ok = false;
        set.sigma = p.value(sigma).toDouble(&ok);
        if (!ok || !(set.sigma >= 0) || set.sigma > 1e6)
            throw Error(QStringLiteral("--sigma"), tr("'%1' is not a non-negative number").arg(p.value(sigma)));
        set.seed = p.value(seed).toULongLong(&ok);
        if (!ok)
            throw Error(QStringLiteral("--seed"), tr("'%1' is not a non-negative whole number").arg(p.value(seed)));
        DatasetOptions datasetOptions;
        datasetOptions.maxLength = positiveInt(QStringLiteral("--max-length"), p.value(maxLength));
        datasetOptions.maxSamples = positiveInt(QStringLiteral("--max-samples"), p.value(maxSamples));
        ComputeSettings compute;
        compute.threads = parseThreads(p.value(threads));
        compute.device = p.value(device);
        compute.apply();

        LoadOptions loadOptions;
        loadOptions.llama2cTokenizer = p.value(tokenizer);
        const LoadedModel loaded = loadModel(positional.front(), loadOptions);
        const std::unique_ptr<Tokenizer> tok = tokenizerFor(loaded);
        EngineOptions engineOptions;
        engineOptions.device = compute.parsedDevice();
        const TransformerModel model(loaded, engineOptions);
        set.validate(model.numLayers(), model.numHeads());

        FreezeProbe probe(model, tok.get());
        QStringList sampleIds;
        if (p.isSet(text)) {
            probe.setText(p.value(text));
            sampleIds << QStringLiteral("0");
        } else {
            const TaskDataset dataset = loadTaskDataset(p.value(task), *tok, datasetOptions);
            probe.setSequences(referenceSequences({&dataset}));
            for (const TaskSample &s : dataset.samples)
                sampleIds << s.id;
        }
        ProgressPrinter progress(io.err, p.isSet(quiet));
        JobContext job(progress.sink());
        std::shared_ptr<const FreezeReference> ref;
        const bool needsReference = p.isSet(sweep) ? sweepMethod != FreezeMethod::Zero : set.needsReference();
        if (needsReference) {
            std::vector<std::vector<int>> sequences = probe.sequences();
            if (p.isSet(reference)) {
                const TaskDataset dataset = loadTaskDataset(p.value(reference), *tok, datasetOptions);
                sequences = referenceSequences({&dataset});
            }
            auto uses = [&](FreezeMethod m) { return p.isSet(sweep) ? sweepMethod == m : set.usesMethod(m); };
            // One sample as its own reference: its mean is itself, and there
            // is no other sample to resample from.
            if (uses(FreezeMethod::Resample) && sequences.size() < 2)
                throw Error(p.isSet(reference) ? QStringLiteral("--reference") : QStringLiteral("--freeze"),
                            tr("resample needs two or more reference samples: give --reference FILE or --task FILE"));
            if (uses(FreezeMethod::Mean) && sequences.size() < 2 && !p.isSet(reference))
                throw Error(QStringLiteral("--freeze"),
                            tr("the mean over the probed prompt alone is the prompt itself: give --reference FILE"));
            ref = FreezeReference::compute(model, sequences, {}, &job);
        }
        if (p.isSet(sweep)) {
            const std::vector<SweepRow> rows = probe.sweep(sweepCircuit, sweepMethod, ref.get(), &job, set);
            printSweep(io, rows, sweepCircuit, sweepMethod, p.isSet(json));
            return int(Success);
        }
        const ProbeResult result = probe.run(set, ref.get(), &job);
        if (p.isSet(json))
            printJson(io, probeJson(positional.front(), result, set, sampleIds));
        else
            printProbe(io, result, set, sampleIds);
        return int(Success);
    };
    return c;
}

} // namespace qkov::cli
