#include "Tokenizer.h"

#include "Error.h"
#include "HfTokenizer.h"
#include "Llama2cTokenizer.h"

#include <QDir>
#include <QFileInfo>

namespace qkov {

std::unique_ptr<Tokenizer> Tokenizer::fromFiles(const QString &tokenizerJson, const QString &tokenizerConfigJson)
{
    return tok::HfTokenizer::load(tokenizerJson, tokenizerConfigJson);
}

std::unique_ptr<Tokenizer> Tokenizer::fromFolder(const QString &dir)
{
    const QDir folder(dir);
    if (!QFileInfo(dir).isDir())
        throw Error(dir, QStringLiteral("is not a folder."));
    const QString json = folder.filePath(QStringLiteral("tokenizer.json"));
    if (!QFileInfo::exists(json))
        throw Error(json, QStringLiteral("the folder has no tokenizer.json."));
    const QString config = folder.filePath(QStringLiteral("tokenizer_config.json"));
    return fromFiles(json, QFileInfo::exists(config) ? config : QString());
}

std::unique_ptr<Tokenizer> Tokenizer::fromLlama2c(const QString &tokenizerBin, int vocabSize)
{
    return tok::Llama2cTokenizer::load(tokenizerBin, vocabSize);
}

} // namespace qkov
