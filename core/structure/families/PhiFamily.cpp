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
        const HeadDims d = HeadDims::fromConfig(config);
        return detectSelfAttnLayout(config, tensors, id(), {QStringLiteral("model."), QString()},
                                    QStringLiteral("dense"), d);
    }
};

} // namespace

std::unique_ptr<ArchitectureFamily> makePhiFamily() { return std::make_unique<PhiFamily>(); }

} // namespace qkov
