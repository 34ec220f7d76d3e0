// The Freezing and Probe panels, offscreen, on the real stories260K model:
// clicks and keys edit the document's freeze set through undoable commands,
// and the probe follows every change (the newest change wins).
#include "AttentionPatternPlot.h"
#include "FreezeCommands.h"
#include "FreezeGrid.h"
#include "FreezingPanel.h"
#include "ProbePanel.h"
#include "WorkbenchDocument.h"
#include "jobs/JobRunner.h"
#include "model/ModelLoader.h"
#include "pipeline/ProbeService.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTest>
#include <QUndoStack>

#include <cmath>

using namespace qkov;

namespace {

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

void click(FreezeGrid *grid, int layer, int head)
{
    QTest::mouseClick(grid, Qt::LeftButton, Qt::NoModifier, grid->cellRect(layer, head).center());
}

} // namespace

class TestGuiFreeze : public QObject
{
    Q_OBJECT
private:
    std::shared_ptr<const LoadedModel> m_model;

private Q_SLOTS:
    void initTestCase()
    {
        try {
            m_model = std::make_shared<LoadedModel>(loadModel(QStringLiteral(QKOV_SHARED_DIR "/models/stories260K")));
        } catch (const Error &e) {
            QFAIL(qPrintable(e.message()));
        }
        QCOMPARE(m_model->structure.numLayers, 5);
        QCOMPARE(m_model->structure.numHeads, 8);
        QDir().mkpath(QStringLiteral(QKOV_SCREENSHOT_DIR));
    }

    void clickAndSpaceToggleUndoably()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        doc.setModel(m_model);
        FreezingPanel panel(&doc);
        panel.resize(460, 420);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        FreezeGrid *grid = panel.grid();
        QCOMPARE(grid->layers(), 5);
        QCOMPARE(grid->heads(), 8);
        QVERIFY(!panel.clearButton()->isEnabled());

        click(grid, 3, 5);
        QVERIFY(doc.freezeSet().contains(3, 5, FreezeCircuit::QK));
        QCOMPARE(doc.freezeSet().entries.size(), size_t(1));
        QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Freeze L3.H5 QK"));
        QCOMPARE(doc.selectedLayer(), 3); // a click selects the head too
        QCOMPARE(doc.selectedHead(), 5);
        QCOMPARE(grid->cellText(3, 5), QStringLiteral("Q"));
        QCOMPARE(panel.summaryText(), QStringLiteral("1 head frozen"));
        QVERIFY(panel.clearButton()->isEnabled());

        doc.undoStack()->undo();
        QVERIFY(doc.freezeSet().empty());
        QCOMPARE(grid->cellText(3, 5), QString());
        QCOMPARE(doc.undoStack()->redoText(), QStringLiteral("Freeze L3.H5 QK"));
        doc.undoStack()->redo();
        QVERIFY(doc.freezeSet().contains(3, 5, FreezeCircuit::QK));

        // Clicking a frozen cell unfreezes it.
        click(grid, 3, 5);
        QVERIFY(doc.freezeSet().empty());
        QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Unfreeze L3.H5 QK"));

        // Keyboard: arrows move the focus cell (and the selection), Space toggles.
        QCOMPARE(grid->focusLayer(), 3);
        QCOMPARE(grid->focusHead(), 5);
        QTest::keyClick(grid, Qt::Key_Right);
        QTest::keyClick(grid, Qt::Key_Up);
        QCOMPARE(grid->focusLayer(), 2);
        QCOMPARE(grid->focusHead(), 6);
        QCOMPARE(doc.selectedLayer(), 2);
        QCOMPARE(doc.selectedHead(), 6);
        QTest::keyClick(grid, Qt::Key_Space);
        QVERIFY(doc.freezeSet().contains(2, 6, FreezeCircuit::QK));
        QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Freeze L2.H6 QK"));

        // OV of the same head, with the mean method: both circuits, each its own entry.
        panel.setCircuit(FreezeCircuit::OV);
        panel.setDefaultMethod(FreezeMethod::Mean);
        QTest::keyClick(grid, Qt::Key_Space);
        QVERIFY(doc.freezeSet().contains(2, 6, FreezeCircuit::OV));
        QCOMPARE(doc.freezeSet().entries.back().method, FreezeMethod::Mean);
        QCOMPARE(grid->cellText(2, 6), QStringLiteral("QO"));
        QCOMPARE(panel.summaryText(), QStringLiteral("1 head frozen (2 circuits)"));

        // The whole head replaces both circuit entries (FreezeSet::add refuses overlaps) in one step.
        panel.setCircuit(FreezeCircuit::Head);
        QTest::keyClick(grid, Qt::Key_Space);
        QCOMPARE(doc.freezeSet().format(), QStringLiteral("L2.H6:head:mean"));
        QCOMPARE(grid->cellText(2, 6), QStringLiteral("H"));
        QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Freeze L2.H6 head"));
        doc.undoStack()->undo();
        QCOMPARE(doc.freezeSet().format(), QStringLiteral("L2.H6:qk:zero,L2.H6:ov:mean"));

        // Arrow keys stop at the edges.
        for (int i = 0; i < 10; ++i)
            QTest::keyClick(grid, Qt::Key_Down);
        QCOMPARE(grid->focusLayer(), 4);
    }

    void clearAllAndMethodsAreOneStepEach()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        doc.setModel(m_model);
        FreezingPanel panel(&doc);
        panel.resize(460, 420);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.toggle(0, 0, FreezeCircuit::QK);
        panel.toggle(1, 2, FreezeCircuit::OV);
        panel.toggle(4, 7, FreezeCircuit::Head);
        panel.toggle(4, 6, FreezeCircuit::QK);
        QCOMPARE(panel.summaryText(), QStringLiteral("4 heads frozen"));
        const QString before = doc.freezeSet().format();
        const int steps = doc.undoStack()->count();
        QCOMPARE(steps, 4);

        // Out-of-range heads (e.g. from a stale heatmap) are ignored, not pushed.
        panel.toggle(5, 0, FreezeCircuit::QK);
        panel.toggle(0, 8, FreezeCircuit::QK);
        QCOMPARE(doc.undoStack()->count(), 4);

        // Method of one entry, then of all: one step each, undoable.
        panel.setEntryMethod(1, 2, FreezeCircuit::OV, FreezeMethod::Noise);
        QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Set L1.H2 OV to noise"));
        QCOMPARE(doc.freezeSet().format(), QStringLiteral("L0.H0:qk:zero,L1.H2:ov:noise,L4.H7:head:zero,L4.H6:qk:zero"));
        panel.applyMethodToAll(FreezeMethod::Resample);
        QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Set 4 freezes to resample"));
        QCOMPARE(doc.freezeSet().format(), QStringLiteral("L0.H0:qk:resample,L1.H2:ov:resample,L4.H7:head:resample,L4.H6:qk:resample"));
        panel.applyMethodToAll(FreezeMethod::Resample); // nothing changes: no empty undo step
        QCOMPARE(doc.undoStack()->count(), 6);
        doc.undoStack()->undo();
        doc.undoStack()->undo();
        QCOMPARE(doc.freezeSet().format(), before);

        QTest::mouseClick(panel.clearButton(), Qt::LeftButton);
        QVERIFY(doc.freezeSet().empty());
        QCOMPARE(doc.undoStack()->count(), 5); // the two method steps were undone and then replaced
        QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Clear 4 freezes"));
        QCOMPARE(panel.summaryText(), QStringLiteral("No heads frozen"));
        QVERIFY(!panel.clearButton()->isEnabled());
        doc.undoStack()->undo();
        QCOMPARE(doc.freezeSet().format(), before);
        doc.undoStack()->redo();
        QVERIFY(doc.freezeSet().empty());

        // A new model empties the set and the history.
        doc.undoStack()->undo();
        doc.setModel(m_model);
        QVERIFY(doc.freezeSet().empty());
        QCOMPARE(doc.undoStack()->count(), 0);
    }

    void probeFollowsTheFreezeSet()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        doc.setModel(m_model);
        QWidget window;
        auto *splitter = new QSplitter(&window);
        auto *freezing = new FreezingPanel(&doc, splitter);
        auto *probe = new ProbePanel(&doc, splitter);
        splitter->addWidget(freezing);
        splitter->addWidget(probe);
        splitter->setSizes({440, 760});
        splitter->resize(1200, 760);
        window.resize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Nothing frozen: frozen equals baseline.
        doc.selectHead(0, 0);
        QVERIFY(waitForProbeOfDocument(*probe, doc));
        const ProbeView clean = probe->view();
        QVERIFY(clean.tokens.size() > 5);
        QVERIFY(std::isfinite(clean.baselineLoss) && clean.baselineLoss > 0);
        QCOMPARE(clean.frozenLoss, clean.baselineLoss);
        QCOMPARE(int(clean.baselineTop.size()), 5);
        QCOMPARE(probe->topTable()->item(0, 0)->text().isEmpty(), false);

        // The pattern view is T x T, for baseline and frozen.
        const int T = int(clean.tokens.size());
        QCOMPARE(probe->patternPlot()->baselineMap()->data()->keySize(), T);
        QCOMPARE(probe->patternPlot()->baselineMap()->data()->valueSize(), T);
        QCOMPARE(probe->patternPlot()->frozenMap()->data()->keySize(), T);
        QCOMPARE(probe->patternPlot()->frozenMap()->data()->valueSize(), T);
        QCOMPARE(int(clean.patternChange.size()), 5 * 8);

        // Freeze the QK circuit of every head of layer 0, one click each.
        for (int h = 0; h < 8; ++h) {
            click(freezing->grid(), 0, h);
            QTest::qWait(5);
        }
        doc.selectHead(0, 0);
        QVERIFY(waitForProbeOfDocument(*probe, doc));
        QCOMPARE(doc.freezeSet().entries.size(), size_t(8));
        const ProbeView frozen = probe->view();
        QCOMPARE(frozen.baselineLoss, clean.baselineLoss); // the cached baseline
        QVERIFY2(std::abs(frozen.frozenLoss - frozen.baselineLoss) > 1e-3,
                 qPrintable(QStringLiteral("%1 vs %2").arg(frozen.frozenLoss).arg(frozen.baselineLoss)));
        QVERIFY(probe->lossLabel()->text().contains(QString::number(frozen.frozenLoss, 'f', 4)));
        double moved = 0;
        for (int h = 0; h < 8; ++h)
            moved += frozen.patternChange[size_t(h)];
        QVERIFY(moved > 0.01); // layer 0's patterns moved
        // Zero QK gives uniform causal attention: query row 3 attends 1/4 to keys 0..3.
        QVERIFY(std::abs(frozen.frozenPattern[size_t(3 * T + 0)] - 0.25f) < 1e-4);

        QDir().mkpath(QStringLiteral(QKOV_SCREENSHOT_DIR));
        QVERIFY(window.grab().save(QStringLiteral(QKOV_SCREENSHOT_DIR "/freeze-probe-layer0-qk.png")));

        // Undo every click: the probe is back to frozen == baseline.
        for (int i = 0; i < 8; ++i)
            doc.undoStack()->undo();
        QVERIFY(doc.freezeSet().empty());
        QVERIFY(waitForProbeOfDocument(*probe, doc));
        QCOMPARE(probe->view().frozenLoss, probe->view().baselineLoss);

        // Ten rapid toggles: the probe ends on the final set, and no stale result overwrites it.
        const int heads[10][2] = {{0, 1}, {1, 3}, {0, 1}, {2, 2}, {3, 7}, {4, 0}, {1, 3}, {0, 5}, {2, 2}, {0, 6}};
        for (const auto &lh : heads) {
            freezing->toggle(lh[0], lh[1], FreezeCircuit::QK);
            QCoreApplication::processEvents(); // let each toggle start its own probe job
        }
        QCOMPARE(doc.freezeSet().format(), QStringLiteral("L3.H7:qk:zero,L4.H0:qk:zero,L0.H5:qk:zero,L0.H6:qk:zero"));
        QVERIFY(waitForProbeOfDocument(*probe, doc));
        QTest::qWait(300);
        QCOMPARE(probe->viewFreezeSet().format(), doc.freezeSet().format());
        ProbeService reference(*m_model); // an independent run on the final set
        const ProbeView expected = reference.run(doc.probePrompt(), doc.freezeSet(), -1, -1);
        QVERIFY(std::abs(probe->view().frozenLoss - expected.frozenLoss) < 1e-6);
        QVERIFY(std::abs(probe->view().frozenLoss - probe->view().baselineLoss) > 1e-6);

        // A new prompt (typed, debounced) re-probes; the pattern follows its length.
        probe->promptEdit()->clear();
        QTest::keyClicks(probe->promptEdit(), QStringLiteral("The cat sat"));
        QCOMPARE(doc.probePrompt(), QStringLiteral("The cat sat"));
        QVERIFY(waitForProbeOfDocument(*probe, doc));
        const int T2 = int(probe->view().tokens.size());
        QVERIFY(T2 < T);
        QCOMPARE(probe->patternPlot()->baselineMap()->data()->keySize(), T2);

        // An empty prompt says so instead of probing.
        probe->promptEdit()->clear();
        QTest::keyClick(probe->promptEdit(), Qt::Key_Space);
        QTest::keyClick(probe->promptEdit(), Qt::Key_Backspace);
        QTest::qWait(400);
        QVERIFY(!probe->isProbing());
    }

    // Mean freezing needs reference activations: the prompt itself without
    // tasks (a per-position mean of one sample is that sample: no change),
    // the tasks' texts once they are loaded.
    void referenceComesFromTheTasks()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        doc.setModel(m_model);
        FreezingPanel freezing(&doc);
        ProbePanel probe(&doc);
        probe.resize(760, 700);
        probe.show();
        QVERIFY(QTest::qWaitForWindowExposed(&probe));
        freezing.setDefaultMethod(FreezeMethod::Mean);
        for (int h = 0; h < 8; ++h)
            freezing.toggle(0, h, FreezeCircuit::QK);
        QVERIFY(waitForProbeOfDocument(probe, doc));
        QVERIFY(probe.referenceNote()->isVisible());
        QCOMPARE(probe.referenceNote()->text(), QStringLiteral("Reference: the prompt itself"));
        QVERIFY(std::abs(probe.view().frozenLoss - probe.view().baselineLoss) < 1e-4);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("stories.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Text));
        file.write("Tom had a red ball. He threw it to the dog and the dog ran after it.\n"
                   "The sun was hot, so Mia went to the pond to swim with her friend.\n"
                   "One day a bird found a shiny stone in the grass and took it home.\n"
                   "Ben and Sue baked a big cake for their mom. She was very happy.\n");
        file.close();
        TaskState task;
        task.path = path;
        task.records = 4;
        doc.setTask(WorkbenchDocument::TaskA, task);
        QCOMPARE(probe.referenceNote()->text(), QStringLiteral("Reference: one task"));
        QTest::qWait(50);
        QVERIFY(waitForProbeOfDocument(probe, doc));
        QVERIFY2(std::abs(probe.view().frozenLoss - probe.view().baselineLoss) > 1e-3,
                 qPrintable(QStringLiteral("%1 vs %2").arg(probe.view().frozenLoss).arg(probe.view().baselineLoss)));
    }

    void screenshotWithMixedFreezes()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        doc.setModel(m_model);
        QWidget window;
        auto *splitter = new QSplitter(&window);
        auto *freezing = new FreezingPanel(&doc, splitter);
        auto *probe = new ProbePanel(&doc, splitter);
        splitter->addWidget(freezing);
        splitter->addWidget(probe);
        splitter->setSizes({440, 760});
        splitter->resize(1200, 760);
        window.resize(1200, 760);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        freezing->toggle(1, 4, FreezeCircuit::QK);
        freezing->toggle(2, 1, FreezeCircuit::OV);
        freezing->setDefaultMethod(FreezeMethod::Mean);
        freezing->toggle(3, 3, FreezeCircuit::Head);
        freezing->toggle(3, 5, FreezeCircuit::QK);
        freezing->toggle(3, 5, FreezeCircuit::OV);
        doc.selectHead(3, 3);
        QVERIFY(waitForProbeOfDocument(*probe, doc));
        QVERIFY(probe->errorText().isEmpty());
        freezing->grid()->setFocus();
        QVERIFY(window.grab().save(QStringLiteral(QKOV_SCREENSHOT_DIR "/freeze-probe-mixed.png")));
    }
};

QTEST_MAIN(TestGuiFreeze)
#include "tst_gui_freeze.moc"
