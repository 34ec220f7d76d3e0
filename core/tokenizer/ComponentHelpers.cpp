// Helpers shared by the pipeline stages: JSON type dispatch and errors,
// GPT-2's byte <-> character table, BERT's character classes.
#include "Components.h"

#include "Error.h"

#include <QRegularExpression>
#include <QStringDecoder>
#include <array>

namespace qkov::tok {

QString componentType(const QJsonValue &json, const char *what, const QString &file)
{
    if (!json.isObject())
        throw Error(file, QStringLiteral("the %1 is not a JSON object.").arg(QLatin1String(what)));
    const QJsonValue type = json.toObject().value(QLatin1String("type"));
    if (!type.isString())
        throw Error(file, QStringLiteral("a %1 has no \"type\".").arg(QLatin1String(what)));
    return type.toString();
}

void throwUnknownType(const char *what, const QString &type, const QString &file)
{
    throw Error(file, QStringLiteral("unsupported %1 type \"%2\".").arg(QLatin1String(what), type));
}

void throwBadField(const char *what, const char *field, const QString &file)
{
    throw Error(file, QStringLiteral("the %1 has a missing or invalid \"%2\".")
                          .arg(QLatin1String(what), QLatin1String(field)));
}

QString patternSource(const QJsonValue &pattern, const char *what, const QString &file)
{
    const QJsonObject obj = pattern.toObject();
    if (obj.value(QLatin1String("String")).isString())
        return QRegularExpression::escape(obj.value(QLatin1String("String")).toString());
    if (obj.value(QLatin1String("Regex")).isString())
        return obj.value(QLatin1String("Regex")).toString();
    throwBadField(what, "pattern", file);
}

namespace {
// GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves,
// the other 68 bytes are mapped in order to U+0100 onwards.
struct ByteTable
{
    std::array<char16_t, 256> toChar{};
    std::array<short, 324> toByte{};
    ByteTable()
    {
        toByte.fill(-1);
        int next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            const int c = printable ? b : next++;
            toChar[size_t(b)] = char16_t(c);
            toByte[size_t(c)] = short(b);
        }
    }
};
const ByteTable &byteTable()
{
    static const ByteTable table;
    return table;
}
} // namespace

QChar byteToUnicode(unsigned char byte) { return QChar(byteTable().toChar[byte]); }

int unicodeToByte(QChar c)
{
    const ushort u = c.unicode();
    return u < byteTable().toByte.size() ? byteTable().toByte[u] : -1;
}

bool isBertWhitespace(char32_t c)
{
    if (c == '\t' || c == '\n' || c == '\r' || c == ' ')
        return true;
    return QChar::isSpace(c);
}

bool isBertControl(char32_t c)
{
    if (c == '\t' || c == '\n' || c == '\r')
        return false;
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_NotAssigned:
    case QChar::Other_PrivateUse:
    case QChar::Other_Surrogate:
        return true;
    default:
        return false;
    }
}

bool isBertPunctuation(char32_t c)
{
    // ASCII symbols such as "$" and "^" count as punctuation for BERT.
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
        return true;
    return QChar::isPunct(c);
}

std::u32string toUcs4(const QString &s)
{
    const QList<uint> v = s.toUcs4();
    return std::u32string(v.begin(), v.end());
}

QString fromUcs4(const std::u32string &s) { return QString::fromUcs4(s.data(), qsizetype(s.size())); }

QString textFromUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom);
    return decoder.decode(bytes);
}

QString byteTokenName(unsigned char byte)
{
    return QStringLiteral("<0x%1>").arg(QString::number(byte, 16).toUpper().rightJustified(2, QLatin1Char('0')));
}

int parseByteToken(const QString &token)
{
    if (token.size() != 6 || !token.startsWith(QLatin1String("<0x")) || token[5] != QLatin1Char('>'))
        return -1;
    bool ok = false;
    const int value = token.mid(3, 2).toInt(&ok, 16);
    return ok ? value : -1;
}

bool boolField(const QJsonObject &o, const char *key, bool fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isBool() ? v.toBool() : fallback;
}

} // namespace qkov::tok
