// Circuit freezing (METRIC.md section 6) on tiny LLaMA-GQA, GPT-2 and
// GPT-NeoX models and on stories260K: which patterns may change, OV zero
// against the O-projection slice the structure locates, grouped-query
// isolation, head = QK + OV, exact restore, gradients and stopgrad.
#include "Error.h"
#include "FreezeTestModels.h"
#include "freeze/FreezeInterventions.h"
#include "freeze/FreezeReference.h"

#include <QtTest>

using namespace qkov;
using namespace qkov::test;

int runFreezeMethodTests(int argc, char **argv); // tst_freeze_methods.cpp

namespace {

double maxAbs(const at::Tensor &a, const at::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

LoadedModel modelNamed(const QString &name)
{
    if (name == QLatin1String("llama-gqa"))
        return tinyLlamaGqa();
    if (name == QLatin1String("gpt2"))
        return tinyGpt2();
    if (name == QLatin1String("neox"))
        return tinyNeox();
    return loadModel(stories260KPath());
}

constexpr uint32_t kPatternAndZ = pointBit(AttentionPoint::Pattern) | pointBit(AttentionPoint::Z);

struct Run
{
    at::Tensor logits;
    ForwardRecord record;
};

at::Tensor slice(const at::Tensor &weight, const BlockSlice &s, int head)
{
    return weight.narrow(s.axis == Axis::Rows ? 0 : 1, s.starts[size_t(head)], s.headDim);
}

} // namespace

class TestFreeze : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void ovKeepsPatternsThroughItsLayer_data() { models(); }
    void ovKeepsPatternsThroughItsLayer();
    void qkZeroMakesThatPatternUniform_data() { models(); }
    void qkZeroMakesThatPatternUniform();
    void ovZeroEqualsZeroingTheOSlice_data() { models(); }
    void ovZeroEqualsZeroingTheOSlice();
    void groupMatesAreUntouched_data();
    void groupMatesAreUntouched();
    void headIsQkPlusOvAndClearingRestores_data() { models(); }
    void headIsQkPlusOvAndClearingRestores();
    void gradientsFlowUnlessStopgrad_data();
    void gradientsFlowUnlessStopgrad();

private:
    void models();
    Run run(const QString &spec, uint32_t capture = kPatternAndZ, const FreezeReference *ref = nullptr);

    LoadedModel m_loaded;
    std::unique_ptr<TransformerModel> m_model;
    at::Tensor m_ids, m_mask;
};

void TestFreeze::models()
{
    QTest::addColumn<QString>("model");
    for (const char *name : {"llama-gqa", "gpt2", "neox", "stories260K"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestFreeze::init()
{
    const QString name = QTest::currentDataTag() ? QString::fromLatin1(QTest::currentDataTag()) : QString();
    if (name.isEmpty())
        return;
    m_loaded = modelNamed(name);
    QVERIFY(!m_loaded.structure.layers.empty());
    EngineOptions options;
    options.dtype = at::kDouble;
    m_model = std::make_unique<TransformerModel>(m_loaded, options);
    // Two samples, the second right-padded: "allowed positions" include the mask.
    std::tie(m_ids, m_mask) = randomBatch({7, 4}, 7, m_model->vocabSize(), 5);
}

Run TestFreeze::run(const QString &spec, uint32_t capture, const FreezeReference *ref)
{
    const FreezeSet set = spec.isEmpty() ? FreezeSet() : FreezeSet::parse(spec, m_model->numLayers(), m_model->numHeads());
    ForwardOptions options;
    options.interventions = freezeInterventions(set, *m_model, ref, {m_ids.size(0), m_ids.size(1), 0});
    options.interventions.capture.points = capture;
    Run r;
    r.logits = m_model->forward(m_ids, m_mask, options, &r.record);
    return r;
}

void TestFreeze::ovKeepsPatternsThroughItsLayer()
{
    const Run base = run(QString());
    for (int l = 0; l < m_model->numLayers(); ++l)
        for (int h = 0; h < m_model->numHeads(); ++h) {
            const Run frozen = run(QStringLiteral("L%1.H%2:ov").arg(l).arg(h));
            QVERIFY(maxAbs(frozen.logits, base.logits) > 0);
            for (int earlier = 0; earlier <= l; ++earlier)
                QVERIFY2(at::equal(frozen.record.attention.at(earlier, AttentionPoint::Pattern),
                                   base.record.attention.at(earlier, AttentionPoint::Pattern)),
                         qPrintable(QStringLiteral("L%1.H%2 moved layer %3").arg(l).arg(h).arg(earlier)));
            // The frozen head's output is zero.
            QCOMPARE(frozen.record.attention.at(l, AttentionPoint::Z).select(1, h).abs().max().item<double>(), 0.0);
        }
}

void TestFreeze::qkZeroMakesThatPatternUniform()
{
    const Run base = run(QString());
    const int64_t T = m_ids.size(1);
    const at::Tensor causal = at::ones({T, T}, at::kBool).tril().unsqueeze(0);
    const at::Tensor allowed = causal.logical_and(m_mask.ne(0).unsqueeze(1)).to(at::kDouble); // [B, T, T]
    const at::Tensor uniform = allowed / allowed.sum(-1, true);
    for (int l = 0; l < m_model->numLayers(); ++l)
        for (int h = 0; h < m_model->numHeads(); ++h) {
            const Run frozen = run(QStringLiteral("L%1.H%2:qk:zero").arg(l).arg(h));
            const at::Tensor pattern = frozen.record.attention.at(l, AttentionPoint::Pattern);
            QVERIFY(maxAbs(pattern.select(1, h), uniform) < 1e-12);
            for (int other = 0; other < m_model->numHeads(); ++other)
                if (other != h)
                    QVERIFY(at::equal(pattern.select(1, other),
                                      base.record.attention.at(l, AttentionPoint::Pattern).select(1, other)));
            for (int earlier = 0; earlier < l; ++earlier)
                QVERIFY(at::equal(frozen.record.attention.at(earlier, AttentionPoint::Pattern),
                                  base.record.attention.at(earlier, AttentionPoint::Pattern)));
        }
}

void TestFreeze::ovZeroEqualsZeroingTheOSlice()
{
    QFETCH(QString, model);
    const Axis expectedAxis = model == QLatin1String("gpt2") ? Axis::Rows : Axis::Cols;
    for (int l = 0; l < m_model->numLayers(); ++l) {
        const BlockSlice &o = m_loaded.structure.layers[size_t(l)].o;
        QCOMPARE(o.axis, expectedAxis); // GPT-2's Conv1D c_proj: rows; nn.Linear: columns
        at::Tensor weight = m_model->parameter(o.tensor);
        QVERIFY(weight.defined());
        for (int h = 0; h < m_model->numHeads(); ++h) {
            const at::Tensor frozen = run(QStringLiteral("L%1.H%2:ov:zero").arg(l).arg(h), 0).logits;
            const at::Tensor saved = weight.clone();
            {
                at::NoGradGuard noGrad;
                slice(weight, o, h).zero_();
            }
            const at::Tensor edited = m_model->forward(m_ids, m_mask);
            {
                at::NoGradGuard noGrad;
                weight.copy_(saved);
            }
            QVERIFY2(maxAbs(frozen, edited) < 1e-6, qPrintable(QStringLiteral("L%1.H%2").arg(l).arg(h)));
            QVERIFY(maxAbs(frozen, m_model->forward(m_ids, m_mask)) > 1e-6);
        }
    }
}

void TestFreeze::groupMatesAreUntouched_data()
{
    QTest::addColumn<QString>("model");
    QTest::newRow("llama-gqa") << QStringLiteral("llama-gqa");
    QTest::newRow("stories260K") << QStringLiteral("stories260K");
}

void TestFreeze::groupMatesAreUntouched()
{
    const int H = m_model->numHeads(), group = H / m_model->numKvHeads();
    QVERIFY(group > 1);
    const Run base = run(QString());
    for (const char *circuit : {"qk", "ov", "head"})
        for (int l = 0; l < m_model->numLayers(); ++l)
            for (int h = 0; h < H; ++h) {
                const Run frozen = run(QStringLiteral("L%1.H%2:%3").arg(l).arg(h).arg(QLatin1String(circuit)));
                for (int mate = (h / group) * group; mate < (h / group + 1) * group; ++mate) {
                    if (mate == h)
                        continue;
                    for (AttentionPoint p : {AttentionPoint::Pattern, AttentionPoint::Z})
                        QVERIFY(at::equal(frozen.record.attention.at(l, p).select(1, mate),
                                          base.record.attention.at(l, p).select(1, mate)));
                }
                QVERIFY(!at::equal(frozen.record.attention.at(l, AttentionPoint::Z).select(1, h),
                                   base.record.attention.at(l, AttentionPoint::Z).select(1, h)));
            }
}

void TestFreeze::headIsQkPlusOvAndClearingRestores()
{
    const Run base = run(QString());
    const int lastLayer = m_model->numLayers() - 1;
    const auto reference = FreezeReference::compute(*m_model, {{1, 5, 9, 3, 2}, {4, 4, 7}, {8, 2, 6, 6}});
    for (int l : {0, lastLayer})
        for (int h : {0, m_model->numHeads() - 1}) {
            // With zero, OV alone already silences the head; mean tells them apart.
            for (const char *method : {"zero", "mean"}) {
                auto logits = [&](const char *spec) {
                    return run(QString::fromLatin1(spec).arg(l).arg(h).arg(QLatin1String(method)), 0, reference.get()).logits;
                };
                const at::Tensor head = logits("L%1.H%2:head:%3");
                QVERIFY(at::equal(head, logits("L%1.H%2:qk:%3,L%1.H%2:ov:%3")));
                QVERIFY(!at::equal(head, logits("L%1.H%2:qk:%3")));
                QCOMPARE(at::equal(head, logits("L%1.H%2:ov:%3")), QByteArray(method) == "zero");
            }
        }
    // Toggled on and off again: an empty set, and the baseline bit for bit.
    FreezeSet set = FreezeSet::parse(QStringLiteral("L0.H1:head,L%1.H0:qk").arg(lastLayer));
    FreezeEntry e;
    e.circuit = FreezeCircuit::OV;
    e.layer = lastLayer;
    e.head = 1;
    QVERIFY(set.toggle(e));
    QVERIFY(!set.toggle(e));
    QVERIFY(set.remove(0, 1, FreezeCircuit::Head));
    set.clear();
    ForwardOptions cleared;
    cleared.interventions = freezeInterventions(set, *m_model);
    QVERIFY(at::equal(m_model->forward(m_ids, m_mask, cleared), base.logits));
    QVERIFY(at::equal(m_model->forward(m_ids, m_mask), base.logits));
}

void TestFreeze::gradientsFlowUnlessStopgrad_data()
{
    QTest::addColumn<QString>("model");
    for (const char *name : {"llama-gqa", "gpt2", "neox"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestFreeze::gradientsFlowUnlessStopgrad()
{
    m_model->setAttentionRequiresGrad(true);
    const auto reference = FreezeReference::compute(*m_model, {{1, 5, 9, 3, 2}, {4, 4, 7}, {8, 2, 6, 6}});
    const int l = 1, h = 1;
    const BlockSlice &q = m_loaded.structure.layers[size_t(l)].q;
    const BlockSlice &o = m_loaded.structure.layers[0].o;
    at::Tensor wq = m_model->parameter(q.tensor);
    at::Tensor wo0 = m_model->parameter(o.tensor);
    for (const char *spec : {"L1.H1:qk:noise", "L1.H1:qk:noise:stopgrad", "L1.H1:head:mean", "L1.H1:head:mean:stopgrad"}) {
        for (const QString &n : m_model->attentionWeightNames())
            m_model->parameter(n).mutable_grad() = at::Tensor();
        const Run frozen = run(QString::fromLatin1(spec), 0, reference.get());
        causalLmLossPerSample(frozen.logits, m_ids, m_mask).sum().backward();
        const bool stop = QByteArray(spec).endsWith("stopgrad");
        const bool noise = QByteArray(spec).contains("noise");
        const double frozenHead = slice(wq.grad(), q, h).abs().max().item<double>();
        // Through the noise the head's own query still carries gradient;
        // a mean replacement does not depend on the weights at all.
        if (noise && !stop)
            QVERIFY2(frozenHead > 0, spec);
        else
            QVERIFY2(frozenHead == 0.0, spec);
        QVERIFY2(slice(wq.grad(), q, 0).abs().max().item<double>() > 0, spec);
        QVERIFY2(wo0.grad().abs().max().item<double>() > 0, spec);
    }
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    TestFreeze structural;
    int failures = QTest::qExec(&structural, argc, argv);
    failures += runFreezeMethodTests(argc, argv);
    return failures;
}

#include "tst_freeze.moc"
