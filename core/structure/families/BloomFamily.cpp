// BLOOM: self_attention.query_key_value is interleaved per head, rows
// [H, 3, d], like GPT-NeoX; then dense. The published checkpoints name the
// layers "h.N" without a "transformer." prefix; fine-tuned ones may add it.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class BloomFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("bloom"); }
    QStringList modelTypes() const override { return {QStringLiteral("bloom")}; }
    QStringList architectureClasses() const override { return {QStringLiteral("Bloom")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const HeadDims d = HeadDims::make(config.numHeads, config.numHeads, config.hiddenSize);
        const QString prefix = b.resolvePrefix({QStringLiteral("transformer."), QString()},
                                               QStringLiteral("h.0.self_attention.query_key_value.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("h."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".self_attention");
                                      return b.fusedInterleaved(i, attn, attn + QStringLiteral(".query_key_value.weight"),
                                                                attn + QStringLiteral(".dense.weight"), d);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeBloomFamily() { return std::make_unique<BloomFamily>(); }

} // namespace qkov
