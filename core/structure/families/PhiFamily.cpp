// Phi-1/1.5/2 (HF "phi"): separate q/k/v_proj with biases; the output
// projection is named "dense".
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class PhiFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("phi"); }
    QStringList modelTypes() const override { return {QStringLiteral("phi")}; }
    QStringList architectureClasses() const override { return {QStringLiteral("Phi")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const HeadDims d = HeadDims::fromConfig(config);
        const QString prefix = b.resolvePrefix({QStringLiteral("model."), QString()},
                                               QStringLiteral("layers.0.self_attn.q_proj.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("layers."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".self_attn");
                                      return b.splitLinear(i, attn,
                                                           projectionNames(attn, QStringLiteral("q_proj"), QStringLiteral("k_proj"),
                                                                           QStringLiteral("v_proj"), QStringLiteral("dense")),
                                                           d);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makePhiFamily() { return std::make_unique<PhiFamily>(); }

} // namespace qkov
