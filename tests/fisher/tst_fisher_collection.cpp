// The collection's write path: gradients formed straight into the store's
// memory (writableRows) give the same bits as gradients written to the spill
// file or converted, for every weight layout, also in memory reused from an
// earlier store; the memory budget covers one
// batch's measured working set and the store together; and a cancel reaches a
// collection within 200 ms even inside one long forward/backward batch.
#include "Error.h"
#include "FisherTestModels.h"
#include "RandomTask.h"
#include "analysis/GradientCollector.h"
#include "analysis/GradientStore.h"
#include "analysis/StoreMemory.h"
#include "data/TaskDataset.h"
#include "engine/CpuMemoryMeter.h"
#include "jobs/JobContext.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <thread>

using namespace qkov;
using namespace qkov::test;

namespace {

std::unique_ptr<TransformerModel> llamaOfLayers(int layers)
{
    TinyLlamaSpec spec;
    spec.layers = layers;
    spec.heads = spec.kvHeads = 8;
    spec.headDim = 32;
    spec.hidden = 256;
    spec.intermediate = 1024;
    spec.vocab = 256;
    ModelConfig config = tinyConfig(spec);
    config.maxPositions = 256;
    EngineOptions options;
    return std::make_unique<TransformerModel>(loadedFrom(config, tinyTensors(spec)), options);
}

} // namespace

class TestFisherCollection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writableRowsAreTheStoresMemory();
    void storeMemoryIsReusedAndReleased();
    void reusedStoreMemoryGivesTheSameGradients();
    void inPlaceMatchesSpilledAndConverted_data();
    void inPlaceMatchesSpilledAndConverted();
    void cpuMemoryMeterCountsTensors();
    void cpuAllocatorReusesLargeBlocks();
    void budgetCoversBatchWorkingSetAndStore();
    void cancelInsideALongBatch();
};

void TestFisherCollection::writableRowsAreTheStoresMemory()
{
    QTemporaryDir dir;
    GradientStoreOptions options;
    options.spillDirectory = dir.path();
    // 6 x 512 x 512 floats = 6 MiB: huge-page memory of its own; the second entry spills.
    options.budgetBytes = qint64(6) << 20;
    GradientStore store({{"a", "big", {512, 512}, 6}, {"a", "spilled", {8}, 6}}, options);
    QVERIFY(!store.isSpilled("a", "big"));
    QVERIFY(store.isSpilled("a", "spilled"));
    at::Tensor rows = store.writableRows("a", "big", 2, 3, at::kFloat);
    QVERIFY(rows.defined());
    QCOMPARE(rows.sizes().vec(), (std::vector<int64_t>{3, 512, 512}));
    QVERIFY(rows.is_contiguous());
    const at::Tensor values = at::randn({3, 512, 512});
    rows.copy_(values);
    store.write("a", "big", 2, rows); // formed in place: nothing to copy
    QVERIFY(store.readRows("a", "big", 2, 3).equal(values));
    // A view handed out keeps the memory alive and is the store's.
    QVERIFY(store.storedRows("a", "big", 2, 3).equal(values));
    QVERIFY(!store.writableRows("a", "spilled", 0, 6, at::kFloat).defined());
    QVERIFY(!store.writableRows("a", "big", 0, 6, at::kDouble).defined());
    QVERIFY(!store.writableRows("a", "big", 4, 3, at::kFloat).defined()); // past the rows
    // Writing the same rows from elsewhere still lands in the store.
    store.write("a", "big", 0, values.narrow(0, 0, 2).to(at::kDouble));
    QVERIFY(store.readRows("a", "big", 0, 2).equal(values.narrow(0, 0, 2)));
    const at::Tensor small = at::randn({6, 8});
    store.write("a", "spilled", 0, small);
    QVERIFY(store.read("a", "spilled").equal(small));
}

void TestFisherCollection::storeMemoryIsReusedAndReleased()
{
    storeMemory::release();
    QCOMPARE(storeMemory::cachedBytes(), qint64(0));
    const std::vector<GradientEntrySpec> specs{{"a", "big", {512, 1024}, 4}, {"a", "small", {8}, 4}};
    const qint64 bigBytes = qint64(4) * 512 * 1024 * 4;
    void *first = nullptr;
    {
        GradientStore store(specs, {});
        at::Tensor rows = store.writableRows("a", "big", 0, 4, at::kFloat);
        first = rows.data_ptr();
        QCOMPARE(reinterpret_cast<uintptr_t>(first) % (uintptr_t(2) << 20), uintptr_t(0)); // on a huge page
        rows.fill_(7.0f);
        QCOMPARE(storeMemory::cachedBytes(), qint64(0));
    }
    // The big entry's map (exactly its bytes) is kept; the small one is malloc's.
    const qint64 cached = storeMemory::cachedBytes();
    QCOMPARE(cached, bigBytes);
    {
        GradientStore store(specs, {});
        at::Tensor rows = store.writableRows("a", "big", 0, 4, at::kFloat);
        QCOMPARE(rows.data_ptr(), first); // the same memory, taken from the cache
        QCOMPARE(storeMemory::cachedBytes(), qint64(0));
        const at::Tensor values = at::randn({4, 512, 1024});
        store.write("a", "big", 0, values);
        QVERIFY(store.read("a", "big").equal(values));
    }
    QCOMPARE(storeMemory::cachedBytes(), cached);
    {
        // Other shapes: the cached map is given back before this store allocates.
        GradientStore store({{"a", "big", {256, 1024}, 4}}, {});
        QCOMPARE(storeMemory::cachedBytes(), qint64(0));
    }
    // Never more than the last store held.
    QVERIFY(storeMemory::cachedBytes() > 0 && storeMemory::cachedBytes() < cached);
    storeMemory::release();
    QCOMPARE(storeMemory::cachedBytes(), qint64(0));
    {
        // A store entirely spilled caches nothing.
        QTemporaryDir dir;
        GradientStoreOptions options;
        options.budgetBytes = 0;
        options.spillDirectory = dir.path();
        GradientStore store(specs, options);
    }
    QCOMPARE(storeMemory::cachedBytes(), qint64(0));
}

void TestFisherCollection::reusedStoreMemoryGivesTheSameGradients()
{
    // Entries of 10 x 256 x 256 floats (2.5 MiB): maps of their own, cached.
    const std::unique_ptr<TransformerModel> model = llamaOfLayers(2);
    const TaskDataset a = randomTask(10, 2, 16, 256, 21), b = randomTask(10, 2, 16, 256, 22);
    const TaskDataset otherA = randomTask(10, 16, 16, 256, 23), otherB = randomTask(10, 16, 16, 256, 24);
    FisherSettings settings;
    settings.batchSize = 4;
    storeMemory::release();
    std::map<QString, at::Tensor> fresh;
    {
        const GradientCollection c = collectGradients(*model, a, b, settings);
        QVERIFY(c.store->spilledBytes() == 0);
        for (const QString &task : {GradientCollection::taskA(), GradientCollection::taskB()})
            for (const CollectedTensor &t : c.tensors)
                fresh[task + " " + t.name] = c.store->read(task, t.name);
    }
    // Fill the cache with other gradients of the same shapes.
    storeMemory::release();
    { const GradientCollection c = collectGradients(*model, otherA, otherB, settings); }
    QVERIFY(storeMemory::cachedBytes() > 0);
    const GradientCollection reused = collectGradients(*model, a, b, settings);
    QCOMPARE(storeMemory::cachedBytes(), qint64(0)); // every cached map taken again
    int compared = 0;
    for (const QString &task : {GradientCollection::taskA(), GradientCollection::taskB()})
        for (const CollectedTensor &t : reused.tensors) {
            const at::Tensor want = fresh.at(task + " " + t.name);
            QVERIFY2(reused.store->read(task, t.name).equal(want), qPrintable(task + " " + t.name));
            ++compared;
        }
    QCOMPARE(compared, int(fresh.size()));
    storeMemory::release();
}

void TestFisherCollection::inPlaceMatchesSpilledAndConverted_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<bool>("bias");
    QTest::newRow("llama") << "llama" << false;
    QTest::newRow("qwen2 qkv bias") << "qwen2" << true;
    QTest::newRow("gpt2 conv1d + bias") << "gpt2" << true;
}

void TestFisherCollection::inPlaceMatchesSpilledAndConverted()
{
    QFETCH(QString, family);
    QFETCH(bool, bias);
    std::unique_ptr<TransformerModel> model;
    int vocab = 0;
    if (family == "gpt2") {
        model = engineFor(tinyGpt2(), at::kFloat);
        vocab = kTinyVocab;
    } else {
        TinyLlamaSpec spec;
        spec.modelType = family;
        spec.qkvBias = bias;
        model = tinyModel(spec, at::kFloat);
        vocab = spec.vocab;
    }
    // Ragged lengths and a last batch of one: padding and partial batches.
    const TaskDataset a = randomTask(7, 2, 12, vocab, 11), b = randomTask(4, 2, 12, vocab, 12);
    QTemporaryDir dir;
    FisherSettings settings;
    settings.batchSize = 3;
    settings.includeBias = bias;
    settings.spillDirectory = dir.path();
    const GradientCollection inRam = collectGradients(*model, a, b, settings);
    settings.memoryBudgetBytes = 0;
    const GradientCollection spilled = collectGradients(*model, a, b, settings);
    // The budget covers one batch's working set, then the store.
    settings.memoryBudgetBytes = inRam.batchWorkingSetBytes + inRam.store->residentBytes() / 2;
    const GradientCollection mixed = collectGradients(*model, a, b, settings);
    settings.memoryBudgetBytes = FisherSettings().memoryBudgetBytes;
    settings.storage = GradientStorage::BFloat16;
    const GradientCollection bf16 = collectGradients(*model, a, b, settings);

    QVERIFY(inRam.store->spilledBytes() == 0 && inRam.store->residentBytes() > 0);
    QVERIFY(spilled.store->residentBytes() == 0);
    QVERIFY(mixed.store->residentBytes() > 0 && mixed.store->spilledBytes() > 0);
    QCOMPARE(int(inRam.tensors.size()), int(spilled.tensors.size()));
    int biasTensors = 0;
    for (const QString &task : {GradientCollection::taskA(), GradientCollection::taskB()}) {
        for (const CollectedTensor &t : inRam.tensors) {
            biasTensors += t.bias ? 1 : 0;
            const at::Tensor want = spilled.store->read(task, t.name);
            QVERIFY2(want.abs().sum().item<double>() > 0, qPrintable(t.name));
            QVERIFY2(inRam.store->read(task, t.name).equal(want), qPrintable(task + " " + t.name));
            QVERIFY2(mixed.store->read(task, t.name).equal(want), qPrintable(task + " " + t.name));
            QVERIFY2(bf16.store->read(task, t.name).equal(want.to(at::kBFloat16).to(at::kFloat)),
                     qPrintable(task + " " + t.name));
        }
    }
    QCOMPARE(biasTensors > 0, bias);
    QVERIFY(inRam.lossesA.equal(spilled.lossesA) && inRam.lossesB.equal(spilled.lossesB));
}

void TestFisherCollection::cpuMemoryMeterCountsTensors()
{
    QVERIFY(cpuMemory::install());
    QVERIFY(cpuMemory::install()); // once per process, idempotent
    const qint64 before = cpuMemory::bytesInUse();
    cpuMemory::resetPeak();
    {
        const at::Tensor big = at::ones({1 << 20}, at::kFloat); // 4 MiB: small pages
        QCOMPARE(cpuMemory::bytesInUse() - before, qint64(4) << 20);
        {
            const at::Tensor bigger = big.to(at::kDouble).repeat({2}); // 8 + 16 MiB: huge pages
            QCOMPARE(cpuMemory::peakBytes() - before, qint64(28) << 20);
            QCOMPARE(bigger.sum().item<double>(), double(2 << 20)); // the memory is usable
        }
        QCOMPARE(cpuMemory::bytesInUse() - before, qint64(4) << 20);
        QCOMPARE(big.sum().item<double>(), double(1 << 20));
    }
    QCOMPARE(cpuMemory::bytesInUse(), before);
    QCOMPARE(cpuMemory::peakBytes() - before, qint64(28) << 20);
    cpuMemory::resetPeak();
    QCOMPARE(cpuMemory::peakBytes(), before);
}

void TestFisherCollection::cpuAllocatorReusesLargeBlocks()
{
    QVERIFY(cpuMemory::install());
    cpuMemory::releaseCache();
    QCOMPARE(cpuMemory::cachedBytes(), qint64(0));
    const qint64 inUse = cpuMemory::bytesInUse();
    const void *first = nullptr;
    {
        const at::Tensor t = at::full({4 << 20}, 3.0f); // 16 MiB
        first = t.data_ptr();
        // A huge-page map of its own, the data after a 64-byte header.
        QCOMPARE(reinterpret_cast<uintptr_t>(first) % (uintptr_t(2) << 20), uintptr_t(64));
    }
    // Freed, kept: one block of 16 MiB + its header, rounded to 2 MB pages.
    QCOMPARE(cpuMemory::cachedBytes(), qint64(18) << 20);
    QCOMPARE(cpuMemory::bytesInUse(), inUse);
    {
        // A tensor of about that size (within a quarter) takes the same block,
        // and reads what it writes (nothing of the old tensor shows through
        // an operation that writes every element).
        const at::Tensor again = at::zeros({(4 << 20) + 1000}, at::kFloat);
        QCOMPARE(again.data_ptr(), first);
        QCOMPARE(cpuMemory::cachedBytes(), qint64(0));
        QCOMPARE(again.sum().item<float>(), 0.0f);
    }
    QCOMPARE(cpuMemory::cachedBytes(), qint64(18) << 20);
    {
        // A much larger tensor finds no block: the cache gives its blocks back
        // first, so resident memory does not grow because of it.
        const at::Tensor large = at::ones({16 << 20}, at::kFloat); // 64 MiB
        QCOMPARE(cpuMemory::cachedBytes(), qint64(0));
        QCOMPARE(large.sum().item<double>(), double(16 << 20));
        // Small tensors never enter the cache.
        { const at::Tensor small = at::ones({1000}); }
        QCOMPARE(cpuMemory::cachedBytes(), qint64(0));
    }
    QCOMPARE(cpuMemory::cachedBytes(), qint64(66) << 20);
    cpuMemory::releaseCache();
    QCOMPARE(cpuMemory::cachedBytes(), qint64(0));
    QCOMPARE(cpuMemory::bytesInUse(), inUse);
}

void TestFisherCollection::budgetCoversBatchWorkingSetAndStore()
{
    // Batches of unequal lengths: the working set measured on the first is
    // scaled to the largest.
    std::unique_ptr<TransformerModel> model = llamaOfLayers(2);
    const TaskDataset a = randomTask(6, 16, 16, 256, 31), b = randomTask(3, 64, 64, 256, 32);
    QTemporaryDir dir;
    FisherSettings settings;
    settings.batchSize = 3;
    settings.spillDirectory = dir.path();
    const GradientCollection all = collectGradients(*model, a, b, settings);
    const qint64 total = all.store->residentBytes();
    QCOMPARE(all.store->spilledBytes(), qint64(0));
    // One batch of 3 x 64 tokens of this model holds its activations (a few
    // MiB: 2 layers x 192 positions x (256 + 1024 + 8 x 64 scores) floats and
    // more), at least those of the 3 x 16 batch it was measured on x 4.
    QVERIFY2(all.batchWorkingSetBytes > qint64(2) << 20, qPrintable(QString::number(all.batchWorkingSetBytes)));

    settings.memoryBudgetBytes = all.batchWorkingSetBytes + total / 3;
    const GradientCollection part = collectGradients(*model, a, b, settings);
    QCOMPARE(part.batchWorkingSetBytes, all.batchWorkingSetBytes);
    QVERIFY(part.store->residentBytes() > 0);
    QVERIFY(part.store->residentBytes() <= total / 3);
    QCOMPARE(part.store->residentBytes() + part.store->spilledBytes(), total);

    // A budget below one batch's working set leaves the store no RAM.
    settings.memoryBudgetBytes = all.batchWorkingSetBytes / 2;
    const GradientCollection none = collectGradients(*model, a, b, settings);
    QCOMPARE(none.store->residentBytes(), qint64(0));
    QCOMPARE(none.store->spilledBytes(), total);
}

void TestFisherCollection::cancelInsideALongBatch()
{
    // One batch of 4 x 256 tokens; layers are added until that batch takes
    // far longer than the 200 ms a cancel may take, so that the cancels
    // below land inside the forward and backward passes of a single batch.
    const TaskDataset a = randomTask(4, 256, 256, 256, 21), b = randomTask(1, 2, 2, 256, 22);
    FisherSettings settings;
    settings.batchSize = 4;
    std::unique_ptr<TransformerModel> model;
    qint64 batchMs = 0;
    for (int layers = 4; layers <= 64 && batchMs < 1000; layers *= 2) {
        model = llamaOfLayers(layers);
        QElapsedTimer timer;
        timer.start();
        collectGradients(*model, a, b, settings);
        batchMs = timer.elapsed();
    }
    QVERIFY2(batchMs >= 1000, qPrintable(QString::number(batchMs)));
    {
        // Warm now (allocator, pages): the cancels are spread over this time.
        QElapsedTimer timer;
        timer.start();
        collectGradients(*model, a, b, settings);
        batchMs = std::min(batchMs, timer.elapsed());
    }

    std::vector<qint64> latencies;
    for (int run = 0; run < 8; ++run) {
        JobContext job;
        bool cancelled = false;
        std::thread worker([&] {
            try {
                collectGradients(*model, a, b, settings, &job);
            } catch (const JobCancelled &) {
                cancelled = true;
            }
        });
        // Spread over the batch: run r lands in the r-th eighth of it.
        const quint32 eighth = quint32(batchMs * 1000 * 9 / 10 / 8);
        QThread::usleep(eighth * quint32(run) + QRandomGenerator::global()->bounded(eighth));
        QElapsedTimer latency;
        latency.start();
        job.requestCancel();
        worker.join();
        if (cancelled)
            latencies.push_back(latency.elapsed());
        QVERIFY2(latency.elapsed() < 200, qPrintable(QStringLiteral("run %1: %2 ms (a batch takes %3 ms)")
                                                         .arg(run).arg(latency.elapsed()).arg(batchMs)));
    }
    qInfo("a batch takes %lld ms; %d of 8 cancels landed inside it, the slowest took %lld ms", batchMs,
          int(latencies.size()), latencies.empty() ? 0LL : *std::max_element(latencies.begin(), latencies.end()));
    QVERIFY(latencies.size() >= 6);
}

QTEST_GUILESS_MAIN(TestFisherCollection)
#include "tst_fisher_collection.moc"
