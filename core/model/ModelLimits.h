#pragma once
// Bounds past which a value in a config.json or a checkpoint header is a
// corrupt or hostile file, not a model (LLaMA 2 70B: 80 layers, 64 heads,
// vocabulary 32000).
namespace qkov::modelLimits {

constexpr int kMaxLayers = 10000;
constexpr int kMaxHeads = 4096;
constexpr int kMaxVocab = 1 << 24;

} // namespace qkov::modelLimits
