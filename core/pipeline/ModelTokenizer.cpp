#include "ModelTokenizer.h"

#include "Error.h"
#include "model/ModelLoader.h"
#include "tokenizer/Tokenizer.h"

#include <QCoreApplication>

namespace qkov {

std::unique_ptr<Tokenizer> tokenizerFor(const LoadedModel &model)
{
    if (model.tokenizerPath.isEmpty())
        throw Error(model.path, QCoreApplication::translate("qkov::ModelTokenizer",
                                                            "the model has no tokenizer (tokenizer.json or a llama2.c tok*.bin)"));
    if (model.kind == CheckpointKind::Llama2c)
        return Tokenizer::fromLlama2c(model.tokenizerPath, model.config ? model.config->vocabSize : 0);
    return Tokenizer::fromFiles(model.tokenizerPath, model.tokenizerConfigPath);
}

} // namespace qkov
