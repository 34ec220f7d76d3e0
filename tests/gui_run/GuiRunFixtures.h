#pragma once
// Fixtures of the gui_run test: two small datasets written by the test, the
// counts the Tasks panel must show computed from the tokenizer directly, and
// waiting without blocking the event loop.
#include "WorkbenchDocument.h"
#include "tokenizer/Tokenizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>
#include <algorithm>

namespace qkov {

const inline QStringList kStories = {
    QStringLiteral("Once upon a time, there was a little girl named Lily."),
    QStringLiteral("She liked to play in the park with her dog."),
    QString(), // skipped, with a warning naming line 3
    QStringLiteral("One day, Tom found a big red ball under the tree."),
    QStringLiteral("The cat was happy and ran to the garden to see the flowers and the birds."),
    QStringLiteral("Mom said they could go to the beach tomorrow."),
};
const inline QStringList kNumbers = {
    QStringLiteral("1 2 3 4 5 6 7 8"),  QStringLiteral("10 20 30 40 50"), QStringLiteral("3 1 4 1 5 9 2 6 5 3 5"),
    QStringLiteral("2 4 6 8 10 12"),    QStringLiteral("7 14 21 28 35 42 49"),
};

inline QString writeLines(const QTemporaryDir &dir, const QString &name, const QStringList &lines)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return QString();
    file.write(lines.join(QLatin1Char('\n')).toUtf8() + '\n');
    return QFileInfo(file.fileName()).absoluteFilePath();
}

// The counts the Tasks panel must show, from the tokenizer directly.
struct Expected
{
    int records = 0;
    qint64 tokens = 0;
    int minTokens = 1 << 30, maxTokens = 0;
};

inline Expected expectedCounts(const Tokenizer &tokenizer, const QStringList &records, int maxLength)
{
    Expected e;
    for (const QString &text : records) {
        const int n = std::min<int>(maxLength, int(tokenizer.encode(text, true).size()));
        if (text.isEmpty() || n < 2)
            continue;
        ++e.records;
        e.tokens += n;
        e.minTokens = std::min(e.minTokens, n);
        e.maxTokens = std::max(e.maxTokens, n);
    }
    return e;
}

inline bool waitForTask(const WorkbenchDocument &doc, int which, int timeoutMs = 30000)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        const TaskState &t = doc.task(which);
        if (!t.loading && (t.records > 0 || !t.error.isEmpty()))
            return true;
        QTest::qWait(10);
    }
    return false;
}

inline void saveScreenshot(QWidget *widget, const QString &name)
{
    QTest::qWait(50); // pending layout requests, as a running window would have processed them
    QDir().mkpath(QStringLiteral(QKOV_SCREENSHOT_DIR));
    const QString png = QStringLiteral(QKOV_SCREENSHOT_DIR "/") + name;
    QVERIFY(widget->grab().save(png));
    QVERIFY(QFileInfo(png).size() > 3000);
}

} // namespace qkov
