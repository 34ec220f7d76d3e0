// Structure detection (strategy 1, config.json) for encoders and
// multi-stack models: BERT, RoBERTa, T5 (encoder, decoder, cross attention),
// ViT (HF and timm names) and CLIP (text and vision towers).
#include "StructureTestUtil.h"
#include "structure/ArchitectureFamily.h"

#include <QJsonArray>

using namespace qkov;
using namespace qkov::test;

namespace {

constexpr int kLayers = 2;

// BERT-style layer set under <prefix>: attention.self.{query,key,value} + attention.output.dense.
TensorShapes bertTensors(const QString &prefix, const QString &inner = QStringLiteral("self"))
{
    TensorShapes t{{prefix + "embeddings.word_embeddings.weight", {10, 16}}};
    for (int l = 0; l < kLayers; ++l) {
        const QString a = prefix + QStringLiteral("encoder.layer.%1.attention.").arg(l);
        for (const char *p : {"query", "key", "value"}) {
            t.push_back({a + inner + "." + p + ".weight", {16, 16}});
            t.push_back({a + inner + "." + p + ".bias", {16}});
        }
        t.push_back({a + "output.dense.weight", {16, 16}});
        t.push_back({a + "output.dense.bias", {16}});
        t.push_back({a + "output.LayerNorm.weight", {16}});
        t.push_back({prefix + QStringLiteral("encoder.layer.%1.output.dense.weight").arg(l), {16, 64}});
        t.push_back({prefix + QStringLiteral("encoder.layer.%1.intermediate.dense.weight").arg(l), {64, 16}});
    }
    return t;
}

QJsonObject encoderConfig(const QString &type, int hidden, int heads)
{
    return {{"model_type", type}, {"hidden_size", hidden}, {"num_attention_heads", heads},
            {"num_hidden_layers", kLayers}, {"intermediate_size", 64}, {"vocab_size", 10},
            {"max_position_embeddings", 16}, {"layer_norm_eps", 1e-12}, {"hidden_act", "gelu"}};
}

// Split q/k/v/o under `module` with inner width `inner` and model width `hidden`.
void addSplit(TensorShapes &t, const QString &module, const QStringList &names, int inner, int hidden, bool bias)
{
    for (int i = 0; i < 3; ++i) {
        t.push_back({module + "." + names[i] + ".weight", {inner, hidden}});
        if (bias)
            t.push_back({module + "." + names[i] + ".bias", {inner}});
    }
    t.push_back({module + "." + names[3] + ".weight", {hidden, inner}});
}

} // namespace

class TestStructureEncoders : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;

private Q_SLOTS:
    void bertAndRoberta_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("bert") << "bert" << "bert.";
        QTest::newRow("roberta") << "roberta" << "roberta.";
        QTest::newRow("bare BertModel") << "bert" << "";
    }

    void bertAndRoberta()
    {
        QFETCH(QString, type);
        QFETCH(QString, prefix);
        const LoadedModel m = loadSynthetic(m_root, encoderConfig(type, 16, 4), bertTensors(prefix));
        const ModelStructure &s = m.structure;
        QCOMPARE(s.family, QStringLiteral("bert"));
        QCOMPARE(s.architecture, type);
        QCOMPARE(s.numLayers, kLayers);
        const AttentionLayer &l1 = s.layers.at(1);
        const QString a = prefix + "encoder.layer.1.attention.";
        QCOMPARE(l1.module, QString(prefix + "encoder.layer.1.attention"));
        QKOV_EXPECT_HEAD(l1.q, a + "self.query.weight", Axis::Rows, 4, 4, 1, 4);
        QKOV_EXPECT_HEAD(l1.k, a + "self.key.weight", Axis::Rows, 4, 4, 2, 8);
        QKOV_EXPECT_HEAD(l1.v, a + "self.value.weight", Axis::Rows, 4, 4, 3, 12);
        QKOV_EXPECT_HEAD(l1.o, a + "output.dense.weight", Axis::Cols, 4, 4, 1, 4);
        QCOMPARE(l1.q.bias, QString(a + "self.query.bias"));
        QVERIFY(l1.o.bias.isEmpty()); // METRIC.md: O's bias is not a head's
        QKOV_VERIFY_COVERAGE(m);
    }

    void t5ThreeStacks()
    {
        // d_kv 8 x 4 heads = inner 32, while d_model is 16.
        TensorShapes t{{"shared.weight", {10, 16}},
                       {"encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", {32, 4}},
                       {"decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", {32, 4}}};
        const QStringList qkvo{"q", "k", "v", "o"};
        for (int l = 0; l < kLayers; ++l) {
            addSplit(t, QStringLiteral("encoder.block.%1.layer.0.SelfAttention").arg(l), qkvo, 32, 16, false);
            addSplit(t, QStringLiteral("decoder.block.%1.layer.0.SelfAttention").arg(l), qkvo, 32, 16, false);
            addSplit(t, QStringLiteral("decoder.block.%1.layer.1.EncDecAttention").arg(l), qkvo, 32, 16, false);
            t.push_back({QStringLiteral("encoder.block.%1.layer.1.DenseReluDense.wi.weight").arg(l), {64, 16}});
            t.push_back({QStringLiteral("decoder.block.%1.layer.2.DenseReluDense.wo.weight").arg(l), {16, 64}});
        }
        const QJsonObject config{{"model_type", "t5"}, {"architectures", QJsonArray{"T5ForConditionalGeneration"}},
                                 {"d_model", 16}, {"d_kv", 8}, {"d_ff", 64}, {"num_heads", 4},
                                 {"num_layers", kLayers}, {"num_decoder_layers", kLayers}, {"vocab_size", 10},
                                 {"relative_attention_num_buckets", 32}, {"layer_norm_epsilon", 1e-6},
                                 {"feed_forward_proj", "relu"}, {"is_encoder_decoder", true}};
        const LoadedModel m = loadSynthetic(m_root, config, t);
        const ModelStructure &s = m.structure;
        QCOMPARE(s.family, QStringLiteral("t5"));
        QCOMPARE(s.stacks(), (QStringList{"encoder", "decoder", "decoder.cross"}));
        QCOMPARE(int(s.layers.size()), 3 * kLayers);
        QCOMPARE(s.numLayers, kLayers);
        QCOMPARE(s.headDim, 8);
        QCOMPARE(s.hiddenSize, 16);
        const AttentionLayer &enc1 = s.layers.at(1);
        QCOMPARE(enc1.stack, QStringLiteral("encoder"));
        QKOV_EXPECT_HEAD(enc1.q, "encoder.block.1.layer.0.SelfAttention.q.weight", Axis::Rows, 4, 8, 1, 8);
        QKOV_EXPECT_HEAD(enc1.o, "encoder.block.1.layer.0.SelfAttention.o.weight", Axis::Cols, 4, 8, 3, 24);
        const AttentionLayer &dec0 = s.layers.at(2);
        QCOMPARE(dec0.stack, QStringLiteral("decoder"));
        QKOV_EXPECT_HEAD(dec0.k, "decoder.block.0.layer.0.SelfAttention.k.weight", Axis::Rows, 4, 8, 2, 16);
        const AttentionLayer &cross1 = s.layers.at(5);
        QCOMPARE(cross1.stack, QStringLiteral("decoder.cross"));
        QCOMPARE(cross1.index, 1);
        QKOV_EXPECT_HEAD(cross1.v, "decoder.block.1.layer.1.EncDecAttention.v.weight", Axis::Rows, 4, 8, 3, 24);
        QKOV_EXPECT_HEAD(cross1.o, "decoder.block.1.layer.1.EncDecAttention.o.weight", Axis::Cols, 4, 8, 1, 8);
        QKOV_VERIFY_COVERAGE(m);
    }

    void vitHuggingFace()
    {
        const LoadedModel m = loadSynthetic(m_root, encoderConfig("vit", 16, 4), bertTensors("vit.", "attention"));
        const AttentionLayer &l0 = m.structure.layers.at(0);
        QCOMPARE(m.structure.family, QStringLiteral("vit"));
        QKOV_EXPECT_HEAD(l0.q, "vit.encoder.layer.0.attention.attention.query.weight", Axis::Rows, 4, 4, 2, 8);
        QKOV_EXPECT_HEAD(l0.v, "vit.encoder.layer.0.attention.attention.value.weight", Axis::Rows, 4, 4, 1, 4);
        QKOV_EXPECT_HEAD(l0.o, "vit.encoder.layer.0.attention.output.dense.weight", Axis::Cols, 4, 4, 3, 12);
        QKOV_VERIFY_COVERAGE(m);
    }

    void vitTimm()
    {
        TensorShapes t{{"patch_embed.proj.weight", {16, 3, 4, 4}}, {"cls_token", {1, 1, 16}}};
        for (int l = 0; l < kLayers; ++l) {
            t.push_back({QStringLiteral("blocks.%1.attn.qkv.weight").arg(l), {48, 16}});
            t.push_back({QStringLiteral("blocks.%1.attn.qkv.bias").arg(l), {48}});
            t.push_back({QStringLiteral("blocks.%1.attn.proj.weight").arg(l), {16, 16}});
            t.push_back({QStringLiteral("blocks.%1.mlp.fc1.weight").arg(l), {64, 16}});
        }
        const LoadedModel m = loadSynthetic(m_root, encoderConfig("vit", 16, 4), t);
        const AttentionLayer &l1 = m.structure.layers.at(1);
        QCOMPARE(m.structure.family, QStringLiteral("vit"));
        QKOV_EXPECT_HEAD(l1.q, "blocks.1.attn.qkv.weight", Axis::Rows, 4, 4, 1, 4);
        QKOV_EXPECT_HEAD(l1.k, "blocks.1.attn.qkv.weight", Axis::Rows, 4, 4, 0, 16);
        QKOV_EXPECT_HEAD(l1.v, "blocks.1.attn.qkv.weight", Axis::Rows, 4, 4, 2, 40);
        QKOV_EXPECT_HEAD(l1.o, "blocks.1.attn.proj.weight", Axis::Cols, 4, 4, 2, 8);
        QKOV_VERIFY_COVERAGE(m);
    }

    void clipTwoTowers()
    {
        // Text: hidden 16, 4 heads, 2 layers. Vision: hidden 24, 3 heads of 8, 3 layers.
        TensorShapes t{{"text_model.embeddings.token_embedding.weight", {10, 16}},
                       {"vision_model.embeddings.patch_embedding.weight", {24, 3, 4, 4}},
                       {"text_projection.weight", {8, 16}}, {"visual_projection.weight", {8, 24}}};
        const QStringList names{"q_proj", "k_proj", "v_proj", "out_proj"};
        for (int l = 0; l < 2; ++l)
            addSplit(t, QStringLiteral("text_model.encoder.layers.%1.self_attn").arg(l), names, 16, 16, true);
        for (int l = 0; l < 3; ++l)
            addSplit(t, QStringLiteral("vision_model.encoder.layers.%1.self_attn").arg(l), names, 24, 24, true);
        const QJsonObject config{
            {"model_type", "clip"}, {"architectures", QJsonArray{"CLIPModel"}}, {"projection_dim", 8},
            {"text_config", QJsonObject{{"hidden_size", 16}, {"num_attention_heads", 4}, {"num_hidden_layers", 2},
                                        {"intermediate_size", 64}, {"vocab_size", 10}, {"max_position_embeddings", 8}}},
            {"vision_config", QJsonObject{{"hidden_size", 24}, {"num_attention_heads", 3}, {"num_hidden_layers", 3},
                                          {"intermediate_size", 96}, {"image_size", 8}, {"patch_size", 4}}}};
        const LoadedModel m = loadSynthetic(m_root, config, t);
        const ModelStructure &s = m.structure;
        QCOMPARE(s.family, QStringLiteral("clip"));
        QCOMPARE(s.stacks(), (QStringList{"text", "vision"}));
        QCOMPARE(s.numLayers, 2);
        QCOMPARE(s.numHeads, 4);
        QCOMPARE(int(s.layers.size()), 5);
        const AttentionLayer &text1 = s.layers.at(1);
        QKOV_EXPECT_HEAD(text1.q, "text_model.encoder.layers.1.self_attn.q_proj.weight", Axis::Rows, 4, 4, 3, 12);
        QKOV_EXPECT_HEAD(text1.o, "text_model.encoder.layers.1.self_attn.out_proj.weight", Axis::Cols, 4, 4, 1, 4);
        const AttentionLayer &vision2 = s.layers.at(4);
        QCOMPARE(vision2.stack, QStringLiteral("vision"));
        QCOMPARE(vision2.index, 2);
        QCOMPARE(vision2.numHeads, 3);
        QKOV_EXPECT_HEAD(vision2.k, "vision_model.encoder.layers.2.self_attn.k_proj.weight", Axis::Rows, 3, 8, 1, 8);
        QKOV_EXPECT_HEAD(vision2.o, "vision_model.encoder.layers.2.self_attn.out_proj.weight", Axis::Cols, 3, 8, 2, 16);
        QKOV_VERIFY_COVERAGE(m);
    }
};

QTEST_GUILESS_MAIN(TestStructureEncoders)
#include "tst_structure_encoders.moc"
