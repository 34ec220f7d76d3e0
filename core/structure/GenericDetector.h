#pragma once
// Strategies 2 and 3 of structure detection: the tensor names read as a
// module tree (layer containers, attention modules, projections), with head
// counts from config.json (strategy 2), from the safetensors __metadata__, or
// guessed from shapes (strategy 3, with a note saying so).
#include "../model/ModelConfig.h"
#include "AttentionStructure.h"
#include "TensorIndex.h"

namespace qkov {

// `config` may be null. Throws qkov::Error at `where` listing what was found
// when no attention module is recognised: never returns an empty structure.
ModelStructure detectGeneric(const ModelConfig *config, const TensorIndex &tensors, const QString &where);

} // namespace qkov
