// The workbench window, offscreen: open stories260K in a worker thread, check
// the structure tree, write a screenshot; a broken model gives the same
// message as `qkov inspect` in a dialog, and the window stays usable.
#include "MainWindow.h"
#include "ModelDock.h"
#include "itemmodels/StructureTreeModel.h"
#include "jobs/JobRunner.h"
#include "model/ModelLoader.h"

#include <QDir>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QLabel>
#include <QStatusBar>
#include <QTreeView>

using namespace qkov;

class TestGuiMain : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // keep the user's recent list out of tests
        QCoreApplication::setOrganizationName(QStringLiteral("qkov-tests"));
    }

    void opensStories260KAndShowsTheTree()
    {
        MainWindow window;
        window.resize(1400, 860);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        // The GUI thread must keep turning while the model loads.
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, [&] { ++ticks; });
        ticker.start(5);
        window.openModel(QStringLiteral(QKOV_SHARED_DIR "/models/stories260K"));
        QVERIFY(window.jobs()->runningCount() == 1 || loaded.size() == 1);
        QVERIFY(loaded.wait(30000));
        QVERIFY(window.model());

        const StructureTreeModel *tree = window.modelDock()->treeModel();
        const QModelIndex top = tree->index(0, 0);
        int layers = 0;
        for (int r = 0; r < tree->rowCount(top); ++r) {
            const QModelIndex layer = tree->index(r, 0, top);
            if (tree->data(layer, StructureTreeModel::KindRole).toInt() != int(StructureTreeModel::NodeKind::Layer))
                continue;
            ++layers;
            QCOMPARE(tree->rowCount(tree->index(0, 0, layer)), 4); // Q, K, V, O
        }
        QCOMPARE(layers, 5);
        QVERIFY(window.statusBar()->findChildren<QLabel *>().size() > 0);

        // The tree is visible and populated in the view (through its filter proxy).
        QTreeView *view = window.modelDock()->treeView();
        QVERIFY(view->isVisible());
        QVERIFY(view->model()->rowCount() == 1);

        QDir().mkpath(QStringLiteral(QKOV_SCREENSHOT_DIR));
        const QString png = QStringLiteral(QKOV_SCREENSHOT_DIR "/main-window-stories260K.png");
        QVERIFY(window.grab().save(png));
        QVERIFY(QFileInfo(png).size() > 10000);
    }

    // Every case of the hostile corpus: the dialog shows exactly the message
    // `qkov inspect` prints, and the window keeps working afterwards.
    void brokenModelsShowTheCliMessageAndStayUsable()
    {
        const QString root = QStringLiteral(QKOV_TEST_DATA_DIR "/hostile/");
        QFile manifest(root + QStringLiteral("MANIFEST.tsv"));
        QVERIFY(manifest.open(QIODevice::ReadOnly | QIODevice::Text));
        QTemporaryDir scratch;
        QStringList paths;
        while (!manifest.atEnd()) {
            const QString line = QString::fromUtf8(manifest.readLine()).trimmed();
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
                continue;
            const QString rel = line.section(QLatin1Char('\t'), 0, 0);
            if (rel == QLatin1String("@EMPTY_DIR")) {
                QDir(scratch.path()).mkdir(QStringLiteral("empty"));
                paths << scratch.filePath(QStringLiteral("empty"));
            } else {
                paths << root + rel;
            }
        }
        QVERIFY(paths.size() >= 20);

        MainWindow window;
        window.show();
        const QString prefix = QStringLiteral("qkov inspect: ");
        for (const QString &bad : paths) {
            QProcess cli;
            cli.start(QStringLiteral(QKOV_CLI_PATH), {QStringLiteral("inspect"), bad});
            QVERIFY(cli.waitForFinished(60000));
            QCOMPARE(cli.exitCode(), 1);
            const QString cliLine = QString::fromUtf8(cli.readAllStandardError()).trimmed();
            QVERIFY2(cliLine.startsWith(prefix), qPrintable(cliLine));

            QSignalSpy error(&window, &MainWindow::errorShown);
            window.openModel(bad);
            QVERIFY(error.wait(30000));
            QCOMPARE(error.front().front().toString(), cliLine.mid(prefix.size()));
            auto *box = window.findChild<QMessageBox *>(QStringLiteral("ErrorDialog"));
            QVERIFY(box);
            QCOMPARE(box->text(), cliLine.mid(prefix.size()));
            box->accept();
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            QVERIFY(!window.model());
        }

        // Still usable: a good model opens afterwards.
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        window.openModel(QStringLiteral(QKOV_SHARED_DIR "/models/stories260K"));
        QVERIFY(loaded.wait(30000));
        QVERIFY(window.model());
    }
};

QTEST_MAIN(TestGuiMain)
#include "tst_gui_main.moc"
