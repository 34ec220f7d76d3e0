// GPT-2: Conv1D stores weights as [in, out]. c_attn [hidden, 3*hidden] holds
// Q | K | V as column blocks; c_proj [hidden, hidden] takes head h's values
// in rows h*d..(h+1)*d. attn.bias / attn.masked_bias are mask buffers and are
// never looked at.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class Gpt2Family final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("gpt2"); }
    QStringList modelTypes() const override { return {QStringLiteral("gpt2")}; }
    QStringList architectureClasses() const override { return {QStringLiteral("GPT2")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const HeadDims d = HeadDims::fromConfig(config);
        // Canonical checkpoints have no "transformer." prefix, fine-tuned ones often do.
        const QString prefix = b.resolvePrefix({QString(), QStringLiteral("transformer.")},
                                               QStringLiteral("h.0.attn.c_attn.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("h."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".attn");
                                      return b.fusedBlocked(i, attn, attn + QStringLiteral(".c_attn.weight"),
                                                            attn + QStringLiteral(".c_proj.weight"), d, true);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeGpt2Family() { return std::make_unique<Gpt2Family>(); }

} // namespace qkov
