// Normalizers of tokenizer.json: text -> text before splitting.
#include "Components.h"

#include "Error.h"

#include <QRegularExpression>

namespace qkov::tok {
namespace {

class SequenceNormalizer : public Normalizer
{
public:
    std::vector<std::unique_ptr<Normalizer>> parts;
    QString normalize(const QString &text) const override
    {
        QString s = text;
        for (const auto &p : parts)
            s = p->normalize(s);
        return s;
    }
};

class UnicodeFormNormalizer : public Normalizer
{
public:
    explicit UnicodeFormNormalizer(QString::NormalizationForm f) : m_form(f) {}
    QString normalize(const QString &text) const override { return text.normalized(m_form); }

private:
    QString::NormalizationForm m_form;
};

class LowercaseNormalizer : public Normalizer
{
public:
    QString normalize(const QString &text) const override { return text.toLower(); }
};

// Drops combining marks (category Mn); meant to follow NFD.
QString removeNonSpacingMarks(const QString &text)
{
    std::u32string out;
    for (char32_t c : toUcs4(text))
        if (QChar::category(c) != QChar::Mark_NonSpacing)
            out.push_back(c);
    return fromUcs4(out);
}

class StripAccentsNormalizer : public Normalizer
{
public:
    QString normalize(const QString &text) const override { return removeNonSpacingMarks(text); }
};

class StripNormalizer : public Normalizer
{
public:
    bool left = true, right = true;
    QString normalize(const QString &text) const override
    {
        qsizetype begin = 0, end = text.size();
        if (left)
            while (begin < end && text[begin].isSpace())
                ++begin;
        if (right)
            while (end > begin && text[end - 1].isSpace())
                --end;
        return text.mid(begin, end - begin);
    }
};

class PrependNormalizer : public Normalizer
{
public:
    QString prefix;
    // Like the reference implementation, an empty text stays empty.
    QString normalize(const QString &text) const override { return text.isEmpty() ? text : prefix + text; }
};

class ReplaceNormalizer : public Normalizer
{
public:
    QRegularExpression pattern;
    QString content;
    QString normalize(const QString &text) const override
    {
        QString s = text;
        // Escape backslashes: `content` is literal, not a replacement template.
        QString literal = content;
        literal.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
        return s.replace(pattern, literal);
    }
};

class BertNormalizer : public Normalizer
{
public:
    bool cleanText = true, chineseChars = true, stripAccents = true, lowercase = true;

    static bool isChineseChar(char32_t c)
    {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
            || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
            || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    QString normalize(const QString &text) const override
    {
        std::u32string out;
        for (char32_t c : toUcs4(text)) {
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || isBertControl(c))
                    continue;
                if (isBertWhitespace(c))
                    c = ' ';
            }
            if (chineseChars && isChineseChar(c)) {
                out.push_back(' ');
                out.push_back(c);
                out.push_back(' ');
            } else {
                out.push_back(c);
            }
        }
        QString s = fromUcs4(out);
        if (stripAccents)
            s = removeNonSpacingMarks(s.normalized(QString::NormalizationForm_D));
        if (lowercase)
            s = s.toLower();
        return s;
    }
};

// SentencePiece's NMT normalization: drop control characters, unify spaces.
class NmtNormalizer : public Normalizer
{
public:
    QString normalize(const QString &text) const override
    {
        std::u32string out;
        for (char32_t c : toUcs4(text)) {
            if ((c >= 0x01 && c <= 0x08) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || c == 0x8F || c == 0x9F)
                continue;
            if (c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x1680 || (c >= 0x200B && c <= 0x200F)
                || c == 0x2028 || c == 0x2029 || c == 0x2581 || c == 0xFEFF || c == 0xFFFD)
                c = ' ';
            out.push_back(c);
        }
        return fromUcs4(out);
    }
};

} // namespace

std::unique_ptr<Normalizer> makeNormalizer(const QJsonValue &json, const QString &file)
{
    if (json.isNull() || json.isUndefined())
        return nullptr;
    const QString type = componentType(json, "normalizer", file);
    const QJsonObject o = json.toObject();
    if (type == QLatin1String("Sequence")) {
        if (!o.value(QLatin1String("normalizers")).isArray())
            throwBadField("Sequence normalizer", "normalizers", file);
        auto seq = std::make_unique<SequenceNormalizer>();
        for (const QJsonValue &part : o.value(QLatin1String("normalizers")).toArray())
            if (auto n = makeNormalizer(part, file))
                seq->parts.push_back(std::move(n));
        return seq;
    }
    if (type == QLatin1String("NFC"))
        return std::make_unique<UnicodeFormNormalizer>(QString::NormalizationForm_C);
    if (type == QLatin1String("NFD"))
        return std::make_unique<UnicodeFormNormalizer>(QString::NormalizationForm_D);
    if (type == QLatin1String("NFKC"))
        return std::make_unique<UnicodeFormNormalizer>(QString::NormalizationForm_KC);
    if (type == QLatin1String("NFKD"))
        return std::make_unique<UnicodeFormNormalizer>(QString::NormalizationForm_KD);
    if (type == QLatin1String("Lowercase"))
        return std::make_unique<LowercaseNormalizer>();
    if (type == QLatin1String("StripAccents"))
        return std::make_unique<StripAccentsNormalizer>();
    if (type == QLatin1String("Nmt"))
        return std::make_unique<NmtNormalizer>();
    if (type == QLatin1String("Strip")) {
        auto n = std::make_unique<StripNormalizer>();
        n->left = boolField(o, "strip_left", true);
        n->right = boolField(o, "strip_right", true);
        return n;
    }
    if (type == QLatin1String("Prepend")) {
        if (!o.value(QLatin1String("prepend")).isString())
            throwBadField("Prepend normalizer", "prepend", file);
        auto n = std::make_unique<PrependNormalizer>();
        n->prefix = o.value(QLatin1String("prepend")).toString();
        return n;
    }
    if (type == QLatin1String("Replace")) {
        auto n = std::make_unique<ReplaceNormalizer>();
        n->pattern.setPattern(patternSource(o.value(QLatin1String("pattern")), "Replace normalizer", file));
        n->pattern.setPatternOptions(QRegularExpression::UseUnicodePropertiesOption);
        if (!n->pattern.isValid())
            throw Error(file, QStringLiteral("the Replace normalizer's pattern is invalid: %1.").arg(n->pattern.errorString()));
        n->content = o.value(QLatin1String("content")).toString();
        return n;
    }
    if (type == QLatin1String("BertNormalizer")) {
        auto n = std::make_unique<BertNormalizer>();
        n->cleanText = boolField(o, "clean_text", true);
        n->chineseChars = boolField(o, "handle_chinese_chars", true);
        n->lowercase = boolField(o, "lowercase", true);
        // strip_accents null means "follow lowercase".
        n->stripAccents = boolField(o, "strip_accents", n->lowercase);
        return n;
    }
    throwUnknownType("normalizer", type, file);
}

} // namespace qkov::tok
