// OPT: model.decoder.layers.N.self_attn.{q,k,v,out}_proj, all with biases.
#include "../StructureBuilder.h"
#include "Families.h"

namespace qkov {

namespace {

class OptFamily final : public ArchitectureFamily
{
public:
    QString id() const override { return QStringLiteral("opt"); }
    QStringList modelTypes() const override { return {QStringLiteral("opt")}; }
    QStringList architectureClasses() const override { return {QStringLiteral("OPT")}; }

    ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const override
    {
        const StructureBuilder b(tensors, config.sourcePath);
        const HeadDims d = HeadDims::make(config.numHeads, config.numHeads, config.hiddenSize);
        const QString prefix = b.resolvePrefix({QStringLiteral("model.decoder."), QStringLiteral("decoder.")},
                                               QStringLiteral("layers.0.self_attn.q_proj.weight"));
        auto layers = b.eachLayer(prefix + QStringLiteral("layers."), config.numLayers,
                                  [&](int i, const QString &path) {
                                      const QString attn = path + QStringLiteral(".self_attn");
                                      return b.splitLinear(i, attn,
                                                           projectionNames(attn, QStringLiteral("q_proj"), QStringLiteral("k_proj"),
                                                                           QStringLiteral("v_proj"), QStringLiteral("out_proj")),
                                                           d);
                                  });
        return assembleStructure(architectureName(config, id()), std::move(layers), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeOptFamily() { return std::make_unique<OptFamily>(); }

} // namespace qkov
