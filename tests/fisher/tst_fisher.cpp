// The gradient store (RAM, spill, bf16, full disk), the Fisher reference
// (mean and ema against a direct computation, pooled vs a, block ridges of
// split and fused tensors, diagnostics) and cancellation of a collection.
#include "Error.h"
#include "FisherTestModels.h"
#include "RandomTask.h"
#include "analysis/FisherReference.h"
#include "analysis/GradientCollector.h"
#include "analysis/PerSampleGradients.h"
#include "data/TaskDataset.h"
#include "jobs/JobContext.h"
#include "model/ModelLoader.h"
#include "tokenizer/Tokenizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/resource.h>
#include <thread>

using namespace qkov;
using namespace qkov::test;

namespace {

const QString kShared = QStringLiteral(QKOV_SHARED_DIR);

QStringList spillFiles()
{
    return QDir(GradientStore::defaultSpillDirectory()).entryList(QDir::Files | QDir::Hidden);
}

double relativeError(const at::Tensor &got, const at::Tensor &want)
{
    const double scale = want.to(at::kDouble).norm().item<double>();
    return (got.to(at::kDouble) - want.to(at::kDouble)).norm().item<double>() / (scale > 0 ? scale : 1.0);
}


// C_i of every sample of a task from single-sample passes (no batching, no
// padding): an independent path to the same numbers.
std::vector<std::map<QString, at::Tensor>> contributions(TransformerModel &model, const TaskDataset &task)
{
    std::vector<std::map<QString, at::Tensor>> out;
    for (const TaskSample &s : task.samples) {
        const auto [ids, mask] = sampleBatch(task.samples, size_t(&s - task.samples.data()), 1);
        std::map<QString, at::Tensor> c;
        for (const PerSampleGradient &g : perSampleGradients(model, ids, mask))
            c[g.tensor] = g.values[0].to(at::kDouble).square();
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace

class TestFisher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void storeKeepsWithinBudgetAndSpills();
    void storeBFloat16();
    void storeFullDiskIsAnError();
    void fisherMeanAndEmaMatchDirect_data();
    void fisherMeanAndEmaMatchDirect();
    void ridgeAndDiagnosticsOfSplitTensors();
    void ridgeOfFusedBlocks_data();
    void ridgeOfFusedBlocks();
    void cancelAtRandomMoments();
    void settingsAreValidated();

private:
    std::unique_ptr<TransformerModel> m_stories;
    TaskDataset m_a, m_b;
};

void TestFisher::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QDir(GradientStore::defaultSpillDirectory()).removeRecursively();
    const QString dir = kShared + "/models/stories260K";
    m_stories = engineFor(loadModel(dir), at::kFloat);
    const auto tokenizer = Tokenizer::fromFolder(dir);
    QTemporaryDir tmp;
    auto write = [&](const QString &name, const QStringList &lines) {
        QFile f(tmp.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(lines.join('\n').toUtf8());
    };
    write("a.txt", {"Once upon a time there was a little girl.", "She liked to play.", "The sun was big and hot.",
                    "Tom had a red ball and a blue car.", "They went to the park together.", "Lily was happy."});
    write("b.txt", {"The dog barked at the cat.", "Mom said no.", "He ate the cake and smiled at his friend.",
                    "It was a cold day.", "The bird flew away."});
    m_a = loadTaskDataset(tmp.filePath("a.txt"), *tokenizer);
    m_b = loadTaskDataset(tmp.filePath("b.txt"), *tokenizer);
    QCOMPARE(m_a.size(), 6);
    QCOMPARE(m_b.size(), 5);
}

void TestFisher::storeKeepsWithinBudgetAndSpills()
{
    QTemporaryDir dir;
    const std::vector<GradientEntrySpec> specs = {
        {"a", "w1", {3, 4}, 5}, {"a", "w2", {6}, 5}, {"b", "w1", {3, 4}, 7}, {"b", "w2", {6}, 7}};
    GradientStoreOptions options;
    options.budgetBytes = 5 * 12 * 4; // exactly the first entry
    options.spillDirectory = dir.path();
    std::map<QString, at::Tensor> data;
    QString spill;
    {
        GradientStore store(specs, options);
        QVERIFY(!store.isSpilled("a", "w1"));
        QVERIFY(store.isSpilled("a", "w2") && store.isSpilled("b", "w1") && store.isSpilled("b", "w2"));
        QCOMPARE(store.residentBytes(), qint64(240));
        QCOMPARE(store.spilledBytes(), qint64((5 * 6 + 7 * 12 + 7 * 6) * 4));
        spill = store.spillPath();
        QVERIFY(QFile::exists(spill));
        for (const GradientEntrySpec &s : specs) {
            std::vector<int64_t> shape{s.rows};
            shape.insert(shape.end(), s.shape.begin(), s.shape.end());
            const at::Tensor values = at::randn(shape, at::kFloat);
            data[s.task + s.tensor] = values;
            // In two pieces, like batches.
            store.write(s.task, s.tensor, 0, values.narrow(0, 0, 2));
            store.write(s.task, s.tensor, 2, values.narrow(0, 2, s.rows - 2).to(at::kDouble));
        }
        for (const GradientEntrySpec &s : specs) {
            QVERIFY(store.read(s.task, s.tensor).equal(data[s.task + s.tensor]));
            QVERIFY(store.readRows(s.task, s.tensor, 1, 3).equal(data[s.task + s.tensor].narrow(0, 1, 3)));
        }
        bool threw = false;
        try {
            store.write("a", "w2", 4, at::zeros({2, 6}));
        } catch (const Error &) {
            threw = true;
        }
        QVERIFY(threw);
    }
    QVERIFY(!QFile::exists(spill));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
    // Within the budget nothing touches the disk.
    options.budgetBytes = qint64(1) << 20;
    GradientStore inRam(specs, options);
    QVERIFY(inRam.spillPath().isEmpty());
}

void TestFisher::storeBFloat16()
{
    QTemporaryDir dir;
    GradientStoreOptions options;
    options.budgetBytes = 0; // everything spilled
    options.storage = GradientStorage::BFloat16;
    options.spillDirectory = dir.path();
    GradientStore store({{"a", "w", {64}, 9}}, options);
    const at::Tensor values = at::randn({9, 64}, at::kFloat) * 1e-3;
    store.write("a", "w", 0, values);
    const at::Tensor back = store.read("a", "w");
    QCOMPARE(back.scalar_type(), at::kFloat);
    QVERIFY(back.equal(values.to(at::kBFloat16).to(at::kFloat)));
    // bf16 keeps 8 significant bits: relative rounding error <= 2^-8.
    QVERIFY(((back - values).abs() <= values.abs() * std::ldexp(1.0, -8)).all().item<bool>());
    QVERIFY(!back.equal(values));
}

void TestFisher::storeFullDiskIsAnError()
{
    // A file size limit stands in for a full disk (it works for root too).
    QTemporaryDir dir;
    struct rlimit saved;
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto previous = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = saved;
    small.rlim_cur = 1 << 20;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    GradientStoreOptions options;
    options.budgetBytes = 0;
    options.spillDirectory = dir.path();
    QString message;
    try {
        GradientStore store({{"a", "w", {1024, 1024}, 4}}, options);
    } catch (const Error &e) {
        message = e.message();
    }
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previous);
    QVERIFY2(message.startsWith(dir.path() + "/qkov-gradients-") && message.contains("cannot reserve"),
             qPrintable(message));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

void TestFisher::fisherMeanAndEmaMatchDirect_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("reference");
    QTest::addColumn<double>("beta");
    QTest::newRow("mean pooled") << int(FisherMode::Mean) << int(FisherReferenceSet::Pooled) << 0.99;
    QTest::newRow("mean a") << int(FisherMode::Mean) << int(FisherReferenceSet::TaskA) << 0.99;
    QTest::newRow("ema pooled") << int(FisherMode::Ema) << int(FisherReferenceSet::Pooled) << 0.99;
    QTest::newRow("ema a beta 0.5") << int(FisherMode::Ema) << int(FisherReferenceSet::TaskA) << 0.5;
}

void TestFisher::fisherMeanAndEmaMatchDirect()
{
    QFETCH(int, mode);
    QFETCH(int, reference);
    QFETCH(double, beta);
    FisherSettings settings;
    settings.mode = FisherMode(mode);
    settings.reference = FisherReferenceSet(reference);
    settings.beta = beta;
    settings.batchSize = 4; // batches of unequal lengths, one short last batch
    // Part in RAM, the rest spilled: the budget covers one batch's working
    // set (measured by a first collection), then 40 KiB of the store.
    settings.memoryBudgetBytes = collectGradients(*m_stories, m_a, m_b, settings).batchWorkingSetBytes + (40 << 10);
    const GradientCollection collection = collectGradients(*m_stories, m_a, m_b, settings);
    QVERIFY(!collection.store->spillPath().isEmpty() && collection.store->residentBytes() > 0);
    QCOMPARE(int(collection.tensors.size()), 4 * m_stories->numLayers());
    const FisherResult result = computeFisherReference(collection, m_stories->structure(), settings);
    QCOMPARE(result.referenceSamples, int64_t(settings.reference == FisherReferenceSet::Pooled ? 11 : 6));
    QCOMPARE(result.warnings.size(), settings.reference == FisherReferenceSet::TaskA
                                         && settings.mode == FisherMode::Mean ? 1 : 0);

    // Collection order: all of A in record order, then (pooled) all of B.
    auto order = contributions(*m_stories, m_a);
    if (settings.reference == FisherReferenceSet::Pooled) {
        auto b = contributions(*m_stories, m_b);
        order.insert(order.end(), b.begin(), b.end());
    }
    for (const CollectedTensor &t : collection.tensors) {
        at::Tensor want = at::zeros_like(order.front().at(t.name));
        if (settings.mode == FisherMode::Mean) {
            for (const auto &c : order)
                want += c.at(t.name);
            want /= double(order.size());
        } else {
            for (const auto &c : order)
                want = beta * want + (1 - beta) * c.at(t.name);
            want /= 1 - std::pow(beta, double(order.size()));
        }
        const double error = relativeError(result.fisher.at(t.name), want);
        QVERIFY2(error < 1e-5, qPrintable(t.name + ": " + QString::number(error)));
    }
}

void TestFisher::ridgeAndDiagnosticsOfSplitTensors()
{
    FisherSettings settings;
    settings.ridgeRel = 0.5; // large, so that the ridge exceeds many entries
    settings.ridgeAbs = 1e-9;
    const GradientCollection collection = collectGradients(*m_stories, m_a, m_b, settings);
    const FisherResult r = computeFisherReference(collection, m_stories->structure(), settings);
    QCOMPARE(r.blocks.size(), collection.tensors.size());
    for (const FisherBlockDiagnostics &d : r.blocks) {
        const at::Tensor I = r.fisher.at(d.tensor).to(at::kDouble);
        const double lambda = 0.5 * I.mean().item<double>() + 1e-9;
        QVERIFY(std::abs(d.lambda - lambda) <= 1e-6 * lambda);
        const at::Tensor want = I.clamp_min(settings.epsilon) + lambda;
        QVERIFY(relativeError(r.regularized.at(d.tensor), want) < 1e-6);
        const at::Tensor sorted = std::get<0>(I.flatten().sort());
        QCOMPARE(d.entries, I.numel());
        QCOMPARE(d.min, sorted[0].item<double>());
        QCOMPARE(d.max, sorted[-1].item<double>());
        QCOMPARE(d.median, sorted[(I.numel() - 1) / 2].item<double>());
        const double share = I.lt(d.lambda).to(at::kDouble).mean().item<double>();
        QCOMPARE(d.ridgeShare, share);
        QVERIFY(share > 0 && share < 1);
        QVERIFY(QStringList({"Q", "K", "V", "O"}).contains(d.block));
        QCOMPARE(d.tensor, QStringLiteral("model.layers.%1.self_attn.%2_proj.weight").arg(d.layer).arg(d.block.toLower()));
    }
    // The relative ridge keeps C / I_reg unchanged under loss rescaling:
    // scaling every C by c scales I, lambda and I_reg by c (eps aside).
    FisherSettings plain;
    std::vector<FisherBlockDiagnostics> unscaled, scaled;
    const at::Tensor I = r.fisher.begin()->second.to(at::kDouble);
    const std::vector<FisherBlockRange> whole(1);
    const at::Tensor a = regularizeFisher(I, whole, plain, &unscaled);
    const at::Tensor b = regularizeFisher(I * 4.0, whole, plain, &scaled);
    QVERIFY(relativeError(b, a * 4.0) < 1e-12);
}

void TestFisher::ridgeOfFusedBlocks_data()
{
    QTest::addColumn<QString>("family");
    QTest::newRow("gpt2 conv1d columns") << "gpt2";
    QTest::newRow("neox interleaved rows") << "neox";
}

void TestFisher::ridgeOfFusedBlocks()
{
    QFETCH(QString, family);
    const LoadedModel loaded = family == "gpt2" ? tinyGpt2() : tinyNeox();
    auto model = engineFor(loaded, at::kFloat);
    FisherSettings settings;
    settings.ridgeRel = 0.1;
    settings.includeBias = true;
    const GradientCollection collection = collectGradients(*model, randomTask(5, 2, 9, kTinyVocab, 1),
                                                           randomTask(4, 2, 9, kTinyVocab, 2), settings);
    const FisherResult r = computeFisherReference(collection, model->structure(), settings);
    const int64_t D = kTinyHidden, d = kTinyHeadDim;
    for (int l = 0; l < kTinyLayers; ++l) {
        const QString fused = family == "gpt2" ? QStringLiteral("h.%1.attn.c_attn.weight").arg(l)
                                               : QStringLiteral("gpt_neox.layers.%1.attention.query_key_value.weight").arg(l);
        const at::Tensor I = r.fisher.at(fused).to(at::kDouble);
        const at::Tensor reg = r.regularized.at(fused).to(at::kDouble);
        for (int block = 0; block < 3; ++block) {
            // The block's own entries, written out from METRIC.md 3.
            std::vector<int64_t> idx;
            for (int64_t h = 0; h < kTinyHeads; ++h)
                for (int64_t i = 0; i < d; ++i)
                    idx.push_back(family == "gpt2" ? block * D + h * d + i : h * 3 * d + block * d + i);
            const at::Tensor index = at::tensor(idx, at::kLong);
            const int64_t dim = family == "gpt2" ? 1 : 0;
            const at::Tensor values = I.index_select(dim, index);
            const double lambda = 0.1 * values.mean().item<double>();
            const at::Tensor want = values.clamp_min(settings.epsilon) + lambda;
            QVERIFY(relativeError(reg.index_select(dim, index), want) < 1e-6);
            const QString name = QString("QKV").mid(block, 1);
            int found = 0;
            for (const FisherBlockDiagnostics &diag : r.blocks)
                if (diag.tensor == fused && diag.block == name && diag.layer == l) {
                    ++found;
                    QVERIFY(std::abs(diag.lambda - lambda) <= 1e-6 * lambda);
                    QCOMPARE(diag.entries, values.numel());
                    QCOMPARE(diag.max, values.max().item<double>());
                }
            QCOMPARE(found, 1);
        }
        // Fused biases are sliced like their weights' head axis.
        const QString bias = QString(fused).replace("weight", "bias");
        QVERIFY(r.fisher.count(bias) == 1);
        int biasBlocks = 0;
        for (const FisherBlockDiagnostics &diag : r.blocks)
            biasBlocks += diag.tensor == bias ? 1 : 0;
        QCOMPARE(biasBlocks, 3);
    }
}

void TestFisher::cancelAtRandomMoments()
{
    FisherSettings settings;
    settings.batchSize = 2;
    settings.memoryBudgetBytes = 0; // everything in the spill file
    TaskDataset bigA = m_a, bigB = m_b;
    for (int i = 0; i < 5; ++i) {
        bigA.samples.insert(bigA.samples.end(), m_a.samples.begin(), m_a.samples.end());
        bigB.samples.insert(bigB.samples.end(), m_b.samples.begin(), m_b.samples.end());
    }
    QElapsedTimer timer;
    timer.start();
    const FisherResult baseline = computeFisherReference(collectGradients(*m_stories, bigA, bigB, settings),
                                                         m_stories->structure(), settings);
    const qint64 fullMs = std::max<qint64>(timer.elapsed(), 5);
    QVERIFY(spillFiles().isEmpty());

    int cancelled = 0;
    for (int run = 0; run < 20; ++run) {
        JobContext job;
        bool wasCancelled = false, finished = false;
        std::thread worker([&] {
            try {
                GradientCollection c = collectGradients(*m_stories, bigA, bigB, settings, &job);
                computeFisherReference(c, m_stories->structure(), settings, &job);
                finished = true;
            } catch (const JobCancelled &) {
                wasCancelled = true;
            }
        });
        QThread::usleep(QRandomGenerator::global()->bounded(quint32(fullMs * 900)));
        QElapsedTimer latency;
        latency.start();
        job.requestCancel();
        worker.join();
        QVERIFY2(latency.elapsed() < 200, qPrintable(QString::number(latency.elapsed())));
        QVERIFY(wasCancelled != finished);
        cancelled += wasCancelled ? 1 : 0;
        QVERIFY2(spillFiles().isEmpty(), qPrintable(spillFiles().join(", ")));
    }
    qInfo("%d of 20 runs cancelled (a full run takes %lld ms)", cancelled, fullMs);
    QVERIFY2(cancelled >= 10, qPrintable(QString::number(cancelled)));
    // The next collection runs normally and gives the same numbers.
    JobContext job;
    const FisherResult again = computeFisherReference(collectGradients(*m_stories, bigA, bigB, settings, &job),
                                                      m_stories->structure(), settings, &job);
    for (const auto &[name, I] : baseline.fisher)
        QVERIFY(again.fisher.at(name).equal(I));
    QVERIFY(spillFiles().isEmpty());
}

void TestFisher::settingsAreValidated()
{
    FisherSettings s;
    s.beta = 1.0;
    try {
        collectGradients(*m_stories, m_a, m_b, s);
        QFAIL("beta = 1 accepted");
    } catch (const Error &e) {
        QCOMPARE(e.where(), QStringLiteral("beta"));
    }
    s = FisherSettings();
    s.batchSize = 0;
    QVERIFY_THROWS_EXCEPTION(Error, collectGradients(*m_stories, m_a, m_b, s));
}

QTEST_GUILESS_MAIN(TestFisher)
#include "tst_fisher.moc"
