// Freeze specifications, the reference activations behind mean / noise /
// resample and their cache, and the probe and sweep on stories260K.
#include "Error.h"
#include "FreezeTestModels.h"
#include "freeze/FreezeInterventions.h"
#include "freeze/FreezeProbe.h"
#include "freeze/FreezeReference.h"
#include "jobs/JobContext.h"
#include "tokenizer/Tokenizer.h"

#include <QtTest>

using namespace qkov;
using namespace qkov::test;

namespace {

double maxAbs(const at::Tensor &a, const at::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

// The exception's message, or "" when `f` does not throw qkov::Error.
template <typename F>
QString errorOf(F f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return QString();
}

const std::vector<std::vector<int>> kReference = {{1, 5, 9, 3, 2, 7}, {4, 4, 7}, {8, 2, 6, 6, 1}, {3, 3}, {9, 1, 2, 5}};

} // namespace

class TestFreezeMethods : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void specsRoundTrip();
    void badSpecsNameTheBadPart_data();
    void badSpecsNameTheBadPart();
    void referenceStatisticsMatchOneBatch();
    void meanReplacesWithReferenceMeans();
    void noiseIsSeededAndScaled();
    void resampleTakesAnotherSamplesVectors();
    void referenceIsRequiredCachedAndCancellable();
    void probeReportsLossTopTokensAndPatternChange();
    void sweepIsSortedAndAgreesWithProbe();

private:
    at::Tensor captured(const QString &spec, AttentionPoint point, const FreezeSet &base = {});

    std::unique_ptr<TransformerModel> m_tiny;
    std::shared_ptr<const FreezeReference> m_reference;
    at::Tensor m_ids, m_mask;
};

void TestFreezeMethods::initTestCase()
{
    EngineOptions options;
    options.dtype = at::kDouble;
    m_tiny = std::make_unique<TransformerModel>(tinyLlamaGqa(), options);
    FreezeReferenceOptions ro;
    ro.batchSize = 2; // several batches: the sums must accumulate across them
    m_reference = FreezeReference::compute(*m_tiny, kReference, ro);
    std::tie(m_ids, m_mask) = randomBatch({8, 5, 8}, 8, m_tiny->vocabSize(), 3);
}

at::Tensor TestFreezeMethods::captured(const QString &spec, AttentionPoint point, const FreezeSet &base)
{
    FreezeSet set = FreezeSet::parse(spec, m_tiny->numLayers(), m_tiny->numHeads());
    set.sigma = base.sigma;
    set.seed = base.seed;
    ForwardOptions options;
    options.interventions = freezeInterventions(set, *m_tiny, m_reference.get(), {m_ids.size(0), m_ids.size(1), 0});
    options.interventions.capture.points = pointBit(point);
    ForwardRecord record;
    m_tiny->forward(m_ids, m_mask, options, &record);
    return record.attention.at(set.entries.front().layer, point).select(1, set.entries.front().head);
}

void TestFreezeMethods::specsRoundTrip()
{
    const FreezeSet set = FreezeSet::parse(QStringLiteral(" L3.H5:qk , l4.h2:OV:mean,L0.H0:head:resample:stopgrad,L1.H7:qk:stopgrad"));
    QCOMPARE(int(set.entries.size()), 4);
    QCOMPARE(set.entries[0].layer, 3);
    QCOMPARE(set.entries[0].head, 5);
    QCOMPARE(set.entries[0].circuit, FreezeCircuit::QK);
    QCOMPARE(set.entries[0].method, FreezeMethod::Zero);
    QCOMPARE(set.entries[1].circuit, FreezeCircuit::OV);
    QCOMPARE(set.entries[1].method, FreezeMethod::Mean);
    QCOMPARE(set.entries[2].circuit, FreezeCircuit::Head);
    QCOMPARE(set.entries[2].method, FreezeMethod::Resample);
    QVERIFY(set.entries[2].stopGradient);
    QVERIFY(set.entries[3].stopGradient);
    QCOMPARE(set.entries[3].method, FreezeMethod::Zero);
    QCOMPARE(set.format(), QStringLiteral("L3.H5:qk:zero,L4.H2:ov:mean,L0.H0:head:resample:stopgrad,L1.H7:qk:zero:stopgrad"));
    QVERIFY(FreezeSet::parse(set.format()).entries == set.entries);
    QVERIFY(set.needsReference());
    QVERIFY(!FreezeSet::parse(QStringLiteral("L0.H0:qk,L0.H0:ov")).needsReference());
}

void TestFreezeMethods::badSpecsNameTheBadPart_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("named");
    QTest::newRow("empty") << QString() << QStringLiteral("empty");
    QTest::newRow("no circuit") << QStringLiteral("L1.H2") << QStringLiteral("'L1.H2'");
    QTest::newRow("no dot") << QStringLiteral("L1H2:qk") << QStringLiteral("'L1H2'");
    QTest::newRow("negative") << QStringLiteral("L-1.H2:qk") << QStringLiteral("'L-1.H2'");
    QTest::newRow("circuit") << QStringLiteral("L1.H2:kq") << QStringLiteral("'kq'");
    QTest::newRow("method") << QStringLiteral("L0.H0:qk,L1.H2:ov:median") << QStringLiteral("'median'");
    QTest::newRow("two methods") << QStringLiteral("L1.H2:ov:mean:zero") << QStringLiteral("'zero'");
    QTest::newRow("trailing comma") << QStringLiteral("L1.H2:qk,") << QStringLiteral("empty entry");
    QTest::newRow("twice") << QStringLiteral("L1.H2:qk,L1.H2:qk:mean") << QStringLiteral("L1.H2:qk");
    QTest::newRow("overlap") << QStringLiteral("L1.H2:head,L1.H2:ov") << QStringLiteral("L1.H2:head");
    QTest::newRow("layer range") << QStringLiteral("L0.H0:qk,L5.H0:ov") << QStringLiteral("layer 5");
    QTest::newRow("head range") << QStringLiteral("L4.H8:qk") << QStringLiteral("head 8");
}

void TestFreezeMethods::badSpecsNameTheBadPart()
{
    QFETCH(QString, spec);
    QFETCH(QString, named);
    // Ranges as in stories260K: 5 layers, 8 heads.
    try {
        FreezeSet::parse(spec, 5, 8);
        QFAIL("no error");
    } catch (const Error &e) {
        QCOMPARE(e.where(), QStringLiteral("--freeze"));
        QVERIFY2(e.message().contains(named), qPrintable(e.message()));
        QVERIFY(!e.message().contains(QLatin1Char('\n')));
    }
}

void TestFreezeMethods::referenceStatisticsMatchOneBatch()
{
    // The engine's headStatistics over all reference samples in one batch is
    // the independent computation of what the batched sums must give.
    const TokenBatch all = TokenBatch::make(kReference, 0, int64_t(kReference.size()), 0, at::kCPU);
    ForwardOptions options;
    options.interventions.capture.points = pointBit(AttentionPoint::Q) | pointBit(AttentionPoint::K) | pointBit(AttentionPoint::V);
    ForwardRecord record;
    m_tiny->forward(all.ids, all.mask, options, &record);
    QCOMPARE(m_reference->sampleCount(), int(kReference.size()));
    for (int l = 0; l < m_tiny->numLayers(); ++l)
        for (AttentionPoint p : {AttentionPoint::Q, AttentionPoint::K, AttentionPoint::V})
            for (int h = 0; h < m_tiny->numHeads(); ++h) {
                const HeadStatistics expected = headStatistics(record.attention.at(l, p).select(1, h), all.mask);
                const HeadStatistics got = m_reference->statistics(l, p, h);
                QVERIFY(maxAbs(got.positionMean, expected.positionMean) < 1e-12);
                QVERIFY(maxAbs(got.overallMean, expected.overallMean) < 1e-12);
                QVERIFY(maxAbs(got.variance, expected.variance) < 1e-12);
            }
}

void TestFreezeMethods::meanReplacesWithReferenceMeans()
{
    // The probed batch (8 positions) is longer than the reference (6).
    for (AttentionPoint p : {AttentionPoint::Q, AttentionPoint::K}) {
        const at::Tensor q = captured(QStringLiteral("L1.H3:qk:mean"), p);
        const HeadStatistics s = m_reference->statistics(1, p, 3);
        QCOMPARE(s.positionMean.size(0), 6);
        for (int64_t b = 0; b < q.size(0); ++b)
            for (int64_t t = 0; t < q.size(1); ++t)
                QVERIFY(at::equal(q[b][t], t < 6 ? s.positionMean[t] : s.overallMean));
    }
    // OV mean leaves Q alone.
    ForwardRecord base;
    ForwardOptions capture;
    capture.interventions.capture.points = pointBit(AttentionPoint::Q);
    m_tiny->forward(m_ids, m_mask, capture, &base);
    QVERIFY(at::equal(captured(QStringLiteral("L1.H3:ov:mean"), AttentionPoint::Q), base.attention.at(1, AttentionPoint::Q).select(1, 3)));
}

void TestFreezeMethods::noiseIsSeededAndScaled()
{
    FreezeSet settings;
    settings.seed = 11;
    settings.sigma = 2.0;
    const QString spec = QStringLiteral("L2.H1:ov:noise");
    const at::Tensor first = captured(spec, AttentionPoint::V, settings);
    QVERIFY(at::equal(first, captured(spec, AttentionPoint::V, settings)));
    FreezeSet other = settings;
    other.seed = 12;
    QVERIFY(maxAbs(first, captured(spec, AttentionPoint::V, other)) > 1e-3);
    FreezeSet silent = settings;
    silent.sigma = 0.0;
    const at::Tensor clean = captured(spec, AttentionPoint::V, silent);
    // Added noise has variance sigma^2 * var per dimension (sample estimate).
    const at::Tensor added = (first - clean).reshape({-1, m_tiny->headDim()});
    const at::Tensor ratio = added.var(0) / (4.0 * m_reference->statistics(2, AttentionPoint::V, 1).variance);
    QVERIFY2(ratio.min().item<double>() > 0.6 && ratio.max().item<double>() < 1.5,
             qPrintable(QString::number(ratio.min().item<double>()) + " " + QString::number(ratio.max().item<double>())));
    // sigma 0 adds exact zeros: the clean vectors are the baseline's.
    ForwardRecord base;
    ForwardOptions capture;
    capture.interventions.capture.points = pointBit(AttentionPoint::V);
    m_tiny->forward(m_ids, m_mask, capture, &base);
    QVERIFY(at::equal(clean, base.attention.at(2, AttentionPoint::V).select(1, 1)));
}

void TestFreezeMethods::resampleTakesAnotherSamplesVectors()
{
    FreezeSet settings;
    settings.seed = 5;
    const at::Tensor v = captured(QStringLiteral("L0.H2:ov:resample"), AttentionPoint::V, settings);
    const std::vector<int64_t> &lengths = m_reference->poolLengths();
    QCOMPARE(int(lengths.size()), int(kReference.size()));
    // The pool holds the reference samples' own vectors: check against a run.
    const int64_t source0 = resampleSource(5, 0, int64_t(lengths.size()));
    const std::vector<int> &tokens = kReference[size_t(source0)];
    const at::Tensor one = at::tensor(std::vector<int64_t>(tokens.begin(), tokens.end()), at::kLong).unsqueeze(0);
    ForwardOptions capture;
    capture.interventions.capture.points = pointBit(AttentionPoint::V);
    ForwardRecord rec;
    m_tiny->forward(one, {}, capture, &rec);
    QVERIFY(maxAbs(v[0].narrow(0, 0, one.size(1)), rec.attention.at(0, AttentionPoint::V)[0][2]) < 1e-12);
    const HeadStatistics s = m_reference->statistics(0, AttentionPoint::V, 2);
    for (int64_t b = 0; b < v.size(0); ++b) {
        const int64_t source = resampleSource(5, b, int64_t(lengths.size()));
        QVERIFY(source != b);
        const at::Tensor pool = m_reference->poolVectors(0, AttentionPoint::V, 2)[source];
        for (int64_t t = 0; t < v.size(1); ++t) {
            const at::Tensor expected = t < lengths[size_t(source)] ? pool[t] : t < 6 ? s.positionMean[t] : s.overallMean;
            QVERIFY(at::equal(v[b][t], expected));
        }
    }
    QVERIFY(resampleSource(5, 0, 5) != resampleSource(6, 0, 5) || resampleSource(5, 1, 5) != resampleSource(6, 1, 5)
            || resampleSource(5, 2, 5) != resampleSource(6, 2, 5));
}

void TestFreezeMethods::referenceIsRequiredCachedAndCancellable()
{
    const FreezeSet mean = FreezeSet::parse(QStringLiteral("L0.H0:qk:mean"));
    QVERIFY(errorOf([&] { freezeInterventions(mean, *m_tiny); }).contains(QStringLiteral("L0.H0:qk:mean")));
    QVERIFY(errorOf([&] { freezeInterventions(FreezeSet::parse(QStringLiteral("L0.H0:ov:resample")), *m_tiny, m_reference.get()); })
                .contains(QStringLiteral("batch")));
    QVERIFY(errorOf([&] { freezeInterventions(FreezeSet::parse(QStringLiteral("L3.H0:ov")), *m_tiny); }).contains(QStringLiteral("layer 3")));
    QVERIFY(errorOf([&] { FreezeReference::compute(*m_tiny, {}); }).startsWith(QStringLiteral("reference:")));
    QVERIFY(errorOf([&] { FreezeReference::compute(*m_tiny, {{1, 2}, {}}); }).contains(QStringLiteral("sample 1")));

    FreezeReferenceCache cache(*m_tiny);
    int reports = 0;
    JobContext job([&](const JobProgress &) { ++reports; });
    const auto a = cache.reference(kReference, {}, &job);
    QVERIFY(reports > 0);
    QCOMPARE(cache.reference(kReference).get(), a.get());
    const auto b = cache.reference({kReference[0], kReference[1]});
    QVERIFY(b.get() != a.get());
    QCOMPARE(b->sampleCount(), 2);
    QCOMPARE(cache.size(), 2);
    JobContext cancelled;
    cancelled.requestCancel();
    QVERIFY_THROWS_EXCEPTION(JobCancelled, cache.reference({kReference[2]}, {}, &cancelled));
    QCOMPARE(cache.size(), 2);
    cache.clear();
    QCOMPARE(cache.size(), 0);
}

void TestFreezeMethods::probeReportsLossTopTokensAndPatternChange()
{
    const LoadedModel loaded = loadModel(stories260KPath());
    const TransformerModel model(loaded);
    const auto tokenizer = Tokenizer::fromFolder(stories260KPath());
    FreezeProbe probe(model, tokenizer.get());
    probe.setText(QStringLiteral("Once upon a time, there was a little girl named Lily."));
    const std::vector<int> ids = probe.sequences().front();
    const int64_t T = int64_t(ids.size());

    const ProbeResult r = probe.run(FreezeSet::parse(QStringLiteral("L2.H3:qk"), 5, 8));
    QCOMPARE(int(r.samples.size()), 1);
    const ProbeSample &s = r.samples.front();
    QCOMPARE(s.length, T);
    QVERIFY(s.frozenLoss != s.baselineLoss);
    QCOMPARE(r.meanLossDifference, s.frozenLoss - s.baselineLoss);

    // Baseline loss and top tokens from a plain forward pass.
    const at::Tensor input = at::tensor(std::vector<int64_t>(ids.begin(), ids.end()), at::kLong).unsqueeze(0);
    const at::Tensor logits = model.forward(input);
    QVERIFY(std::abs(causalLmLossPerSample(logits, input).item<double>() - s.baselineLoss) < 1e-6);
    const at::Tensor probabilities = at::softmax(logits[0][T - 1].to(at::kDouble), -1);
    QCOMPARE(int(s.baselineTop.size()), 5);
    for (size_t k = 0; k < s.baselineTop.size(); ++k) {
        QVERIFY(std::abs(probabilities[s.baselineTop[k].id].item<double>() - s.baselineTop[k].probability) < 1e-9);
        QCOMPARE(s.baselineTop[k].text, tokenizer->decode({int(s.baselineTop[k].id)}));
        if (k > 0)
            QVERIFY(s.baselineTop[k].probability <= s.baselineTop[k - 1].probability);
    }
    QCOMPARE(s.baselineTop.front().id, probabilities.argmax().item<int64_t>());

    // Pattern change: zero before layer 2 and for the other heads of layer 2;
    // for the frozen head, the total variation from its uniform pattern.
    QCOMPARE(r.patternChange.sizes(), (at::IntArrayRef{5, 8}));
    QCOMPARE(r.patternChange.narrow(0, 0, 2).abs().max().item<double>(), 0.0);
    for (int h = 0; h < 8; ++h)
        if (h != 3)
            QCOMPARE(r.patternChange[2][h].item<double>(), 0.0);
    const at::Tensor before = r.baselinePatterns[2][0][3].to(at::kDouble); // [T, T]
    const at::Tensor uniform = at::ones({T, T}, at::kDouble).tril() / at::arange(1, T + 1, at::kDouble).unsqueeze(1);
    const double tv = (0.5 * (before - uniform).abs().sum(-1)).mean().item<double>();
    QVERIFY(tv > 0.01);
    QVERIFY(std::abs(r.patternChange[2][3].item<double>() - tv) < 1e-5);
    QVERIFY(maxAbs(r.frozenPatterns[2][0][3].to(at::kDouble), uniform) < 1e-6);

    // Cleared: the frozen run is the baseline.
    const ProbeResult cleared = probe.run(FreezeSet());
    QCOMPARE(cleared.samples.front().frozenLoss, cleared.samples.front().baselineLoss);
    QCOMPARE(cleared.patternChange.abs().max().item<double>(), 0.0);
    QCOMPARE(cleared.samples.front().frozenTop.front().id, s.baselineTop.front().id);
}

void TestFreezeMethods::sweepIsSortedAndAgreesWithProbe()
{
    ProbeOptions options;
    options.batchSize = 2; // three samples: two batches
    FreezeProbe probe(*m_tiny, nullptr, options);
    probe.setSequences({kReference[0], kReference[1], kReference[2]});
    const std::vector<SweepRow> rows = probe.sweep(FreezeCircuit::OV, FreezeMethod::Mean, m_reference.get());
    QCOMPARE(int(rows.size()), m_tiny->numLayers() * m_tiny->numHeads());
    for (size_t i = 1; i < rows.size(); ++i)
        QVERIFY(rows[i].lossIncrease <= rows[i - 1].lossIncrease);
    for (size_t i : {size_t(0), rows.size() - 1}) {
        const ProbeResult r = probe.run(FreezeSet::parse(QStringLiteral("L%1.H%2:ov:mean").arg(rows[i].layer).arg(rows[i].head)),
                                        m_reference.get());
        QVERIFY(std::abs(r.frozenMeanLoss - rows[i].frozenLoss) < 1e-12);
        QVERIFY(std::abs(r.meanLossDifference - rows[i].lossIncrease) < 1e-12);
    }
    JobContext cancelled;
    cancelled.requestCancel();
    QVERIFY_THROWS_EXCEPTION(JobCancelled, probe.sweep(FreezeCircuit::QK, FreezeMethod::Zero, nullptr, &cancelled));
}

int runFreezeMethodTests(int argc, char **argv)
{
    TestFreezeMethods methods;
    return QTest::qExec(&methods, argc, argv);
}

#include "tst_freeze_methods.moc"
