// The attention core's named points against attention recomputed by hand
// from the weights, the freezing rules of METRIC.md section 6, and
// per-sample gradients from captured projections against one backward pass
// per sample.
#include "Error.h"
#include "TinyLlama.h"
#include "engine/TransformerModel.h"

#include <QtTest>

using namespace qkov;
using namespace qkov::test;

namespace {

double maxAbs(const at::Tensor &a, const at::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

// Rotary by hand: dims i and i + d/2 turn by angle t * theta^(-2i/d).
at::Tensor rotateByHand(const at::Tensor &x, double theta) // [B, T, n, d]
{
    const int64_t T = x.size(1), d = x.size(3), half = d / 2;
    const auto f64 = at::TensorOptions().dtype(at::kDouble);
    const at::Tensor freq = at::pow(theta, at::arange(half, f64) * (-2.0 / double(d)));
    const at::Tensor angle = at::arange(T, f64).unsqueeze(1) * freq.unsqueeze(0); // [T, half]
    const at::Tensor c = angle.cos().view({1, T, 1, half}), s = angle.sin().view({1, T, 1, half});
    const at::Tensor first = x.narrow(3, 0, half), second = x.narrow(3, half, half);
    return at::cat({first * c - second * s, second * c + first * s}, 3);
}

const CapturedProjection &projection(const ForwardRecord &r, int layer, const char *block)
{
    for (const CapturedProjection &p : r.projections)
        if (p.layer == layer && p.block == QLatin1String(block))
            return p;
    qFatal("projection not captured");
}

ForwardOptions capturing(uint32_t points)
{
    ForwardOptions o;
    o.interventions.capture.points = points;
    return o;
}

constexpr uint32_t kAllPoints = (1u << kAttentionPointCount) - 1;

} // namespace

class TestEngineInterventions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void pointsMatchHandComputation();
    void qkZeroMakesUniformPatternOfThatHeadOnly();
    void ovZeroEqualsZeroingTheOutputSlice();
    void meanAndNoiseReplacements();
    void stopGradientBlocksTheReplacedHead();
    void perSampleGradientsMatchSingleSampleBackward();

private:
    TinyLlamaSpec m_spec;
    std::unique_ptr<TransformerModel> m_model;
    at::Tensor m_ids, m_mask;
};

void TestEngineInterventions::init()
{
    m_spec = TinyLlamaSpec();
    m_spec.qkvBias = true;
    m_spec.modelType = QStringLiteral("qwen2");
    m_model = tinyModel(m_spec, at::kDouble);
    std::tie(m_ids, m_mask) = randomBatch({6, 4}, 6, m_spec.vocab, 9);
}

void TestEngineInterventions::pointsMatchHandComputation()
{
    ForwardOptions options = capturing(kAllPoints);
    options.captureProjections = true;
    ForwardRecord record;
    m_model->forward(m_ids, m_mask, options, &record);
    const int layer = 1, B = 2, T = 6, H = m_spec.heads, Hkv = m_spec.kvHeads, d = m_spec.headDim;
    const QString p = QStringLiteral("model.layers.%1.self_attn.").arg(layer);
    auto proj = [&](const char *name, int heads) {
        const at::Tensor x = projection(record, layer, "q").input;
        const at::Tensor y = at::matmul(x, m_model->parameter(p + name + ".weight").t())
                             + m_model->parameter(p + name + ".bias");
        return y.view({B, T, heads, d});
    };
    const at::Tensor q = rotateByHand(proj("q_proj", H), 10000.0);
    const at::Tensor k = rotateByHand(proj("k_proj", Hkv), 10000.0);
    const at::Tensor v = proj("v_proj", Hkv);
    const at::Tensor allowed = at::ones({T, T}, at::kBool).tril().unsqueeze(0)
                                   .logical_and(m_mask.ne(0).unsqueeze(1)); // [B, T, T]
    const AttentionCapture &cap = record.attention;
    QCOMPARE(cap.at(layer, AttentionPoint::Pattern).sizes(), (at::IntArrayRef{B, H, T, T}));
    for (int h : {0, 1, 3}) {
        const int g = h / (H / Hkv);
        const at::Tensor qh = q.select(2, h), kh = k.select(2, g), vh = v.select(2, g);
        const at::Tensor scores = at::matmul(qh, kh.transpose(1, 2)) / std::sqrt(double(d));
        const at::Tensor pattern = at::softmax(scores.masked_fill(allowed.logical_not(), -INFINITY), -1);
        const at::Tensor z = at::matmul(pattern, vh);
        QVERIFY(maxAbs(cap.at(layer, AttentionPoint::Q).select(1, h), qh) < 1e-12);
        QVERIFY(maxAbs(cap.at(layer, AttentionPoint::K).select(1, h), kh) < 1e-12);
        QVERIFY(maxAbs(cap.at(layer, AttentionPoint::V).select(1, h), vh) < 1e-12);
        QVERIFY(maxAbs(cap.at(layer, AttentionPoint::Scores).select(1, h), scores) < 1e-12);
        QVERIFY(maxAbs(cap.at(layer, AttentionPoint::Pattern).select(1, h), pattern) < 1e-12);
        QVERIFY(maxAbs(cap.at(layer, AttentionPoint::Z).select(1, h), z) < 1e-12);
    }
    // The O projection reads the heads' z side by side.
    const at::Tensor merged = cap.at(layer, AttentionPoint::Z).transpose(1, 2).reshape({B, T, H * d});
    QVERIFY(maxAbs(projection(record, layer, "o").input, merged) < 1e-12);
    QCOMPARE(int(record.projections.size()), 4 * m_spec.layers);
}

void TestEngineInterventions::qkZeroMakesUniformPatternOfThatHeadOnly()
{
    ForwardRecord base;
    const at::Tensor baseLogits = m_model->forward(m_ids, m_mask, capturing(kAllPoints), &base);
    ForwardOptions frozen = capturing(kAllPoints);
    HeadIntervention iv;
    iv.layer = 1;
    iv.head = 2;
    iv.point = AttentionPoint::Q;
    iv.method = ReplaceMethod::Zero;
    frozen.interventions.replacements = {iv};
    ForwardRecord rec;
    const at::Tensor logits = m_model->forward(m_ids, m_mask, frozen, &rec);
    QVERIFY(maxAbs(logits, baseLogits) > 1e-6);
    const at::Tensor pattern = rec.attention.at(1, AttentionPoint::Pattern);
    for (int b = 0; b < 2; ++b) {
        const int64_t len = m_mask[b].sum().item<int64_t>();
        for (int64_t i = 0; i < len; ++i)
            for (int64_t j = 0; j < 6; ++j) {
                const double expected = j <= i ? 1.0 / double(i + 1) : 0.0;
                QVERIFY(std::abs(pattern[b][2][i][j].item<double>() - expected) < 1e-15);
            }
    }
    for (int h = 0; h < m_spec.heads; ++h)
        if (h != 2)
            QVERIFY(at::equal(pattern.select(1, h), base.attention.at(1, AttentionPoint::Pattern).select(1, h)));
    QVERIFY(at::equal(rec.attention.at(0, AttentionPoint::Pattern), base.attention.at(0, AttentionPoint::Pattern)));
    // Removing every freeze restores the baseline bit for bit.
    QVERIFY(at::equal(m_model->forward(m_ids, m_mask), baseLogits));
}

void TestEngineInterventions::ovZeroEqualsZeroingTheOutputSlice()
{
    ForwardRecord base;
    m_model->forward(m_ids, m_mask, capturing(kAllPoints), &base);
    ForwardOptions frozen = capturing(kAllPoints);
    HeadIntervention iv;
    iv.layer = 0;
    iv.head = 1; // shares KV head 0 with query head 0
    iv.point = AttentionPoint::V;
    frozen.interventions.replacements = {iv};
    ForwardRecord rec;
    const at::Tensor logits = m_model->forward(m_ids, m_mask, frozen, &rec);
    // OV freezing leaves the patterns of its layer alone.
    QVERIFY(at::equal(rec.attention.at(0, AttentionPoint::Pattern), base.attention.at(0, AttentionPoint::Pattern)));
    // The other query head of the group keeps its own copy of V.
    QVERIFY(at::equal(rec.attention.at(0, AttentionPoint::Z).select(1, 0), base.attention.at(0, AttentionPoint::Z).select(1, 0)));
    QCOMPARE(rec.attention.at(0, AttentionPoint::Z).select(1, 1).abs().max().item<double>(), 0.0);

    at::Tensor wo = m_model->parameter(QStringLiteral("model.layers.0.self_attn.o_proj.weight"));
    const at::Tensor saved = wo.clone();
    {
        at::NoGradGuard noGrad;
        wo.narrow(1, 1 * m_spec.headDim, m_spec.headDim).zero_();
    }
    const at::Tensor sliced = m_model->forward(m_ids, m_mask);
    {
        at::NoGradGuard noGrad;
        wo.copy_(saved);
    }
    QVERIFY(maxAbs(logits, sliced) < 1e-12);
    QVERIFY(maxAbs(logits, m_model->forward(m_ids, m_mask)) > 1e-6);
}

void TestEngineInterventions::meanAndNoiseReplacements()
{
    ForwardRecord base;
    m_model->forward(m_ids, m_mask, capturing(pointBit(AttentionPoint::Q)), &base);
    const at::Tensor qBase = base.attention.at(1, AttentionPoint::Q).select(1, 2); // [B, T, d]
    const HeadStatistics stats = headStatistics(qBase, m_mask);
    QCOMPARE(stats.positionMean.size(0), 6);
    // Position 5 is real only in sample 0; position 0 in both.
    QVERIFY(maxAbs(stats.positionMean[5], qBase[0][5]) < 1e-15);
    QVERIFY(maxAbs(stats.positionMean[0], (qBase[0][0] + qBase[1][0]) / 2) < 1e-15);

    HeadIntervention mean;
    mean.layer = 1;
    mean.head = 2;
    mean.point = AttentionPoint::Q;
    mean.method = ReplaceMethod::Mean;
    mean.positionMean = stats.positionMean.narrow(0, 0, 3); // shorter reference: fallback past 3
    mean.overallMean = stats.overallMean;
    ForwardOptions o = capturing(pointBit(AttentionPoint::Q));
    o.interventions.replacements = {mean};
    ForwardRecord rec;
    m_model->forward(m_ids, m_mask, o, &rec);
    const at::Tensor q = rec.attention.at(1, AttentionPoint::Q).select(1, 2);
    for (int b = 0; b < 2; ++b)
        for (int t = 0; t < 6; ++t)
            QVERIFY(at::equal(q[b][t], t < 3 ? stats.positionMean[t] : stats.overallMean));

    HeadIntervention noise = mean;
    noise.method = ReplaceMethod::Noise;
    noise.variance = stats.variance;
    noise.seed = 42;
    auto noisyQ = [&](const HeadIntervention &iv) {
        ForwardOptions n = capturing(pointBit(AttentionPoint::Q));
        n.interventions.replacements = {iv};
        ForwardRecord r;
        m_model->forward(m_ids, m_mask, n, &r);
        return r.attention.at(1, AttentionPoint::Q).select(1, 2);
    };
    const at::Tensor first = noisyQ(noise);
    QVERIFY(at::equal(first, noisyQ(noise))); // seeded
    QVERIFY(maxAbs(first, qBase) > 1e-3);
    noise.seed = 43;
    QVERIFY(maxAbs(first, noisyQ(noise)) > 1e-3);
    noise.variance = at::ones({m_spec.headDim + 1}, at::kDouble);
    QVERIFY_THROWS_EXCEPTION(Error, noisyQ(noise));
}

void TestEngineInterventions::stopGradientBlocksTheReplacedHead()
{
    m_model->setAttentionRequiresGrad(true);
    at::Tensor wq = m_model->parameter(QStringLiteral("model.layers.1.self_attn.q_proj.weight"));
    const int d = m_spec.headDim;
    for (bool stop : {true, false}) {
        HeadIntervention iv;
        iv.layer = 1;
        iv.head = 2;
        iv.point = AttentionPoint::Q;
        iv.method = ReplaceMethod::Noise;
        iv.variance = at::ones({d}, at::kDouble);
        iv.stopGradient = stop;
        ForwardOptions o;
        o.interventions.replacements = {iv};
        wq.mutable_grad() = at::Tensor();
        causalLmLossPerSample(m_model->forward(m_ids, m_mask, o), m_ids, m_mask).sum().backward();
        const double frozenRows = wq.grad().narrow(0, 2 * d, d).abs().max().item<double>();
        const double otherRows = wq.grad().narrow(0, 0, 2 * d).abs().max().item<double>();
        QVERIFY(otherRows > 0);
        if (stop)
            QCOMPARE(frozenRows, 0.0);
        else
            QVERIFY(frozenRows > 0);
    }
}

void TestEngineInterventions::perSampleGradientsMatchSingleSampleBackward()
{
    m_model->setAttentionRequiresGrad(true);
    const std::vector<int64_t> lengths = {6, 3, 5};
    const auto [ids, mask] = randomBatch(lengths, 6, m_spec.vocab, 21);
    auto clearGrads = [&] {
        for (const QString &n : m_model->attentionWeightNames())
            m_model->parameter(n).mutable_grad() = at::Tensor();
    };
    clearGrads();
    ForwardOptions o;
    o.captureProjections = true;
    ForwardRecord rec;
    causalLmLossPerSample(m_model->forward(ids, mask, o, &rec), ids, mask).sum().backward();
    QCOMPARE(int(rec.projections.size()), 4 * m_spec.layers);
    std::vector<at::Tensor> perSample;
    for (const CapturedProjection &p : rec.projections) {
        perSample.push_back(p.perSampleWeightGradient());
        const at::Tensor total = m_model->parameter(p.weight).grad();
        QVERIFY(maxAbs(perSample.back().sum(0), total) < 1e-12);
    }
    for (size_t i = 0; i < lengths.size(); ++i) {
        clearGrads();
        const at::Tensor one = ids[int64_t(i)].narrow(0, 0, lengths[i]).unsqueeze(0);
        causalLmLossPerSample(m_model->forward(one), one).sum().backward();
        for (size_t j = 0; j < rec.projections.size(); ++j) {
            const at::Tensor expected = m_model->parameter(rec.projections[j].weight).grad();
            QVERIFY(expected.abs().max().item<double>() > 0);
            QVERIFY2(maxAbs(perSample[j][int64_t(i)], expected) < 1e-12,
                     qPrintable(rec.projections[j].weight));
        }
    }
    // Without a backward pass there is nothing to read.
    ForwardRecord noBackward;
    m_model->forward(ids, mask, o, &noBackward);
    QVERIFY_THROWS_EXCEPTION(Error, noBackward.projections.front().perSampleWeightGradient());
}

QTEST_GUILESS_MAIN(TestEngineInterventions)
#include "tst_engine_interventions.moc"
