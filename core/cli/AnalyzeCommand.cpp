// qkov analyze MODEL --task-a NAME=FILE --task-b NAME=FILE --out SESSION.qkov [options] [--json]
#include "../Error.h"
#include "../pipeline/AnalysisPipeline.h"
#include "../session/SessionFile.h"
#include "../session/SessionSummary.h"
#include "Command.h"
#include "CommandSupport.h"
#include "FigureHook.h"
#include "ProgressPrinter.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSaveFile>

namespace qkov::cli {

namespace {

// NAME=FILE, or just FILE (the name is then the file's base name).
TaskSpec parseTask(const QString &value, const QString &flag)
{
    TaskSpec spec;
    const qsizetype eq = value.indexOf(QLatin1Char('='));
    if (eq > 0 && !QFileInfo::exists(value)) {
        spec.name = value.left(eq);
        spec.path = value.mid(eq + 1);
    } else {
        spec.path = value;
        spec.name = QFileInfo(value).completeBaseName();
    }
    if (spec.path.isEmpty())
        throw Error(flag, tr("expected NAME=FILE, got '%1'").arg(value));
    return spec;
}

int parseInt(const QString &value, const QString &flag)
{
    bool ok = false;
    const int v = value.toInt(&ok);
    if (!ok)
        throw Error(flag, tr("expected an integer, got '%1'").arg(value));
    return v;
}

double parseDouble(const QString &value, const QString &flag)
{
    bool ok = false;
    const double v = value.toDouble(&ok);
    if (!ok)
        throw Error(flag, tr("expected a number, got '%1'").arg(value));
    return v;
}

QString csvField(QString text)
{
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n')))
        return QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return text;
}

void writeConflictsCsv(const AnalysisResult &r, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        throw Error(path, tr("cannot write the file: %1").arg(file.errorString()));
    QTextStream out(&file);
    out << "rank,block,layer,head,sample_a,text_a,sample_b,text_b,score,p,q,flagged\n";
    int rank = 0;
    for (const ConflictEntry &c : r.topConflicts) {
        const BlockResult &b = r.blocks[size_t(AnalysisResult::blockIndex(c.block))];
        const size_t cell = size_t(c.layer) * size_t(r.heads) + size_t(c.head);
        out << ++rank << ',' << c.block << ',' << c.layer << ',' << c.head << ',' << csvField(r.taskA.sampleIds.value(c.sampleA))
            << ',' << csvField(r.taskA.previews.value(c.sampleA)) << ',' << csvField(r.taskB.sampleIds.value(c.sampleB)) << ','
            << csvField(r.taskB.previews.value(c.sampleB)) << ',' << QString::number(c.score, 'g', 9) << ','
            << QString::number(b.pvalue[cell], 'g', 6) << ',' << QString::number(b.qvalue[cell], 'g', 6) << ','
            << (b.flagged[cell] ? "true" : "false") << "\n";
    }
    out.flush();
    if (!file.commit())
        throw Error(path, tr("could not write the file: %1").arg(file.errorString()));
}

struct Options
{
    QCommandLineOption taskA{QStringLiteral("task-a"), tr("Task A dataset (.txt, .jsonl, .csv)."), tr("NAME=FILE")};
    QCommandLineOption taskB{QStringLiteral("task-b"), tr("Task B dataset."), tr("NAME=FILE")};
    QCommandLineOption out{QStringLiteral("out"), tr("Session file to write."), tr("SESSION.qkov")};
    QCommandLineOption maxLength{QStringLiteral("max-length"), tr("Tokens per sample after truncation."), tr("N"), QStringLiteral("128")};
    QCommandLineOption maxSamples{QStringLiteral("max-samples"), tr("Samples per task (0 = all)."), tr("N"), QStringLiteral("0")};
    QCommandLineOption batchSize{QStringLiteral("batch-size"), tr("Samples per forward/backward pass."), tr("N"), QStringLiteral("8")};
    QCommandLineOption fisher{QStringLiteral("fisher"), tr("Fisher estimate: mean or ema."), tr("MODE"), QStringLiteral("mean")};
    QCommandLineOption beta{QStringLiteral("beta"), tr("EMA decay (with --fisher ema)."), tr("B"), QStringLiteral("0.99")};
    QCommandLineOption fisherRef{QStringLiteral("fisher-ref"), tr("Fisher reference set: pooled or a."), tr("SET"), QStringLiteral("pooled")};
    QCommandLineOption epsilon{QStringLiteral("epsilon"), tr("Floor of the Fisher diagonal."), tr("E"), QStringLiteral("1e-30")};
    QCommandLineOption ridgeRel{QStringLiteral("ridge-rel"), tr("Ridge relative to the block's mean Fisher."), tr("R"), QStringLiteral("0.001")};
    QCommandLineOption ridgeAbs{QStringLiteral("ridge-abs"), tr("Absolute ridge."), tr("R"), QStringLiteral("0")};
    QCommandLineOption variant{QStringLiteral("variant"), tr("Score variant: abs, signed or symmetric."), tr("V"), QStringLiteral("abs")};
    QCommandLineOption permutations{QStringLiteral("permutations"), tr("Permutations of the task labels (0 = no p-values)."), tr("N"), QStringLiteral("1000")};
    QCommandLineOption bootstrap{QStringLiteral("bootstrap"), tr("Bootstrap resamples for the CI."), tr("N"), QStringLiteral("1000")};
    QCommandLineOption alpha{QStringLiteral("alpha"), tr("FDR level for flags."), tr("A"), QStringLiteral("0.05")};
    QCommandLineOption minEffect{QStringLiteral("min-effect"), tr("Minimum |z| for flags."), tr("Z"), QStringLiteral("0.2")};
    QCommandLineOption fdrFamily{QStringLiteral("fdr-family"), tr("BH family: block or all."), tr("F"), QStringLiteral("block")};
    QCommandLineOption seed{QStringLiteral("seed"), tr("Random seed of permutations and bootstrap."), tr("S"), QStringLiteral("0")};
    QCommandLineOption topK{QStringLiteral("top-k"), tr("Top conflicts kept."), tr("K"), QStringLiteral("50")};
    QCommandLineOption threads{QStringLiteral("threads"), tr("Compute threads (0 = all cores)."), tr("N"), QStringLiteral("0")};
    QCommandLineOption memoryBudget{QStringLiteral("memory-budget"), tr("RAM for gradients before spilling to disk."), tr("MB"), QStringLiteral("4096")};
    QCommandLineOption gradientStorage{QStringLiteral("gradient-storage"), tr("Spilled gradients as float32 or bfloat16."), tr("T"), QStringLiteral("float32")};
    QCommandLineOption device{QStringLiteral("device"), tr("Compute device: cpu or cuda:N."), tr("DEVICE"), QStringLiteral("cpu")};
    QCommandLineOption freeze{QStringLiteral("freeze"), tr("Freeze heads during collection, e.g. L3.H5:qk (zero method)."), tr("SPEC")};
    QCommandLineOption csv{QStringLiteral("csv"), tr("Write the top conflicts as CSV."), tr("FILE")};
    QCommandLineOption pdf{QStringLiteral("pdf"), tr("Write one PDF figure per block and the block comparison."), tr("DIR")};
    QCommandLineOption includeBias{QStringLiteral("include-bias"), tr("Include Q/K/V biases (row-sliced like their weights).")};
    QCommandLineOption json{QStringLiteral("json"), tr("Print the JSON summary on stdout.")};
    QCommandLineOption quiet{QStringLiteral("quiet"), tr("No progress on stderr.")};
    QCommandLineOption tokenizer{QStringLiteral("tokenizer"), tr("Tokenizer .bin of a llama2.c checkpoint."), tr("FILE")};

    QList<QCommandLineOption> all() const
    {
        return {taskA, taskB, out, maxLength, maxSamples, batchSize, fisher, beta, fisherRef, epsilon, ridgeRel,
                ridgeAbs, variant, permutations, bootstrap, alpha, minEffect, fdrFamily, seed, topK, threads,
                memoryBudget, gradientStorage, device, freeze, csv, pdf, includeBias, json, quiet, tokenizer};
    }
};

const Options &options()
{
    static const Options o;
    return o;
}

AnalysisSettings settingsFrom(const QCommandLineParser &p)
{
    const Options &o = options();
    AnalysisSettings s;
    s.maxLength = parseInt(p.value(o.maxLength), QStringLiteral("--max-length"));
    s.maxSamples = parseInt(p.value(o.maxSamples), QStringLiteral("--max-samples"));
    s.batchSize = parseInt(p.value(o.batchSize), QStringLiteral("--batch-size"));
    s.fisher = p.value(o.fisher);
    s.beta = parseDouble(p.value(o.beta), QStringLiteral("--beta"));
    s.fisherRef = p.value(o.fisherRef);
    s.epsilon = parseDouble(p.value(o.epsilon), QStringLiteral("--epsilon"));
    s.ridgeRel = parseDouble(p.value(o.ridgeRel), QStringLiteral("--ridge-rel"));
    s.ridgeAbs = parseDouble(p.value(o.ridgeAbs), QStringLiteral("--ridge-abs"));
    s.variant = p.value(o.variant);
    s.permutations = parseInt(p.value(o.permutations), QStringLiteral("--permutations"));
    s.bootstrap = parseInt(p.value(o.bootstrap), QStringLiteral("--bootstrap"));
    s.alpha = parseDouble(p.value(o.alpha), QStringLiteral("--alpha"));
    s.minEffect = parseDouble(p.value(o.minEffect), QStringLiteral("--min-effect"));
    s.fdrFamily = p.value(o.fdrFamily);
    bool ok = false;
    s.seed = p.value(o.seed).toULongLong(&ok);
    if (!ok)
        throw Error(QStringLiteral("--seed"), tr("expected a non-negative integer, got '%1'").arg(p.value(o.seed)));
    s.topK = parseInt(p.value(o.topK), QStringLiteral("--top-k"));
    s.threads = parseThreads(p.value(o.threads));
    s.memoryBudgetMB = parseInt(p.value(o.memoryBudget), QStringLiteral("--memory-budget"));
    s.gradientStorage = p.value(o.gradientStorage);
    s.device = p.value(o.device);
    s.freeze = p.value(o.freeze);
    s.includeBias = p.isSet(o.includeBias);
    s.validate();
    return s;
}

} // namespace

Command analyzeCommand()
{
    Command c;
    c.name = QStringLiteral("analyze");
    c.synopsis = QStringLiteral("analyze MODEL --task-a NAME=FILE --task-b NAME=FILE --out SESSION.qkov");
    c.description = tr("Run the whole QK-OV interference analysis and write a session file.");
    c.configure = [](QCommandLineParser &p) {
        p.addOptions(options().all());
        p.addPositionalArgument(QStringLiteral("MODEL"), tr("A HuggingFace folder or a llama2.c .bin."));
    };
    c.execute = [](const QCommandLineParser &p, Io io) {
        const Options &o = options();
        const QStringList positional = p.positionalArguments();
        if (positional.size() != 1)
            return usageError(io, QStringLiteral("analyze"), positional.isEmpty() ? tr("missing MODEL") : tr("expected one MODEL"));
        for (const QCommandLineOption *required : {&o.taskA, &o.taskB, &o.out})
            if (!p.isSet(*required))
                return usageError(io, QStringLiteral("analyze"), tr("--%1 is required").arg(required->names().front()));
        if (p.isSet(o.pdf) && !figureExporter())
            throw Error(QStringLiteral("--pdf"), tr("this build of qkov has no figure renderer (built without the GUI)"));
        AnalysisRequest request;
        request.modelPath = positional.front();
        request.loadOptions.llama2cTokenizer = p.value(o.tokenizer);
        request.taskA = parseTask(p.value(o.taskA), QStringLiteral("--task-a"));
        request.taskB = parseTask(p.value(o.taskB), QStringLiteral("--task-b"));
        request.settings = settingsFrom(p);
        const QString outPath = p.value(o.out);
        if (QFileInfo(outPath).isDir())
            throw Error(outPath, tr("--out names a folder; give a session file name such as result.qkov"));

        AnalysisResult result;
        {
            ProgressPrinter progress(io.err, p.isSet(o.quiet));
            JobContext job(progress.sink());
            result = runAnalysis(request, &job);
        }
        QElapsedTimer clock;
        clock.start();
        SessionFile::save(result, outPath);
        result.timings.insert(QStringLiteral("save"), clock.nsecsElapsed() / 1e9);
        if (p.isSet(o.csv))
            writeConflictsCsv(result, p.value(o.csv));
        QStringList figures;
        if (p.isSet(o.pdf))
            figures = figureExporter()(result, p.value(o.pdf));
        if (!p.isSet(o.quiet))
            for (const QString &w : std::as_const(result.warnings))
                io.err << tr("warning: %1").arg(w) << "\n";
        if (p.isSet(o.json)) {
            QJsonObject summary = sessionSummaryJson(result);
            summary.insert(QStringLiteral("session"), QFileInfo(outPath).absoluteFilePath());
            if (!figures.isEmpty())
                summary.insert(QStringLiteral("figures"), QJsonArray::fromStringList(figures));
            printJson(io, summary);
        } else {
            writeSessionSummaryText(io.out, result);
            io.out << tr("Session: %1").arg(QFileInfo(outPath).absoluteFilePath()) << "\n";
            for (const QString &f : std::as_const(figures))
                io.out << tr("Figure:  %1").arg(f) << "\n";
            io.out.flush();
        }
        io.err.flush();
        return int(Success);
    };
    return c;
}

} // namespace qkov::cli
