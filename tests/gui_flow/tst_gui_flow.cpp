// The whole workbench flow in one MainWindow, offscreen, on stories260K:
// open the model, load two tasks, run a small analysis (the event loop keeps
// turning), read the heatmaps and the sorted conflicts table, freeze a head
// and watch the probe move, undo it, export a PDF, save the session and find
// the same state in a new window. Then damaged and newer-version sessions:
// one error dialog naming the file, and the document stays as it was.
#include "AnalysisRunner.h"
#include "ConflictsPanel.h"
#include "FreezingPanel.h"
#include "HeatmapPlot.h"
#include "HeatmapsPanel.h"
#include "IndependentSafeTensors.h"
#include "MainWindow.h"
#include "ProbePanel.h"
#include "TasksPanel.h"
#include "WorkbenchDocument.h"
#include "itemmodels/ConflictsModel.h"
#include "model/ModelLoader.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>
#include <qcustomplot.h>

#include <cmath>
#include <memory>

using namespace qkov;

namespace {

constexpr int kLayers = 5, kHeads = 8;
// The frozen head: the probe looks at it, the heatmaps select it.
constexpr int kLayer = 1, kHead = 3;

// Waits until the probe shows the document's current freeze set, prompt and head.
bool waitForProbeOfDocument(const ProbePanel &probe, const WorkbenchDocument &doc, int timeoutMs = 60000)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (!probe.isProbing() && probe.hasView() && probe.errorText().isEmpty()
            && probe.viewFreezeSet().format() == doc.freezeSet().format() && probe.viewPrompt() == doc.probePrompt()
            && probe.view().layer == doc.selectedLayer() && probe.view().head == doc.selectedHead())
            return true;
        QTest::qWait(10);
    }
    return false;
}

bool waitForTaskSettled(const WorkbenchDocument &doc, int which, int timeoutMs = 60000)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        const TaskState &t = doc.task(which);
        if (!t.loading && (t.isReady() || !t.error.isEmpty()))
            return true;
        QTest::qWait(10);
    }
    return false;
}

// The heatmap tabs show [L, H] cells equal to the result's heatmaps.
void checkHeatmaps(const MainWindow &window, const AnalysisResult &result)
{
    HeatmapsPanel *panel = window.heatmapsPanel();
    QVERIFY(panel->hasResult());
    QCOMPARE(panel->tabs()->count(), 5);
    for (int b = 0; b < 4; ++b) {
        QCPColorMap *map = panel->heatmap(b)->colorMap();
        QCOMPARE(map->data()->keySize(), kHeads);
        QCOMPARE(map->data()->valueSize(), kLayers);
        for (int l = 0; l < kLayers; ++l)
            for (int h = 0; h < kHeads; ++h) {
                const double cell = map->data()->cell(h, l);
                QVERIFY(std::isfinite(cell));
                QCOMPARE(cell, double(result.blocks[size_t(b)].heatmap[size_t(l * kHeads + h)]));
            }
    }
}

// Share of pixels that are not (near) white, and the number of distinct colours.
QPair<double, int> inkOf(const QImage &image)
{
    qint64 ink = 0;
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb p = image.pixel(x, y);
            if (qRed(p) < 240 || qGreen(p) < 240 || qBlue(p) < 240)
                ++ink;
            if (colours.size() < 1000)
                colours.insert(p);
        }
    return {double(ink) / double(qMax(1, image.width() * image.height())), int(colours.size())};
}

} // namespace

class TestGuiFlow : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_sessionPath;
    std::unique_ptr<MainWindow> m_window; // the window that ran the analysis, kept for the error cases

    // Opens a damaged session in m_window: exactly one error dialog naming
    // the file, and the document keeps its model, result and freeze set.
    void checkRefusedSession(const QString &path, const QString &expectedWords)
    {
        MainWindow &window = *m_window;
        WorkbenchDocument *doc = window.document();
        QVERIFY(!doc->isModified()); // no "save first?" question in the way
        const auto model = doc->model();
        const auto result = doc->result();
        const QString freeze = doc->freezeSet().format();
        const int layer = doc->selectedLayer(), head = doc->selectedHead();
        QVERIFY(model && result);

        QSignalSpy errors(&window, &MainWindow::errorShown);
        QSignalSpy opened(&window, &MainWindow::sessionOpened);
        window.openSession(path);
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, 60000);
        QTest::qWait(300); // nothing else arrives late
        QCOMPARE(errors.count(), 1);
        QCOMPARE(opened.count(), 0);

        const QString message = errors.at(0).at(0).toString();
        QVERIFY2(message.startsWith(path + QStringLiteral(": ")), qPrintable(message));
        QVERIFY2(message.contains(expectedWords, Qt::CaseInsensitive), qPrintable(message));
        const auto dialogs = window.findChildren<QMessageBox *>(QStringLiteral("ErrorDialog"));
        QCOMPARE(dialogs.size(), 1);
        QVERIFY(dialogs.front()->isVisible());
        QVERIFY(dialogs.front()->text().contains(QFileInfo(path).fileName()));

        QCOMPARE(doc->model(), model);
        QCOMPARE(doc->result(), result);
        QCOMPARE(doc->freezeSet().format(), freeze);
        QCOMPARE(doc->selectedLayer(), layer);
        QCOMPARE(doc->selectedHead(), head);
        QVERIFY(window.heatmapsPanel()->hasResult());

    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qkov-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui_flow"));
        QVERIFY(m_dir.isValid());
    }

    void wholeFlowOnStories260K()
    {
        m_window = std::make_unique<MainWindow>();
        MainWindow &window = *m_window;
        WorkbenchDocument *doc = window.document();
        window.resize(1400, 900);
        window.show();

        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        QSignalSpy errors(&window, &MainWindow::errorShown);
        window.openModel(QStringLiteral(QKOV_SHARED_DIR "/models/stories260K"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 60000);
        QVERIFY(doc->model());

        // Settings first: changing max samples later would re-tokenize the tasks.
        AnalysisSettings settings = doc->settings();
        settings.permutations = 100;
        settings.bootstrap = 100;
        settings.maxSamples = 12;
        doc->setSettings(settings);

        window.tasksPanel()->openDataset(WorkbenchDocument::TaskA, QStringLiteral(QKOV_EXAMPLES_DIR "/stories.txt"));
        window.tasksPanel()->openDataset(WorkbenchDocument::TaskB, QStringLiteral(QKOV_EXAMPLES_DIR "/numbers.txt"));
        QVERIFY(waitForTaskSettled(*doc, WorkbenchDocument::TaskA));
        QVERIFY(waitForTaskSettled(*doc, WorkbenchDocument::TaskB));
        QVERIFY2(doc->task(WorkbenchDocument::TaskA).isReady(), qPrintable(doc->task(WorkbenchDocument::TaskA).error));
        QVERIFY2(doc->task(WorkbenchDocument::TaskB).isReady(), qPrintable(doc->task(WorkbenchDocument::TaskB).error));
        QCOMPARE(doc->task(WorkbenchDocument::TaskA).records, 12);
        QVERIFY(doc->canRunAnalysis());

        // Run, measuring the longest gap between ticks of a 10 ms timer.
        QSignalSpy succeeded(window.analysisRunner(), &AnalysisRunner::succeeded);
        QSignalSpy failed(window.analysisRunner(), &AnalysisRunner::failed);
        QElapsedTimer clock;
        qint64 lastTick = 0, maxGap = 0;
        QTimer ticker;
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            maxGap = qMax(maxGap, now - lastTick);
            lastTick = now;
        });
        clock.start();
        ticker.start();
        QVERIFY(window.analysisRunner()->start() != 0);
        QTRY_VERIFY_WITH_TIMEOUT(succeeded.count() + failed.count() > 0, 240000);
        ticker.stop();
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("the event loop stalled for %1 ms").arg(maxGap)));
        QVERIFY(clock.elapsed() > 50); // the run took long enough for the gap to mean something
        qInfo("analysis: %lld ms, longest event-loop gap %lld ms", clock.elapsed(), maxGap);

        const auto result = doc->result();
        QVERIFY(result && !result->isEmpty());
        QCOMPARE(result->layers, kLayers);
        QCOMPARE(result->heads, kHeads);
        QCOMPARE(result->nA(), 12);
        QCOMPARE(result->nB(), 12);
        checkHeatmaps(window, *result);
        if (QTest::currentTestFailed())
            return;

        // Conflicts sorted by score: descending, then ascending.
        QTableView *table = window.conflictsPanel()->findChild<QTableView *>();
        QVERIFY(table);
        QCOMPARE(table, window.conflictsPanel()->view());
        QVERIFY(!result->topConflicts.empty());
        QCOMPARE(table->model()->rowCount(), int(result->topConflicts.size()));
        double best = -INFINITY;
        for (const ConflictEntry &c : result->topConflicts)
            best = qMax(best, c.score);
        for (Qt::SortOrder order : {Qt::DescendingOrder, Qt::AscendingOrder}) {
            table->sortByColumn(ConflictsModel::ScoreColumn, order);
            QAbstractItemModel *m = table->model();
            const auto scoreAt = [m](int row) { return m->index(row, ConflictsModel::ScoreColumn).data(ConflictsModel::SortRole).toDouble(); };
            for (int r = 1; r < m->rowCount(); ++r)
                QVERIFY2(order == Qt::DescendingOrder ? scoreAt(r - 1) >= scoreAt(r) : scoreAt(r - 1) <= scoreAt(r),
                         qPrintable(QStringLiteral("row %1: %2 then %3").arg(r).arg(scoreAt(r - 1)).arg(scoreAt(r))));
            QCOMPARE(scoreAt(order == Qt::DescendingOrder ? 0 : m->rowCount() - 1), best);
        }
        table->sortByColumn(ConflictsModel::ScoreColumn, Qt::DescendingOrder);

        // Freeze a head's QK circuit: the probe's frozen loss leaves the baseline; undo brings it back.
        doc->selectHead(kLayer, kHead);
        ProbePanel *probe = window.probePanel();
        QVERIFY(waitForProbeOfDocument(*probe, *doc));
        const double baseline = probe->view().baselineLoss;
        QVERIFY(std::isfinite(baseline) && baseline > 0);
        // Nothing frozen yet: the same loss up to float32 rounding (the baseline
        // is cached from an earlier job, and the two passes' GEMMs may split
        // over other thread counts: measured 1.1e-7 apart at 0.1).
        QVERIFY(std::abs(probe->view().frozenLoss - baseline) < 1e-6);

        const int undoBefore = doc->undoStack()->count();
        QSignalSpy shown(probe, &ProbePanel::probeShown);
        window.freezingPanel()->toggle(kLayer, kHead, FreezeCircuit::QK);
        QCOMPARE(doc->undoStack()->count(), undoBefore + 1);
        QCOMPARE(int(doc->freezeSet().entries.size()), 1);
        QVERIFY(waitForProbeOfDocument(*probe, *doc));
        QVERIFY(shown.count() >= 1);
        QCOMPARE(probe->view().baselineLoss, baseline);
        QVERIFY2(std::abs(probe->view().frozenLoss - baseline) > 1e-6,
                 qPrintable(QStringLiteral("%1 vs %2").arg(probe->view().frozenLoss).arg(baseline)));

        qInfo("probe loss: baseline %.6f, with L%dH%d QK frozen %.6f", baseline, kLayer, kHead, probe->view().frozenLoss);
        doc->undoStack()->undo();
        QVERIFY(doc->freezeSet().entries.empty());
        QVERIFY(waitForProbeOfDocument(*probe, *doc));
        QVERIFY(std::abs(probe->view().frozenLoss - baseline) < 1e-6);

        doc->undoStack()->redo(); // the session below carries one freeze
        QCOMPARE(int(doc->freezeSet().entries.size()), 1);
        QVERIFY(waitForProbeOfDocument(*probe, *doc));

        // Export the current heatmap as PDF; render it when pdftoppm is there.
        const QString pdf = m_dir.filePath(QStringLiteral("heatmap.pdf"));
        window.heatmapsPanel()->setCurrentTab(0);
        window.heatmapsPanel()->exportCurrent(pdf);
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.size() > 1000);
        QVERIFY(pdfFile.read(5) == "%PDF-");
        const QString pdftoppm = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
        if (!pdftoppm.isEmpty()) {
            const QString prefix = m_dir.filePath(QStringLiteral("heatmap"));
            QProcess render;
            render.start(pdftoppm, {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("60"),
                                    QStringLiteral("-singlefile"), pdf, prefix});
            QVERIFY(render.waitForFinished(60000));
            QCOMPARE(render.exitCode(), 0);
            const QImage page(prefix + QStringLiteral(".png"));
            QVERIFY(!page.isNull());
            const auto [ink, colours] = inkOf(page);
            QVERIFY2(ink > 0.05, qPrintable(QStringLiteral("only %1 of the page is drawn").arg(ink)));
            QVERIFY2(colours > 10, qPrintable(QStringLiteral("only %1 colours").arg(colours)));
            qInfo("PDF page: %.1f%% drawn, %d colours", 100 * ink, colours);
        } else {
            qInfo("pdftoppm not found: the PDF is checked by size and signature only");
        }

        // Save, then open the session in a new window: the same state.
        m_sessionPath = m_dir.filePath(QStringLiteral("flow.qkov"));
        QVERIFY(window.saveSession(m_sessionPath));
        QVERIFY(!doc->isModified());
        QCOMPARE(errors.count(), 0);
        QDir().mkpath(QStringLiteral(QKOV_SCREENSHOT_DIR));
        QVERIFY(window.grab().save(QStringLiteral(QKOV_SCREENSHOT_DIR "/gui_flow_window.png")));

        MainWindow reopened;
        reopened.show();
        QSignalSpy sessionOpened(&reopened, &MainWindow::sessionOpened);
        QSignalSpy reopenErrors(&reopened, &MainWindow::errorShown);
        reopened.openSession(m_sessionPath);
        QTRY_COMPARE_WITH_TIMEOUT(sessionOpened.count() + reopenErrors.count(), 1, 60000);
        QCOMPARE(reopenErrors.count(), 0);
        WorkbenchDocument *doc2 = reopened.document();
        const auto result2 = doc2->result();
        QVERIFY(result2 && result2 != result);
        QVERIFY(doc2->model());
        for (size_t b = 0; b < 4; ++b) {
            QCOMPARE(result2->blocks[b].heatmap, result->blocks[b].heatmap);
            QCOMPARE(result2->blocks[b].pvalue, result->blocks[b].pvalue);
            QCOMPARE(result2->blocks[b].qvalue, result->blocks[b].qvalue);
            QCOMPARE(result2->blocks[b].flagged, result->blocks[b].flagged);
        }
        QCOMPARE(result2->topConflicts.size(), result->topConflicts.size());
        for (size_t i = 0; i < result->topConflicts.size(); ++i) {
            const ConflictEntry &a = result->topConflicts[i], &c = result2->topConflicts[i];
            QCOMPARE(c.block, a.block);
            QCOMPARE(c.layer, a.layer);
            QCOMPARE(c.head, a.head);
            QCOMPARE(c.sampleA, a.sampleA);
            QCOMPARE(c.sampleB, a.sampleB);
            QCOMPARE(c.score, a.score);
        }
        checkHeatmaps(reopened, *result);
        QCOMPARE(reopened.conflictsPanel()->view()->model()->rowCount(), int(result->topConflicts.size()));
        QCOMPARE(doc2->freezeSet().format(), doc->freezeSet().format());
        QCOMPARE(doc2->selectedLayer(), kLayer);
        QCOMPARE(doc2->selectedHead(), kHead);
        QCOMPARE(doc2->settings().permutations, 100);
        QCOMPARE(doc2->settings().maxSamples, 12);
        QCOMPARE(doc2->sessionPath(), m_sessionPath);

        // The reopened window's probe agrees with the first one on the same freeze.
        QVERIFY(waitForProbeOfDocument(*reopened.probePanel(), *doc2));
        QVERIFY(std::abs(reopened.probePanel()->view().frozenLoss - probe->view().frozenLoss) < 1e-5);
    }

    void truncatedSessionIsRefusedWithOneDialog()
    {
        QVERIFY(m_window && !m_sessionPath.isEmpty());
        QFile saved(m_sessionPath);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray bytes = saved.readAll();
        const QString truncated = m_dir.filePath(QStringLiteral("truncated.qkov"));
        QFile out(truncated);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(bytes.size() / 2));
        out.close();
        checkRefusedSession(truncated, QStringLiteral("truncated"));
    }

    void newerVersionSessionIsRefusedWithOneDialog()
    {
        QVERIFY(m_window && !m_sessionPath.isEmpty());
        QFile saved(m_sessionPath);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        test::RawFile raw = test::parseIndependently(saved.readAll());
        QVERIFY(raw.metadata.contains(QStringLiteral("qkov.version")));
        raw.metadata.insert(QStringLiteral("qkov.version"), QStringLiteral("7"));
        const QString newer = m_dir.filePath(QStringLiteral("newer.qkov"));
        QFile out(newer);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(test::serializeIndependently(raw));
        out.close();
        checkRefusedSession(newer, QStringLiteral("newer"));
    }

    // Closes the error dialogs (WA_DeleteOnClose) so that each case starts with none.
    void cleanup()
    {
        if (!m_window)
            return;
        for (QMessageBox *box : m_window->findChildren<QMessageBox *>(QStringLiteral("ErrorDialog")))
            box->accept();
        QTRY_VERIFY(m_window->findChildren<QMessageBox *>(QStringLiteral("ErrorDialog")).isEmpty());
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }
};

QTEST_MAIN(TestGuiFlow)
#include "tst_gui_flow.moc"
