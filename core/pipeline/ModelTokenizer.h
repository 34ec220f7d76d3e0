#pragma once
// The tokenizer that belongs to a loaded model.
#include <memory>

namespace qkov {

class Tokenizer;
struct LoadedModel;

// tokenizer.json (+ tokenizer_config.json) of a HF folder, or the llama2.c
// tokenizer beside a .bin. Throws qkov::Error naming the model when it has none.
std::unique_ptr<Tokenizer> tokenizerFor(const LoadedModel &model);

} // namespace qkov
