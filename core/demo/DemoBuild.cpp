#include "DemoBuild.h"

#include "DemoCircuits.h"
#include "DemoTasks.h"
#include "Error.h"
#include "engine/ComputeSettings.h"
#include "engine/TransformerModel.h"
#include "io/TensorStore.h"
#include "jobs/JobContext.h"
#include "model/ModelLoader.h"
#include "tokenizer/Tokenizer.h"
#include "Translate.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>

namespace qkov::demo {

const QString &taskAName()
{
    static const QString name = QStringLiteral("repeat");
    return name;
}

const QString &taskBName()
{
    static const QString name = QStringLiteral("add");
    return name;
}

DemoRecipe recipeFor(const DemoOptions &options)
{
    if (options.steps < 0 || options.steps > 1000000)
        throw Error(QStringLiteral("steps"), tr("the step count must be between 0 (the full demo) and 1000000."));
    if (options.threads < 1 || options.threads > 1024)
        throw Error(QStringLiteral("--threads"), tr("the demo needs a thread count of at least 1."));
    DemoRecipe r;
    r.steps = options.steps > 0 ? options.steps : r.schedule.steps;
    r.seed = options.seed != 0 ? options.seed : kDemoSeed;
    r.threads = options.threads;
    r.schedule.steps = r.steps;
    r.schedule.seed = r.seed;
    r.architecture.vocabSize = int(vocabulary().size());
    return r;
}

QStringList heldOutRecords(uint64_t seed, bool taskA)
{
    // Its own stream, apart from the training stream and from the other task.
    DemoRandom random(seed ^ (taskA ? 0xa11ce5eedull : 0xb0b5eedull));
    QSet<QString> seen;
    QStringList records;
    while (records.size() < kHeldOutRecords) {
        const QString r = taskA ? repeatedSegmentRecord(random) : additionRecord(random);
        if (!seen.contains(r)) {
            seen.insert(r);
            records << r;
        }
    }
    return records;
}

void writeFileAtomically(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(path, tr("cannot be written: %1").arg(file.errorString()));
}

int currentComputeThreads()
{
    return at::get_num_threads();
}

void applyComputeThreads(int threads)
{
    ComputeSettings settings;
    settings.threads = threads;
    settings.apply();
}

DemoInfo buildDemo(const QString &dir, const DemoRecipe &recipe, JobContext &job)
{
    QElapsedTimer clock;
    clock.start();
    job.setStage(tr("Writing the demo tasks"));
    const QStringList heldA = heldOutRecords(recipe.seed, true);
    const QStringList heldB = heldOutRecords(recipe.seed, false);
    auto path = [&](const char *name) -> QString { return dir + QLatin1Char('/') + QLatin1String(name); };
    writeFileAtomically(path("task_a.txt"), (heldA.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    writeFileAtomically(path("task_b.txt"), (heldB.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    writeFileAtomically(path("tokenizer.json"), tokenizerJson());
    writeFileAtomically(path("tokenizer_config.json"), tokenizerConfigJson());
    writeFileAtomically(path("config.json"),
                        QJsonDocument(recipe.architecture.configJson()).toJson(QJsonDocument::Indented));
    // Training reads its records through the tokenizer it ships, so the
    // weights and the written tokenizer cannot disagree.
    const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::fromFolder(dir);

    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(recipe.seed);
    DemoNetwork network(recipe.architecture, generator);
    const DemoTrainingResult trained = trainDemoNetwork(network, *tokenizer, recipe.schedule, heldA, heldB, job);

    job.setStage(tr("Writing the demo model"));
    SafeTensorsWriter writer;
    writer.setMetadata(QStringLiteral("format"), QStringLiteral("pt"));
    network.addTo(writer);
    writer.write(path("model.safetensors"));

    // The circuits, measured by the engine on the folder as written: this
    // also proves that the folder opens like any other checkpoint.
    job.setStage(tr("Finding the demo's circuits"));
    const LoadedModel loaded = loadModel(dir);
    const TransformerModel model(loaded);
    const CircuitScores circuits = measureCircuits(model, *tokenizer, heldA);

    DemoInfo info;
    info.taskAName = taskAName();
    info.taskBName = taskBName();
    info.taskALoss = trained.lossA;
    info.taskBLoss = trained.lossB;
    info.inductionHeads = circuits.induction.atLeast(kInductionThreshold);
    info.previousTokenHeads = circuits.previousToken.atLeast(kPreviousTokenThreshold);
    info.version = kDemoVersion;
    info.steps = recipe.steps;
    info.seed = recipe.seed;
    info.threads = recipe.threads;
    info.trainingSeconds = clock.elapsed() / 1000.0;
    writeStamp(dir, info); // last: its presence marks a finished folder
    return info;
}

} // namespace qkov::demo
