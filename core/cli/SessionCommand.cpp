// qkov session SESSION.qkov [--json]: validates and summarizes a saved session.
#include "../session/InputFingerprints.h"
#include "../session/SessionFile.h"
#include "../session/SessionSummary.h"
#include "Command.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

namespace qkov::cli {

Command sessionCommand()
{
    static const QCommandLineOption json(QStringLiteral("json"), tr("Print one JSON document (the keys of qkov analyze --json)."));
    Command c;
    c.name = QStringLiteral("session");
    c.synopsis = QStringLiteral("session SESSION.qkov [--json]");
    c.description = tr("Validate and summarize a saved session.");
    c.configure = [](QCommandLineParser &p) {
        p.addOption(json);
        p.addPositionalArgument(QStringLiteral("SESSION"), tr("A .qkov session file."));
    };
    c.execute = [](const QCommandLineParser &p, Io io) {
        const QStringList positional = p.positionalArguments();
        if (positional.size() != 1)
            return usageError(io, QStringLiteral("session"),
                              positional.isEmpty() ? tr("missing SESSION") : tr("expected one SESSION, got %1").arg(positional.size()));
        const QString path = positional.front();
        const AnalysisResult result = SessionFile::load(path);
        // Inputs that moved or changed do not make the session invalid: its numbers stand.
        const QStringList changes = changedInputs(result);
        if (p.isSet(json)) {
            QJsonObject doc = sessionSummaryJson(result);
            doc.insert(QStringLiteral("session"), path);
            doc.insert(QStringLiteral("changed_inputs"), QJsonArray::fromStringList(changes));
            printJson(io, doc);
        } else {
            io.out << tr("Session:    %1").arg(path) << "\n";
            writeSessionSummaryText(io.out, result);
            for (const QString &change : changes)
                io.out << tr("Note:       %1").arg(change) << "\n";
            io.out.flush();
        }
        return int(Success);
    };
    return c;
}

} // namespace qkov::cli
