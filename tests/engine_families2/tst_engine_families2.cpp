// The BERT/RoBERTa, Phi, Phi-3 and Gemma engines against independent float64
// re-implementations of the HuggingFace semantics (ReferenceModels.cpp), on
// tiny random checkpoints written to disk with F32/F16/BF16 tensors, and
// against properties any correct model of the family must have.
#include "Error.h"
#include "ReferenceModels.h"
#include "TinyCheckpoints.h"
#include "engine/TransformerModel.h"
#include "model/ModelLoader.h"

#include <ATen/CPUGeneratorImpl.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace qkov;
using namespace qkov::test;

namespace {

double maxAbs(const at::Tensor &a, const at::Tensor &b)
{
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

struct TinyEngine
{
    LoadedModel loaded;
    std::unique_ptr<TransformerModel> model;
};

// Writes the checkpoint, loads it as a user would, builds the engine.
TinyEngine buildEngine(const TinyCheckpoint &c, at::ScalarType dtype = at::kDouble)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        qFatal("no temporary directory");
    writeCheckpoint(dir.path(), c);
    TinyEngine e;
    e.loaded = loadModel(dir.path());
    EngineOptions options;
    options.dtype = dtype;
    e.model = std::make_unique<TransformerModel>(e.loaded, options);
    return e;
}

// Random real ids (never a pad id) with the given lengths, right-padded with
// the checkpoint's pad id.
std::pair<at::Tensor, at::Tensor> batch(const TinyCheckpoint &c, const std::vector<int64_t> &lengths,
                                        int64_t T, uint64_t seed)
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const int64_t B = int64_t(lengths.size());
    at::Tensor ids = at::randint(2, c.vocab, {B, T}, gen, at::TensorOptions().dtype(at::kLong));
    at::Tensor mask = at::zeros({B, T}, at::TensorOptions().dtype(at::kLong));
    for (int64_t b = 0; b < B; ++b) {
        const int64_t n = lengths[size_t(b)];
        mask[b].narrow(0, 0, n).fill_(1);
        if (n < T)
            ids[b].narrow(0, n, T - n).fill_(c.padId);
    }
    return {ids, mask};
}

void addFamilies(std::initializer_list<const char *> families)
{
    QTest::addColumn<QString>("family");
    for (const char *f : families)
        QTest::newRow(f) << QString::fromLatin1(f);
}

// A copy with one KV head per query head, KV rows duplicated so that query
// head h reads what KV head h / (H / H_kv) held (or h % H_kv when `modulo`,
// the classic mistake).
TinyCheckpoint withDuplicatedKvHeads(const TinyCheckpoint &c, bool modulo)
{
    TinyCheckpoint mha = c;
    mha.kvHeads = c.heads;
    mha.config.insert("num_key_value_heads", c.heads);
    const int group = c.heads / c.kvHeads;
    auto expand = [&](const at::Tensor &t) { // rows of KV heads, [Hkv*d] or [Hkv*d, D]
        const at::Tensor perHead = t.reshape({c.kvHeads, c.headDim, -1});
        const at::Tensor out = modulo ? perHead.repeat({group, 1, 1}) : perHead.repeat_interleave(group, 0);
        return t.dim() == 1 ? out.reshape({-1}) : out.reshape({int64_t(c.heads) * c.headDim, t.size(1)});
    };
    for (int l = 0; l < c.layers; ++l) {
        const QString p = QStringLiteral("model.layers.%1.self_attn.").arg(l);
        if (c.family == QLatin1String("phi3")) {
            const QString name = p + "qkv_proj.weight";
            const LayerAttention a = layerAttention(c, l);
            setTensor(mha, name, at::cat({a.wq, expand(a.wk), expand(a.wv)}, 0));
            continue;
        }
        for (const char *proj : {"k_proj", "v_proj"})
            for (const char *kind : {"weight", "bias"}) {
                const QString name = p + proj + "." + kind;
                if (c.tensors.count(name))
                    setTensor(mha, name, expand(c.tensors.at(name)));
            }
    }
    return mha;
}

} // namespace

class TestEngineFamilies2 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matchesIndependentReference_data() { addFamilies({"bert", "roberta", "phi", "phi3", "gemma"}); }
    void matchesIndependentReference();
    void structureAgreesWithEngine_data() { addFamilies({"bert", "roberta", "phi", "phi3", "gemma"}); }
    void structureAgreesWithEngine();
    void decodersAreCausal_data() { addFamilies({"phi", "phi3", "gemma"}); }
    void decodersAreCausal();
    void encoderOutputsIgnorePadding_data() { addFamilies({"bert", "roberta"}); }
    void encoderOutputsIgnorePadding();
    void bertDecoderIsCausal();
    void groupedQueryEqualsDuplicatedHeads_data() { addFamilies({"phi3", "gemma"}); }
    void groupedQueryEqualsDuplicatedHeads();
    void attentionGradientsMatchFiniteDifferences_data() { addFamilies({"bert", "roberta", "phi", "phi3", "gemma"}); }
    void attentionGradientsMatchFiniteDifferences();
    void interventionPointsMatchHandComputation_data() { addFamilies({"bert", "roberta", "phi", "phi3", "gemma"}); }
    void interventionPointsMatchHandComputation();
    void unsupportedSettingsAreRefused();
};

void TestEngineFamilies2::matchesIndependentReference()
{
    QFETCH(QString, family);
    const TinyCheckpoint c = tinyCheckpoint(family);
    const auto [ids, mask] = batch(c, {7, 4, 1}, 7, 21);
    const at::Tensor expected = referenceLogits(c, ids, mask);
    QCOMPARE(expected.size(2), c.vocab);

    const TinyEngine f64 = buildEngine(c, at::kDouble);
    QCOMPARE(f64.model->family(), family == QLatin1String("roberta") ? QStringLiteral("bert") : family);
    const at::Tensor logits = f64.model->forward(ids, mask);
    QCOMPARE(logits.sizes(), expected.sizes());
    const double diff = maxAbs(logits, expected);
    qInfo("%s float64: max |engine - reference| = %.3g (logits up to %.3g)", qPrintable(family), diff,
          expected.abs().max().item<double>());
    QVERIFY2(diff <= 1e-6, qPrintable(QString::number(diff)));

    // The float32 engine computes the same model.
    const at::Tensor f32 = buildEngine(c, at::kFloat).model->forward(ids, mask);
    QCOMPARE(f32.scalar_type(), at::kFloat);
    QVERIFY2(maxAbs(f32, expected) <= 1e-4, qPrintable(QString::number(maxAbs(f32, expected))));
}

void TestEngineFamilies2::structureAgreesWithEngine()
{
    QFETCH(QString, family);
    const TinyCheckpoint c = tinyCheckpoint(family);
    const TinyEngine e = buildEngine(c);
    const ModelStructure &s = e.loaded.structure;
    QCOMPARE(int(s.layers.size()), c.layers);
    QSet<QString> named;
    for (const AttentionLayer &layer : s.layers) {
        QCOMPARE(layer.numHeads, c.heads);
        QCOMPARE(layer.numKvHeads, c.kvHeads);
        QCOMPARE(layer.headDim, c.headDim);
        const LayerAttention a = layerAttention(c, layer.index);
        // Each head's rows (columns for O) as the structure locates them are
        // the ones the reference (and so the engine) uses for that head.
        auto check = [&](const BlockSlice &b, const at::Tensor &w, int heads, int dim) {
            QVERIFY2(e.model->attentionWeightNames().contains(b.tensor), qPrintable(b.tensor));
            named.insert(b.tensor);
            QCOMPARE(b.heads, heads);
            const at::Tensor stored = c.tensors.at(b.tensor);
            for (int h = 0; h < heads; ++h) {
                const at::Tensor located = stored.narrow(b.axis == Axis::Rows ? 0 : 1, b.starts[size_t(h)], b.headDim);
                QVERIFY(at::equal(located, w.narrow(dim, int64_t(h) * c.headDim, c.headDim)));
            }
        };
        check(layer.q, a.wq, c.heads, 0);
        check(layer.k, a.wk, c.kvHeads, 0);
        check(layer.v, a.wv, c.kvHeads, 0);
        check(layer.o, a.wo, c.heads, 1);
        if (a.bq.defined())
            QVERIFY(at::equal(c.tensors.at(layer.q.bias), a.bq));
    }
    QCOMPARE(e.model->attentionWeightNames().size(), named.size());
}

void TestEngineFamilies2::decodersAreCausal()
{
    QFETCH(QString, family);
    const TinyCheckpoint c = tinyCheckpoint(family);
    const TinyEngine e = buildEngine(c);
    const at::Tensor ids = batch(c, {8}, 8, 4).first;
    const at::Tensor base = e.model->forward(ids)[0];
    for (int changed : {2, 5, 7}) {
        at::Tensor other = ids.clone();
        other[0][changed] = 2 + (other[0][changed].item<int64_t>() + 5) % (c.vocab - 2);
        const at::Tensor logits = e.model->forward(other)[0];
        QCOMPARE(maxAbs(logits.narrow(0, 0, changed), base.narrow(0, 0, changed)), 0.0);
        QVERIFY(maxAbs(logits[changed], base[changed]) > 1e-4);
    }
}

void TestEngineFamilies2::encoderOutputsIgnorePadding()
{
    QFETCH(QString, family);
    const TinyCheckpoint c = tinyCheckpoint(family);
    const TinyEngine e = buildEngine(c);
    const auto [ids, mask] = batch(c, {5, 9}, 9, 8);
    const at::Tensor alone = e.model->forward(ids[0].narrow(0, 0, 5).unsqueeze(0))[0];
    const at::Tensor padded = e.model->forward(ids, mask);
    QVERIFY(maxAbs(padded[0].narrow(0, 0, 5), alone) < 1e-12);
    // Whatever id the masked positions hold.
    at::Tensor otherPads = ids.clone();
    otherPads[0].narrow(0, 5, 4).fill_(7);
    QVERIFY(maxAbs(e.model->forward(otherPads, mask)[0].narrow(0, 0, 5), alone) < 1e-12);
    // Attention is bidirectional: a later token changes earlier outputs.
    at::Tensor changed = ids.clone();
    changed[0][4] = 2 + (changed[0][4].item<int64_t>() + 3) % (c.vocab - 2);
    QVERIFY(maxAbs(e.model->forward(changed, mask)[0][0], padded[0][0]) > 1e-4);
}

void TestEngineFamilies2::bertDecoderIsCausal()
{
    // is_decoder (BertLMHeadModel): the same network under a causal mask.
    TinyCheckpoint c = tinyBert(false);
    c.config.insert("is_decoder", true);
    c.causal = true;
    const TinyEngine e = buildEngine(c);
    const auto [ids, mask] = batch(c, {6, 3}, 6, 31);
    const at::Tensor logits = e.model->forward(ids, mask);
    QVERIFY(maxAbs(logits, referenceLogits(c, ids, mask)) <= 1e-6);
    at::Tensor changed = ids.clone();
    changed[0][4] = 2 + (changed[0][4].item<int64_t>() + 3) % (c.vocab - 2);
    const at::Tensor other = e.model->forward(changed, mask);
    QCOMPARE(maxAbs(other[0].narrow(0, 0, 4), logits[0].narrow(0, 0, 4)), 0.0);
    QVERIFY(maxAbs(other[0][4], logits[0][4]) > 1e-4);
}

void TestEngineFamilies2::groupedQueryEqualsDuplicatedHeads()
{
    QFETCH(QString, family);
    const TinyCheckpoint c = tinyCheckpoint(family);
    QVERIFY(c.kvHeads < c.heads);
    const auto [ids, mask] = batch(c, {7, 3}, 7, 12);
    const at::Tensor grouped = buildEngine(c).model->forward(ids, mask);
    const TinyEngine mha = buildEngine(withDuplicatedKvHeads(c, false));
    QCOMPARE(mha.model->numKvHeads(), c.heads);
    QVERIFY(maxAbs(grouped, mha.model->forward(ids, mask)) < 1e-12);
    const at::Tensor wrong = buildEngine(withDuplicatedKvHeads(c, true)).model->forward(ids, mask);
    QVERIFY(maxAbs(grouped, wrong) > 1e-3);
}

void TestEngineFamilies2::attentionGradientsMatchFiniteDifferences()
{
    QFETCH(QString, family);
    const TinyCheckpoint c = tinyCheckpoint(family);
    TinyEngine e = buildEngine(c);
    TransformerModel &model = *e.model;
    model.setAttentionRequiresGrad(true);
    const auto [ids, mask] = batch(c, {6, 4}, 6, 5);
    // Encoders get a masked-LM loss: cross-entropy of the logits at chosen
    // real positions against chosen targets.
    const at::Tensor mlmSamples = at::tensor({0, 0, 1, 1}, at::kLong);
    const at::Tensor mlmPositions = at::tensor({1, 4, 0, 3}, at::kLong);
    const at::Tensor mlmTargets = at::tensor({3, 17, 9, c.vocab - 1}, at::kLong);
    auto loss = [&] {
        const at::Tensor logits = model.forward(ids, mask);
        if (c.causal)
            return causalLmLossPerSample(logits, ids, mask).sum();
        const at::Tensor picked = logits.reshape({-1, logits.size(2)})
                                      .index_select(0, mlmSamples * logits.size(1) + mlmPositions); // [4, V]
        return at::cross_entropy_loss(picked, mlmTargets, {}, at::Reduction::Sum);
    };
    loss().backward();
    const double eps = 1e-6;
    int checked = 0;
    for (const QString &name : model.attentionWeightNames()) {
        at::Tensor w = model.parameter(name);
        const at::Tensor grad = w.grad().clone();
        QVERIFY(grad.abs().max().item<double>() > 0);
        // For Phi-3's fused tensor these entries lie in Q, K and V rows.
        for (int64_t flat : {int64_t(0), w.numel() / 2 + 1, w.numel() - 1}) {
            const int64_t r = flat / w.size(1), col = flat % w.size(1);
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
            QVERIFY2(std::abs(numeric - analytic) <= 1e-4 * std::max(std::abs(numeric), 1e-3),
                     qPrintable(QStringLiteral("%1[%2,%3]: autograd %4, finite difference %5")
                                    .arg(name).arg(r).arg(col).arg(analytic).arg(numeric)));
            ++checked;
        }
    }
    const int perLayer = family == QLatin1String("phi3") ? 2 : 4;
    QCOMPARE(checked, 3 * perLayer * c.layers);
}

void TestEngineFamilies2::interventionPointsMatchHandComputation()
{
    QFETCH(QString, family);
    const TinyCheckpoint c = tinyCheckpoint(family);
    const TinyEngine e = buildEngine(c);
    const auto [ids, mask] = batch(c, {6, 4}, 6, 17);
    ForwardOptions options;
    options.interventions.capture.points = (1u << kAttentionPointCount) - 1;
    options.captureProjections = true;
    ForwardRecord record;
    e.model->forward(ids, mask, options, &record);

    const int layer = 1;
    const char *block = family == QLatin1String("phi3") ? "qkv" : "q";
    at::Tensor x;
    for (const CapturedProjection &p : record.projections)
        if (p.layer == layer && p.block == QLatin1String(block))
            x = p.input;
    QVERIFY(x.defined());
    const LayerAttention a = layerAttention(c, layer);
    const AttentionPoint points[] = {AttentionPoint::Q, AttentionPoint::K, AttentionPoint::V,
                                     AttentionPoint::Pattern, AttentionPoint::Z};
    // The last head: under grouped-query attention it reads the last KV head.
    for (int head : {0, c.heads - 1}) {
        for (int64_t b = 0; b < ids.size(0); ++b) {
            const std::vector<at::Tensor> hand = headByHand(c, a, x[b], mask[b], head);
            for (size_t i = 0; i < hand.size(); ++i) {
                const at::Tensor captured = record.attention.at(layer, points[i])[b][head];
                const double diff = maxAbs(captured, hand[i]);
                QVERIFY2(diff < 1e-10, qPrintable(QStringLiteral("%1 head %2 sample %3: |diff| %4")
                                                      .arg(attentionPointName(points[i])).arg(head).arg(b).arg(diff)));
            }
            // Scores: scaled q.k before masking, from the hand q and k.
            const at::Tensor scores = at::mm(hand[0], hand[1].t()) / std::sqrt(double(c.headDim));
            const double diff = maxAbs(record.attention.at(layer, AttentionPoint::Scores)[b][head], scores);
            QVERIFY2(diff < 1e-10, qPrintable(QStringLiteral("scores head %1 sample %2: |diff| %3").arg(head).arg(b).arg(diff)));
        }
    }
}

void TestEngineFamilies2::unsupportedSettingsAreRefused()
{
    auto refusal = [](const TinyCheckpoint &c) -> QString {
        QTemporaryDir dir;
        writeCheckpoint(dir.path(), c);
        try {
            TransformerModel model(loadModel(dir.path()));
        } catch (const Error &e) {
            return e.message();
        }
        return {};
    };
    TinyCheckpoint phi = tinyPhi();
    phi.config.insert("qk_layernorm", true);
    QVERIFY(refusal(phi).contains("qk_layernorm"));

    TinyCheckpoint phi3 = tinyPhi3();
    QJsonObject longrope;
    longrope.insert("type", "longrope");
    longrope.insert("short_factor", QJsonArray{1.0, 1.0, 1.0, 1.0});
    longrope.insert("long_factor", QJsonArray{1.0, 1.0, 1.0, 1.0});
    phi3.config.insert("rope_scaling", longrope);
    QVERIFY(refusal(phi3).contains("longrope"));

    TinyCheckpoint bare = tinyBert(false);
    for (auto it = bare.tensors.begin(); it != bare.tensors.end();)
        it = it->first.startsWith("cls.") ? bare.tensors.erase(it) : std::next(it);
    QVERIFY(refusal(bare).contains("masked-LM head"));

    TinyCheckpoint relative = tinyBert(false);
    relative.config.insert("position_embedding_type", "relative_key");
    QVERIFY(refusal(relative).contains("relative_key"));

    TinyCheckpoint broken = tinyGemma();
    broken.tensors.erase("model.layers.1.self_attn.k_proj.weight");
    QVERIFY(refusal(broken).contains("model.layers.1.self_attn.k_proj.weight"));

    // RoBERTa positions beyond the position table are an error, not a crash.
    const TinyEngine roberta = buildEngine(tinyBert(true));
    const at::Tensor tooLong = at::full({1, 31}, 5, at::TensorOptions().dtype(at::kLong));
    QVERIFY_THROWS_EXCEPTION(Error, roberta.model->forward(tooLong));
    QCOMPARE(roberta.model->forward(tooLong.narrow(1, 0, 30)).size(1), 30);
}

QTEST_GUILESS_MAIN(TestEngineFamilies2)
#include "tst_engine_families2.moc"
