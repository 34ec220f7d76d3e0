// "Open demo" on the start page, as a new user meets it: the demo model is
// trained in a job (the window stays responsive), opens with both tasks
// loaded under their names, and an analysis on it flags heads of the layer
// docs/DEMO.md predicts (the induction heads sit in layer 1).
#include "AnalysisRunner.h"
#include "HeatmapPlot.h"
#include "HeatmapsPanel.h"
#include "MainWindow.h"
#include "StartPage.h"
#include "WorkbenchDocument.h"
#include "demo/DemoModel.h"
#include "model/ModelLoader.h"

#include <QDir>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

using namespace qkov;

class TestGuiDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // demo folder and settings under ~/.qttest
        QCoreApplication::setOrganizationName(QStringLiteral("qkov-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_gui_demo"));
        // Start as a new user does: no demo yet, so the button trains it.
        QDir(demoFolder()).removeRecursively();
    }

    void openDemoFromStartPage()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        WorkbenchDocument *doc = window.document();
        auto *start = window.findChild<StartPage *>();
        QVERIFY(start);
        QVERIFY(start->openDemoButton()->isEnabled());

        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        QSignalSpy errors(&window, &MainWindow::errorShown);
        // The training runs in a worker: the event loop keeps turning meanwhile.
        QElapsedTimer clock;
        clock.start();
        qint64 last = 0, longestGap = 0;
        QTimer tick;
        connect(&tick, &QTimer::timeout, this, [&] {
            longestGap = std::max(longestGap, clock.elapsed() - last);
            last = clock.elapsed();
        });
        tick.start(10);
        QTest::mouseClick(start->openDemoButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() == 1 || errors.count() > 0, 300000);
        QVERIFY2(errors.isEmpty(), qPrintable(window.lastError()));
        tick.stop();
        qInfo("demo trained and opened in %.1f s; longest event-loop gap %lld ms", clock.elapsed() / 1000.0, longestGap);
        QVERIFY2(longestGap < 250, qPrintable(QStringLiteral("GUI stalled %1 ms").arg(longestGap)));
        QVERIFY(demoIsCurrent(demoFolder()));

        QVERIFY(doc->model() && doc->model()->config);
        QCOMPARE(doc->model()->config->numLayers, 2);
        QCOMPARE(doc->model()->config->numHeads, 4);
        QCOMPARE(doc->model()->config->numKvHeads, 2);

        // Both tasks load under the demo's names without the user doing anything.
        QTRY_VERIFY_WITH_TIMEOUT(doc->task(WorkbenchDocument::TaskA).isReady() && doc->task(WorkbenchDocument::TaskB).isReady(), 60000);
        QCOMPARE(doc->task(WorkbenchDocument::TaskA).name, QStringLiteral("repeat"));
        QCOMPARE(doc->task(WorkbenchDocument::TaskB).name, QStringLiteral("add"));
        QVERIFY(doc->canRunAnalysis());

        AnalysisSettings settings = doc->settings();
        settings.maxSamples = 24;
        settings.permutations = 200;
        settings.bootstrap = 50;
        doc->setSettings(settings);
        QTRY_VERIFY_WITH_TIMEOUT(doc->task(WorkbenchDocument::TaskA).isReady() && doc->task(WorkbenchDocument::TaskB).isReady(), 60000);
        QSignalSpy succeeded(window.analysisRunner(), &AnalysisRunner::succeeded);
        QSignalSpy failed(window.analysisRunner(), &AnalysisRunner::failed);
        window.analysisRunner()->start();
        QTRY_VERIFY_WITH_TIMEOUT(succeeded.count() == 1 || failed.count() > 0, 300000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));

        const auto result = doc->result();
        QVERIFY(result);
        QCOMPARE(result->layers, 2);
        QCOMPARE(result->heads, 4);
        QVERIFY(window.heatmapsPanel()->hasResult());
        // The heads that separate copying from adding are in layer 1 (docs/DEMO.md).
        int flaggedLayer1 = 0;
        for (const BlockResult &block : result->blocks)
            for (int h = 0; h < result->heads; ++h)
                flaggedLayer1 += block.flagged[size_t(result->heads + h)];
        QVERIFY2(flaggedLayer1 > 0, "no layer-1 head flagged on the demo");
        qInfo("flagged layer-1 (block, head) cells: %d", flaggedLayer1);
    }
};

QTEST_MAIN(TestGuiDemo)
#include "tst_gui_demo.moc"
