// CLIP: a text tower (text_model.encoder.layers.N.self_attn) and a vision
// tower (vision_model...), each {q,k,v,out}_proj with biases and its own head
// count from text_config / vision_config; two stacks "text" and "vision".
// Missing sub-config keys take the HF CLIPTextConfig / CLIPVisionConfig defaults.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

struct Tower
{
    QString stack;     // "text" / "vision"
    QString module;    // "text_model." / "vision_model."
    QJsonObject keys;  // the sub-config (or the top level for a single tower)
    int defaultHidden;
    int defaultHeads;
};

class ClipFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("clip"); }
    QStringList modelTypes() const override
    {
        return {QStringLiteral("clip"), QStringLiteral("clip_text_model"), QStringLiteral("clip_vision_model")};
    }
    QStringList architectureClasses() const override { return {QStringLiteral("CLIP")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const QJsonObject &raw = config.raw;
        const Tower text{QStringLiteral("text"), QStringLiteral("text_model."), {}, 512, 8};
        const Tower vision{QStringLiteral("vision"), QStringLiteral("vision_model."), {}, 768, 12};
        std::vector<Tower> towers;
        if (config.modelType == QLatin1String("clip_text_model")) {
            towers.push_back(text);
            towers.back().keys = raw;
        } else if (config.modelType == QLatin1String("clip_vision_model")) {
            towers.push_back(vision);
            towers.back().keys = raw;
        } else {
            towers = {text, vision};
            towers[0].keys = raw.value(QStringLiteral("text_config")).toObject();
            towers[1].keys = raw.value(QStringLiteral("vision_config")).toObject();
        }

        std::vector<AttentionLayer> all;
        HeadDims first;
        for (const Tower &tower : towers) {
            const int heads = jsonInt(tower.keys, {"num_attention_heads"}, tower.defaultHeads);
            const HeadDims d = HeadDims::make(heads, heads, jsonInt(tower.keys, {"hidden_size"}, tower.defaultHidden));
            if (all.empty())
                first = d;
            auto layers = b.eachLayer(tower.module + QStringLiteral("encoder.layers."),
                                      jsonInt(tower.keys, {"num_hidden_layers"}, 12),
                                      [&](int i, const QString &path) {
                                          const QString attn = path + QStringLiteral(".self_attn");
                                          return b.splitLinear(i, attn,
                                                               projectionNames(attn, QStringLiteral("q_proj"), QStringLiteral("k_proj"),
                                                                               QStringLiteral("v_proj"), QStringLiteral("out_proj")),
                                                               d);
                                      });
            for (AttentionLayer &layer : layers)
                layer.stack = tower.stack;
            all.insert(all.end(), layers.begin(), layers.end());
        }
        return assembleStructure(architectureName(config, id()), std::move(all), first);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeClipFamily() { return std::make_unique<ClipFamily>(); }

} // namespace qkov
