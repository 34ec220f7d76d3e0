// Structure detection (strategy 1, config.json) for decoder-only families:
// synthetic checkpoints with the real tensor names and shapes; head slices
// checked against the layouts of the HF modeling code (METRIC.md section 3).
#include "StructureTestUtil.h"
#include "structure/ArchitectureFamily.h"

#include <QJsonArray>

using namespace qkov;
using namespace qkov::test;

namespace {

constexpr int kLayers = 2;

QString at(const QString &pattern, int layer)
{
    return pattern.arg(layer);
}

// A LLaMA-style layer set: q/k/v/o_proj under <prefix>layers.N.self_attn.
TensorShapes llamaTensors(const QString &prefix, int hidden, int qOut, int kvOut, bool bias, const QString &out = QStringLiteral("o_proj"))
{
    TensorShapes t{{prefix + QStringLiteral("embed_tokens.weight"), {10, hidden}}, {prefix + QStringLiteral("norm.weight"), {hidden}}};
    for (int l = 0; l < kLayers; ++l) {
        const QString attn = prefix + QStringLiteral("layers.%1.self_attn.").arg(l);
        t.push_back({attn + QStringLiteral("q_proj.weight"), {qOut, hidden}});
        t.push_back({attn + QStringLiteral("k_proj.weight"), {kvOut, hidden}});
        t.push_back({attn + QStringLiteral("v_proj.weight"), {kvOut, hidden}});
        t.push_back({attn + out + QStringLiteral(".weight"), {hidden, qOut}});
        if (bias) {
            t.push_back({attn + QStringLiteral("q_proj.bias"), {qOut}});
            t.push_back({attn + QStringLiteral("k_proj.bias"), {kvOut}});
            t.push_back({attn + QStringLiteral("v_proj.bias"), {kvOut}});
        }
        t.push_back({prefix + QStringLiteral("layers.%1.mlp.down_proj.weight").arg(l), {hidden, 32}});
        t.push_back({prefix + QStringLiteral("layers.%1.input_layernorm.weight").arg(l), {hidden}});
    }
    return t;
}

QJsonObject decoderConfig(const QString &type, int hidden, int heads, int kvHeads)
{
    return {{"model_type", type}, {"hidden_size", hidden}, {"num_attention_heads", heads},
            {"num_key_value_heads", kvHeads}, {"num_hidden_layers", kLayers}, {"intermediate_size", 32},
            {"vocab_size", 10}, {"max_position_embeddings", 16}, {"rms_norm_eps", 1e-6}};
}

} // namespace

class TestStructureDecoders : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_root;

private Q_SLOTS:
    void gpt2_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::newRow("canonical") << QString();
        QTest::newRow("transformer.") << QStringLiteral("transformer.");
    }

    void gpt2()
    {
        QFETCH(QString, prefix);
        TensorShapes t{{prefix + "wte.weight", {10, 16}}, {prefix + "wpe.weight", {8, 16}}, {prefix + "ln_f.weight", {16}}};
        for (int l = 0; l < kLayers; ++l) {
            const QString h = prefix + QStringLiteral("h.%1.").arg(l);
            t.push_back({h + "attn.c_attn.weight", {16, 48}});
            t.push_back({h + "attn.c_attn.bias", {48}});
            t.push_back({h + "attn.c_proj.weight", {16, 16}});
            t.push_back({h + "attn.c_proj.bias", {16}});
            t.push_back({h + "attn.bias", {1, 1, 8, 8}}); // causal mask buffer
            t.push_back({h + "mlp.c_proj.weight", {64, 16}});
        }
        const QJsonObject config{{"model_type", "gpt2"}, {"n_embd", 16}, {"n_head", 4}, {"n_layer", kLayers},
                                 {"vocab_size", 10}, {"n_positions", 8}, {"activation_function", "gelu_new"}};
        const LoadedModel m = loadSynthetic(m_root, config, t);
        const ModelStructure &s = m.structure;
        QCOMPARE(s.family, QStringLiteral("gpt2"));
        QCOMPARE(int(s.detection), int(Detection::Config));
        QCOMPARE(s.numLayers, kLayers);
        QVERIFY(s.fusedQkv);
        const AttentionLayer &l1 = s.layers.at(1);
        QVERIFY(l1.conv1d);
        const QString cAttn = prefix + "h.1.attn.c_attn.weight";
        // Conv1D [in, out]: Q, K, V are column blocks at 0, hidden, 2*hidden.
        QKOV_EXPECT_HEAD(l1.q, cAttn, Axis::Cols, 4, 4, 0, 0);
        QKOV_EXPECT_HEAD(l1.q, cAttn, Axis::Cols, 4, 4, 3, 12);
        QKOV_EXPECT_HEAD(l1.k, cAttn, Axis::Cols, 4, 4, 0, 16);
        QKOV_EXPECT_HEAD(l1.k, cAttn, Axis::Cols, 4, 4, 2, 24);
        QKOV_EXPECT_HEAD(l1.v, cAttn, Axis::Cols, 4, 4, 1, 36);
        QKOV_EXPECT_HEAD(l1.v, cAttn, Axis::Cols, 4, 4, 3, 44);
        // c_proj is [in, out]: head h's values enter through rows h*d.
        QKOV_EXPECT_HEAD(l1.o, prefix + "h.1.attn.c_proj.weight", Axis::Rows, 4, 4, 1, 4);
        QKOV_EXPECT_HEAD(l1.o, prefix + "h.1.attn.c_proj.weight", Axis::Rows, 4, 4, 3, 12);
        QCOMPARE(l1.q.bias, prefix + "h.1.attn.c_attn.bias");
        QVERIFY(l1.o.bias.isEmpty());
        QKOV_VERIFY_COVERAGE(m);
    }

    void llamaFamily_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<bool>("bias");
        QTest::addColumn<QString>("architecture");
        QTest::newRow("llama") << "llama" << false << "LlamaForCausalLM";
        QTest::newRow("llama3") << "llama" << false << "LlamaForCausalLM";
        QTest::newRow("mistral") << "mistral" << false << "MistralForCausalLM";
        QTest::newRow("mixtral") << "mixtral" << false << "MixtralForCausalLM";
        QTest::newRow("qwen2") << "qwen2" << true << "Qwen2ForCausalLM";
    }

    void llamaFamily()
    {
        QFETCH(QString, type);
        QFETCH(bool, bias);
        QFETCH(QString, architecture);
        QJsonObject config = decoderConfig(type, 16, 4, 2);
        config.insert("architectures", QJsonArray{architecture});
        if (QByteArray(QTest::currentDataTag()) == "llama3")
            config.insert("rope_scaling", QJsonObject{{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                                                      {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8}});
        if (type == "mixtral")
            config.insert("num_local_experts", 2);
        TensorShapes t = llamaTensors("model.", 16, 16, 8, bias);
        if (type == "mixtral") {
            for (int l = 0; l < kLayers; ++l)
                t.push_back({at("model.layers.%1.block_sparse_moe.experts.0.w1.weight", l), {32, 16}});
        }
        const LoadedModel m = loadSynthetic(m_root, config, t);
        const ModelStructure &s = m.structure;
        QCOMPARE(s.family, QStringLiteral("llama"));
        QCOMPARE(s.architecture, type);
        QCOMPARE(s.numKvHeads, 2);
        QVERIFY(!s.fusedQkv);
        const AttentionLayer &l0 = s.layers.at(0);
        QKOV_EXPECT_HEAD(l0.q, "model.layers.0.self_attn.q_proj.weight", Axis::Rows, 4, 4, 1, 4);
        QKOV_EXPECT_HEAD(l0.q, "model.layers.0.self_attn.q_proj.weight", Axis::Rows, 4, 4, 3, 12);
        QKOV_EXPECT_HEAD(l0.k, "model.layers.0.self_attn.k_proj.weight", Axis::Rows, 2, 4, 1, 4);
        QKOV_EXPECT_HEAD(l0.v, "model.layers.0.self_attn.v_proj.weight", Axis::Rows, 2, 4, 1, 4);
        QKOV_EXPECT_HEAD(l0.o, "model.layers.0.self_attn.o_proj.weight", Axis::Cols, 4, 4, 2, 8);
        // Query heads 0,1 share KV head 0; 2,3 share KV head 1 (h / (H / H_kv)).
        QCOMPARE(l0.kvHeadOf(1), 0);
        QCOMPARE(l0.kvHeadOf(2), 1);
        QCOMPARE(l0.q.bias, bias ? QStringLiteral("model.layers.0.self_attn.q_proj.bias") : QString());
        QCOMPARE(l0.v.bias, bias ? QStringLiteral("model.layers.0.self_attn.v_proj.bias") : QString());
        QKOV_VERIFY_COVERAGE(m);
    }

    void gemmaHeadDimFromConfig()
    {
        // head_dim 8 with 4 heads: the query width 32 differs from hidden 16.
        QJsonObject config = decoderConfig("gemma", 16, 4, 1);
        config.insert("head_dim", 8);
        const LoadedModel m = loadSynthetic(m_root, config, llamaTensors("model.", 16, 32, 8, false));
        const AttentionLayer &l1 = m.structure.layers.at(1);
        QCOMPARE(m.structure.family, QStringLiteral("gemma"));
        QCOMPARE(m.structure.headDim, 8);
        QCOMPARE(m.structure.hiddenSize, 16);
        QKOV_EXPECT_HEAD(l1.q, "model.layers.1.self_attn.q_proj.weight", Axis::Rows, 4, 8, 1, 8);
        QKOV_EXPECT_HEAD(l1.q, "model.layers.1.self_attn.q_proj.weight", Axis::Rows, 4, 8, 3, 24);
        QKOV_EXPECT_HEAD(l1.k, "model.layers.1.self_attn.k_proj.weight", Axis::Rows, 1, 8, 0, 0);
        QKOV_EXPECT_HEAD(l1.o, "model.layers.1.self_attn.o_proj.weight", Axis::Cols, 4, 8, 2, 16);
        QCOMPARE(l1.kvHeadOf(3), 0);
        QKOV_VERIFY_COVERAGE(m);
    }

    void qwen1()
    {
        TensorShapes t{{"transformer.wte.weight", {10, 16}}};
        for (int l = 0; l < kLayers; ++l) {
            t.push_back({at("transformer.h.%1.attn.c_attn.weight", l), {48, 16}});
            t.push_back({at("transformer.h.%1.attn.c_attn.bias", l), {48}});
            t.push_back({at("transformer.h.%1.attn.c_proj.weight", l), {16, 16}});
        }
        const QJsonObject config{{"model_type", "qwen"}, {"architectures", QJsonArray{"QWenLMHeadModel"}},
                                 {"hidden_size", 16}, {"num_attention_heads", 4}, {"num_hidden_layers", kLayers},
                                 {"kv_channels", 4}, {"intermediate_size", 64}, {"vocab_size", 10},
                                 {"max_position_embeddings", 16}, {"layer_norm_epsilon", 1e-6}};
        const LoadedModel m = loadSynthetic(m_root, config, t);
        const AttentionLayer &l0 = m.structure.layers.at(0);
        QCOMPARE(m.structure.family, QStringLiteral("qwen"));
        QVERIFY(!l0.conv1d);
        // nn.Linear [3*hidden, hidden]: rows Q | K | V.
        QKOV_EXPECT_HEAD(l0.q, "transformer.h.0.attn.c_attn.weight", Axis::Rows, 4, 4, 2, 8);
        QKOV_EXPECT_HEAD(l0.k, "transformer.h.0.attn.c_attn.weight", Axis::Rows, 4, 4, 0, 16);
        QKOV_EXPECT_HEAD(l0.v, "transformer.h.0.attn.c_attn.weight", Axis::Rows, 4, 4, 3, 44);
        QKOV_EXPECT_HEAD(l0.o, "transformer.h.0.attn.c_proj.weight", Axis::Cols, 4, 4, 1, 4);
        QCOMPARE(l0.k.bias, QStringLiteral("transformer.h.0.attn.c_attn.bias"));
        QKOV_VERIFY_COVERAGE(m);
    }

    void phi2()
    {
        QJsonObject config = decoderConfig("phi", 16, 4, 4);
        config.insert("partial_rotary_factor", 0.5);
        config.insert("layer_norm_eps", 1e-5);
        const LoadedModel m = loadSynthetic(m_root, config, llamaTensors("model.", 16, 16, 16, true, "dense"));
        const AttentionLayer &l1 = m.structure.layers.at(1);
        QCOMPARE(m.structure.family, QStringLiteral("phi"));
        QKOV_EXPECT_HEAD(l1.q, "model.layers.1.self_attn.q_proj.weight", Axis::Rows, 4, 4, 1, 4);
        QKOV_EXPECT_HEAD(l1.k, "model.layers.1.self_attn.k_proj.weight", Axis::Rows, 4, 4, 3, 12);
        QKOV_EXPECT_HEAD(l1.o, "model.layers.1.self_attn.dense.weight", Axis::Cols, 4, 4, 2, 8);
        QCOMPARE(l1.k.bias, QStringLiteral("model.layers.1.self_attn.k_proj.bias"));
        QKOV_VERIFY_COVERAGE(m);
    }

    void phi3()
    {
        TensorShapes t{{"model.embed_tokens.weight", {10, 16}}};
        for (int l = 0; l < kLayers; ++l) {
            // (H + 2*H_kv) * d = (4 + 4) * 4 rows.
            t.push_back({at("model.layers.%1.self_attn.qkv_proj.weight", l), {32, 16}});
            t.push_back({at("model.layers.%1.self_attn.o_proj.weight", l), {16, 16}});
            t.push_back({at("model.layers.%1.mlp.gate_up_proj.weight", l), {64, 16}});
        }
        const LoadedModel m = loadSynthetic(m_root, decoderConfig("phi3", 16, 4, 2), t);
        const AttentionLayer &l0 = m.structure.layers.at(0);
        QCOMPARE(m.structure.family, QStringLiteral("phi3"));
        QCOMPARE(int(l0.layout), int(QkvLayout::FusedBlocked));
        QKOV_EXPECT_HEAD(l0.q, "model.layers.0.self_attn.qkv_proj.weight", Axis::Rows, 4, 4, 3, 12);
        QKOV_EXPECT_HEAD(l0.k, "model.layers.0.self_attn.qkv_proj.weight", Axis::Rows, 2, 4, 0, 16);
        QKOV_EXPECT_HEAD(l0.k, "model.layers.0.self_attn.qkv_proj.weight", Axis::Rows, 2, 4, 1, 20);
        QKOV_EXPECT_HEAD(l0.v, "model.layers.0.self_attn.qkv_proj.weight", Axis::Rows, 2, 4, 0, 24);
        QKOV_EXPECT_HEAD(l0.v, "model.layers.0.self_attn.qkv_proj.weight", Axis::Rows, 2, 4, 1, 28);
        QKOV_EXPECT_HEAD(l0.o, "model.layers.0.self_attn.o_proj.weight", Axis::Cols, 4, 4, 3, 12);
        QKOV_VERIFY_COVERAGE(m);
    }

    void gptNeox()
    {
        TensorShapes t{{"gpt_neox.embed_in.weight", {10, 16}}};
        for (int l = 0; l < kLayers; ++l) {
            const QString a = QStringLiteral("gpt_neox.layers.%1.attention.").arg(l);
            t.push_back({a + "query_key_value.weight", {48, 16}});
            t.push_back({a + "query_key_value.bias", {48}});
            t.push_back({a + "dense.weight", {16, 16}});
            t.push_back({a + "bias", {1, 1, 8, 8}});
            t.push_back({a + "masked_bias", {}});
            t.push_back({a + "rotary_emb.inv_freq", {2}});
        }
        const QJsonObject config{{"model_type", "gpt_neox"}, {"hidden_size", 16}, {"num_attention_heads", 4},
                                 {"num_hidden_layers", kLayers}, {"intermediate_size", 64}, {"vocab_size", 10},
                                 {"rotary_pct", 0.25}, {"max_position_embeddings", 16}, {"use_parallel_residual", true},
                                 {"hidden_act", "gelu"}, {"layer_norm_eps", 1e-5}};
        const LoadedModel m = loadSynthetic(m_root, config, t);
        const AttentionLayer &l1 = m.structure.layers.at(1);
        const QString qkv = "gpt_neox.layers.1.attention.query_key_value.weight";
        QCOMPARE(m.structure.family, QStringLiteral("gpt_neox"));
        QCOMPARE(int(l1.layout), int(QkvLayout::FusedInterleaved));
        // Rows [H, 3, d]: head h's Q at 12h, K at 12h + 4, V at 12h + 8.
        QKOV_EXPECT_HEAD(l1.q, qkv, Axis::Rows, 4, 4, 0, 0);
        QKOV_EXPECT_HEAD(l1.q, qkv, Axis::Rows, 4, 4, 1, 12);
        QKOV_EXPECT_HEAD(l1.k, qkv, Axis::Rows, 4, 4, 0, 4);
        QKOV_EXPECT_HEAD(l1.k, qkv, Axis::Rows, 4, 4, 2, 28);
        QKOV_EXPECT_HEAD(l1.v, qkv, Axis::Rows, 4, 4, 1, 20);
        QKOV_EXPECT_HEAD(l1.v, qkv, Axis::Rows, 4, 4, 3, 44);
        QCOMPARE(l1.q.stride(), int64_t(12));
        QKOV_EXPECT_HEAD(l1.o, "gpt_neox.layers.1.attention.dense.weight", Axis::Cols, 4, 4, 3, 12);
        QKOV_VERIFY_COVERAGE(m);
    }

    void falcon_data()
    {
        QTest::addColumn<bool>("multiQuery");
        QTest::addColumn<bool>("newDecoder");
        QTest::addColumn<int>("fusedRows");
        QTest::newRow("7b multi-query") << true << false << 24;     // 4*4 + 4 + 4
        QTest::newRow("new decoder") << false << true << 32;        // 2 groups x (2 + 2) x 4
        QTest::newRow("rw interleaved") << false << false << 48;    // 4 x 3 x 4
    }

    void falcon()
    {
        QFETCH(bool, multiQuery);
        QFETCH(bool, newDecoder);
        QFETCH(int, fusedRows);
        TensorShapes t{{"transformer.word_embeddings.weight", {10, 16}}};
        for (int l = 0; l < kLayers; ++l) {
            t.push_back({at("transformer.h.%1.self_attention.query_key_value.weight", l), {fusedRows, 16}});
            t.push_back({at("transformer.h.%1.self_attention.dense.weight", l), {16, 16}});
        }
        QJsonObject config{{"model_type", "falcon"}, {"hidden_size", 16}, {"num_attention_heads", 4},
                           {"num_hidden_layers", kLayers}, {"vocab_size", 10}, {"multi_query", multiQuery},
                           {"new_decoder_architecture", newDecoder}, {"parallel_attn", true}, {"bias", false},
                           {"alibi", false}, {"layer_norm_epsilon", 1e-5}};
        if (newDecoder)
            config.insert("num_kv_heads", 2);
        const LoadedModel m = loadSynthetic(m_root, config, t);
        const AttentionLayer &l0 = m.structure.layers.at(0);
        const QString qkv = "transformer.h.0.self_attention.query_key_value.weight";
        QCOMPARE(m.structure.family, QStringLiteral("falcon"));
        if (multiQuery) {
            // Rows [Q (H*d) | K (d) | V (d)]: one shared KV head.
            QCOMPARE(int(l0.layout), int(QkvLayout::FusedBlocked));
            QKOV_EXPECT_HEAD(l0.q, qkv, Axis::Rows, 4, 4, 1, 4);
            QKOV_EXPECT_HEAD(l0.q, qkv, Axis::Rows, 4, 4, 3, 12);
            QKOV_EXPECT_HEAD(l0.k, qkv, Axis::Rows, 1, 4, 0, 16);
            QKOV_EXPECT_HEAD(l0.v, qkv, Axis::Rows, 1, 4, 0, 20);
            QCOMPARE(l0.kvHeadOf(3), 0);
        } else if (newDecoder) {
            // Rows [H_kv=2, H/H_kv + 2 = 4, d]: group g holds Q heads 2g, 2g+1, then K_g, V_g.
            QCOMPARE(int(l0.layout), int(QkvLayout::FusedGrouped));
            QKOV_EXPECT_HEAD(l0.q, qkv, Axis::Rows, 4, 4, 1, 4);
            QKOV_EXPECT_HEAD(l0.q, qkv, Axis::Rows, 4, 4, 2, 16);
            QKOV_EXPECT_HEAD(l0.q, qkv, Axis::Rows, 4, 4, 3, 20);
            QKOV_EXPECT_HEAD(l0.k, qkv, Axis::Rows, 2, 4, 0, 8);
            QKOV_EXPECT_HEAD(l0.k, qkv, Axis::Rows, 2, 4, 1, 24);
            QKOV_EXPECT_HEAD(l0.v, qkv, Axis::Rows, 2, 4, 0, 12);
            QKOV_EXPECT_HEAD(l0.v, qkv, Axis::Rows, 2, 4, 1, 28);
            QCOMPARE(l0.q.stride(), int64_t(-1));
            QCOMPARE(l0.kvHeadOf(2), 1);
            const QJsonObject q = m.structure.toJson().value("layers").toArray().at(0).toObject().value("q").toObject();
            QCOMPARE(q.value("starts").toArray(), (QJsonArray{0, 4, 16, 20}));
        } else {
            QCOMPARE(int(l0.layout), int(QkvLayout::FusedInterleaved));
            QKOV_EXPECT_HEAD(l0.q, qkv, Axis::Rows, 4, 4, 1, 12);
            QKOV_EXPECT_HEAD(l0.k, qkv, Axis::Rows, 4, 4, 1, 16);
            QKOV_EXPECT_HEAD(l0.v, qkv, Axis::Rows, 4, 4, 2, 32);
        }
        QKOV_EXPECT_HEAD(l0.o, "transformer.h.0.self_attention.dense.weight", Axis::Cols, 4, 4, 1, 4);
        QKOV_VERIFY_COVERAGE(m);
    }

    void opt()
    {
        TensorShapes t{{"model.decoder.embed_tokens.weight", {10, 16}}};
        for (const auto &[name, shape] : llamaTensors("model.decoder.", 16, 16, 16, true, "out_proj")) {
            if (name.contains("layers."))
                t.push_back({name, shape});
        }
        const QJsonObject config{{"model_type", "opt"}, {"hidden_size", 16}, {"num_attention_heads", 4},
                                 {"num_hidden_layers", kLayers}, {"ffn_dim", 64}, {"vocab_size", 10},
                                 {"max_position_embeddings", 16}, {"word_embed_proj_dim", 16}};
        const LoadedModel m = loadSynthetic(m_root, config, t);
        const AttentionLayer &l1 = m.structure.layers.at(1);
        QCOMPARE(m.structure.family, QStringLiteral("opt"));
        QKOV_EXPECT_HEAD(l1.q, "model.decoder.layers.1.self_attn.q_proj.weight", Axis::Rows, 4, 4, 2, 8);
        QKOV_EXPECT_HEAD(l1.v, "model.decoder.layers.1.self_attn.v_proj.weight", Axis::Rows, 4, 4, 3, 12);
        QKOV_EXPECT_HEAD(l1.o, "model.decoder.layers.1.self_attn.out_proj.weight", Axis::Cols, 4, 4, 1, 4);
        QCOMPARE(l1.q.bias, QStringLiteral("model.decoder.layers.1.self_attn.q_proj.bias"));
        QKOV_VERIFY_COVERAGE(m);
    }

    void bloom()
    {
        // Published BLOOM checkpoints have no "transformer." prefix.
        TensorShapes t{{"word_embeddings.weight", {10, 16}}};
        for (int l = 0; l < kLayers; ++l) {
            t.push_back({at("h.%1.self_attention.query_key_value.weight", l), {48, 16}});
            t.push_back({at("h.%1.self_attention.query_key_value.bias", l), {48}});
            t.push_back({at("h.%1.self_attention.dense.weight", l), {16, 16}});
        }
        const QJsonObject config{{"model_type", "bloom"}, {"hidden_size", 16}, {"n_head", 4}, {"n_layer", kLayers},
                                 {"vocab_size", 10}, {"layer_norm_epsilon", 1e-5}};
        const LoadedModel m = loadSynthetic(m_root, config, t);
        const AttentionLayer &l1 = m.structure.layers.at(1);
        QCOMPARE(m.structure.family, QStringLiteral("bloom"));
        QCOMPARE(int(l1.layout), int(QkvLayout::FusedInterleaved));
        QKOV_EXPECT_HEAD(l1.q, "h.1.self_attention.query_key_value.weight", Axis::Rows, 4, 4, 2, 24);
        QKOV_EXPECT_HEAD(l1.k, "h.1.self_attention.query_key_value.weight", Axis::Rows, 4, 4, 1, 16);
        QKOV_EXPECT_HEAD(l1.v, "h.1.self_attention.query_key_value.weight", Axis::Rows, 4, 4, 0, 8);
        QKOV_EXPECT_HEAD(l1.o, "h.1.self_attention.dense.weight", Axis::Cols, 4, 4, 2, 8);
        QKOV_VERIFY_COVERAGE(m);
    }

    void stories260K()
    {
        // The real tiny LLaMA: 5 layers, 8 heads, 4 KV heads, head_dim 8.
        const LoadedModel m = loadModel(QStringLiteral(QKOV_SHARED_DIR "/models/stories260K"));
        const ModelStructure &s = m.structure;
        QCOMPARE(s.family, QStringLiteral("llama"));
        QCOMPARE(s.numLayers, 5);
        QCOMPARE(s.numHeads, 8);
        QCOMPARE(s.numKvHeads, 4);
        QCOMPARE(s.headDim, 8);
        QKOV_EXPECT_HEAD(s.layers.at(4).k, "model.layers.4.self_attn.k_proj.weight", Axis::Rows, 4, 8, 3, 24);
        QCOMPARE(s.layers.at(4).kvHeadOf(7), 3);
        QKOV_VERIFY_COVERAGE(m);
    }

    void stories260KLlama2c()
    {
        // The llama2.c import must come out as the same LLaMA structure.
        const LoadedModel m = loadModel(QStringLiteral(QKOV_SHARED_DIR "/models/stories260K-llama2c/stories260K.bin"));
        QCOMPARE(m.structure.family, QStringLiteral("llama"));
        QCOMPARE(m.structure.numLayers, 5);
        QCOMPARE(m.structure.numKvHeads, 4);
        QKOV_EXPECT_HEAD(m.structure.layers.at(2).o, "model.layers.2.self_attn.o_proj.weight", Axis::Cols, 8, 8, 5, 40);
        QKOV_VERIFY_COVERAGE(m);
    }
};

QTEST_GUILESS_MAIN(TestStructureDecoders)
#include "tst_structure_decoders.moc"
