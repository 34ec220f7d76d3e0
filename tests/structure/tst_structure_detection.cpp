// Strategy 2 (unknown model_type: the module walk with config head counts),
// strategy 3 (a lone .safetensors: names only, heads from __metadata__ or
// guessed), the fallbacks and errors, the registry's matching and the
// `inspect --json` document.
#include "StructureTestUtil.h"
#include "Error.h"
#include "structure/ArchitectureFamily.h"

#include <QJsonArray>

#include <functional>

using namespace qkov;
using namespace qkov::test;

namespace {

QJsonObject config(const QString &type, int hidden, int heads, int kvHeads, int layers = 2)
{
    return {{"model_type", type}, {"hidden_size", hidden}, {"num_attention_heads", heads},
            {"num_key_value_heads", kvHeads}, {"num_hidden_layers", layers}, {"intermediate_size", 32},
            {"vocab_size", 10}, {"max_position_embeddings", 16}};
}

TensorShapes splitLayers(const QString &pattern, const QStringList &names, int hidden, int qOut, int kvOut, int layers = 2)
{
    TensorShapes t;
    for (int l = 0; l < layers; ++l) {
        const QString module = pattern.arg(l);
        t.push_back({module + "." + names[0] + ".weight", {qOut, hidden}});
        t.push_back({module + "." + names[1] + ".weight", {kvOut, hidden}});
        t.push_back({module + "." + names[2] + ".weight", {kvOut, hidden}});
        t.push_back({module + "." + names[3] + ".weight", {hidden, qOut}});
    }
    return t;
}

const QStringList kLlamaNames{"q_proj", "k_proj", "v_proj", "o_proj"};

// Writes a lone .safetensors (no config.json beside it) and loads it.
LoadedModel loadLoneFile(const QTemporaryDir &root, const QString &name, const TensorShapes &t,
                         const QMap<QString, QString> &metadata = {})
{
    const QString dir = root.filePath(name);
    QDir().mkpath(dir);
    const QString path = dir + "/weights.safetensors";
    writeSafeTensors(path, t, metadata);
    return loadModel(path);
}

QString loadError(const std::function<void()> &load)
{
    try {
        load();
    } catch (const Error &e) {
        return e.message();
    }
    return {};
}

} // namespace

class TestStructureDetection : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;

private Q_SLOTS:
    void unknownModelTypeWalksModules()
    {
        const TensorShapes t = splitLayers("backbone.blocks.%1.attention", {"to_q", "to_k", "to_v", "to_out"}, 16, 16, 8);
        const LoadedModel m = loadSynthetic(m_root, config("mystery", 16, 4, 2), t);
        const ModelStructure &s = m.structure;
        QCOMPARE(int(s.detection), int(Detection::Modules));
        QCOMPARE(s.family, QStringLiteral("generic"));
        QCOMPARE(s.architecture, QStringLiteral("mystery"));
        QCOMPARE(s.numLayers, 2);
        QCOMPARE(s.numHeads, 4);
        QCOMPARE(s.numKvHeads, 2);
        QCOMPARE(s.layers.at(1).module, QStringLiteral("backbone.blocks.1.attention"));
        QKOV_EXPECT_HEAD(s.layers.at(1).q, "backbone.blocks.1.attention.to_q.weight", Axis::Rows, 4, 4, 2, 8);
        QKOV_EXPECT_HEAD(s.layers.at(1).k, "backbone.blocks.1.attention.to_k.weight", Axis::Rows, 2, 4, 1, 4);
        QKOV_EXPECT_HEAD(s.layers.at(1).o, "backbone.blocks.1.attention.to_out.weight", Axis::Cols, 4, 4, 3, 12);
        QVERIFY(s.notes.join(' ').contains("mystery"));
        QKOV_VERIFY_COVERAGE(m);
    }

    void unknownModelTypeWithBertNames()
    {
        TensorShapes t = splitLayers("encoder.layer.%1.attention", {"self.query", "self.key", "self.value", "output.dense"}, 16, 16, 16);
        t.push_back({"encoder.layer.0.output.dense.weight", {16, 64}}); // the FFN's dense is not attention
        const LoadedModel m = loadSynthetic(m_root, config("mystery-bert", 16, 4, 4), t);
        QCOMPARE(int(m.structure.layers.size()), 2);
        QKOV_EXPECT_HEAD(m.structure.layers.at(0).v, "encoder.layer.0.attention.self.value.weight", Axis::Rows, 4, 4, 1, 4);
        QKOV_EXPECT_HEAD(m.structure.layers.at(0).o, "encoder.layer.0.attention.output.dense.weight", Axis::Cols, 4, 4, 1, 4);
        QKOV_VERIFY_COVERAGE(m);
    }

    void knownFamilyWithForeignNamesFallsBack()
    {
        // A llama config over GPT-2 tensors: the walk finds the Conv1D layout.
        TensorShapes t;
        for (int l = 0; l < 2; ++l) {
            t.push_back({QStringLiteral("h.%1.attn.c_attn.weight").arg(l), {16, 48}});
            t.push_back({QStringLiteral("h.%1.attn.c_proj.weight").arg(l), {16, 16}});
        }
        const LoadedModel m = loadSynthetic(m_root, config("llama", 16, 4, 4), t);
        const ModelStructure &s = m.structure;
        QCOMPARE(s.family, QStringLiteral("generic"));
        QCOMPARE(int(s.detection), int(Detection::Modules));
        QVERIFY2(s.notes.join(' ').contains("llama"), qPrintable(s.notes.join(" | ")));
        const AttentionLayer &l0 = s.layers.at(0);
        QVERIFY(l0.conv1d);
        QKOV_EXPECT_HEAD(l0.q, "h.0.attn.c_attn.weight", Axis::Cols, 4, 4, 1, 4);
        QKOV_EXPECT_HEAD(l0.k, "h.0.attn.c_attn.weight", Axis::Cols, 4, 4, 0, 16);
        QKOV_EXPECT_HEAD(l0.v, "h.0.attn.c_attn.weight", Axis::Cols, 4, 4, 3, 44);
        QKOV_EXPECT_HEAD(l0.o, "h.0.attn.c_proj.weight", Axis::Rows, 4, 4, 2, 8);
        QVERIFY(s.notes.join(' ').contains("assumed"));
        QKOV_VERIFY_COVERAGE(m);
    }

    void loneFileGuessesHeads()
    {
        const LoadedModel m = loadLoneFile(m_root, "guess", splitLayers("model.layers.%1.self_attn", kLlamaNames, 128, 128, 64));
        const ModelStructure &s = m.structure;
        QCOMPARE(int(s.detection), int(Detection::Names));
        QCOMPARE(s.architecture, QStringLiteral("unknown"));
        QCOMPARE(s.headDim, 64);
        QCOMPARE(s.numHeads, 2);
        QCOMPARE(s.numKvHeads, 1);
        QVERIFY2(s.notes.join(' ').contains("guessed"), qPrintable(s.notes.join(" | ")));
        QKOV_EXPECT_HEAD(s.layers.at(1).q, "model.layers.1.self_attn.q_proj.weight", Axis::Rows, 2, 64, 1, 64);
        QKOV_VERIFY_COVERAGE(m);
    }

    void loneFileGuessesOneHeadWhenNothingDivides()
    {
        const LoadedModel m = loadLoneFile(m_root, "onehead", splitLayers("layers.%1.attn", {"wq", "wk", "wv", "wo"}, 12, 12, 12));
        QCOMPARE(m.structure.numHeads, 1);
        QCOMPARE(m.structure.headDim, 12);
        QVERIFY(m.structure.notes.join(' ').contains("guessed"));
        QKOV_VERIFY_COVERAGE(m);
    }

    void loneFileHeadsFromMetadata()
    {
        const LoadedModel m = loadLoneFile(m_root, "metadata", splitLayers("model.layers.%1.self_attn", kLlamaNames, 16, 16, 8),
                                           {{"num_attention_heads", "4"}, {"num_key_value_heads", "2"}});
        const ModelStructure &s = m.structure;
        QCOMPARE(s.numHeads, 4);
        QCOMPARE(s.numKvHeads, 2);
        QCOMPARE(s.headDim, 4);
        QVERIFY(!s.notes.join(' ').contains("guessed"));
        QKOV_EXPECT_HEAD(s.layers.at(0).k, "model.layers.0.self_attn.k_proj.weight", Axis::Rows, 2, 4, 1, 4);
        QKOV_VERIFY_COVERAGE(m);
    }

    void loneFileMultiheadAttentionInProj()
    {
        // torch.nn.MultiheadAttention: in_proj_weight rows Q | K | V.
        TensorShapes t;
        for (int l = 0; l < 2; ++l) {
            t.push_back({QStringLiteral("transformer.resblocks.%1.attn.in_proj_weight").arg(l), {48, 16}});
            t.push_back({QStringLiteral("transformer.resblocks.%1.attn.in_proj_bias").arg(l), {48}});
            t.push_back({QStringLiteral("transformer.resblocks.%1.attn.out_proj.weight").arg(l), {16, 16}});
        }
        const LoadedModel m = loadLoneFile(m_root, "mha", t, {{"n_head", "4"}});
        const AttentionLayer &l1 = m.structure.layers.at(1);
        QKOV_EXPECT_HEAD(l1.q, "transformer.resblocks.1.attn.in_proj_weight", Axis::Rows, 4, 4, 1, 4);
        QKOV_EXPECT_HEAD(l1.k, "transformer.resblocks.1.attn.in_proj_weight", Axis::Rows, 4, 4, 0, 16);
        QKOV_EXPECT_HEAD(l1.v, "transformer.resblocks.1.attn.in_proj_weight", Axis::Rows, 4, 4, 2, 40);
        QCOMPARE(l1.q.bias, QStringLiteral("transformer.resblocks.1.attn.in_proj_bias"));
        QVERIFY(!m.structure.notes.join(' ').contains("assumed"));
        QKOV_VERIFY_COVERAGE(m);
    }

    void loneFileWithSeveralAttentionKinds()
    {
        // T5 names without config: one stack per (layer container, attention module).
        TensorShapes t;
        const QStringList qkvo{"q", "k", "v", "o"};
        for (const QString &pattern : {QStringLiteral("encoder.block.%1.layer.0.SelfAttention"),
                                       QStringLiteral("decoder.block.%1.layer.0.SelfAttention"),
                                       QStringLiteral("decoder.block.%1.layer.1.EncDecAttention")})
            for (const auto &entry : splitLayers(pattern, qkvo, 16, 16, 16))
                t.push_back(entry);
        const LoadedModel m = loadLoneFile(m_root, "t5names", t, {{"num_heads", "4"}});
        QCOMPARE(m.structure.stacks(), (QStringList{"decoder.layer.0.SelfAttention", "decoder.layer.1.EncDecAttention", "encoder"}));
        QCOMPARE(int(m.structure.layers.size()), 6);
        QCOMPARE(m.structure.numLayers, 2);
        QKOV_EXPECT_HEAD(m.structure.layers.at(3).k, "decoder.block.1.layer.1.EncDecAttention.k.weight", Axis::Rows, 4, 4, 2, 8);
        QKOV_VERIFY_COVERAGE(m);
    }

    void nothingMatchesListsNames()
    {
        const TensorShapes t{{"alpha.weight", {4, 4}}, {"beta.weight", {4}}, {"gamma", {2}}};
        const QString message = loadError([&] { loadLoneFile(m_root, "nothing", t); });
        QVERIFY2(message.contains("3 tensors"), qPrintable(message));
        QVERIFY2(message.contains("alpha.weight") && message.contains("gamma"), qPrintable(message));
        QVERIFY2(message.contains("weights.safetensors"), qPrintable(message));
    }

    void knownFamilyAndNothingMatches()
    {
        const QString message = loadError([&] { loadSynthetic(m_root, config("llama", 16, 4, 4), {{"foo.weight", {4, 4}}}); });
        QVERIFY2(message.contains("foo.weight"), qPrintable(message));
        QVERIFY2(message.contains("llama"), qPrintable(message));
    }

    void shapeMismatchNamesTensorAndShapes()
    {
        TensorShapes t = splitLayers("model.layers.%1.self_attn", kLlamaNames, 16, 16, 16);
        t[4].second = {12, 16}; // layer 1's q_proj
        const QString message = loadError([&] { loadSynthetic(m_root, config("llama", 16, 4, 4), t); });
        QVERIFY2(message.contains("model.layers.1.self_attn.q_proj.weight"), qPrintable(message));
        QVERIFY2(message.contains("[12, 16]") && message.contains("[16, 16]"), qPrintable(message));
    }

    void layerCountMismatchIsAnError()
    {
        const TensorShapes t = splitLayers("model.layers.%1.self_attn", kLlamaNames, 16, 16, 16, 2);
        const QString message = loadError([&] { loadSynthetic(m_root, config("llama", 16, 4, 4, 3), t); });
        QVERIFY2(message.contains("3 layers") && message.contains("2"), qPrintable(message));
    }

    void coverageCheckCatchesOverlapsAndGaps()
    {
        // The METRIC.md section 3 check used by every family test must fail on a bad slice.
        const LoadedModel m = loadSynthetic(m_root, config("llama", 16, 4, 2),
                                            splitLayers("model.layers.%1.self_attn", kLlamaNames, 16, 16, 8));
        QCOMPARE(coverageProblem(m.structure.layers.at(0), *m.tensors), QString());
        AttentionLayer overlap = m.structure.layers.at(0);
        overlap.q.starts[2] = 4;
        QVERIFY(coverageProblem(overlap, *m.tensors).contains("two heads"));
        AttentionLayer outside = m.structure.layers.at(0);
        outside.o.starts = {0, 4, 8, 14};
        QVERIFY(coverageProblem(outside, *m.tensors).contains("outside"));
        AttentionLayer gap = m.structure.layers.at(0);
        gap.k.headDim = 2;
        QVERIFY(coverageProblem(gap, *m.tensors).contains("no head"));
    }

    void inspectJson()
    {
        const LoadedModel m = loadSynthetic(m_root, config("llama", 16, 4, 2),
                                            splitLayers("model.layers.%1.self_attn", kLlamaNames, 16, 16, 8));
        const QJsonObject j = m.structure.toJson();
        QCOMPARE(j.value("architecture").toString(), QStringLiteral("llama"));
        QCOMPARE(j.value("detection").toString(), QStringLiteral("config"));
        QCOMPARE(j.value("num_layers").toInt(), 2);
        QCOMPARE(j.value("num_heads").toInt(), 4);
        QCOMPARE(j.value("num_kv_heads").toInt(), 2);
        QCOMPARE(j.value("head_dim").toInt(), 4);
        QCOMPARE(j.value("v_head_dim").toInt(), 4);
        QCOMPARE(j.value("hidden_size").toInt(), 16);
        QCOMPARE(j.value("fused_qkv").toBool(true), false);
        const QJsonArray layers = j.value("layers").toArray();
        QCOMPARE(layers.size(), 2);
        const QJsonObject l1 = layers.at(1).toObject();
        QCOMPARE(l1.value("index").toInt(), 1);
        const QJsonObject k = l1.value("k").toObject();
        QCOMPARE(k.value("tensor").toString(), QStringLiteral("model.layers.1.self_attn.k_proj.weight"));
        QCOMPARE(k.value("axis").toString(), QStringLiteral("rows"));
        QCOMPARE(k.value("offset").toInt(-1), 0);
        QCOMPARE(k.value("heads").toInt(), 2);
        QCOMPARE(k.value("head_dim").toInt(), 4);
        QCOMPARE(l1.value("o").toObject().value("axis").toString(), QStringLiteral("cols"));
    }

    void registryMatchesClassNames_data()
    {
        QTest::addColumn<QString>("className");
        QTest::addColumn<QString>("family");
        QTest::newRow("phi3") << "Phi3ForCausalLM" << "phi3";
        QTest::newRow("phi") << "PhiForCausalLM" << "phi";
        QTest::newRow("gpt2") << "GPT2LMHeadModel" << "gpt2";
        QTest::newRow("neox") << "GPTNeoXForCausalLM" << "gpt_neox";
        QTest::newRow("qwen2") << "Qwen2ForCausalLM" << "llama";
        QTest::newRow("qwen1") << "QWenLMHeadModel" << "qwen";
        QTest::newRow("roberta") << "RobertaForMaskedLM" << "bert";
        QTest::newRow("falcon rw") << "RWForCausalLM" << "falcon";
        QTest::newRow("unknown") << "MambaForCausalLM" << "";
    }

    void registryMatchesClassNames()
    {
        QFETCH(QString, className);
        QFETCH(QString, family);
        ModelConfig c;
        c.architectures = {className};
        const ArchitectureFamily *found = FamilyRegistry::instance().match(c);
        QCOMPARE(found ? found->id() : QString(), family);
    }

    void registryModelTypesAreUnique()
    {
        QStringList ids, types;
        for (const auto &f : FamilyRegistry::instance().families()) {
            QVERIFY2(!ids.contains(f->id()), qPrintable(f->id()));
            ids << f->id();
            for (const QString &t : f->modelTypes()) {
                QVERIFY2(!types.contains(t), qPrintable(t));
                types << t;
            }
            QCOMPARE(FamilyRegistry::instance().byId(f->id()), f.get());
        }
        ModelConfig mistral;
        mistral.modelType = "mistral";
        QCOMPARE(FamilyRegistry::instance().match(mistral)->id(), QStringLiteral("llama"));
    }

    void kvHeadOfUsesIntegerDivision()
    {
        AttentionLayer layer;
        layer.numHeads = 8;
        layer.numKvHeads = 2;
        QCOMPARE(layer.kvHeadOf(3), 0); // 3 % 2 would say 1
        QCOMPARE(layer.kvHeadOf(4), 1);
        QCOMPARE(layer.kvHeadOf(7), 1);
        layer.numKvHeads = 8;
        QCOMPARE(layer.kvHeadOf(5), 5);
    }

    void sliceArithmetic()
    {
        const BlockSlice c = BlockSlice::contiguous("w", Axis::Cols, 16, 3, 4);
        QCOMPARE(c.starts, (std::vector<int64_t>{16, 20, 24}));
        QCOMPARE(c.stride(), int64_t(4));
        QCOMPARE(c.offset(), int64_t(16));
        QVERIFY(c.isValid());
        const BlockSlice s = BlockSlice::strided("w", Axis::Rows, 4, 12, 3, 4);
        QCOMPARE(s.starts, (std::vector<int64_t>{4, 16, 28}));
        QCOMPARE(s.stride(), int64_t(12));
        QCOMPARE(axisName(Axis::Cols), QStringLiteral("cols"));
        QCOMPARE(layoutName(QkvLayout::FusedGrouped), QStringLiteral("grouped"));
        QCOMPARE(detectionName(Detection::Names), QStringLiteral("names"));
    }
};

QTEST_GUILESS_MAIN(TestStructureDetection)
#include "tst_structure_detection.moc"
