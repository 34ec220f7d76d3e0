#pragma once
// One typed description of a transformer, parsed from config.json (or built
// by an importer). Family-specific key spellings (n_layer, n_head, d_model,
// ...) are resolved here; unknown keys are ignored; missing required keys are
// reported by name.
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace qkov {

enum class NormKind { LayerNorm, RMSNorm, RMSNormPlusOne };

struct RopeSettings
{
    bool enabled = false;
    double theta = 10000.0;
    double partialFactor = 1.0; // share of head_dim that rotates (rotary_pct, partial_rotary_factor)
    // rope_scaling
    QString scalingType;        // "", "linear", "dynamic", "llama3", ...
    double factor = 1.0;
    double lowFreqFactor = 1.0;
    double highFreqFactor = 4.0;
    int originalMaxPositions = 0;
};

struct ModelConfig
{
    QString modelType;          // "llama", "gpt2", ... ("" when unknown)
    QStringList architectures;  // e.g. LlamaForCausalLM

    int numLayers = 0;
    int numHeads = 0;
    int numKvHeads = 0;         // = numHeads unless grouped / multi-query
    int headDim = 0;            // from config when given, else hidden / heads
    bool headDimFromConfig = false;
    int hiddenSize = 0;
    int intermediateSize = 0;   // 0 = family default (e.g. 4 x hidden)
    int vocabSize = 0;
    int maxPositions = 0;

    NormKind norm = NormKind::LayerNorm;
    double normEps = 1e-5;
    QString activation;         // hidden_act / activation_function, as written
    RopeSettings rope;
    bool tieWordEmbeddings = false;
    bool attentionBias = false; // q/k/v (and o) biases
    bool mlpBias = false;
    bool parallelResidual = false;
    bool multiQuery = false;    // Falcon
    bool newDecoderArchitecture = false; // Falcon 40B/180B grouped fused layout
    bool isDecoder = true;      // false for BERT-like encoders
    bool isEncoderDecoder = false; // T5: numLayers is the encoder depth
    int numDecoderLayers = 0;   // T5 decoder depth (0 unless encoder-decoder)
    bool attentionOutputBias = false; // o / out / dense projection has a bias
    bool preLayerNorm = true;   // norm before each sublayer (false: BERT, OPT-350m)
    bool alibi = false;         // ALiBi position biases instead of RoPE (BLOOM, some Falcon)
    int wordEmbedProjDim = 0;   // OPT: embeddings of this width projected to hidden (0 = none)
    int bosTokenId = -1;
    int eosTokenId = -1;
    int padTokenId = -1;
    QString torchDtype;

    QJsonObject raw;            // the whole file, for family-specific keys
    QString sourcePath;         // config.json path, for messages

    // Parses config.json bytes; throws qkov::Error naming `path` and the missing key.
    static ModelConfig fromJson(const QByteArray &json, const QString &path);
    static ModelConfig fromFile(const QString &path);
    // Parses one JSON object, e.g. a nested tower; `keyPath` prefixes key
    // names in messages ("vision_config.hidden_size"). For CLIP the text
    // tower fills the typed fields and raw["vision_config"] keeps the vision
    // tower, its "model_type" filled in so that
    // fromJsonObject(raw["vision_config"], path, "vision_config") applies
    // CLIP's vision defaults to keys a diff-style save omitted.
    static ModelConfig fromJsonObject(const QJsonObject &object, const QString &path,
                                      const QString &keyPath);

    // Integer/double/bool/string of a key of `raw` (first of the aliases
    // present and not null), or nullopt. A value of the wrong type throws
    // qkov::Error naming the file and the key.
    std::optional<int> intKey(std::initializer_list<const char *> aliases) const;
    std::optional<double> doubleKey(std::initializer_list<const char *> aliases) const;
    std::optional<bool> boolKey(std::initializer_list<const char *> aliases) const;
    std::optional<QString> stringKey(std::initializer_list<const char *> aliases) const;
};

} // namespace qkov
