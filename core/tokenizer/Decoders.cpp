// Decoders of tokenizer.json: token strings -> text.
#include "Components.h"

#include "Error.h"

#include <QRegularExpression>

namespace qkov::tok {
namespace {

class SequenceDecoder : public Decoder
{
public:
    std::vector<std::unique_ptr<Decoder>> parts;
    void decode(QStringList &tokens) const override
    {
        for (const auto &p : parts)
            p->decode(tokens);
    }
};

// Byte characters back to bytes; tokens that are not made of byte
// characters (added tokens) keep their own UTF-8. Invalid UTF-8 becomes U+FFFD.
class ByteLevelDecoder : public Decoder
{
public:
    void decode(QStringList &tokens) const override
    {
        QByteArray bytes;
        for (const QString &t : tokens) {
            QByteArray mapped;
            mapped.reserve(t.size());
            bool allBytes = true;
            for (QChar c : t) {
                const int b = unicodeToByte(c);
                if (b < 0) {
                    allBytes = false;
                    break;
                }
                mapped.append(char(b));
            }
            bytes.append(allBytes ? mapped : t.toUtf8());
        }
        tokens = QStringList{textFromUtf8(bytes)};
    }
};

class MetaspaceDecoder : public Decoder
{
public:
    QChar replacement = QChar(0x2581);
    bool stripFirst = true;
    void decode(QStringList &tokens) const override
    {
        for (qsizetype i = 0; i < tokens.size(); ++i) {
            QString &t = tokens[i];
            if (i == 0 && stripFirst && t.startsWith(replacement))
                t.remove(0, 1);
            t.replace(replacement, QLatin1Char(' '));
        }
    }
};

class ReplaceDecoder : public Decoder
{
public:
    QRegularExpression pattern;
    QString content;
    void decode(QStringList &tokens) const override
    {
        QString literal = content;
        literal.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
        for (QString &t : tokens)
            t.replace(pattern, literal);
    }
};

// Runs of "<0xNN>" tokens become the text their bytes spell; bytes that
// are not valid UTF-8 become one U+FFFD each.
class ByteFallbackDecoder : public Decoder
{
public:
    void decode(QStringList &tokens) const override
    {
        QStringList out;
        QByteArray pending;
        qsizetype pendingCount = 0;
        auto flush = [&] {
            if (pendingCount == 0)
                return;
            QString text = textFromUtf8(pending);
            if (text.toUtf8() != pending)
                text = QString(pendingCount, QChar(0xFFFD));
            out.push_back(text);
            pending.clear();
            pendingCount = 0;
        };
        for (const QString &t : tokens) {
            const int byte = parseByteToken(t);
            if (byte >= 0) {
                pending.append(char(byte));
                ++pendingCount;
            } else {
                flush();
                out.push_back(t);
            }
        }
        flush();
        tokens = out;
    }
};

class FuseDecoder : public Decoder
{
public:
    void decode(QStringList &tokens) const override { tokens = QStringList{tokens.join(QString())}; }
};

class StripDecoder : public Decoder
{
public:
    QChar content = QLatin1Char(' ');
    int start = 0, stop = 0;
    void decode(QStringList &tokens) const override
    {
        for (QString &t : tokens) {
            int head = 0, tail = 0;
            while (head < start && head < t.size() && t[head] == content)
                ++head;
            while (tail < stop && tail < t.size() - head && t[t.size() - 1 - tail] == content)
                ++tail;
            t = t.mid(head, t.size() - head - tail);
        }
    }
};

class WordPieceDecoder : public Decoder
{
public:
    QString prefix = QStringLiteral("##");
    bool cleanup = true;
    void decode(QStringList &tokens) const override
    {
        for (qsizetype i = 0; i < tokens.size(); ++i) {
            QString &t = tokens[i];
            if (i > 0) {
                if (t.startsWith(prefix))
                    t.remove(0, prefix.size());
                else
                    t.prepend(QLatin1Char(' '));
            }
            if (cleanup)
                cleanUpTokenization(t);
        }
    }
    // The reference's English clean-up of spaces before punctuation and contractions.
    static void cleanUpTokenization(QString &t)
    {
        static const std::pair<const char *, const char *> rules[] = {
            {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
            {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
        for (const auto &[from, to] : rules)
            t.replace(QLatin1String(from), QLatin1String(to));
    }
};

class BpeSuffixDecoder : public Decoder
{
public:
    QString suffix = QStringLiteral("</w>");
    void decode(QStringList &tokens) const override
    {
        for (qsizetype i = 0; i < tokens.size(); ++i)
            tokens[i].replace(suffix, i + 1 == tokens.size() ? QString() : QStringLiteral(" "));
    }
};

} // namespace

std::unique_ptr<Decoder> makeDecoder(const QJsonValue &json, const QString &file)
{
    if (json.isNull() || json.isUndefined())
        return nullptr;
    const QString type = componentType(json, "decoder", file);
    const QJsonObject o = json.toObject();
    if (type == QLatin1String("Sequence")) {
        if (!o.value(QLatin1String("decoders")).isArray())
            throwBadField("Sequence decoder", "decoders", file);
        auto seq = std::make_unique<SequenceDecoder>();
        for (const QJsonValue &part : o.value(QLatin1String("decoders")).toArray())
            if (auto d = makeDecoder(part, file))
                seq->parts.push_back(std::move(d));
        return seq;
    }
    if (type == QLatin1String("ByteLevel"))
        return std::make_unique<ByteLevelDecoder>();
    if (type == QLatin1String("ByteFallback"))
        return std::make_unique<ByteFallbackDecoder>();
    if (type == QLatin1String("Fuse"))
        return std::make_unique<FuseDecoder>();
    if (type == QLatin1String("Metaspace")) {
        auto d = std::make_unique<MetaspaceDecoder>();
        const QString r = o.value(QLatin1String("replacement")).toString(QStringLiteral("\u2581"));
        if (r.size() != 1)
            throwBadField("Metaspace decoder", "replacement", file);
        d->replacement = r[0];
        const QJsonValue scheme = o.value(QLatin1String("prepend_scheme"));
        d->stripFirst = scheme.isString() ? scheme.toString() != QLatin1String("never")
                                          : o.value(QLatin1String("add_prefix_space")).toBool(true);
        return d;
    }
    if (type == QLatin1String("Replace")) {
        auto d = std::make_unique<ReplaceDecoder>();
        d->pattern = QRegularExpression(patternSource(o.value(QLatin1String("pattern")), "Replace decoder", file),
                                        QRegularExpression::UseUnicodePropertiesOption);
        if (!d->pattern.isValid())
            throw Error(file, QStringLiteral("the Replace decoder's pattern is invalid: %1.").arg(d->pattern.errorString()));
        d->content = o.value(QLatin1String("content")).toString();
        return d;
    }
    if (type == QLatin1String("Strip")) {
        auto d = std::make_unique<StripDecoder>();
        const QString c = o.value(QLatin1String("content")).toString(QStringLiteral(" "));
        if (c.size() != 1)
            throwBadField("Strip decoder", "content", file);
        d->content = c[0];
        d->start = o.value(QLatin1String("start")).toInt(0);
        d->stop = o.value(QLatin1String("stop")).toInt(0);
        return d;
    }
    if (type == QLatin1String("WordPiece")) {
        auto d = std::make_unique<WordPieceDecoder>();
        d->prefix = o.value(QLatin1String("prefix")).toString(QStringLiteral("##"));
        d->cleanup = o.value(QLatin1String("cleanup")).toBool(true);
        return d;
    }
    if (type == QLatin1String("BPEDecoder")) {
        auto d = std::make_unique<BpeSuffixDecoder>();
        d->suffix = o.value(QLatin1String("suffix")).toString(QStringLiteral("</w>"));
        return d;
    }
    throwUnknownType("decoder", type, file);
}

} // namespace qkov::tok
