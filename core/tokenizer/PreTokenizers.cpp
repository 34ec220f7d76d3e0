// Pre-tokenizers of tokenizer.json: split normalized text into words.
#include "Components.h"

#include "Error.h"

#include <QRegularExpression>
#include <functional>

namespace qkov::tok {
namespace {

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

struct Range
{
    qsizetype begin, end;
};
using Matcher = std::function<std::vector<Range>(const QString &)>;

// Cuts `text` at the matches and regroups the parts the way the reference
// implementation's SplitDelimiterBehavior does.
void splitOne(const QString &text, const Matcher &matcher, Behavior behavior, bool invert, QStringList &out)
{
    struct Segment
    {
        Range range;
        bool isMatch;
    };
    std::vector<Segment> segments;
    qsizetype pos = 0;
    for (const Range &m : matcher(text)) {
        if (m.end <= m.begin)
            continue;
        if (m.begin > pos)
            segments.push_back({{pos, m.begin}, invert});
        segments.push_back({m, !invert});
        pos = m.end;
    }
    if (pos < text.size())
        segments.push_back({{pos, text.size()}, invert});

    std::vector<Range> parts;
    switch (behavior) {
    case Behavior::Removed:
        for (const auto &s : segments)
            if (!s.isMatch)
                parts.push_back(s.range);
        break;
    case Behavior::Isolated:
        for (const auto &s : segments)
            parts.push_back(s.range);
        break;
    case Behavior::Contiguous: {
        bool previousMatch = false;
        for (const auto &s : segments) {
            if (s.isMatch && previousMatch && !parts.empty())
                parts.back().end = s.range.end;
            else
                parts.push_back(s.range);
            previousMatch = s.isMatch;
        }
        break;
    }
    case Behavior::MergedWithPrevious: {
        bool previousMatch = false;
        for (const auto &s : segments) {
            if (s.isMatch && !previousMatch && !parts.empty())
                parts.back().end = s.range.end;
            else
                parts.push_back(s.range);
            previousMatch = s.isMatch;
        }
        break;
    }
    case Behavior::MergedWithNext: {
        bool nextMatch = false;
        for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
            if (it->isMatch && !nextMatch && !parts.empty())
                parts.back().begin = it->range.begin;
            else
                parts.push_back(it->range);
            nextMatch = it->isMatch;
        }
        std::reverse(parts.begin(), parts.end());
        break;
    }
    }
    for (const Range &r : parts)
        if (r.end > r.begin)
            out.push_back(text.mid(r.begin, r.end - r.begin));
}

void splitAll(QStringList &pieces, const Matcher &matcher, Behavior behavior, bool invert = false)
{
    QStringList out;
    out.reserve(pieces.size());
    for (const QString &p : pieces)
        splitOne(p, matcher, behavior, invert, out);
    pieces = std::move(out);
}

Matcher regexMatcher(QRegularExpression re)
{
    return [re](const QString &text) {
        std::vector<Range> ranges;
        auto it = re.globalMatch(text);
        while (it.hasNext()) {
            const auto m = it.next();
            ranges.push_back({m.capturedStart(), m.capturedEnd()});
        }
        return ranges;
    };
}

// Each code point for which `pred` holds is a match of its own.
Matcher charMatcher(std::function<bool(char32_t)> pred)
{
    return [pred](const QString &text) {
        std::vector<Range> ranges;
        for (qsizetype i = 0; i < text.size();) {
            const qsizetype len = (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) ? 2 : 1;
            const char32_t c = len == 2 ? QChar::surrogateToUcs4(text[i], text[i + 1]) : text[i].unicode();
            if (pred(c))
                ranges.push_back({i, i + len});
            i += len;
        }
        return ranges;
    };
}

QRegularExpression compile(const QString &pattern, const QString &file)
{
    QRegularExpression re(pattern, QRegularExpression::UseUnicodePropertiesOption);
    if (!re.isValid())
        throw Error(file, QStringLiteral("the pre-tokenizer pattern \"%1\" is invalid: %2.").arg(pattern, re.errorString()));
    re.optimize();
    return re;
}

Behavior parseBehavior(const QJsonValue &v, Behavior fallback, const QString &file)
{
    if (v.isUndefined() || v.isNull())
        return fallback;
    const QString s = v.toString();
    if (s == QLatin1String("Removed"))
        return Behavior::Removed;
    if (s == QLatin1String("Isolated"))
        return Behavior::Isolated;
    if (s == QLatin1String("MergedWithPrevious"))
        return Behavior::MergedWithPrevious;
    if (s == QLatin1String("MergedWithNext"))
        return Behavior::MergedWithNext;
    if (s == QLatin1String("Contiguous"))
        return Behavior::Contiguous;
    throw Error(file, QStringLiteral("unsupported split behavior \"%1\".").arg(s));
}

class SequencePreTokenizer : public PreTokenizer
{
public:
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    void split(QStringList &pieces, bool atTextStart) const override
    {
        for (const auto &p : parts)
            p->split(pieces, atTextStart);
    }
};

class MatcherPreTokenizer : public PreTokenizer
{
public:
    MatcherPreTokenizer(Matcher m, Behavior b, bool inv) : matcher(std::move(m)), behavior(b), invert(inv) {}
    void split(QStringList &pieces, bool) const override { splitAll(pieces, matcher, behavior, invert); }
    Matcher matcher;
    Behavior behavior;
    bool invert;
};

class BertPreTokenizer : public PreTokenizer
{
public:
    void split(QStringList &pieces, bool) const override
    {
        splitAll(pieces, charMatcher(isBertWhitespace), Behavior::Removed);
        splitAll(pieces, charMatcher(isBertPunctuation), Behavior::Isolated);
    }
};

// GPT-2's split, then every UTF-8 byte becomes its printable stand-in.
class ByteLevelPreTokenizer : public PreTokenizer
{
public:
    bool addPrefixSpace = false;
    bool useRegex = true;
    QRegularExpression gpt2 = QRegularExpression(
        QStringLiteral("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"),
        QRegularExpression::UseUnicodePropertiesOption);

    void split(QStringList &pieces, bool) const override
    {
        if (addPrefixSpace)
            for (QString &p : pieces)
                if (!p.startsWith(QLatin1Char(' ')))
                    p.prepend(QLatin1Char(' '));
        if (useRegex)
            splitAll(pieces, regexMatcher(gpt2), Behavior::Isolated);
        for (QString &p : pieces) {
            const QByteArray utf8 = p.toUtf8();
            QString mapped(utf8.size(), Qt::Uninitialized);
            for (qsizetype i = 0; i < utf8.size(); ++i)
                mapped[i] = byteToUnicode(static_cast<unsigned char>(utf8[i]));
            p = mapped;
        }
    }
};

class MetaspacePreTokenizer : public PreTokenizer
{
public:
    QChar replacement = QChar(0x2581);
    enum class Prepend { Always, First, Never } prepend = Prepend::Always;
    bool splitWords = true;

    void split(QStringList &pieces, bool atTextStart) const override
    {
        for (qsizetype i = 0; i < pieces.size(); ++i) {
            QString &p = pieces[i];
            p.replace(QLatin1Char(' '), replacement);
            const bool wanted = prepend == Prepend::Always || (prepend == Prepend::First && atTextStart && i == 0);
            if (wanted && !p.startsWith(replacement))
                p.prepend(replacement);
        }
        if (splitWords) {
            const QChar r = replacement;
            splitAll(pieces, charMatcher([r](char32_t c) { return c == r.unicode(); }), Behavior::MergedWithNext);
        }
    }
};

} // namespace

std::unique_ptr<PreTokenizer> makePreTokenizer(const QJsonValue &json, const QString &file)
{
    if (json.isNull() || json.isUndefined())
        return nullptr;
    const QString type = componentType(json, "pre-tokenizer", file);
    const QJsonObject o = json.toObject();
    if (type == QLatin1String("Sequence")) {
        if (!o.value(QLatin1String("pretokenizers")).isArray())
            throwBadField("Sequence pre-tokenizer", "pretokenizers", file);
        auto seq = std::make_unique<SequencePreTokenizer>();
        for (const QJsonValue &part : o.value(QLatin1String("pretokenizers")).toArray())
            if (auto p = makePreTokenizer(part, file))
                seq->parts.push_back(std::move(p));
        return seq;
    }
    if (type == QLatin1String("ByteLevel")) {
        auto p = std::make_unique<ByteLevelPreTokenizer>();
        p->addPrefixSpace = boolField(o, "add_prefix_space", false);
        p->useRegex = boolField(o, "use_regex", true);
        return p;
    }
    if (type == QLatin1String("Split")) {
        const QRegularExpression re =
            compile(patternSource(o.value(QLatin1String("pattern")), "Split pre-tokenizer", file), file);
        return std::make_unique<MatcherPreTokenizer>(regexMatcher(re),
                                                     parseBehavior(o.value(QLatin1String("behavior")), Behavior::Isolated, file),
                                                     boolField(o, "invert", false));
    }
    if (type == QLatin1String("Whitespace"))
        return std::make_unique<MatcherPreTokenizer>(regexMatcher(compile(QStringLiteral("\\w+|[^\\w\\s]+"), file)),
                                                     Behavior::Removed, true);
    if (type == QLatin1String("WhitespaceSplit"))
        return std::make_unique<MatcherPreTokenizer>(charMatcher([](char32_t c) { return QChar::isSpace(c); }),
                                                     Behavior::Removed, false);
    if (type == QLatin1String("BertPreTokenizer"))
        return std::make_unique<BertPreTokenizer>();
    if (type == QLatin1String("Punctuation"))
        return std::make_unique<MatcherPreTokenizer>(charMatcher(isBertPunctuation),
                                                     parseBehavior(o.value(QLatin1String("behavior")), Behavior::Isolated, file), false);
    if (type == QLatin1String("Digits"))
        return std::make_unique<MatcherPreTokenizer>(charMatcher([](char32_t c) { return QChar::isNumber(c); }),
                                                     boolField(o, "individual_digits", false) ? Behavior::Isolated : Behavior::Contiguous,
                                                     false);
    if (type == QLatin1String("CharDelimiterSplit")) {
        const QString d = o.value(QLatin1String("delimiter")).toString();
        if (d.size() != 1)
            throwBadField("CharDelimiterSplit pre-tokenizer", "delimiter", file);
        const char16_t delimiter = d[0].unicode();
        return std::make_unique<MatcherPreTokenizer>(charMatcher([delimiter](char32_t c) { return c == delimiter; }),
                                                     Behavior::Removed, false);
    }
    if (type == QLatin1String("Metaspace")) {
        auto p = std::make_unique<MetaspacePreTokenizer>();
        const QString r = o.value(QLatin1String("replacement")).toString(QStringLiteral("\u2581"));
        if (r.size() != 1)
            throwBadField("Metaspace pre-tokenizer", "replacement", file);
        p->replacement = r[0];
        const QString scheme = o.value(QLatin1String("prepend_scheme")).toString();
        if (scheme == QLatin1String("first"))
            p->prepend = MetaspacePreTokenizer::Prepend::First;
        else if (scheme == QLatin1String("never"))
            p->prepend = MetaspacePreTokenizer::Prepend::Never;
        else if (scheme.isEmpty() && !boolField(o, "add_prefix_space", true))
            p->prepend = MetaspacePreTokenizer::Prepend::Never;
        p->splitWords = boolField(o, "split", true);
        return p;
    }
    throwUnknownType("pre-tokenizer", type, file);
}

} // namespace qkov::tok
