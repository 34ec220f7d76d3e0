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
        const HeadDims d = HeadDims::make(config.numHeads, config.numHeads, config.hiddenSize);
        return detectSelfAttnLayout(config, tensors, id(), {QStringLiteral("model.decoder."), QStringLiteral("decoder.")},
                                    QStringLiteral("out_proj"), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makeOptFamily() { return std::make_unique<OptFamily>(); }

} // namespace qkov
