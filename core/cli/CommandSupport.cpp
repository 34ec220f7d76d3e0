#include "CommandSupport.h"

#include "../Error.h"
#include "../tokenizer/Tokenizer.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace qkov::cli {

std::unique_ptr<Tokenizer> openTokenizer(const QString &model, const QString &llama2cTokenizer)
{
    const QFileInfo info(model);
    if (!info.exists())
        throw Error(model, tr("no such file or folder"));
    if (info.isDir()) {
        if (!QFileInfo::exists(QDir(model).filePath(QStringLiteral("tokenizer.json"))))
            throw Error(model, tr("no tokenizer.json in this folder"));
        return Tokenizer::fromFolder(model);
    }
    if (info.fileName().endsWith(QLatin1String(".json"))) {
        const QString config = info.dir().filePath(QStringLiteral("tokenizer_config.json"));
        return Tokenizer::fromFiles(model, QFileInfo::exists(config) ? config : QString());
    }
    if (info.suffix() == QLatin1String("bin")) {
        QString tok = llama2cTokenizer;
        if (tok.isEmpty()) {
            const QStringList beside = info.dir().entryList({QStringLiteral("tok*.bin")}, QDir::Files, QDir::Name);
            if (beside.isEmpty())
                throw Error(model, tr("no llama2.c tokenizer beside the checkpoint; pass --tokenizer FILE"));
            tok = info.dir().filePath(beside.front());
        }
        return Tokenizer::fromLlama2c(tok);
    }
    throw Error(model, tr("not a tokenizer: give a model folder, tokenizer.json or a llama2.c .bin"));
}

int parseThreads(const QString &value)
{
    bool ok = false;
    const int n = value.toInt(&ok);
    if (!ok || n < 0 || n > 4096)
        throw Error(QStringLiteral("--threads"), tr("expected 0 (all cores) or a positive count, got '%1'").arg(value));
    return n;
}

} // namespace qkov::cli
