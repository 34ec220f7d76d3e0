// The LLaMA engine against independent references (llama2.c run.c logits),
// and against properties any correct causal transformer must have.
#include "Error.h"
#include "TinyLlama.h"
#include "engine/EngineOps.h"
#include "engine/TransformerModel.h"
#include "model/ModelLoader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace qkov;
using namespace qkov::test;

namespace {

const QString kShared = QStringLiteral(QKOV_SHARED_DIR);

struct Reference
{
    at::Tensor tokens; // [1, 8]
    at::Tensor logits; // [8, 512]
};

Reference readReference()
{
    QFile f(kShared + "/reference/stories260K_logits.json");
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot open the reference logits");
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    std::vector<int64_t> tokens;
    for (const QJsonValue &v : root.value("tokens").toArray())
        tokens.push_back(v.toInteger());
    std::vector<double> logits;
    const QJsonArray rows = root.value("logits").toArray();
    for (const QJsonValue &row : rows)
        for (const QJsonValue &v : row.toArray())
            logits.push_back(v.toDouble());
    Reference r;
    r.tokens = at::tensor(tokens, at::TensorOptions().dtype(at::kLong)).unsqueeze(0);
    r.logits = at::tensor(logits, at::TensorOptions().dtype(at::kDouble)).view({int64_t(rows.size()), -1});
    return r;
}

double maxAbs(const at::Tensor &a, const at::Tensor &b)
{
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

} // namespace

class TestEngineLlama : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stories260KMatchesRunC_data();
    void stories260KMatchesRunC();
    void causality();
    void rightPaddingKeepsRealLogits();
    void groupedQueryEqualsDuplicatedHeads();
    void rotaryScoresDependOnOffsetOnly();
    void llama3ScalingKeepsHighAndSlowsLowFrequencies();
    void mistralSlidingWindow();
    void attentionWeightGradientsMatchFiniteDifferences();
    void badInputIsAnError();
};

void TestEngineLlama::stories260KMatchesRunC_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("dtype");
    const QString hf = kShared + "/models/stories260K";
    const QString l2c = kShared + "/models/stories260K-llama2c/stories260K.bin";
    QTest::newRow("hf float32") << hf << int(at::kFloat);
    QTest::newRow("hf float64") << hf << int(at::kDouble);
    QTest::newRow("llama2c float32") << l2c << int(at::kFloat);
}

void TestEngineLlama::stories260KMatchesRunC()
{
    QFETCH(QString, path);
    QFETCH(int, dtype);
    const Reference ref = readReference();
    QCOMPARE(ref.logits.size(0), 8);
    QCOMPARE(ref.logits.size(1), 512);
    const LoadedModel loaded = loadModel(path);
    EngineOptions options;
    options.dtype = at::ScalarType(dtype);
    TransformerModel model(loaded, options);
    QCOMPARE(model.family(), QStringLiteral("llama"));
    const at::Tensor logits = model.forward(ref.tokens)[0];
    QCOMPARE(logits.size(0), 8);
    QCOMPARE(logits.size(1), 512);
    const double diff = maxAbs(logits, ref.logits);
    qInfo("max |logit - run.c| = %.3g", diff);
    QVERIFY2(diff <= 1e-4, qPrintable(QStringLiteral("max |diff| %1").arg(diff)));
    QVERIFY(at::equal(logits.argmax(-1), ref.logits.argmax(-1)));
    // The engine's attention weights are the ones the structure detection names.
    for (const AttentionLayer &layer : loaded.structure.layers)
        for (const BlockSlice *b : {&layer.q, &layer.k, &layer.v, &layer.o})
            QVERIFY2(model.attentionWeightNames().contains(b->tensor), qPrintable(b->tensor));
    QCOMPARE(model.attentionWeightNames().size(), 4 * model.numLayers());
}

void TestEngineLlama::causality()
{
    TransformerModel model(loadModel(kShared + "/models/stories260K"));
    const at::Tensor tokens = readReference().tokens;
    const at::Tensor base = model.forward(tokens)[0];
    for (int changed : {3, 5, 7}) {
        at::Tensor other = tokens.clone();
        other[0][changed] = (other[0][changed].item<int64_t>() + 17) % 512;
        const at::Tensor logits = model.forward(other)[0];
        QCOMPARE(maxAbs(logits.narrow(0, 0, changed), base.narrow(0, 0, changed)), 0.0);
        QVERIFY(maxAbs(logits[changed], base[changed]) > 1e-3);
    }
}

void TestEngineLlama::rightPaddingKeepsRealLogits()
{
    TransformerModel model(loadModel(kShared + "/models/stories260K"));
    const at::Tensor tokens = readReference().tokens; // [1, 8]
    const at::Tensor full = model.forward(tokens)[0];
    const at::Tensor shortRun = model.forward(tokens.narrow(1, 0, 5))[0];
    at::Tensor batch = tokens.repeat({2, 1});
    batch[1].narrow(0, 5, 3).fill_(0);
    at::Tensor mask = at::ones_like(batch);
    mask[1].narrow(0, 5, 3).fill_(0);
    const at::Tensor logits = model.forward(batch, mask);
    // Float32 rounding of GEMMs of other shapes (other kernels): a few ulps of
    // the largest logit (measured 1.1e-5 at a scale of 19.5 with AVX-512).
    const double tolerance = 2e-6 * full.abs().max().item<double>();
    QVERIFY(maxAbs(logits[0], full) < tolerance);
    QVERIFY(maxAbs(logits[1].narrow(0, 0, 5), shortRun) < tolerance);
    // Padding ids other than 0 make no difference either.
    batch[1].narrow(0, 5, 3).fill_(99);
    QVERIFY(maxAbs(model.forward(batch, mask)[1].narrow(0, 0, 5), shortRun) < tolerance);
}

void TestEngineLlama::groupedQueryEqualsDuplicatedHeads()
{
    TinyLlamaSpec gqa;
    gqa.heads = 6;
    gqa.kvHeads = 2;
    gqa.qkvBias = true;
    gqa.modelType = QStringLiteral("qwen2");
    auto tensors = tinyTensors(gqa);
    TinyLlamaSpec mha = gqa;
    mha.kvHeads = gqa.heads;
    // Query head h reads KV head h / 3: repeat every KV head's rows 3 times.
    auto duplicated = tensors;
    const int group = gqa.heads / gqa.kvHeads;
    for (int l = 0; l < gqa.layers; ++l)
        for (const char *proj : {"k_proj", "v_proj"})
            for (const char *kind : {"weight", "bias"}) {
                const QString name = QStringLiteral("model.layers.%1.self_attn.%2.%3").arg(l).arg(proj, kind);
                const at::Tensor t = tensors.at(name);
                const at::Tensor perHead = t.view({gqa.kvHeads, gqa.headDim, -1});
                duplicated[name] = perHead.repeat_interleave(group, 0).reshape(
                    t.dim() == 1 ? std::vector<int64_t>{int64_t(gqa.heads) * gqa.headDim}
                                 : std::vector<int64_t>{int64_t(gqa.heads) * gqa.headDim, t.size(1)});
            }
    EngineOptions o;
    o.dtype = at::kDouble;
    TransformerModel grouped(loadedFrom(tinyConfig(gqa), tensors), o);
    TransformerModel multi(loadedFrom(tinyConfig(mha), duplicated), o);
    const auto [ids, mask] = randomBatch({7, 4}, 7, gqa.vocab, 3);
    const at::Tensor a = grouped.forward(ids, mask);
    const at::Tensor b = multi.forward(ids, mask);
    QVERIFY(maxAbs(a, b) < 1e-12);
    // A wrong head-to-group map (h % H_kv) would give another model.
    auto wrong = tensors;
    for (int l = 0; l < gqa.layers; ++l)
        for (const char *proj : {"k_proj", "v_proj"}) {
            const QString name = QStringLiteral("model.layers.%1.self_attn.%2.weight").arg(l).arg(proj);
            wrong[name] = tensors.at(name).view({gqa.kvHeads, gqa.headDim, -1}).repeat({group, 1, 1})
                              .reshape({int64_t(gqa.heads) * gqa.headDim, -1});
            const QString bias = QStringLiteral("model.layers.%1.self_attn.%2.bias").arg(l).arg(proj);
            wrong[bias] = tensors.at(bias).view({gqa.kvHeads, gqa.headDim}).repeat({group, 1}).reshape({-1});
        }
    TransformerModel modulo(loadedFrom(tinyConfig(mha), wrong), o);
    QVERIFY(maxAbs(a, modulo.forward(ids, mask)) > 1e-3);
}

void TestEngineLlama::rotaryScoresDependOnOffsetOnly()
{
    for (const char *scaling : {"", "llama3", "linear"}) {
        RopeSettings rope;
        rope.enabled = true;
        rope.theta = 500000.0;
        rope.scalingType = QString::fromLatin1(scaling);
        rope.factor = 8.0;
        rope.lowFreqFactor = 1.0;
        rope.highFreqFactor = 4.0;
        rope.originalMaxPositions = 16;
        const int d = 16, T = 12;
        RotaryEmbedding rotary(rope, d, 64, at::kDouble, "test");
        // Default frequencies are theta^(-2i/d).
        if (rope.scalingType.isEmpty())
            for (int i = 0; i < d / 2; ++i)
                QVERIFY(std::abs(rotary.inverseFrequencies(T)[i].item<double>()
                                 - std::pow(rope.theta, -2.0 * i / d)) < 1e-15);
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(11);
        const at::Tensor q = at::randn({d}, gen, at::TensorOptions().dtype(at::kDouble));
        const at::Tensor k = at::randn({d}, gen, at::TensorOptions().dtype(at::kDouble));
        const at::Tensor qr = rotary.apply(q.expand({1, 1, T, d}).contiguous())[0][0];
        const at::Tensor kr = rotary.apply(k.expand({1, 1, T, d}).contiguous())[0][0];
        const at::Tensor scores = at::matmul(qr, kr.t()); // [T, T]
        for (int i = 0; i + 1 < T; ++i)
            for (int j = 0; j + 1 < T; ++j)
                QVERIFY(std::abs(scores[i][j].item<double>() - scores[i + 1][j + 1].item<double>()) < 1e-12);
        QVERIFY(std::abs(scores[5][5].item<double>() - q.dot(k).item<double>()) < 1e-12);
        QVERIFY(std::abs(scores[5][5].item<double>() - scores[5][2].item<double>()) > 1e-6);
        // Rotation keeps lengths.
        QVERIFY((qr.norm(2, -1) - q.norm()).abs().max().item<double>() < 1e-12);
    }
}

void TestEngineLlama::llama3ScalingKeepsHighAndSlowsLowFrequencies()
{
    RopeSettings plain;
    plain.theta = 500000.0;
    RopeSettings scaled = plain;
    scaled.scalingType = QStringLiteral("llama3");
    scaled.factor = 8.0;
    scaled.lowFreqFactor = 1.0;
    scaled.highFreqFactor = 4.0;
    scaled.originalMaxPositions = 8192;
    const int d = 128;
    const at::Tensor base = RotaryEmbedding(plain, d, 131072, at::kDouble, "test").inverseFrequencies(10);
    const at::Tensor inv = RotaryEmbedding(scaled, d, 131072, at::kDouble, "test").inverseFrequencies(10);
    int kept = 0, slowed = 0, blended = 0;
    for (int i = 0; i < d / 2; ++i) {
        const double f = base[i].item<double>(), g = inv[i].item<double>();
        const double wavelen = 2 * M_PI / f;
        if (wavelen < 8192.0 / 4.0) {
            QCOMPARE(g, f);
            ++kept;
        } else if (wavelen > 8192.0) {
            QVERIFY(std::abs(g - f / 8.0) <= 1e-15 * f);
            ++slowed;
        } else {
            QVERIFY(g < f && g > f / 8.0);
            ++blended;
        }
    }
    QVERIFY(kept > 0 && slowed > 0 && blended > 0);
}

void TestEngineLlama::mistralSlidingWindow()
{
    TinyLlamaSpec spec;
    spec.modelType = QStringLiteral("mistral");
    ModelConfig config = tinyConfig(spec);
    config.raw.insert(QStringLiteral("sliding_window"), 3);
    EngineOptions o;
    o.dtype = at::kDouble;
    TransformerModel windowed(loadedFrom(config, tinyTensors(spec)), o);
    const auto [ids, mask] = randomBatch({8}, 8, spec.vocab, 2);
    ForwardOptions f;
    f.interventions.capture.points = pointBit(AttentionPoint::Pattern);
    ForwardRecord rec;
    windowed.forward(ids, mask, f, &rec);
    for (int l = 0; l < spec.layers; ++l) {
        const at::Tensor pattern = rec.attention.at(l, AttentionPoint::Pattern)[0]; // [H, T, T]
        for (int i = 0; i < 8; ++i)
            for (int j = 0; j < 8; ++j) {
                const double maxWeight = pattern.select(1, i).select(1, j).max().item<double>();
                if (j > i || i - j >= 3)
                    QCOMPARE(maxWeight, 0.0);
                else
                    QVERIFY(pattern.select(1, i).select(1, j).min().item<double>() > 0);
            }
    }
}

void TestEngineLlama::attentionWeightGradientsMatchFiniteDifferences()
{
    TinyLlamaSpec spec;
    spec.qkvBias = true;
    auto model = tinyModel(spec, at::kDouble);
    model->setAttentionRequiresGrad(true);
    const auto [ids, mask] = randomBatch({6, 4}, 6, spec.vocab, 5);
    auto loss = [&] { return causalLmLossPerSample(model->forward(ids, mask), ids, mask).sum(); };
    loss().backward();
    const double eps = 1e-6;
    int checked = 0;
    for (const QString &name : model->attentionWeightNames()) {
        at::Tensor w = model->parameter(name);
        const at::Tensor grad = w.grad().clone();
        QVERIFY(grad.abs().max().item<double>() > 0);
        for (int64_t flat : {int64_t(0), w.numel() / 2 + 1, w.numel() - 1}) {
            const int64_t r = flat / w.size(1), c = flat % w.size(1);
            double plus, minus;
            {
                at::NoGradGuard noGrad;
                const double orig = w[r][c].item<double>();
                w[r][c] = orig + eps;
                plus = loss().item<double>();
                w[r][c] = orig - eps;
                minus = loss().item<double>();
                w[r][c] = orig;
            }
            const double numeric = (plus - minus) / (2 * eps);
            const double analytic = grad[r][c].item<double>();
            QVERIFY2(std::abs(numeric - analytic) <= 1e-4 * std::max(std::abs(numeric), 1e-3),
                     qPrintable(QStringLiteral("%1[%2,%3]: autograd %4, finite difference %5")
                                    .arg(name).arg(r).arg(c).arg(analytic).arg(numeric)));
            ++checked;
        }
    }
    QCOMPARE(checked, 3 * 4 * spec.layers);
}

void TestEngineLlama::badInputIsAnError()
{
    TinyLlamaSpec spec;
    auto model = tinyModel(spec, at::kFloat);
    at::Tensor ids = at::full({1, 3}, spec.vocab, at::TensorOptions().dtype(at::kLong));
    QVERIFY_THROWS_EXCEPTION(Error, model->forward(ids));
    QVERIFY_THROWS_EXCEPTION(Error, model->forward(at::zeros({3}, at::kLong)));
    ForwardOptions bad;
    HeadIntervention iv;
    iv.layer = spec.layers;
    bad.interventions.replacements.push_back(iv);
    QVERIFY_THROWS_EXCEPTION(Error, model->forward(at::zeros({1, 3}, at::kLong), {}, bad));
    bad.interventions.replacements[0].layer = 0;
    bad.interventions.replacements[0].head = spec.heads;
    QVERIFY_THROWS_EXCEPTION(Error, model->forward(at::zeros({1, 3}, at::kLong), {}, bad));

    auto tensors = tinyTensors(spec);
    tensors.erase(QStringLiteral("model.layers.1.self_attn.k_proj.weight"));
    try {
        TransformerModel broken(loadedFrom(tinyConfig(spec), tensors));
        QFAIL("a missing tensor was accepted");
    } catch (const Error &e) {
        QVERIFY(e.message().contains("model.layers.1.self_attn.k_proj.weight"));
    }
    ModelConfig unknown = tinyConfig(spec);
    unknown.modelType = QStringLiteral("no_such_family");
    QVERIFY_THROWS_EXCEPTION(Error, TransformerModel(loadedFrom(unknown, tinyTensors(spec))));
}

QTEST_GUILESS_MAIN(TestEngineLlama)
#include "tst_engine_llama.moc"
