#pragma once
// Pieces several `qkov` commands share.
#include <QString>
#include <memory>

namespace qkov {
class Tokenizer;
}

namespace qkov::cli {

// MODEL may be a model folder, a folder with only tokenizer.json, a
// tokenizer.json file, or a llama2.c .bin (tokenizer from `llama2cTokenizer`
// or a tok*.bin beside it). Throws qkov::Error naming the path.
std::unique_ptr<Tokenizer> openTokenizer(const QString &model, const QString &llama2cTokenizer = QString());
// --threads N: 0 = all cores. Throws qkov::Error("--threads", ...) for anything else.
int parseThreads(const QString &value);

} // namespace qkov::cli
