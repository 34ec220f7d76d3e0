#pragma once
// A Qt Linguist .ts file as the test reads it (QXmlStreamReader): every
// message with its context, source, translation (or numerus forms) and the
// translation's type ("unfinished", "vanished", "obsolete" or empty).
#include <QFile>
#include <QRegularExpression>
#include <QStringList>
#include <QXmlStreamReader>

namespace qkov {

struct TsMessage
{
    QString context;
    QString source;
    QString translation;
    QStringList numerusForms;
    bool numerus = false;
    QString type;
};

struct TsFile
{
    QString language;
    QList<TsMessage> messages;
    QString error; // empty when the file parsed

    const TsMessage *find(const QString &context, const QString &source) const
    {
        for (const TsMessage &m : messages)
            if (m.context == context && m.source == source)
                return &m;
        return nullptr;
    }
    // The translation of a message, or the source when there is none (as QTranslator would show).
    QString tr(const char *context, const char *source) const
    {
        const TsMessage *m = find(QString::fromUtf8(context), QString::fromUtf8(source));
        return m && !m->translation.isEmpty() ? m->translation : QString::fromUtf8(source);
    }
};

inline TsFile readTsFile(const QString &path)
{
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ts.error = file.errorString();
        return ts;
    }
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("TS")) {
                ts.language = xml.attributes().value(QLatin1String("language")).toString();
            } else if (name == QLatin1String("name")) {
                context = xml.readElementText();
            } else if (name == QLatin1String("message")) {
                message = TsMessage();
                message.context = context;
                message.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            } else if (name == QLatin1String("source")) {
                message.source = xml.readElementText();
            } else if (name == QLatin1String("translation")) {
                message.type = xml.attributes().value(QLatin1String("type")).toString();
                if (!message.numerus)
                    message.translation = xml.readElementText();
            } else if (name == QLatin1String("numerusform")) {
                message.numerusForms << xml.readElementText();
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            if (message.numerus)
                message.translation = message.numerusForms.value(0);
            ts.messages << message;
        }
    }
    if (xml.hasError())
        ts.error = QStringLiteral("line %1: %2").arg(xml.lineNumber()).arg(xml.errorString());
    return ts;
}

// "%1", "%2", "%n": the placeholders a translation must keep.
inline QStringList placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%(\\d+|n)"));
    QStringList found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    found.removeDuplicates();
    found.sort();
    return found;
}

// The keyboard mnemonics of a text: single '&' not part of "&&".
inline int mnemonicCount(const QString &text)
{
    int n = 0;
    for (int i = 0; i < text.size(); ++i) {
        if (text[i] != QLatin1Char('&'))
            continue;
        if (i + 1 < text.size() && text[i + 1] == QLatin1Char('&')) {
            ++i;
            continue;
        }
        ++n;
    }
    return n;
}

} // namespace qkov
