#pragma once
// The models of the Fisher tests: the tiny fused GPT-2 and GPT-NeoX
// (TinyFusedModels.h, default spec) and a grouped-query LLaMA / Qwen 2.
#include "TinyFusedModels.h"

namespace qkov::test {

inline std::unique_ptr<TransformerModel> engineFor(const LoadedModel &m, at::ScalarType dtype)
{
    EngineOptions o;
    o.dtype = dtype;
    return std::make_unique<TransformerModel>(m, o);
}

inline LoadedModel tinyGpt2()
{
    return tinyGpt2(TinyFusedSpec{});
}

inline LoadedModel tinyNeox()
{
    return tinyNeox(TinyFusedSpec{});
}

inline LoadedModel tinyLlamaGqa(bool qkvBias = false)
{
    TinyLlamaSpec s;
    s.heads = 4;
    s.kvHeads = 2;
    s.qkvBias = qkvBias;
    s.modelType = qkvBias ? QStringLiteral("qwen2") : QStringLiteral("llama");
    LoadedModel m = loadedFrom(tinyConfig(s), tinyTensors(s));
    return withStructure(m);
}

} // namespace qkov::test
