// Falcon: query_key_value has three layouts (HF FalconAttention._split_heads):
// - new_decoder_architecture (40B/180B): rows [H_kv, H/H_kv + 2, d], each KV
//   group's query heads then its K then its V;
// - multi_query (7B, the config default): rows Q (H*d) | K (d) | V (d);
// - neither (falcon-rw): interleaved per head, rows [H, 3, d], like GPT-NeoX.
// The output projection is "dense".
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class FalconFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("falcon"); }
    QStringList modelTypes() const override
    {
        return {QStringLiteral("falcon"), QStringLiteral("RefinedWeb"), QStringLiteral("RefinedWebModel")};
    }
    QStringList architectureClasses() const override { return {QStringLiteral("Falcon"), QStringLiteral("RW")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const QJsonObject &raw = config.raw;
        // The original RefinedWeb (40B) code is the new decoder architecture.
        const bool newDecoder = raw.value(QStringLiteral("new_decoder_architecture")).toBool(false)
            || config.modelType == QLatin1String("RefinedWeb");
        const bool multiQuery = raw.value(QStringLiteral("multi_query")).toBool(true);
        const int heads = config.numHeads;
        const int kvHeads = newDecoder ? jsonInt(raw, {"num_kv_heads", "n_head_kv"}, heads)
                                       : (multiQuery ? 1 : heads);
        const HeadDims d = HeadDims::make(heads, kvHeads, config.hiddenSize);
        const QString prefix = b.resolvePrefix({QStringLiteral("transformer."), QString()},
                                               QStringLiteral("h.0.self_attention.query_key_value.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("h."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".self_attention");
                                      const QString fused = attn + QStringLiteral(".query_key_value.weight");
                                      const QString out = attn + QStringLiteral(".dense.weight");
                                      if (newDecoder)
                                          return b.fusedGrouped(i, attn, fused, out, d);
                                      if (multiQuery)
                                          return b.fusedBlocked(i, attn, fused, out, d, false);
                                      return b.fusedInterleaved(i, attn, fused, out, d);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeFalconFamily() { return std::make_unique<FalconFamily>(); }

} // namespace qkov
