// qkov tokenize MODEL (--text TEXT | --file FILE) [--no-special] [--json]
#include "../Error.h"
#include "../tokenizer/Tokenizer.h"
#include "Command.h"
#include "CommandSupport.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace qkov::cli {

namespace {

QJsonObject encodeJson(const Tokenizer &tokenizer, const QString &text, bool special)
{
    const std::vector<int> ids = tokenizer.encode(text, special);
    QJsonArray idArray, tokens;
    for (int id : ids) {
        idArray.append(id);
        tokens.append(tokenizer.tokenString(id));
    }
    return QJsonObject{{QStringLiteral("ids"), idArray}, {QStringLiteral("tokens"), tokens}};
}

void printPlain(QTextStream &out, const QJsonObject &encoded)
{
    QStringList ids, tokens;
    for (const QJsonValue &v : encoded.value(QStringLiteral("ids")).toArray())
        ids << QString::number(v.toInt());
    for (const QJsonValue &v : encoded.value(QStringLiteral("tokens")).toArray())
        tokens << v.toString();
    out << ids.join(QLatin1Char(' ')) << "\n" << tokens.join(QStringLiteral(" | ")) << "\n";
}

} // namespace

Command tokenizeCommand()
{
    static const QCommandLineOption text(QStringLiteral("text"), tr("The text to tokenize."), tr("TEXT"));
    static const QCommandLineOption file(QStringLiteral("file"), tr("A file of JSON strings, one per line; prints one result per line."), tr("FILE"));
    static const QCommandLineOption noSpecial(QStringLiteral("no-special"), tr("Add no BOS/EOS/CLS/SEP tokens."));
    static const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON: {\"ids\": [...], \"tokens\": [...]}."));
    static const QCommandLineOption tokenizer(QStringLiteral("tokenizer"), tr("Tokenizer .bin of a llama2.c checkpoint."), tr("FILE"));
    Command c;
    c.name = QStringLiteral("tokenize");
    c.synopsis = QStringLiteral("tokenize MODEL (--text TEXT | --file FILE) [--no-special] [--json]");
    c.description = tr("Tokenize text with a model's tokenizer.");
    c.configure = [](QCommandLineParser &p) {
        p.addOptions({text, file, noSpecial, json, tokenizer});
        p.addPositionalArgument(QStringLiteral("MODEL"), tr("A model folder, a folder with tokenizer.json, or a llama2.c .bin."));
    };
    c.execute = [](const QCommandLineParser &p, Io io) {
        const QStringList positional = p.positionalArguments();
        if (positional.size() != 1)
            return usageError(io, QStringLiteral("tokenize"), positional.isEmpty() ? tr("missing MODEL") : tr("expected one MODEL"));
        if (p.isSet(text) == p.isSet(file))
            return usageError(io, QStringLiteral("tokenize"), tr("give exactly one of --text and --file"));
        const auto tok = openTokenizer(positional.front(), p.value(tokenizer));
        const bool special = !p.isSet(noSpecial);
        if (p.isSet(text)) {
            const QJsonObject encoded = encodeJson(*tok, p.value(text), special);
            if (p.isSet(json))
                printJson(io, encoded);
            else
                printPlain(io.out, encoded);
            return int(Success);
        }
        QFile in(p.value(file));
        if (!in.open(QIODevice::ReadOnly))
            throw Error(p.value(file), tr("cannot read the file: %1").arg(in.errorString()));
        // Parse every line first: a bad line is reported before anything is printed.
        QStringList texts;
        int lineNumber = 0;
        while (!in.atEnd()) {
            const QByteArray line = in.readLine().trimmed();
            ++lineNumber;
            if (line.isEmpty())
                continue;
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson("[" + line + "]", &error);
            if (error.error != QJsonParseError::NoError || !doc.array().at(0).isString())
                throw Error(p.value(file), tr("line %1 is not a JSON string").arg(lineNumber));
            texts << doc.array().at(0).toString();
        }
        for (const QString &t : texts) {
            // CLI.md: one JSON object per input line, in order, with or without --json.
            io.out << QJsonDocument(encodeJson(*tok, t, special)).toJson(QJsonDocument::Compact) << "\n";
        }
        io.out.flush();
        return int(Success);
    };
    return c;
}

} // namespace qkov::cli
