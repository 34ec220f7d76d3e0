// The panels that set up and run an analysis, offscreen, on stories260K:
// the Tasks panel tokenizes two small datasets with the model's tokenizer
// (counts checked against the tokenizer itself), shows bad files inline
// without touching the other slot, and waits for a model; the settings
// panel shows the METRIC.md defaults and validates; AnalysisRunner runs the
// real pipeline while the GUI thread keeps turning; the Jobs panel follows
// the job, and a cancel keeps the previous result.
#include "GuiRunFixtures.h"
#include "AnalysisRunner.h"
#include "AnalysisSettingsPanel.h"
#include "JobsPanel.h"
#include "TaskSlotView.h"
#include "TasksPanel.h"
#include "WorkbenchDocument.h"
#include "jobs/JobRunner.h"
#include "model/ModelLoader.h"
#include "tokenizer/Tokenizer.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QUrl>

using namespace qkov;


class TestGuiRun : public QObject
{
    Q_OBJECT
private:
    std::shared_ptr<const LoadedModel> m_model;
    std::unique_ptr<Tokenizer> m_tokenizer;
    QTemporaryDir m_dir;
    QString m_stories, m_numbers;

    // A document on the model with both tasks loaded.
    void loadBothTasks(WorkbenchDocument &doc, TasksPanel &panel)
    {
        panel.openDataset(WorkbenchDocument::TaskA, m_stories);
        panel.openDataset(WorkbenchDocument::TaskB, m_numbers);
        QVERIFY(waitForTask(doc, WorkbenchDocument::TaskA));
        QVERIFY(waitForTask(doc, WorkbenchDocument::TaskB));
        QVERIFY(doc.task(WorkbenchDocument::TaskA).isReady());
        QVERIFY(doc.task(WorkbenchDocument::TaskB).isReady());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("qkov-tests"));
        const QString modelPath = QStringLiteral(QKOV_SHARED_DIR "/models/stories260K");
        m_model = std::make_shared<const LoadedModel>(loadModel(modelPath));
        m_tokenizer = Tokenizer::fromFolder(modelPath);
        QVERIFY(m_dir.isValid());
        m_stories = writeLines(m_dir, QStringLiteral("stories.txt"), kStories);
        QStringList jsonl;
        for (int i = 0; i < kNumbers.size(); ++i)
            jsonl << QStringLiteral("{\"id\": \"n%1\", \"text\": \"%2\"}").arg(i).arg(kNumbers[i]);
        m_numbers = writeLines(m_dir, QStringLiteral("numbers.jsonl"), jsonl);
        QVERIFY(!m_stories.isEmpty() && !m_numbers.isEmpty());
    }

    // Memory kept for a re-run is given back a while after the last job of
    // any kind, not only after an analysis (here: two dataset jobs).
    void memoryIsGivenBackAfterAnyJob()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        doc.setModel(m_model);
        TasksPanel panel(&doc);
        AnalysisRunner runner(&doc);
        runner.setMemoryReleaseDelay(300);
        QSignalSpy released(&runner, &AnalysisRunner::analysisMemoryReleased);
        QVERIFY(!runner.memoryReleasePending());
        loadBothTasks(doc, panel);
        QTRY_COMPARE(jobs.runningCount(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 5000);
        QVERIFY(!runner.memoryReleasePending());
        QVERIFY(!runner.isRunning());
    }

    void tasksAreTokenizedWithTheModelsTokenizer()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        doc.setModel(m_model);
        TasksPanel panel(&doc);
        panel.resize(420, 640);
        panel.show();
        QSignalSpy started(&jobs, &JobRunner::jobStarted);
        loadBothTasks(doc, panel);
        QStringList kinds;
        for (const QList<QVariant> &args : started)
            kinds << args.front().value<JobInfo>().kind;
        QVERIFY(kinds.contains(QStringLiteral("task-a")) && kinds.contains(QStringLiteral("task-b")));

        const int maxLength = doc.settings().maxLength;
        const struct { int which; QStringList texts; } cases[] = {{WorkbenchDocument::TaskA, kStories}, {WorkbenchDocument::TaskB, kNumbers}};
        for (const auto &c : cases) {
            const Expected e = expectedCounts(*m_tokenizer, c.texts, maxLength);
            const TaskState &t = doc.task(c.which);
            QCOMPARE(t.records, e.records);
            QCOMPARE(t.tokens, e.tokens);
            QCOMPARE(t.minTokens, e.minTokens);
            QCOMPARE(t.maxTokens, e.maxTokens);
            QVERIFY(t.error.isEmpty());
            TaskSlotView *view = panel.slotView(c.which);
            QVERIFY2(view->countsLabel()->text().contains(QString::number(e.records)), qPrintable(view->countsLabel()->text()));
            QVERIFY(view->countsLabel()->text().contains(QString::number(e.tokens)));
            QCOMPARE(view->previewList()->count(), e.records);
            QVERIFY(!view->errorLabel()->isVisible());
        }
        QCOMPARE(doc.task(WorkbenchDocument::TaskA).records, 5);
        QCOMPARE(doc.task(WorkbenchDocument::TaskB).records, 5);
        // The empty record: one warning naming its line, shown inline.
        const TaskState &a = doc.task(WorkbenchDocument::TaskA);
        QCOMPARE(a.warnings.size(), 1);
        QVERIFY2(a.warnings.front().contains(QStringLiteral("line 3")), qPrintable(a.warnings.front()));
        QVERIFY(panel.slotView(WorkbenchDocument::TaskA)->warningsLabel()->isVisible());
        QVERIFY(panel.slotView(WorkbenchDocument::TaskA)->warningsLabel()->text().contains(QStringLiteral("line 3")));
        QVERIFY(!panel.slotView(WorkbenchDocument::TaskB)->warningsLabel()->isVisible());
        // JSONL ids are the sample ids in the preview.
        QVERIFY(panel.slotView(WorkbenchDocument::TaskB)->previewList()->item(0)->text().startsWith(QStringLiteral("n0: 1 2 3")));

        // Renaming keeps the counts.
        QLineEdit *name = panel.slotView(WorkbenchDocument::TaskB)->nameEdit();
        name->setFocus();
        name->selectAll();
        QTest::keyClicks(name, QStringLiteral("numbers"));
        QTest::keyClick(name, Qt::Key_Return);
        QCOMPARE(doc.task(WorkbenchDocument::TaskB).name, QStringLiteral("numbers"));
        QCOMPARE(doc.task(WorkbenchDocument::TaskB).records, 5);
        saveScreenshot(&panel, QStringLiteral("tasks-panel.png"));
    }

    void badDatasetsShowTheErrorInlineAndSpareTheOtherSlot()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        doc.setModel(m_model);
        TasksPanel panel(&doc);
        panel.show();
        loadBothTasks(doc, panel);
        const TaskState before = doc.task(WorkbenchDocument::TaskA);

        QFile binary(m_dir.filePath(QStringLiteral("binary.txt")));
        QVERIFY(binary.open(QIODevice::WriteOnly));
        binary.write(QByteArray("hello\n\0\x01\x02\xff world\n", 17));
        binary.close();
        const QString missing = m_dir.filePath(QStringLiteral("no-such-file.txt"));
        for (const QString &bad : {binary.fileName(), missing}) {
            panel.openDataset(WorkbenchDocument::TaskB, bad);
            QVERIFY(waitForTask(doc, WorkbenchDocument::TaskB));
            const TaskState &b = doc.task(WorkbenchDocument::TaskB);
            QVERIFY2(!b.error.isEmpty(), qPrintable(bad));
            QVERIFY2(b.error.contains(QFileInfo(bad).fileName()), qPrintable(b.error)); // names the file
            QCOMPARE(b.records, 0);
            QVERIFY(!b.isReady());
            QLabel *error = panel.slotView(WorkbenchDocument::TaskB)->errorLabel();
            QVERIFY(error->isVisible());
            QCOMPARE(error->text(), b.error);
            // Task A is untouched.
            const TaskState &a = doc.task(WorkbenchDocument::TaskA);
            QCOMPARE(a.path, before.path);
            QCOMPARE(a.records, before.records);
            QCOMPARE(a.tokens, before.tokens);
            QVERIFY(a.error.isEmpty());
            QVERIFY(!panel.slotView(WorkbenchDocument::TaskA)->errorLabel()->isVisible());
            QVERIFY(!doc.canRunAnalysis());
        }
        // The error reads against the palette's window colour.
        const QPalette pal = panel.slotView(WorkbenchDocument::TaskB)->errorLabel()->palette();
        QVERIFY(pal.color(QPalette::WindowText) != pal.color(QPalette::Window));
        saveScreenshot(&panel, QStringLiteral("tasks-panel-error.png"));
    }

    void aDatasetWaitsForTheModelAndFollowsTheSettings()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        TasksPanel panel(&doc);
        panel.show();
        // Dropping a file on slot A opens it there.
        auto *mime = new QMimeData;
        mime->setUrls({QUrl::fromLocalFile(m_stories)});
        TaskSlotView *slotA = panel.slotView(WorkbenchDocument::TaskA);
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(slotA, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(slotA, &drop);
        delete mime;
        QCOMPARE(doc.task(WorkbenchDocument::TaskA).path, m_stories);
        QCOMPARE(doc.task(WorkbenchDocument::TaskA).records, 0);
        QVERIFY(!doc.task(WorkbenchDocument::TaskA).loading);
        QVERIFY2(slotA->countsLabel()->text().contains(QStringLiteral("waits for a model")), qPrintable(slotA->countsLabel()->text()));
        QCOMPARE(jobs.runningCount(), 0);

        // The model arrives: the slot tokenizes by itself.
        doc.setModel(m_model);
        QVERIFY(doc.task(WorkbenchDocument::TaskA).loading);
        QVERIFY(waitForTask(doc, WorkbenchDocument::TaskA));
        const Expected full = expectedCounts(*m_tokenizer, kStories, doc.settings().maxLength);
        QCOMPARE(doc.task(WorkbenchDocument::TaskA).tokens, full.tokens);

        // A shorter max length and a sample limit re-tokenize.
        AnalysisSettings s = doc.settings();
        s.maxLength = 8;
        s.maxSamples = 3;
        doc.setSettings(s);
        QVERIFY(doc.task(WorkbenchDocument::TaskA).loading);
        QVERIFY(waitForTask(doc, WorkbenchDocument::TaskA));
        const Expected cut = expectedCounts(*m_tokenizer, kStories.mid(0, 4), 8); // 3 usable records in the first 4 lines
        QCOMPARE(doc.task(WorkbenchDocument::TaskA).records, 3);
        QCOMPARE(doc.task(WorkbenchDocument::TaskA).tokens, cut.tokens);
        QCOMPARE(doc.task(WorkbenchDocument::TaskA).maxTokens, 8);
        QVERIFY(slotA->countsLabel()->text().contains(QStringLiteral("max-samples")));
        // Other settings leave the tokenized task alone.
        s.alpha = 0.01;
        doc.setSettings(s);
        QVERIFY(!doc.task(WorkbenchDocument::TaskA).loading);
    }

    void settingsPanelShowsTheDefaultsAndValidates()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        AnalysisSettingsPanel panel(&doc);
        panel.resize(380, 900);
        panel.show();
        const AnalysisSettings d;
        auto spin = [&](const char *name) { return panel.findChild<QSpinBox *>(QLatin1String(name)); };
        auto real = [&](const char *name) { return panel.findChild<QDoubleSpinBox *>(QLatin1String(name)); };
        auto line = [&](const char *name) { return panel.findChild<QLineEdit *>(QLatin1String(name)); };
        auto combo = [&](const char *name) { return panel.findChild<QComboBox *>(QLatin1String(name)); };
        QCOMPARE(spin("max-length")->value(), d.maxLength);
        QCOMPARE(spin("max-samples")->value(), d.maxSamples);
        QCOMPARE(spin("batch-size")->value(), d.batchSize);
        QCOMPARE(panel.findChild<QCheckBox *>(QStringLiteral("include-bias"))->isChecked(), d.includeBias);
        QCOMPARE(combo("fisher")->currentData().toString(), d.fisher);
        QCOMPARE(real("beta")->value(), d.beta);
        QCOMPARE(combo("fisher-ref")->currentData().toString(), d.fisherRef);
        QCOMPARE(line("epsilon")->text().toDouble(), d.epsilon);
        QCOMPARE(line("ridge-rel")->text().toDouble(), d.ridgeRel);
        QCOMPARE(line("ridge-abs")->text().toDouble(), d.ridgeAbs);
        QCOMPARE(combo("variant")->currentData().toString(), d.variant);
        QCOMPARE(spin("top-k")->value(), d.topK);
        QCOMPARE(spin("permutations")->value(), d.permutations);
        QCOMPARE(spin("bootstrap")->value(), d.bootstrap);
        QCOMPARE(real("alpha")->value(), d.alpha);
        QCOMPARE(real("min-effect")->value(), d.minEffect);
        QCOMPARE(combo("fdr-family")->currentData().toString(), d.fdrFamily);
        QCOMPARE(line("seed")->text().toULongLong(), d.seed);
        QCOMPARE(spin("threads")->value(), d.threads);
        QCOMPARE(qint64(spin("memory-budget")->value()), qint64(d.memoryBudgetMB));
        QCOMPARE(combo("gradient-storage")->currentData().toString(), d.gradientStorage);
        QCOMPARE(panel.enteredSettings().toJson(), d.toJson());
        QVERIFY(panel.validationError().isEmpty());
        QVERIFY(!real("beta")->toolTip().isEmpty());

        // Beta only for ema.
        QVERIFY(!real("beta")->isEnabled());
        combo("fisher")->setCurrentIndex(combo("fisher")->findData(QStringLiteral("ema")));
        QVERIFY(real("beta")->isEnabled());
        QCOMPARE(doc.settings().fisher, QStringLiteral("ema"));

        // Reference 'a' warns inline.
        auto *warning = panel.findChild<QLabel *>(QStringLiteral("reference-warning"));
        QVERIFY(!warning->isVisible());
        combo("fisher-ref")->setCurrentIndex(combo("fisher-ref")->findData(QStringLiteral("a")));
        QVERIFY(warning->isVisible());
        QVERIFY(warning->text().contains(QStringLiteral("permutations")));
        combo("fisher")->setCurrentIndex(combo("fisher")->findData(QStringLiteral("mean")));
        QVERIFY(warning->text().contains(QStringLiteral("degenerates")));
        QVERIFY(!real("beta")->isEnabled());

        // An invalid value is named inline and does not reach the document.
        real("alpha")->setValue(0.0);
        QVERIFY2(panel.validationError().contains(QStringLiteral("--alpha")), qPrintable(panel.validationError()));
        auto *error = panel.findChild<QLabel *>(QStringLiteral("settings-error"));
        QVERIFY(error->isVisible());
        QCOMPARE(error->text(), panel.validationError());
        QCOMPARE(doc.settings().alpha, d.alpha);
        QVERIFY(!panel.runButton()->isEnabled());
        QVERIFY(!panel.runButton()->toolTip().isEmpty());
        saveScreenshot(&panel, QStringLiteral("settings-panel-invalid.png"));
        line("epsilon")->selectAll();
        QTest::keyClicks(line("epsilon"), QStringLiteral("abc"));
        QCOMPARE(line("epsilon")->text(), QStringLiteral("abc"));
        QVERIFY(panel.validationError().contains(QStringLiteral("--alpha")) || panel.validationError().contains(QStringLiteral("--epsilon")));
        real("alpha")->setValue(0.1);
        QVERIFY2(panel.validationError().contains(QStringLiteral("--epsilon")), qPrintable(panel.validationError()));
        spin("max-length")->setValue(1);
        QVERIFY(panel.validationError().contains(QStringLiteral("--max-length")) || panel.validationError().contains(QStringLiteral("--epsilon")));

        // Restore defaults: valid again, and the document holds the defaults.
        QTest::mouseClick(panel.restoreDefaultsButton(), Qt::LeftButton);
        QVERIFY(panel.validationError().isEmpty());
        QVERIFY(!error->isVisible());
        QCOMPARE(doc.settings().toJson(), d.toJson());
        QCOMPARE(real("alpha")->value(), d.alpha);
        QCOMPARE(line("epsilon")->text().toDouble(), d.epsilon);

        // Without a model Run is disabled and says why.
        QVERIFY(!panel.runButton()->isEnabled());
        QVERIFY2(panel.runButton()->toolTip().contains(QStringLiteral("model")), qPrintable(panel.runButton()->toolTip()));
    }

    void analysisRunsAndCancelKeepsThePreviousResult()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        doc.setModel(m_model);
        TasksPanel tasks(&doc);
        AnalysisSettingsPanel settingsPanel(&doc);
        JobsPanel jobsPanel(&jobs);
        AnalysisRunner runner(&doc);
        runner.setMemoryReleaseDelay(300);
        QSignalSpy released(&runner, &AnalysisRunner::analysisMemoryReleased);
        connect(&settingsPanel, &AnalysisSettingsPanel::runRequested, &runner, &AnalysisRunner::start);
        connect(&runner, &AnalysisRunner::runningChanged, &settingsPanel, &AnalysisSettingsPanel::setAnalysisRunning);
        tasks.resize(420, 640);
        settingsPanel.resize(380, 1000);
        jobsPanel.resize(460, 420);
        tasks.show();
        settingsPanel.show();
        jobsPanel.show();

        QVERIFY(!settingsPanel.runButton()->isEnabled());
        AnalysisSettings s = doc.settings();
        s.maxLength = 32;
        s.permutations = 50;
        s.bootstrap = 50;
        doc.setSettings(s);
        QCOMPARE(settingsPanel.findChild<QSpinBox *>(QStringLiteral("permutations"))->value(), 50);
        loadBothTasks(doc, tasks);
        QTRY_VERIFY(settingsPanel.runButton()->isEnabled());
        QVERIFY(settingsPanel.runBlocker().isEmpty());

        // Run from the button; a 10 ms timer measures the GUI thread's longest gap.
        QSignalSpy started(&runner, &AnalysisRunner::started);
        QSignalSpy succeeded(&runner, &AnalysisRunner::succeeded);
        QSignalSpy failed(&runner, &AnalysisRunner::failed);
        QSignalSpy progress(&jobs, &JobRunner::jobProgress);
        QElapsedTimer sinceTick;
        qint64 maxGap = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, [&] {
            maxGap = std::max(maxGap, sinceTick.restart());
        });
        QTest::mouseClick(settingsPanel.runButton(), Qt::LeftButton);
        QCOMPARE(started.size(), 1);
        const quint64 id = started.front().front().value<quint64>();
        sinceTick.start();
        ticker.start(10);
        QVERIFY(runner.isRunning());
        QVERIFY(!runner.memoryReleasePending()); // the store's memory is in use
        QVERIFY(!settingsPanel.runButton()->isEnabled()); // one run at a time from the button
        QVERIFY(jobsPanel.progressBar(id));
        // While it runs, the Jobs panel shows the job's bar (with a percentage) and its Cancel button.
        bool sawBar = false;
        connect(&jobs, &JobRunner::jobProgress, &jobsPanel, [&](quint64 job, const JobProgress &p) {
            QProgressBar *bar = jobsPanel.progressBar(job);
            if (job == id && p.fraction >= 0 && bar && bar->isVisible() && bar->maximum() == 1000
                && jobsPanel.cancelButton(job)->isVisible() && bar->text().endsWith(QLatin1Char('%')))
                sawBar = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(succeeded.size() == 1 || failed.size() == 1, 120000);
        ticker.stop();
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        qInfo("first run: longest GUI gap %lld ms", maxGap);
        QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("GUI thread stalled for %1 ms").arg(maxGap)));
        QVERIFY(!progress.isEmpty());
        QVERIFY(sawBar);

        const std::shared_ptr<const AnalysisResult> first = doc.result();
        QVERIFY(first);
        QCOMPARE(first->layers, 5);
        QCOMPARE(first->heads, 8);
        QCOMPARE(first->kvHeads, 4);
        QCOMPARE(first->nA(), 5);
        QCOMPARE(first->nB(), 5);
        QCOMPARE(first->taskB.name, doc.task(WorkbenchDocument::TaskB).name);
        QCOMPARE(first->settings.permutations, 50);
        for (const BlockResult &block : first->blocks) {
            QCOMPARE(block.heatmap.size(), size_t(5 * 8));
            QCOMPARE(block.pvalue.size(), size_t(5 * 8));
            QCOMPARE(block.scores.size(), size_t(5 * 5 * 5 * 8));
        }
        QVERIFY2(jobsPanel.statusText(id).startsWith(QStringLiteral("done in")), qPrintable(jobsPanel.statusText(id)));
        QVERIFY(!jobsPanel.progressBar(id)->isVisible());
        QTRY_VERIFY(settingsPanel.runButton()->isEnabled());
        saveScreenshot(&settingsPanel, QStringLiteral("settings-panel.png"));
        // The finished run's memory is kept for a re-run a while, then given back.
        QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 10000);
        QVERIFY(!runner.memoryReleasePending());

        // A longer run, cancelled from the Jobs panel once it reports progress.
        s.permutations = 100000; // the statistics stage's own limit
        s.bootstrap = 100000;
        doc.setSettings(s);
        QTRY_VERIFY(settingsPanel.runButton()->isEnabled());
        QSignalSpy cancelled(&runner, &AnalysisRunner::cancelled);
        const quint64 second = runner.start();
        QVERIFY(second > id);
        QVERIFY(!runner.memoryReleasePending());
        QTRY_VERIFY_WITH_TIMEOUT(jobsPanel.progressBar(second)->maximum() > 0, 30000); // a real fraction arrived
        QVERIFY(jobsPanel.progressBar(second)->text().endsWith(QLatin1Char('%')));
        // Let it run a while (into the statistics if it gets there), the GUI thread still turning.
        maxGap = 0;
        sinceTick.restart();
        ticker.start(10);
        QElapsedTimer running;
        running.start();
        while (running.elapsed() < 1500 && !jobsPanel.statusText(second).startsWith(QStringLiteral("Statistics")))
            QTest::qWait(20);
        QTest::qWait(200);
        ticker.stop();
        qInfo("second run: %lld ms before cancel, status '%s', longest GUI gap %lld ms", running.elapsed(),
              qPrintable(jobsPanel.statusText(second)), maxGap);
        QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("GUI thread stalled for %1 ms").arg(maxGap)));
        QVERIFY(runner.isRunning());
        saveScreenshot(&jobsPanel, QStringLiteral("jobs-panel-running.png"));
        QElapsedTimer cancelClock;
        cancelClock.start();
        QTest::mouseClick(jobsPanel.cancelButton(second), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.size() == 1, 10000);
        QVERIFY2(cancelClock.elapsed() < 2000, qPrintable(QString::number(cancelClock.elapsed())));
        QCOMPARE(doc.result(), first); // the previous result stays
        QCOMPARE(jobsPanel.statusText(second), QStringLiteral("cancelled"));
        QVERIFY(!runner.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(released.size(), 2, 10000); // a cancelled run's memory too
        saveScreenshot(&jobsPanel, QStringLiteral("jobs-panel.png"));
    }

    void runnerReportsWhatIsMissing()
    {
        JobRunner jobs;
        WorkbenchDocument doc(&jobs);
        AnalysisRunner runner(&doc);
        QSignalSpy failed(&runner, &AnalysisRunner::failed);
        QCOMPARE(runner.start(), quint64(0));
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.front().front().toString().contains(QStringLiteral("model")));
        doc.setModel(m_model);
        QCOMPARE(runner.start(), quint64(0));
        QVERIFY(failed.back().front().toString().contains(QStringLiteral("task A")));

        // The freeze set reaches the request only when it is not empty.
        TaskState a, b;
        a.path = m_stories;
        b.path = m_numbers;
        doc.setTask(WorkbenchDocument::TaskA, a);
        doc.setTask(WorkbenchDocument::TaskB, b);
        QCOMPARE(AnalysisRunner::requestFor(doc).settings.freeze, QString());
        doc.setFreezeSet(FreezeSet::parse(QStringLiteral("L1.H2:qk")));
        QCOMPARE(AnalysisRunner::requestFor(doc).settings.freeze, QStringLiteral("L1.H2:qk:zero"));
        doc.setFreezeSet(FreezeSet::parse(QStringLiteral("L1.H2:qk:mean")));
        QCOMPARE(runner.start(), quint64(0));
        QVERIFY(failed.back().front().toString().startsWith(QStringLiteral("--freeze: ")));
    }
};

QTEST_MAIN(TestGuiRun)
#include "tst_gui_run.moc"
