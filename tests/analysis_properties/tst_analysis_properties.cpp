// Properties that any correct QK-OV score must have, checked through the real
// stages (per-sample gradient collection, Fisher reference, head kernels) on
// a tiny random LLaMA whose weights are edited to silence parts of one head:
//  - Q and K rows of a head zeroed: its attention logits are 0 whatever the
//    input, so no gradient reaches its Q or K rows: Q and K score exactly 0.
//    With only Q zeroed, K's gradient (sum_i dS_ij q_i) still vanishes, but
//    Q's (sum_j dS_ij k_j) does not: the softmax passes a gradient to q even
//    when all logits are equal. Symmetrically for only K zeroed.
//  - V rows and O columns zeroed: the head writes nothing, so V and O (and,
//    since the head's output no longer depends on its pattern, Q and K) score 0.
//  - every loss scaled by c: gradients scale by c, the Fisher and its relative
//    ridge by c^2, so abs/symmetric scores scale by c (rankings kept) and the
//    signed score is unchanged.
#include "TinyLlama.h"
#include "analysis/FisherReference.h"
#include "analysis/GradientCollector.h"
#include "analysis/GradientStore.h"
#include "analysis/InterferenceScores.h"
#include "data/TaskDataset.h"
#include "pipeline/AnalysisPipeline.h"
#include "structure/ArchitectureFamily.h"
#include "structure/TensorIndex.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace qkov;
using namespace qkov::test;

namespace {

constexpr int kLayers = 2, kHeads = 4, kHeadDim = 4, kVocab = 32;
constexpr int kLayer = 0, kHead = 2; // the edited head
const char *const kBlocks[4] = {"Q", "K", "V", "O"};

TinyLlamaSpec spec(int vocab = kVocab)
{
    TinyLlamaSpec s;
    s.vocab = vocab;
    s.layers = kLayers;
    s.heads = s.kvHeads = kHeads; // one KV head per query head: nothing shared
    s.headDim = kHeadDim;
    s.hidden = kHeads * kHeadDim;
    return s;
}

enum Silence { QRows = 1, KRows = 2, VRows = 4, OColumns = 8 };

std::map<QString, at::Tensor> editedTensors(const TinyLlamaSpec &s, int silenced)
{
    std::map<QString, at::Tensor> t = tinyTensors(s);
    const QString p = QStringLiteral("model.layers.%1.self_attn.").arg(kLayer);
    const int64_t first = int64_t(kHead) * kHeadDim;
    if (silenced & QRows)
        t[p + "q_proj.weight"].narrow(0, first, kHeadDim).zero_();
    if (silenced & KRows)
        t[p + "k_proj.weight"].narrow(0, first, kHeadDim).zero_();
    if (silenced & VRows)
        t[p + "v_proj.weight"].narrow(0, first, kHeadDim).zero_();
    if (silenced & OColumns)
        t[p + "o_proj.weight"].narrow(1, first, kHeadDim).zero_();
    return t;
}

LoadedModel editedModel(int silenced)
{
    const TinyLlamaSpec s = spec();
    const std::map<QString, at::Tensor> t = editedTensors(s, silenced);
    LoadedModel m = loadedFrom(tinyConfig(s), t);
    m.structure = detectStructure(&*m.config, TensorIndex::fromStore(*m.tensors), m.path);
    return m;
}

TaskDataset randomTask(const QString &name, int samples, uint64_t seed)
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    TaskDataset d;
    d.name = d.path = name;
    for (int i = 0; i < samples; ++i) {
        TaskSample sample;
        sample.id = QString::number(i);
        sample.recordIndex = i;
        const int64_t length = at::randint(5, 11, {1}, gen, at::kLong).item<int64_t>();
        const at::Tensor ids = at::randint(1, kVocab, {length}, gen, at::kLong);
        for (int64_t k = 0; k < length; ++k)
            sample.tokens.push_back(int(ids[k].item<int64_t>()));
        d.samples.push_back(std::move(sample));
    }
    return d;
}

struct Collected
{
    LoadedModel model;
    GradientCollection collection;
    FisherSettings settings;
};

Collected collect(int silenced)
{
    Collected c;
    c.model = editedModel(silenced);
    c.settings.batchSize = 4; // several batches per task
    TransformerModel engine(c.model, EngineOptions());
    c.collection = collectGradients(engine, randomTask(QStringLiteral("a"), 6, 11), randomTask(QStringLiteral("b"), 6, 12),
                                    c.settings);
    return c;
}

const BlockSlice &sliceOf(const ModelStructure &structure, int layer, int block)
{
    const AttentionLayer &l = structure.layers[size_t(layer)];
    const BlockSlice *slices[4] = {&l.q, &l.k, &l.v, &l.o};
    return *slices[block];
}

// Pooled kernels [H, n, n] of every (layer, block), as the pipeline forms them.
std::vector<std::array<at::Tensor, 4>> pooledKernels(const Collected &c)
{
    const FisherResult fisher = computeFisherReference(c.collection, c.model.structure, c.settings);
    std::vector<std::array<at::Tensor, 4>> kernels(kLayers);
    for (int l = 0; l < kLayers; ++l) {
        for (int b = 0; b < 4; ++b) {
            const BlockSlice &slice = sliceOf(c.model.structure, l, b);
            const at::Tensor g = at::cat({c.collection.store->read(GradientCollection::taskA(), slice.tensor),
                                          c.collection.store->read(GradientCollection::taskB(), slice.tensor)});
            kernels[size_t(l)][size_t(b)] = headKernel(g, g, fisher.regularized.at(slice.tensor), slice, kHeads);
        }
    }
    return kernels;
}

// The edited head's kernel in `block` is exactly zero (every pair, A and B),
// or has a positive A x B score when `zero` is false.
void checkHead(const std::vector<std::array<at::Tensor, 4>> &kernels, int block, bool zero)
{
    const at::Tensor k = kernels[kLayer][size_t(block)][kHead];
    const double maxAbs = k.abs().max().item<double>();
    const double meanScore = scoresFromPooledKernel(kernels[kLayer][size_t(block)], 6).select(2, kHead).mean().item<double>();
    const QByteArray what = QByteArray("block ") + kBlocks[block] + ": max |K| " + QByteArray::number(maxAbs)
        + ", mean A x B score " + QByteArray::number(meanScore);
    if (zero)
        QVERIFY2(maxAbs == 0.0, what.constData());
    else
        QVERIFY2(meanScore > 0.0, what.constData());
}

// A HF folder (config.json, model.safetensors, stories260K's tokenizer with
// its 512 ids) of the edited model, and two tasks of six short stories.
void writeModelFolder(const QString &dir, int silenced)
{
    const TinyLlamaSpec s = spec(512);
    SafeTensorsWriter writer;
    for (const auto &[name, tensor] : editedTensors(s, silenced)) {
        const at::Tensor f = tensor.contiguous();
        writer.addFloat(name, f.sizes().vec(), std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel()));
    }
    writer.write(QDir(dir).filePath(QStringLiteral("model.safetensors")));
    const QJsonObject config{{"architectures", QJsonArray{"LlamaForCausalLM"}}, {"model_type", "llama"},
                             {"hidden_size", s.hidden}, {"intermediate_size", s.intermediate},
                             {"num_attention_heads", s.heads}, {"num_key_value_heads", s.kvHeads},
                             {"num_hidden_layers", s.layers}, {"vocab_size", s.vocab}, {"rms_norm_eps", 1e-5},
                             {"max_position_embeddings", 64}, {"rope_theta", 10000.0}, {"hidden_act", "silu"},
                             {"tie_word_embeddings", false}};
    QFile file(QDir(dir).filePath(QStringLiteral("config.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(config).toJson());
    file.close();
    const QString tokenizer = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K/");
    for (const char *name : {"tokenizer.json", "tokenizer_config.json"})
        QVERIFY(QFile::copy(tokenizer + name, QDir(dir).filePath(QLatin1String(name))));
    const char *const stories[2][6] = {
        {"Tom has a red ball.", "Lily saw a big dog.", "The cat sat on the mat.", "Mia likes to run fast.",
         "Ben found a shiny stone.", "The sun was warm today."},
        {"One, two, three, four.", "Five and six make eleven.", "Count to ten with me.", "Seven is more than two.",
         "Nine birds and one tree.", "Eight cups on a shelf."}};
    for (int task = 0; task < 2; ++task) {
        QFile data(QDir(dir).filePath(task == 0 ? QStringLiteral("a.txt") : QStringLiteral("b.txt")));
        QVERIFY(data.open(QIODevice::WriteOnly));
        for (const char *line : stories[task])
            data.write(QByteArray(line) + '\n');
    }
}

} // namespace

class TestAnalysisProperties : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        at::manual_seed(0);
    }

    void unedited_headScoresEverywhere()
    {
        // Guards the tests below: nothing is zero before an edit.
        const auto kernels = pooledKernels(collect(0));
        for (int b = 0; b < 4; ++b)
            checkHead(kernels, b, false);
    }

    void qAndKZeroed_scoreZeroInQAndK()
    {
        const auto kernels = pooledKernels(collect(QRows | KRows));
        checkHead(kernels, 0, true);
        checkHead(kernels, 1, true);
        checkHead(kernels, 2, false);
        checkHead(kernels, 3, false);
        // The other heads of the layer are untouched.
        QVERIFY(kernels[kLayer][0][(kHead + 1) % kHeads].abs().max().item<double>() > 0);
    }

    void onlyQZeroed_qStillScores()
    {
        const auto kernels = pooledKernels(collect(QRows));
        checkHead(kernels, 0, false); // uniform softmax, yet dL/dq = sum_j dS_ij k_j != 0
        checkHead(kernels, 1, true);  // dL/dk_j = sum_i dS_ij q_i = 0
    }

    void onlyKZeroed_kStillScores()
    {
        const auto kernels = pooledKernels(collect(KRows));
        checkHead(kernels, 0, true);
        checkHead(kernels, 1, false);
    }

    void vAndOZeroed_scoreZeroInVAndO()
    {
        const auto kernels = pooledKernels(collect(VRows | OColumns));
        for (int b = 0; b < 4; ++b)
            checkHead(kernels, b, true); // a silent head's pattern does not matter either
    }

    void onlyVZeroed_oStillScores()
    {
        const auto kernels = pooledKernels(collect(VRows));
        checkHead(kernels, 2, false); // dL/dW_V = W_O,h^T dL/dy (attention x)^T != 0
        checkHead(kernels, 3, true);  // dL/dW_O,h = dL/dy (head output = 0)^T
    }

    void pipeline_qAndKZeroedHeadHasZeroHeatmap()
    {
        // The same property end to end: files, tokenizer, runAnalysis.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeModelFolder(dir.path(), QRows | KRows);
        if (QTest::currentTestFailed())
            return;
        AnalysisRequest request;
        request.modelPath = dir.path();
        request.taskA.path = dir.filePath(QStringLiteral("a.txt"));
        request.taskB.path = dir.filePath(QStringLiteral("b.txt"));
        request.settings.permutations = 50;
        request.settings.bootstrap = 50;
        request.settings.threads = 1;
        const AnalysisResult result = runAnalysis(request);
        QCOMPARE(result.nA(), 6);
        QCOMPARE(result.nB(), 6);
        const size_t cell = size_t(kLayer) * kHeads + kHead;
        for (int b = 0; b < 4; ++b) {
            const std::vector<float> &heatmap = result.blocks[size_t(b)].heatmap;
            QCOMPARE(heatmap.size(), size_t(kLayers * kHeads));
            if (b < 2)
                QCOMPARE(heatmap[cell], 0.0f);
            else
                QVERIFY2(heatmap[cell] > 0.0f, kBlocks[b]);
            QVERIFY2(heatmap[(cell + 1) % heatmap.size()] > 0.0f, kBlocks[b]); // a neighbouring head
        }
    }

    void lossScale_scalesScoresAndKeepsRankings_data()
    {
        QTest::addColumn<double>("c");
        QTest::newRow("c = 0.01") << 0.01;
        QTest::newRow("c = 37") << 37.0;
    }

    void lossScale_scalesScoresAndKeepsRankings()
    {
        QFETCH(double, c);
        const Collected collected = collect(0);
        const GradientStore &store = *collected.collection.store;
        const QStringList pooled{GradientCollection::taskA(), GradientCollection::taskB()};
        FisherSettings settings = collected.settings;
        settings.ridgeAbs = 0; // a relative ridge only: I_reg scales with the Fisher
        for (const CollectedTensor &tensor : collected.collection.tensors) {
            const int block = QStringLiteral("qkvo").indexOf(tensor.block);
            if (tensor.bias || block < 0)
                continue;
            const BlockSlice &slice = sliceOf(collected.model.structure, tensor.layer, block);
            const std::vector<FisherBlockRange> ranges = fisherBlockRanges(tensor, collected.model.structure);
            // Gradients of the scaled losses are c times the stored ones.
            const at::Tensor a = store.read(pooled[0], tensor.name).to(at::kDouble);
            const at::Tensor b = store.read(pooled[1], tensor.name).to(at::kDouble);
            const at::Tensor a2 = a * c, b2 = b * c;
            const at::Tensor fisher = fisherDiagonal(store, tensor.name, pooled, settings.mode, settings.beta);
            const at::Tensor reg = regularizeFisher(fisher, ranges, settings);
            const at::Tensor reg2 = regularizeFisher(fisher * (c * c), ranges, settings);
            for (ScoreVariant variant : {ScoreVariant::Abs, ScoreVariant::Symmetric, ScoreVariant::Signed}) {
                ScoreOptions options;
                options.variant = variant;
                const at::Tensor m = blockScores(a, b, reg, slice, kHeads, options);
                const at::Tensor m2 = blockScores(a2, b2, reg2, slice, kHeads, options);
                const double factor = variant == ScoreVariant::Signed ? 1.0 : c; // c^2 / c^2 vs c^3 / c^2
                const at::Tensor expected = m * factor;
                const double err = (m2 - expected).abs().max().item<double>();
                const double size = expected.abs().max().item<double>();
                const QByteArray what = tensor.name.toUtf8() + " " + scoreVariantName(variant).toUtf8()
                    + ": max error " + QByteArray::number(err) + " of " + QByteArray::number(size);
                QVERIFY2(size > 0 && err <= 1e-12 * size, what.constData());
                // Rankings of heads (heatmap) and of sample pairs per head.
                QVERIFY2(at::equal(at::argsort(scoreHeatmap(m2.unsqueeze(2)).reshape({-1})),
                                   at::argsort(scoreHeatmap(m.unsqueeze(2)).reshape({-1}))), what.constData());
                QVERIFY2(at::equal(at::argsort(m2.reshape({-1, kHeads}), int64_t(0), false), at::argsort(m.reshape({-1, kHeads}), int64_t(0), false)),
                         what.constData());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestAnalysisProperties)
#include "tst_analysis_properties.moc"
