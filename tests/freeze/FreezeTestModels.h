#pragma once
// The models the freezing tests run on: tiny seeded LLaMA (grouped-query),
// GPT-2 (Conv1D) and GPT-NeoX (interleaved fused QKV) checkpoints with their
// detected attention structure, and the real stories260K.
#include "TinyFusedModels.h"

#include <QString>

namespace qkov::test {

// Sharper attention than the Fisher tests' models (larger fused weights),
// 16 positions.
inline LoadedModel tinyGpt2()
{
    return tinyGpt2(TinyFusedSpec{16, 0.5});
}

inline LoadedModel tinyNeox()
{
    return tinyNeox(TinyFusedSpec{16, 0.5});
}

// Grouped-query LLaMA: 4 query heads share 2 KV heads.
inline LoadedModel tinyLlamaGqa()
{
    TinyLlamaSpec spec;
    spec.layers = 3;
    LoadedModel m = loadedFrom(tinyConfig(spec), tinyTensors(spec));
    return withStructure(m);
}

inline QString stories260KPath()
{
    return QStringLiteral(QKOV_SHARED_DIR) + QStringLiteral("/models/stories260K");
}

} // namespace qkov::test
