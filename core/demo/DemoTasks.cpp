#include "DemoTasks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace qkov::demo {

uint64_t DemoRandom::next()
{
    uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

QString repeatedSegmentRecord(DemoRandom &random)
{
    QString letters = QStringLiteral("abcdefghijklmnopqrstuvwxyz");
    const int length = kSegmentMin + random.below(kSegmentMax - kSegmentMin + 1);
    // Partial Fisher-Yates: the first `length` letters are a random distinct draw.
    for (int i = 0; i < length; ++i)
        std::swap(letters[i], letters[i + random.below(int(letters.size()) - i)]);
    const QString segment = letters.left(length);
    QString record;
    record.reserve(kTaskALength);
    while (record.size() < kTaskALength)
        record += segment;
    record.truncate(kTaskALength);
    return record;
}

QString additionRecord(DemoRandom &random)
{
    QStringList sums;
    for (int i = 0; i < kAdditionsPerRecord; ++i) {
        const int a = random.below(10);
        const int b = random.below(10);
        sums << QStringLiteral("%1+%2=%3").arg(a).arg(b).arg(a + b);
    }
    return sums.join(QLatin1Char(','));
}

int segmentPeriod(const QString &record)
{
    if (record.isEmpty())
        return -1;
    const int at = int(record.indexOf(record.front(), 1));
    return at > 0 ? at : -1;
}

QStringList vocabulary()
{
    QStringList tokens = {QStringLiteral("<s>"), QStringLiteral("</s>"), QStringLiteral("<unk>")};
    for (char c = 'a'; c <= 'z'; ++c)
        tokens << QString(QLatin1Char(c));
    for (char c = '0'; c <= '9'; ++c)
        tokens << QString(QLatin1Char(c));
    tokens << QStringLiteral("+") << QStringLiteral("=") << QStringLiteral(",");
    return tokens;
}

QByteArray tokenizerJson()
{
    const QStringList tokens = vocabulary();
    QJsonObject vocab;
    for (int id = 0; id < tokens.size(); ++id)
        vocab.insert(tokens[id], id);
    QJsonArray added;
    for (int id : {0, 1, 2})
        added.append(QJsonObject{{QStringLiteral("id"), id},
                                 {QStringLiteral("content"), tokens[id]},
                                 {QStringLiteral("single_word"), false},
                                 {QStringLiteral("lstrip"), false},
                                 {QStringLiteral("rstrip"), false},
                                 {QStringLiteral("normalized"), false},
                                 {QStringLiteral("special"), true}});
    const QJsonObject model{{QStringLiteral("type"), QStringLiteral("BPE")},
                            {QStringLiteral("dropout"), QJsonValue::Null},
                            {QStringLiteral("unk_token"), QStringLiteral("<unk>")},
                            {QStringLiteral("continuing_subword_prefix"), QJsonValue::Null},
                            {QStringLiteral("end_of_word_suffix"), QJsonValue::Null},
                            {QStringLiteral("fuse_unk"), false},
                            {QStringLiteral("byte_fallback"), false},
                            {QStringLiteral("vocab"), vocab},
                            {QStringLiteral("merges"), QJsonArray()}};
    auto special = [](const char *id) {
        return QJsonObject{{QStringLiteral("SpecialToken"),
                            QJsonObject{{QStringLiteral("id"), QString::fromLatin1(id)}, {QStringLiteral("type_id"), 0}}}};
    };
    auto sequence = [](const char *id, int typeId) {
        return QJsonObject{{QStringLiteral("Sequence"),
                            QJsonObject{{QStringLiteral("id"), QString::fromLatin1(id)}, {QStringLiteral("type_id"), typeId}}}};
    };
    const QJsonObject postProcessor{
        {QStringLiteral("type"), QStringLiteral("TemplateProcessing")},
        {QStringLiteral("single"), QJsonArray{special("<s>"), sequence("A", 0)}},
        {QStringLiteral("pair"), QJsonArray{special("<s>"), sequence("A", 0), special("<s>"), sequence("B", 1)}},
        {QStringLiteral("special_tokens"),
         QJsonObject{{QStringLiteral("<s>"), QJsonObject{{QStringLiteral("id"), QStringLiteral("<s>")},
                                                         {QStringLiteral("ids"), QJsonArray{kBosId}},
                                                         {QStringLiteral("tokens"), QJsonArray{QStringLiteral("<s>")}}}}}}};
    const QJsonObject root{{QStringLiteral("version"), QStringLiteral("1.0")},
                           {QStringLiteral("truncation"), QJsonValue::Null},
                           {QStringLiteral("padding"), QJsonValue::Null},
                           {QStringLiteral("added_tokens"), added},
                           {QStringLiteral("normalizer"), QJsonValue::Null},
                           {QStringLiteral("pre_tokenizer"), QJsonValue::Null},
                           {QStringLiteral("model"), model},
                           {QStringLiteral("post_processor"), postProcessor},
                           {QStringLiteral("decoder"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Fuse")}}}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QByteArray tokenizerConfigJson()
{
    const QJsonObject config{{QStringLiteral("tokenizer_class"), QStringLiteral("PreTrainedTokenizerFast")},
                             {QStringLiteral("bos_token"), QStringLiteral("<s>")},
                             {QStringLiteral("eos_token"), QStringLiteral("</s>")},
                             {QStringLiteral("unk_token"), QStringLiteral("<unk>")},
                             {QStringLiteral("clean_up_tokenization_spaces"), false},
                             {QStringLiteral("model_max_length"), 64}};
    return QJsonDocument(config).toJson(QJsonDocument::Indented);
}

} // namespace qkov::demo
