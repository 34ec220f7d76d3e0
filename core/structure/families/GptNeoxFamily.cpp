// GPT-NeoX / Pythia: query_key_value is interleaved per head, rows [H, 3, d]
// (head h's Q at 3*d*h, K at 3*d*h + d, V at 3*d*h + 2*d), then dense.
// attention.bias / masked_bias / rotary_emb.inv_freq are buffers, never looked at.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class GptNeoxFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("gpt_neox"); }
    QStringList modelTypes() const override { return {QStringLiteral("gpt_neox")}; }
    QStringList architectureClasses() const override { return {QStringLiteral("GPTNeoX")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const HeadDims d = HeadDims::make(config.numHeads, config.numHeads, config.hiddenSize);
        const QString prefix = b.resolvePrefix({QStringLiteral("gpt_neox."), QString()},
                                               QStringLiteral("layers.0.attention.query_key_value.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("layers."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".attention");
                                      return b.fusedInterleaved(i, attn, attn + QStringLiteral(".query_key_value.weight"),
                                                                attn + QStringLiteral(".dense.weight"), d);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeGptNeoxFamily() { return std::make_unique<GptNeoxFamily>(); }

} // namespace qkov
