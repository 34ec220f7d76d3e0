#include "SessionController.h"

#include "Error.h"
#include "WorkbenchDocument.h"
#include "jobs/JobRunner.h"
#include "model/ModelLoader.h"
#include "session/InputFingerprints.h"
#include "session/SessionFile.h"

#include <QDir>
#include <QWidget>
#include <QFileInfo>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTimer>

namespace qkov {

SessionController::SessionController(WorkbenchDocument *document, QWidget *window)
    : QObject(window), m_document(document), m_window(window), m_recoveryTimer(new QTimer(this))
{
    qRegisterMetaType<OpenedSession>();
    m_recoveryTimer->setInterval(120 * 1000);
    connect(m_recoveryTimer, &QTimer::timeout, this, [this] {
        if (m_document->isModified() && m_document->result())
            writeRecovery();
    });
    m_recoveryTimer->start();
}

void SessionController::setRecoveryInterval(int milliseconds)
{
    m_recoveryTimer->setInterval(milliseconds);
}

AnalysisResult SessionController::snapshot() const
{
    if (!m_document->result())
        throw Error(QString(), tr("there is no analysis to save yet: run one first (F5)"));
    AnalysisResult result = *m_document->result();
    result.freezeSet = m_document->freezeSet().format();
    QJsonObject ui;
    ui.insert(QStringLiteral("selected_layer"), m_document->selectedLayer());
    ui.insert(QStringLiteral("selected_head"), m_document->selectedHead());
    ui.insert(QStringLiteral("probe_prompt"), m_document->probePrompt());
    result.uiState = ui;
    return result;
}

void SessionController::save(const QString &path)
{
    SessionFile::save(snapshot(), path);
    m_document->setSessionPath(QFileInfo(path).absoluteFilePath());
    m_document->setModified(false);
    removeRecovery();
}

void SessionController::open(const QString &path)
{
    m_document->jobs()->start<OpenedSession>(
        QStringLiteral("session"), tr("Opening %1").arg(QFileInfo(path).fileName()),
        [path](JobContext &ctx) {
            ctx.setStage(tr("Reading session"));
            OpenedSession s;
            s.path = QFileInfo(path).absoluteFilePath();
            s.result = std::make_shared<AnalysisResult>(SessionFile::load(path));
            s.changedInputs = changedInputs(*s.result);
            ctx.setStage(tr("Opening its model"));
            try {
                s.model = std::make_shared<LoadedModel>(loadModel(s.result->modelPath));
            } catch (const Error &e) {
                s.modelProblem = e.message(); // the numbers still show; freezing and probing need the model
            }
            return s;
        },
        [this](OpenedSession s) { Q_EMIT opened(s); }, [this](const QString &m) { Q_EMIT failed(m); });
}

void SessionController::apply(const OpenedSession &session)
{
    const AnalysisResult &r = *session.result;
    m_document->setModel(session.model);
    m_document->setSettings(r.settings);
    for (int which : {WorkbenchDocument::TaskA, WorkbenchDocument::TaskB}) {
        const TaskSummary &t = which == WorkbenchDocument::TaskA ? r.taskA : r.taskB;
        TaskState state;
        state.name = t.name;
        state.path = t.path;
        state.records = t.n();
        state.previews = t.previews.mid(0, 8);
        m_document->setTask(which, state);
    }
    m_document->setResult(session.result);
    if (session.model && !r.freezeSet.isEmpty()) {
        try {
            m_document->setFreezeSet(FreezeSet::parse(r.freezeSet, r.layers, r.heads));
        } catch (const Error &) {
            // A freeze set that no longer fits is dropped; the numbers are unaffected.
        }
    }
    m_document->setProbePrompt(r.uiState.value(QStringLiteral("probe_prompt")).toString(m_document->probePrompt()));
    m_document->selectHead(r.uiState.value(QStringLiteral("selected_layer")).toInt(-1),
                           r.uiState.value(QStringLiteral("selected_head")).toInt(-1));
    m_document->setSessionPath(session.path);
    m_document->setModified(false);
}

QString SessionController::recoveryPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("recovery.qkov"));
}

bool SessionController::hasRecovery() const
{
    return QFileInfo::exists(recoveryPath());
}

void SessionController::writeRecovery()
{
    try {
        QDir().mkpath(QFileInfo(recoveryPath()).absolutePath());
        SessionFile::save(snapshot(), recoveryPath());
    } catch (const Error &) {
        // A failed recovery copy must not interrupt work; the next tick tries again.
    }
}

void SessionController::removeRecovery()
{
    QFile::remove(recoveryPath());
}

} // namespace qkov
