// GPT-2 and GPT-NeoX engines against forwards written out by hand in
// GptReferences.cpp, head by head, from the weight layouts of METRIC.md
// section 3 and ARCHITECTURES.md (Conv1D [in, out] with blocked Q | K | V
// columns; NeoX rows interleaved [H, 3, d]; partial rotate-half rotary;
// parallel residual); their intervention points; float64 finite differences
// of the attention weight gradients; GPT-2's fused Conv1D against the same
// weights split into nn.Linear q/k/v/o tensors.
#include "Error.h"
#include "GptReferences.h"
#include "TinyLlama.h"
#include "engine/AttentionCore.h"
#include "engine/ComputeSettings.h"
#include "engine/TransformerModel.h"
#include "structure/ArchitectureFamily.h"

#include <sched.h>
#include <ATen/Parallel.h>
#include <QtTest>
#include <dlfcn.h>

#include <cmath>

using namespace qkov;
using namespace qkov::test;

namespace {

double maxAbs(const at::Tensor &a, const at::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}


struct GptCase
{
    QString family;
    ModelConfig config;
    Tensors tensors;
};

GptCase gptCase(const QString &family)
{
    if (family == QLatin1String("gpt2"))
        return {family, gpt2Config(), gpt2Tensors()};
    return {family, neoxConfig(true), neoxTensors()};
}

std::unique_ptr<TransformerModel> float64Model(const GptCase &c)
{
    EngineOptions o;
    o.dtype = at::kDouble;
    return std::make_unique<TransformerModel>(loadedFrom(c.config, c.tensors), o);
}

void addFamilies()
{
    QTest::addColumn<QString>("family");
    QTest::newRow("gpt2") << QStringLiteral("gpt2");
    QTest::newRow("gpt_neox") << QStringLiteral("gpt_neox");
}

const CapturedProjection &projection(const ForwardRecord &r, int layer, const char *block)
{
    for (const CapturedProjection &p : r.projections)
        if (p.layer == layer && p.block == QLatin1String(block))
            return p;
    qFatal("projection %s of layer %d not captured", block, layer);
}

constexpr uint32_t kAllPoints = (1u << kAttentionPointCount) - 1;

} // namespace

class TestEngineGpt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gpt2MatchesHandForward();
    void gpt2PerSampleGradientsInStoredLayout();
    void neoxMatchesHandForward_data();
    void neoxMatchesHandForward();
    void interventionPointsMatchHandComputation_data() { addFamilies(); }
    void interventionPointsMatchHandComputation();
    void attentionGradientsMatchFiniteDifferences_data() { addFamilies(); }
    void attentionGradientsMatchFiniteDifferences();
    void gpt2FusedConv1DEqualsSplitLayout();
    void computeSettingsDriveEveryPool();
};

void TestEngineGpt::gpt2MatchesHandForward()
{
    const Tensors t = gpt2Tensors();
    EngineOptions o;
    o.dtype = at::kDouble;
    TransformerModel model(loadedFrom(gpt2Config(), t), o);
    QCOMPARE(model.family(), QStringLiteral("gpt2"));
    const auto [ids, mask] = randomBatch({7, 5}, 7, kVocab, 4);
    const at::Tensor logits = model.forward(ids, mask);
    const at::Tensor expected = gpt2ByHand(t, ids, mask);
    for (int b = 0; b < 2; ++b) {
        const int64_t len = mask[b].sum().item<int64_t>();
        QVERIFY(maxAbs(logits[b].narrow(0, 0, len), expected[b].narrow(0, 0, len)) < 1e-9);
    }
    // Sequences past n_positions are refused, not read out of bounds.
    QVERIFY_THROWS_EXCEPTION(Error, model.forward(at::zeros({1, 17}, at::kLong)));
}

void TestEngineGpt::gpt2PerSampleGradientsInStoredLayout()
{
    EngineOptions o;
    o.dtype = at::kDouble;
    TransformerModel model(loadedFrom(gpt2Config(), gpt2Tensors()), o);
    QCOMPARE(model.attentionWeightNames(),
             (QStringList{"h.0.attn.c_attn.weight", "h.0.attn.c_proj.weight",
                          "h.1.attn.c_attn.weight", "h.1.attn.c_proj.weight"}));
    model.setAttentionRequiresGrad(true);
    const auto [ids, mask] = randomBatch({6, 3}, 6, kVocab, 8);
    ForwardOptions f;
    f.captureProjections = true;
    ForwardRecord rec;
    causalLmLossPerSample(model.forward(ids, mask, f, &rec), ids, mask).sum().backward();
    QCOMPARE(int(rec.projections.size()), 2 * kLayers);
    for (const CapturedProjection &p : rec.projections) {
        QVERIFY(p.transposedStorage);
        const at::Tensor g = p.perSampleWeightGradient();
        QCOMPARE(g.sizes().slice(1), model.parameter(p.weight).sizes());
        QVERIFY(maxAbs(g.sum(0), model.parameter(p.weight).grad()) < 1e-12);
    }
}

void TestEngineGpt::neoxMatchesHandForward_data()
{
    QTest::addColumn<bool>("parallel");
    QTest::newRow("parallel residual") << true;
    QTest::newRow("sequential residual") << false;
}

void TestEngineGpt::neoxMatchesHandForward()
{
    QFETCH(bool, parallel);
    const Tensors t = neoxTensors();
    EngineOptions o;
    o.dtype = at::kDouble;
    TransformerModel model(loadedFrom(neoxConfig(parallel), t), o);
    QCOMPARE(model.family(), QStringLiteral("gpt_neox"));
    const auto [ids, mask] = randomBatch({7, 4}, 7, kVocab, 6);
    const at::Tensor logits = model.forward(ids, mask);
    const at::Tensor expected = neoxByHand(t, ids, mask, parallel);
    for (int b = 0; b < 2; ++b) {
        const int64_t len = mask[b].sum().item<int64_t>();
        QVERIFY(maxAbs(logits[b].narrow(0, 0, len), expected[b].narrow(0, 0, len)) < 1e-9);
    }
    // The residual wiring matters: the other variant is another model.
    QVERIFY(maxAbs(logits, neoxByHand(t, ids, mask, !parallel)) > 1e-4);
}

void TestEngineGpt::interventionPointsMatchHandComputation()
{
    QFETCH(QString, family);
    const GptCase c = gptCase(family);
    const auto model = float64Model(c);
    const auto [ids, mask] = randomBatch({6, 4}, 6, kVocab, 13);
    ForwardOptions options;
    options.interventions.capture.points = kAllPoints;
    options.captureProjections = true;
    ForwardRecord record;
    model->forward(ids, mask, options, &record);
    const int64_t B = ids.size(0), T = ids.size(1);
    for (int layer = 0; layer < kLayers; ++layer) {
        // The fused projection's input is the layer's attention input (after ln_1).
        const at::Tensor x = projection(record, layer, "qkv").input;
        std::vector<at::Tensor> zs;
        for (int head = 0; head < kHeads; ++head) {
            const HeadPoints hand = family == QLatin1String("gpt2")
                                        ? gpt2HeadByHand(c.tensors, layer, head, x, mask)
                                        : neoxHeadByHand(c.tensors, layer, head, x, mask);
            const std::pair<AttentionPoint, at::Tensor> expected[] = {
                {AttentionPoint::Q, hand.q}, {AttentionPoint::K, hand.k}, {AttentionPoint::V, hand.v},
                {AttentionPoint::Scores, hand.scores}, {AttentionPoint::Pattern, hand.pattern},
                {AttentionPoint::Z, hand.z}};
            for (const auto &[point, value] : expected) {
                const at::Tensor captured = record.attention.at(layer, point);
                QVERIFY(captured.defined());
                QCOMPARE(captured.size(1), int64_t(kHeads));
                const double diff = maxAbs(captured.select(1, head), value);
                QVERIFY2(diff < 1e-12, qPrintable(QStringLiteral("layer %1 head %2 %3: |diff| %4")
                                                      .arg(layer).arg(head).arg(attentionPointName(point)).arg(diff)));
            }
            zs.push_back(hand.z);
        }
        // The O projection reads the heads' z side by side.
        QVERIFY(maxAbs(projection(record, layer, "o").input, at::cat(zs, -1)) < 1e-12);
        QCOMPARE(record.attention.at(layer, AttentionPoint::Pattern).sizes(), (at::IntArrayRef{B, kHeads, T, T}));
    }
}

void TestEngineGpt::attentionGradientsMatchFiniteDifferences()
{
    QFETCH(QString, family);
    const bool gpt2 = family == QLatin1String("gpt2");
    const auto model = float64Model(gptCase(family));
    model->setAttentionRequiresGrad(true);
    const auto [ids, mask] = randomBatch({6, 4}, 6, kVocab, 5);
    auto loss = [&] { return causalLmLossPerSample(model->forward(ids, mask), ids, mask).sum(); };
    loss().backward();
    const int64_t D = kHidden, d = kHeadDim;
    const double eps = 1e-6;
    int checked = 0;
    for (const QString &name : model->attentionWeightNames()) {
        at::Tensor w = model->parameter(name);
        const at::Tensor grad = w.grad().clone();
        // (row, column) entries as stored. Fused tensors: one entry in each of
        // the Q, K and V ranges (GPT-2: D-wide column blocks; NeoX: rows
        // [head][q | k | v][d]), each in another head. O: three entries.
        std::vector<std::pair<int64_t, int64_t>> entries;
        const bool fused = name.endsWith(QLatin1String("c_attn.weight"))
                           || name.endsWith(QLatin1String("query_key_value.weight"));
        for (int part = 0; part < 3; ++part) {
            const int64_t head = part + 1, within = part, other = (5 * part + 3) % D;
            if (!fused)
                entries.push_back({(7 * part + 2) % D, (3 * part + 11) % D});
            else if (gpt2)
                entries.push_back({other, part * D + head * d + within});
            else
                entries.push_back({head * 3 * d + part * d + within, other});
        }
        for (const auto &[r, col] : entries) {
            double plus, minus;
            {
                at::NoGradGuard noGrad;
                const double orig = w[r][col].item<double>();
                w[r][col] = orig + eps;
                plus = loss().item<double>();
                w[r][col] = orig - eps;
                minus = loss().item<double>();
                w[r][col] = orig;
            }
            const double numeric = (plus - minus) / (2 * eps);
            const double analytic = grad[r][col].item<double>();
            const QString what = QStringLiteral("%1[%2,%3]: autograd %4, finite difference %5")
                                     .arg(name).arg(r).arg(col).arg(analytic).arg(numeric);
            // An entry that no path reaches would compare 0 with 0.
            QVERIFY2(std::abs(numeric) > 1e-6, qPrintable(what));
            QVERIFY2(std::abs(numeric - analytic) <= 1e-4 * std::max(std::abs(numeric), 1e-3), qPrintable(what));
            ++checked;
        }
    }
    QCOMPARE(checked, 2 * 3 * kLayers);
}

void TestEngineGpt::gpt2FusedConv1DEqualsSplitLayout()
{
    // What is compared: the engine runs GPT-2 from its fused Conv1D tensors
    // (c_attn [D, 3D], c_proj [D, D], stored [in, out]). The same weights are
    // cut into nn.Linear q/k/v/o tensors ([out, in]) head by head at the
    // places structure detection reports, and one sample's attention is
    // recomputed from the engine's captured layer input through the engine's
    // own AttentionCore. The split layout must give the engine's z and
    // attention output, and, fed the engine's upstream gradient dl_b/d(out),
    // weight gradients equal to the engine's per-sample gradients of the fused
    // tensors read through the same slices.
    const Tensors t = gpt2Tensors();
    const LoadedModel loaded = loadedFrom(gpt2Config(), t);
    const ModelStructure s = detectStructure(&*loaded.config, TensorIndex::fromStore(*loaded.tensors), loaded.path);
    EngineOptions o;
    o.dtype = at::kDouble;
    TransformerModel model(loaded, o);
    model.setAttentionRequiresGrad(true);
    const auto [ids, mask] = randomBatch({6, 3}, 6, kVocab, 29);
    ForwardOptions f;
    f.interventions.capture.points = pointBit(AttentionPoint::Z);
    f.captureProjections = true;
    ForwardRecord rec;
    causalLmLossPerSample(model.forward(ids, mask, f, &rec), ids, mask).sum().backward();

    const int64_t B = ids.size(0), T = ids.size(1), D = kHidden, d = kHeadDim;
    QCOMPARE(int(s.layers.size()), kLayers);
    for (const AttentionLayer &a : s.layers) {
        QVERIFY(a.conv1d);
        QCOMPARE(a.layout, QkvLayout::FusedBlocked);
        QCOMPARE(a.q.axis, Axis::Cols);
        QCOMPARE(a.o.axis, Axis::Rows);
        // Q/K/V heads are output rows of the split weight, O heads its input columns.
        auto linearOf = [&](const BlockSlice &b, int catDim) {
            std::vector<at::Tensor> heads;
            for (int h = 0; h < b.heads; ++h)
                heads.push_back(t.at(b.tensor).narrow(b.axis == Axis::Cols ? 1 : 0, b.starts[size_t(h)], b.headDim).t());
            return at::cat(heads, catDim).contiguous();
        };
        auto biasOf = [&](const BlockSlice &b) {
            std::vector<at::Tensor> heads;
            for (int h = 0; h < b.heads; ++h)
                heads.push_back(t.at(b.bias).narrow(0, b.starts[size_t(h)], b.headDim));
            return at::cat(heads, 0);
        };
        const at::Tensor bo = t.at(QStringLiteral("h.%1.attn.c_proj.bias").arg(a.index));
        const at::Tensor x = projection(rec, a.index, "qkv").input;
        const CapturedProjection &out = projection(rec, a.index, "o");
        const at::Tensor upstream = out.output.grad();
        QVERIFY(upstream.defined());
        const at::Tensor fusedPerSample = projection(rec, a.index, "qkv").perSampleWeightGradient(); // [B, D, 3D]
        const at::Tensor projPerSample = out.perSampleWeightGradient();                             // [B, D, D]
        for (int64_t b = 0; b < B; ++b) {
            at::Tensor wq = linearOf(a.q, 0).requires_grad_(), wk = linearOf(a.k, 0).requires_grad_();
            at::Tensor wv = linearOf(a.v, 0).requires_grad_(), wo = linearOf(a.o, 1).requires_grad_();
            const at::Tensor xb = x.narrow(0, b, 1);
            auto heads = [&](const at::Tensor &y) { return y.view({1, T, kHeads, d}).transpose(1, 2); };
            const AttentionCore core(nullptr, nullptr);
            const at::Tensor z = core.attend(a.index, heads(at::matmul(xb, wq.t()) + biasOf(a.q)),
                                             heads(at::matmul(xb, wk.t()) + biasOf(a.k)),
                                             heads(at::matmul(xb, wv.t()) + biasOf(a.v)), 1.0 / std::sqrt(double(d)),
                                             AttentionMasking(mask.narrow(0, b, 1), /*causal=*/true));
            const at::Tensor attended = at::matmul(z.transpose(1, 2).reshape({1, T, D}), wo.t()) + bo;
            QVERIFY(maxAbs(z[0], rec.attention.at(a.index, AttentionPoint::Z)[b]) < 1e-12);
            QVERIFY(maxAbs(attended[0], out.output.detach()[b]) < 1e-12);

            attended.backward(upstream.narrow(0, b, 1));
            const std::pair<const BlockSlice *, at::Tensor> blocks[] = {{&a.q, wq}, {&a.k, wk}, {&a.v, wv}};
            for (const auto &[slice, w] : blocks)
                for (int h = 0; h < kHeads; ++h) {
                    const at::Tensor engine = fusedPerSample[b].narrow(1, slice->starts[size_t(h)], d).t();
                    QVERIFY(engine.abs().max().item<double>() > 0);
                    QVERIFY(maxAbs(w.grad().narrow(0, h * d, d), engine) < 1e-12);
                }
            for (int h = 0; h < kHeads; ++h)
                QVERIFY(maxAbs(wo.grad().narrow(1, h * d, d), projPerSample[b].narrow(0, a.o.starts[size_t(h)], d).t()) < 1e-12);
        }
    }
}

void TestEngineGpt::computeSettingsDriveEveryPool()
{
    ComputeSettings s;
    s.threads = 2;
    s.apply();
    QCOMPARE(at::get_num_threads(), 2);
    QCOMPARE(qgetenv("OMP_NUM_THREADS"), QByteArray("2"));
    using GetThreads = int (*)();
    if (auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")))
        QCOMPARE(get(), 2);
    s.threads = 1;
    s.apply();
    QCOMPARE(at::get_num_threads(), 1);
    if (auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")))
        QCOMPARE(get(), 1);
    s.threads = 0;
    QVERIFY(s.effectiveThreads() >= 1);
#ifdef __linux__
    // "All cores" are the cores the process may run on.
    cpu_set_t all, one;
    QCOMPARE(sched_getaffinity(0, sizeof all, &all), 0);
    QCOMPARE(s.effectiveThreads(), CPU_COUNT(&all));
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &all)) {
            CPU_SET(cpu, &one);
            break;
        }
    QCOMPARE(sched_setaffinity(0, sizeof one, &one), 0);
    const int pinned = s.effectiveThreads();
    QCOMPARE(sched_setaffinity(0, sizeof all, &all), 0);
    QCOMPARE(pinned, 1);
#endif
    QVERIFY(s.parsedDevice().is_cpu());
    s.threads = -1;
    QVERIFY_THROWS_EXCEPTION(Error, s.apply());
    s.threads = 0;
    s.device = QStringLiteral("gpu7");
    QVERIFY_THROWS_EXCEPTION(Error, s.parsedDevice());
    if (!at::hasCUDA()) {
        s.device = QStringLiteral("cuda:0");
        QVERIFY_THROWS_EXCEPTION(Error, s.parsedDevice());
    }
}

QTEST_GUILESS_MAIN(TestEngineGpt)
#include "tst_engine_gpt.moc"
