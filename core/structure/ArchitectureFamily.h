#pragma once
// The registry of known architecture families (one file per family under
// families/). Strategy 1 of structure detection: a family recognised from
// config.json builds the structure from its known tensor names.
#include "../model/ModelConfig.h"
#include "AttentionStructure.h"
#include "TensorIndex.h"

#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace qkov {

class ArchitectureFamily
{
public:
    virtual ~ArchitectureFamily() = default;
    // Short id, e.g. "llama", "gpt2", "gpt_neox".
    virtual QString id() const = 0;
    // model_type values and architecture class names this family handles.
    virtual QStringList modelTypes() const = 0;
    // Class-name stems: "Llama" matches LlamaForCausalLM, LlamaModel, ... (the
    // stem must be followed by an upper-case letter, so "Phi" is not Phi3...).
    virtual QStringList architectureClasses() const { return {}; }
    // Builds the structure (detection = Config). Throws qkov::Error naming
    // the checkpoint and the missing tensor when the names do not fit.
    virtual ModelStructure detect(const ModelConfig &config, const TensorIndex &tensors) const = 0;
};

class FamilyRegistry
{
public:
    static const FamilyRegistry &instance();
    const std::vector<std::unique_ptr<ArchitectureFamily>> &families() const { return m_families; }
    // By model_type first, then by architectures[]; nullptr when unknown.
    const ArchitectureFamily *match(const ModelConfig &config) const;
    const ArchitectureFamily *byId(const QString &id) const;

private:
    FamilyRegistry();
    std::vector<std::unique_ptr<ArchitectureFamily>> m_families;
};

// The three strategies in order: (1) a known family from config, (2) a generic
// walk of the tensor names as a module tree (head counts from config or
// shapes), (3) names only when there is no config at all. Throws qkov::Error
// listing what was found when nothing matches: never an empty structure.
// `config` may be null (lone .safetensors file). `where` names the checkpoint.
ModelStructure detectStructure(const ModelConfig *config, const TensorIndex &tensors,
                               const QString &where);

} // namespace qkov
