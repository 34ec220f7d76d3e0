// config.json parsing: one real config per family -> typed fields; every
// kind of bad input -> one qkov::Error naming the file and the key.
#include "Error.h"
#include "model/ModelConfig.h"

#include "config_samples.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace qkov;

namespace {

const QString kPath = QStringLiteral("config.json");

ModelConfig parse(const char *json)
{
    return ModelConfig::fromJson(QByteArray(json), kPath);
}

// The full message of the error that parsing `json` throws ("" if none).
QString errorOf(const QByteArray &json)
{
    try {
        ModelConfig::fromJson(json, kPath);
    } catch (const Error &e) {
        if (e.where() != kPath)
            return QStringLiteral("wrong where: ") + e.where();
        return e.message();
    }
    return {};
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stories260KFromFile()
    {
        const QString path = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K/config.json");
        const ModelConfig c = ModelConfig::fromFile(path);
        QCOMPARE(c.modelType, QStringLiteral("llama"));
        QCOMPARE(c.architectures, QStringList{QStringLiteral("LlamaForCausalLM")});
        QCOMPARE(c.numLayers, 5);
        QCOMPARE(c.numHeads, 8);
        QCOMPARE(c.numKvHeads, 4);
        QCOMPARE(c.headDim, 8);
        QVERIFY(!c.headDimFromConfig);
        QCOMPARE(c.hiddenSize, 64);
        QCOMPARE(c.intermediateSize, 172);
        QCOMPARE(c.vocabSize, 512);
        QCOMPARE(c.maxPositions, 512);
        QCOMPARE(c.norm, NormKind::RMSNorm);
        QCOMPARE(c.normEps, 1e-5);
        QCOMPARE(c.activation, QStringLiteral("silu"));
        QVERIFY(c.rope.enabled);
        QCOMPARE(c.rope.theta, 10000.0);
        QCOMPARE(c.rope.partialFactor, 1.0);
        QVERIFY(c.rope.scalingType.isEmpty());
        QVERIFY(c.tieWordEmbeddings);
        QVERIFY(!c.attentionBias && !c.mlpBias);
        QCOMPARE(c.bosTokenId, 1);
        QCOMPARE(c.eosTokenId, 2);
        QCOMPARE(c.padTokenId, -1);
        QCOMPARE(c.torchDtype, QStringLiteral("float32"));
        QCOMPARE(c.sourcePath, path);
        QCOMPARE(c.intKey({"num_key_value_heads"}), std::optional<int>(4));
        QCOMPARE(c.boolKey({"mlp_bias"}), std::optional<bool>(false));
        QCOMPARE(c.stringKey({"no_such_key", "hidden_act"}), std::optional<QString>(QStringLiteral("silu")));
        QVERIFY(!c.doubleKey({"no_such_key"}));
    }

    void llamaFamily()
    {
        const ModelConfig l2 = parse(samples::llama2);
        QCOMPARE(l2.numLayers, 32);
        QCOMPARE(l2.numKvHeads, 32);
        QCOMPARE(l2.headDim, 128);
        QCOMPARE(l2.intermediateSize, 11008);
        QCOMPARE(l2.maxPositions, 4096);
        QVERIFY(!l2.tieWordEmbeddings);
        QCOMPARE(l2.padTokenId, 0);

        const ModelConfig mistral = parse(samples::mistral);
        QCOMPARE(mistral.numKvHeads, 8);
        QCOMPARE(mistral.norm, NormKind::RMSNorm);
        QCOMPARE(mistral.intermediateSize, 14336);

        const ModelConfig mixtral = parse(samples::mixtral);
        QCOMPARE(mixtral.rope.theta, 1e6);
        QVERIFY(!mixtral.tieWordEmbeddings); // MixtralConfig default
        QCOMPARE(mixtral.intKey({"num_local_experts"}), std::optional<int>(8));
        QCOMPARE(mixtral.eosTokenId, -1);
    }

    void llama3RopeScaling()
    {
        const ModelConfig c = parse(samples::llama31);
        QCOMPARE(c.rope.theta, 500000.0);
        QCOMPARE(c.rope.scalingType, QStringLiteral("llama3"));
        QCOMPARE(c.rope.factor, 8.0);
        QCOMPARE(c.rope.lowFreqFactor, 1.0);
        QCOMPARE(c.rope.highFreqFactor, 4.0);
        QCOMPARE(c.rope.originalMaxPositions, 8192);
        QCOMPARE(c.eosTokenId, 128001); // first of the list
        QCOMPARE(c.numKvHeads, 8);
        QCOMPARE(c.vocabSize, 128256);

        // The legacy "type" spelling, and a wrong-typed factor naming the nested key.
        const ModelConfig linear = parse(R"({"model_type":"llama","num_hidden_layers":2,"num_attention_heads":2,
            "hidden_size":8,"rope_scaling":{"type":"linear","factor":2.0}})");
        QCOMPARE(linear.rope.scalingType, QStringLiteral("linear"));
        QCOMPARE(linear.rope.factor, 2.0);
        QCOMPARE(errorOf(R"({"model_type":"llama","num_hidden_layers":2,"num_attention_heads":2,
            "hidden_size":8,"rope_scaling":{"rope_type":"llama3","factor":"eight"}})"),
                 QStringLiteral("config.json: rope_scaling.factor must be a positive number, got \"eight\""));
    }

    void qwen2AlwaysHasQkvBiases()
    {
        const ModelConfig c = parse(samples::qwen2);
        QVERIFY(c.attentionBias);
        QVERIFY(!c.attentionOutputBias);
        QCOMPARE(c.numHeads, 14);
        QCOMPARE(c.numKvHeads, 2);
        QCOMPARE(c.headDim, 64);
        QVERIFY(c.tieWordEmbeddings);
        QCOMPARE(c.rope.theta, 1e6);
    }

    void gemmaHeadDimIsNotHiddenOverHeads()
    {
        const ModelConfig c = parse(samples::gemma);
        QCOMPARE(c.norm, NormKind::RMSNormPlusOne);
        QCOMPARE(c.headDim, 256);
        QVERIFY(c.headDimFromConfig);
        QVERIFY(c.headDim != c.hiddenSize / c.numHeads); // 3072 / 16 = 192
        QVERIFY(c.tieWordEmbeddings);                    // GemmaConfig default
        QCOMPARE(c.activation, QStringLiteral("gelu_pytorch_tanh"));
        QCOMPARE(c.normEps, 1e-6);

        const ModelConfig g2 = parse(samples::gemma2);
        QCOMPARE(g2.norm, NormKind::RMSNormPlusOne);
        QCOMPARE(g2.hiddenSize, 2304);
        QCOMPARE(g2.headDim, 256);
        QCOMPARE(g2.numKvHeads, 4);
        QCOMPARE(g2.activation, QStringLiteral("gelu_pytorch_tanh"));
        QCOMPARE(g2.doubleKey({"attn_logit_softcapping"}), std::optional<double>(50.0));
    }

    void qwen1()
    {
        const ModelConfig c = parse(samples::qwen1);
        QCOMPARE(c.numLayers, 32);
        QCOMPARE(c.headDim, 128);
        QVERIFY(c.headDimFromConfig);
        QCOMPARE(c.intermediateSize, 11008); // w1/w2 are intermediate_size / 2 wide
        QCOMPARE(c.normEps, 1e-6);
        QCOMPARE(c.norm, NormKind::RMSNorm);
        QCOMPARE(c.rope.partialFactor, 1.0);
        QCOMPARE(c.rope.theta, 10000.0);
        QVERIFY(c.attentionBias && !c.attentionOutputBias);
        QCOMPARE(c.maxPositions, 32768);
    }

    void phiFamilies()
    {
        const ModelConfig phi = parse(samples::phi2);
        QCOMPARE(phi.norm, NormKind::LayerNorm);
        QCOMPARE(phi.rope.partialFactor, 0.4);
        QCOMPARE(phi.numKvHeads, 32); // null -> heads
        QCOMPARE(phi.headDim, 80);
        QVERIFY(phi.parallelResidual);
        QVERIFY(phi.attentionBias && phi.attentionOutputBias && phi.mlpBias);
        QCOMPARE(phi.activation, QStringLiteral("gelu_new"));

        const ModelConfig phi3 = parse(samples::phi3);
        QCOMPARE(phi3.norm, NormKind::RMSNorm);
        QCOMPARE(phi3.normEps, 1e-5);
        QCOMPARE(phi3.intermediateSize, 8192);
        QVERIFY(!phi3.parallelResidual && !phi3.attentionBias);
        QCOMPARE(phi3.vocabSize, 32064);
    }

    void gpt2AndNeoX()
    {
        const ModelConfig g = parse(samples::gpt2);
        QCOMPARE(g.numLayers, 12);
        QCOMPARE(g.numHeads, 12);
        QCOMPARE(g.hiddenSize, 768);
        QCOMPARE(g.intermediateSize, 3072); // n_inner null -> 4 x n_embd
        QCOMPARE(g.maxPositions, 1024);
        QCOMPARE(g.normEps, 1e-5);
        QCOMPARE(g.activation, QStringLiteral("gelu_new"));
        QVERIFY(g.tieWordEmbeddings);
        QVERIFY(!g.rope.enabled);
        QVERIFY(g.attentionBias && g.mlpBias);
        QCOMPARE(g.norm, NormKind::LayerNorm);

        const ModelConfig p = parse(samples::pythia);
        QCOMPARE(p.rope.partialFactor, 0.25);
        QCOMPARE(p.rope.theta, 10000.0);
        QVERIFY(p.rope.enabled);
        QVERIFY(p.parallelResidual);
        QVERIFY(!p.tieWordEmbeddings);
        QCOMPARE(p.headDim, 64);
        QCOMPARE(p.activation, QStringLiteral("gelu"));
        const ModelConfig sequential = parse(R"({"model_type":"gpt_neox","num_hidden_layers":1,
            "num_attention_heads":2,"hidden_size":8,"use_parallel_residual":false})");
        QVERIFY(!sequential.parallelResidual);
    }

    void falcon()
    {
        const ModelConfig f7 = parse(samples::falcon7b);
        QVERIFY(f7.multiQuery);
        QVERIFY(!f7.newDecoderArchitecture);
        QCOMPARE(f7.numHeads, 71);
        QCOMPARE(f7.numKvHeads, 1);
        QCOMPARE(f7.headDim, 64);
        QCOMPARE(f7.intermediateSize, 4 * 4544);
        QVERIFY(f7.parallelResidual);
        QVERIFY(f7.rope.enabled && !f7.alibi);
        QVERIFY(!f7.attentionBias);

        const ModelConfig f40 = parse(samples::falcon40b);
        QVERIFY(f40.newDecoderArchitecture);
        QCOMPARE(f40.numLayers, 60);
        QCOMPARE(f40.numHeads, 128);
        QCOMPARE(f40.numKvHeads, 8);

        const ModelConfig alibi = parse(R"({"model_type":"falcon","num_hidden_layers":2,"num_attention_heads":4,
            "hidden_size":16,"alibi":true,"multi_query":false,"parallel_attn":false})");
        QVERIFY(alibi.alibi && !alibi.rope.enabled);
        QCOMPARE(alibi.numKvHeads, 4);
        QVERIFY(!alibi.parallelResidual);
    }

    void optAndBloom()
    {
        const ModelConfig o = parse(samples::opt350m);
        QCOMPARE(o.intermediateSize, 4096);
        QCOMPARE(o.wordEmbedProjDim, 512);
        QVERIFY(!o.preLayerNorm);
        QCOMPARE(o.activation, QStringLiteral("relu"));
        QCOMPARE(o.normEps, 1e-5);
        QVERIFY(o.tieWordEmbeddings && o.attentionBias);

        const ModelConfig b = parse(samples::bloom);
        QCOMPARE(b.numLayers, 24);
        QCOMPARE(b.numHeads, 16);
        QCOMPARE(b.hiddenSize, 1024);
        QCOMPARE(b.intermediateSize, 4096);
        QVERIFY(b.alibi && !b.rope.enabled);
        QCOMPARE(b.vocabSize, 250880);
        QCOMPARE(parse(samples::bloomLegacy).hiddenSize, 1024);
    }

    void encoders()
    {
        const ModelConfig bert = parse(samples::bert);
        QVERIFY(!bert.isDecoder);
        QCOMPARE(bert.normEps, 1e-12);
        QCOMPARE(bert.norm, NormKind::LayerNorm);
        QVERIFY(!bert.preLayerNorm);
        QCOMPARE(bert.intermediateSize, 3072);
        QCOMPARE(bert.maxPositions, 512);

        const ModelConfig roberta = parse(samples::roberta);
        QVERIFY(!roberta.isDecoder);
        QCOMPARE(roberta.normEps, 1e-5);
        QCOMPARE(roberta.maxPositions, 514);

        const ModelConfig vit = parse(samples::vit);
        QVERIFY(!vit.isDecoder);
        QVERIFY(vit.attentionBias && vit.attentionOutputBias);
        QCOMPARE(vit.headDim, 64);
        QCOMPARE(vit.vocabSize, 0);
        QCOMPARE(vit.intKey({"patch_size"}), std::optional<int>(16));
    }

    void t5()
    {
        const ModelConfig c = parse(samples::flanT5);
        QVERIFY(c.isEncoderDecoder);
        QCOMPARE(c.numLayers, 8);
        QCOMPARE(c.numDecoderLayers, 8);
        QCOMPARE(c.numHeads, 6);
        QCOMPARE(c.hiddenSize, 512);
        QCOMPARE(c.headDim, 64); // d_kv: 6 x 64 != 512
        QCOMPARE(c.intermediateSize, 1024);
        QCOMPARE(c.normEps, 1e-6);
        QCOMPARE(c.activation, QStringLiteral("gated-gelu"));
        QVERIFY(!c.tieWordEmbeddings);
        QVERIFY(!c.rope.enabled && !c.attentionBias);
        // Without num_decoder_layers the decoder is as deep as the encoder.
        const ModelConfig t5small = parse(R"({"model_type":"t5","num_layers":6,"num_heads":8,"d_model":512,
            "d_kv":64,"d_ff":2048})");
        QCOMPARE(t5small.numDecoderLayers, 6);
    }

    void clipTowers()
    {
        const ModelConfig c = parse(samples::clip);
        QCOMPARE(c.modelType, QStringLiteral("clip"));
        QCOMPARE(c.hiddenSize, 512);
        QCOMPARE(c.numHeads, 8);
        QCOMPARE(c.numLayers, 12);
        QCOMPARE(c.vocabSize, 49408);
        QCOMPARE(c.maxPositions, 77);
        QCOMPARE(c.activation, QStringLiteral("quick_gelu"));
        QVERIFY(!c.isDecoder);
        QCOMPARE(c.torchDtype, QStringLiteral("float32"));
        QCOMPARE(c.intKey({"projection_dim"}), std::optional<int>(512));
        const ModelConfig vision = ModelConfig::fromJsonObject(c.raw.value(QLatin1String("vision_config")).toObject(),
                                                               kPath, QStringLiteral("vision_config"));
        QCOMPARE(vision.hiddenSize, 768);
        QCOMPARE(vision.numHeads, 12);
        QCOMPARE(vision.intKey({"patch_size"}), std::optional<int>(32));

        // Diff-style save: missing tower keys take the CLIP class defaults.
        const ModelConfig diff = parse(samples::clipDiff);
        QCOMPARE(diff.hiddenSize, 768);
        QCOMPARE(diff.numHeads, 12);
        QCOMPARE(diff.numLayers, 12);
        QCOMPARE(diff.intermediateSize, 2048);
        QCOMPARE(diff.vocabSize, 49408);
        const ModelConfig diffVision = ModelConfig::fromJsonObject(
            diff.raw.value(QLatin1String("vision_config")).toObject(), kPath, QStringLiteral("vision_config"));
        QCOMPARE(diffVision.numLayers, 24);
        QCOMPARE(diffVision.hiddenSize, 1024);
        QCOMPARE(diffVision.normEps, 1e-5);

        // A broken nested key is named with its path.
        QCOMPARE(errorOf(R"({"model_type":"clip","text_config":{"num_attention_heads":"eight"}})"),
                 QStringLiteral("config.json: text_config.num_attention_heads must be a positive integer, got \"eight\""));
        QCOMPARE(errorOf(R"({"model_type":"clip","vision_config":{"hidden_size":100,"num_attention_heads":3}})"),
                 QStringLiteral("config.json: vision_config.hidden_size (100) is not divisible by "
                                "vision_config.num_attention_heads (3), and no head_dim is given"));
    }

    void withoutModelTypeTheArchitectureDecides()
    {
        const ModelConfig c = parse(R"({"architectures":["GPT2LMHeadModel"],"n_layer":2,"n_head":2,"n_embd":8})");
        QVERIFY(c.modelType.isEmpty());
        QCOMPARE(c.intermediateSize, 32);
        QCOMPARE(c.activation, QStringLiteral("gelu_new"));
    }

    void unknownFamilyUsesCommonSpellings()
    {
        const ModelConfig c = parse(R"({"model_type":"mystery","num_layers":3,"n_head":4,"d_model":32,
            "rms_norm_eps":1e-6,"rope_theta":5000,"some_unknown_key":{"nested":[1,2]}})");
        QCOMPARE(c.numLayers, 3);
        QCOMPARE(c.numHeads, 4);
        QCOMPARE(c.hiddenSize, 32);
        QCOMPARE(c.norm, NormKind::RMSNorm);
        QVERIFY(c.rope.enabled);
        QCOMPARE(c.rope.theta, 5000.0);
    }

    void missingKeysAreNamedWithAliases()
    {
        QCOMPARE(errorOf(R"({"model_type":"mystery","num_hidden_layers":2,"hidden_size":8})"),
                 QStringLiteral("config.json: missing required key 'num_attention_heads' (also accepted: n_head, num_heads)"));
        QCOMPARE(errorOf(R"({"model_type":"gpt2","n_layer":2,"n_embd":8})"),
                 QStringLiteral("config.json: missing required key 'n_head' (also accepted: num_attention_heads)"));
        QCOMPARE(errorOf(R"({"model_type":"llama","num_attention_heads":2,"hidden_size":8})"),
                 QStringLiteral("config.json: missing required key 'num_hidden_layers'"));
        QCOMPARE(errorOf(R"({"model_type":"t5","num_layers":2,"num_heads":2})"),
                 QStringLiteral("config.json: missing required key 'd_model'"));
        QCOMPARE(errorOf(R"({"model_type":"llama","num_hidden_layers":null,"num_attention_heads":2,"hidden_size":8})"),
                 QStringLiteral("config.json: num_hidden_layers must be a positive integer, got null"));
    }

    void brokenJson()
    {
        const QString message = errorOf(R"({"model_type": "llama", "num_hidden_layers": 2,)");
        QVERIFY2(message.startsWith(QStringLiteral("config.json: not valid JSON: ")), qPrintable(message));
        QVERIFY2(message.contains(QRegularExpression(QStringLiteral(" at offset \\d+$"))), qPrintable(message));
        QCOMPARE(errorOf(""), QStringLiteral("config.json: the file is empty; expected a JSON object"));
        QCOMPARE(errorOf("[1, 2]"), QStringLiteral("config.json: expected a JSON object at the top level, got an array"));
    }

    void wrongTypes_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("problem");
        const QByteArray base = R"("model_type":"llama","num_attention_heads":4,"hidden_size":16)";
        auto row = [&](const char *name, const char *extra, const char *problem) {
            QTest::newRow(name) << (QByteArray("{") + base + ',' + extra + '}') << QString::fromUtf8(problem);
        };
        row("string layers", R"("num_hidden_layers":"five")", "num_hidden_layers must be a positive integer, got \"five\"");
        row("zero layers", R"("num_hidden_layers":0)", "num_hidden_layers must be a positive integer, got 0");
        row("negative layers", R"("num_hidden_layers":-3)", "num_hidden_layers must be a positive integer, got -3");
        row("fractional layers", R"("num_hidden_layers":2.5)", "num_hidden_layers must be a positive integer, got 2.5");
        row("list layers", R"("num_hidden_layers":[2])", "num_hidden_layers must be a positive integer, got [2]");
        row("string eps", R"("num_hidden_layers":2,"rms_norm_eps":"tiny")", "rms_norm_eps must be a positive number, got \"tiny\"");
        row("negative theta", R"("num_hidden_layers":2,"rope_theta":-1)", "rope_theta must be a positive number, got -1");
        row("string tie", R"("num_hidden_layers":2,"tie_word_embeddings":"yes")", "tie_word_embeddings must be true or false, got \"yes\"");
        row("numeric act", R"("num_hidden_layers":2,"hidden_act":7)", "hidden_act must be a string, got 7");
        row("string bos", R"("num_hidden_layers":2,"bos_token_id":"<s>")", "bos_token_id must be a token id (an integer or a list of integers), got \"<s>\"");
        row("too many layers", R"("num_hidden_layers":20000)", "num_hidden_layers is 20000, which is implausible (at most 10000)");
        row("huge head_dim", R"("num_hidden_layers":2,"head_dim":1e9)", "head_dim is 1000000000, which is implausible (at most 65536)");
        row("kv not dividing", R"("num_hidden_layers":2,"num_key_value_heads":3)", "num_key_value_heads (3) must divide num_attention_heads (4)");
        row("scaling not object", R"("num_hidden_layers":2,"rope_scaling":"llama3")", "rope_scaling must be a JSON object, got \"llama3\"");
        row("architectures not list", R"("num_hidden_layers":2,"architectures":"LlamaForCausalLM")",
            "architectures must be a list of class names, got \"LlamaForCausalLM\"");
    }

    void wrongTypes()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, problem);
        QCOMPARE(errorOf(json), kPath + QStringLiteral(": ") + problem);
    }

    void absurdShapes()
    {
        QCOMPARE(errorOf(R"({"model_type":"gpt2","n_layer":2,"n_head":5000,"n_embd":5000})"),
                 QStringLiteral("config.json: n_head is 5000, which is implausible (at most 4096)"));
        QCOMPARE(errorOf(R"({"model_type":"gpt2","n_layer":2,"n_head":3,"n_embd":100})"),
                 QStringLiteral("config.json: n_embd (100) is not divisible by n_head (3), and no head_dim is given"));
        QCOMPARE(errorOf(R"({"model_type":"llama","num_hidden_layers":2,"num_attention_heads":4,"hidden_size":1e10})"),
                 QStringLiteral("config.json: hidden_size must be a positive integer, got 10000000000"));
    }

    void fileErrors()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString missing = dir.filePath(QStringLiteral("config.json"));
        try {
            ModelConfig::fromFile(missing);
            QFAIL("a missing file was accepted");
        } catch (const Error &e) {
            QCOMPARE(e.where(), missing);
        }
        const QString broken = dir.filePath(QStringLiteral("broken.json"));
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"n_layer\": ");
        file.close();
        try {
            ModelConfig::fromFile(broken);
            QFAIL("broken JSON was accepted");
        } catch (const Error &e) {
            QCOMPARE(e.where(), broken);
            QVERIFY(e.problem().startsWith(QStringLiteral("not valid JSON")));
        }
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
