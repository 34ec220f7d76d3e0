// The result views, offscreen, on a synthetic result shaped like stories260K's
// (5 layers x 8 heads, 4 KV heads): heatmap tabs hold the result's values,
// clicks select heads and double-clicks ask for freezes with the right
// circuit, the conflicts table sorts, filters, copies and exports, and the
// figure and report PDFs render to something that is not blank.
#include "AttentionPatternPlot.h"
#include "DarkPalette.h"
#include "BlockComparisonPlot.h"
#include "ConflictsPanel.h"
#include "Error.h"
#include "HeatmapPlot.h"
#include "HeatmapsPanel.h"
#include "ModelOverview.h"
#include "model/ModelLoader.h"
#include "PlotStyle.h"
#include "ReportExport.h"
#include "WorkbenchDocument.h"
#include "itemmodels/ConflictsFilterProxy.h"
#include "itemmodels/ConflictsModel.h"
#include "jobs/JobRunner.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace qkov;

namespace {

constexpr int L = 5, H = 8, KV = 4, NA = 6, NB = 5;

// Scores rise with depth and differ per block, like a real run's; a handful
// of heads per block pass FDR; 20 conflicts over flagged and unflagged heads.
std::shared_ptr<AnalysisResult> syntheticResult()
{
    QRandomGenerator rng(7);
    auto r = std::make_shared<AnalysisResult>();
    r->modelPath = QStringLiteral("/models/stories260K");
    r->architecture = QStringLiteral("llama");
    r->layers = L;
    r->heads = H;
    r->kvHeads = KV;
    r->taskA.name = QStringLiteral("arithmetic");
    r->taskB.name = QStringLiteral("fairy tales");
    r->taskA.path = QStringLiteral("/data/arithmetic.jsonl");
    r->taskB.path = QStringLiteral("/data/tales.txt");
    const QString textsA[NA] = {QStringLiteral("Tom has 3 apples, and Lily gives him 4 more. How many apples does Tom have?"),
                                QStringLiteral("What is 12 plus 7? The answer is 19."),
                                QStringLiteral("Sam counts the \"red\" balls: one, two, three."),
                                QStringLiteral("If a cat has 4 legs, how many legs do 3 cats have?"),
                                QStringLiteral("Ten minus six equals four."),
                                QStringLiteral("Mia had 5 candies; she ate 2 of them.")};
    const QString textsB[NB] = {QStringLiteral("Once upon a time, a little dragon lived in a cave by the sea."),
                                QStringLiteral("The princess found a magic key under the old oak tree."),
                                QStringLiteral("Lily and Ben went to the park, and they saw a big red kite."),
                                QStringLiteral("The brave knight said, \"I will help you.\""),
                                QStringLiteral("A tiny bird sang a happy song every morning.")};
    for (int i = 0; i < NA; ++i) {
        r->taskA.sampleIds << QStringLiteral("arith-%1").arg(i + 1);
        r->taskA.previews << textsA[i];
    }
    for (int j = 0; j < NB; ++j) {
        r->taskB.sampleIds << QStringLiteral("tale-%1").arg(j + 1);
        r->taskB.previews << textsB[j];
    }
    r->settings.permutations = 1000;
    r->warnings << QStringLiteral("Ridge dominates 12% of block O's entries: its scores are shrunk towards zero.");
    r->seeds.insert(QStringLiteral("permutation"), 42);
    r->timings.insert(QStringLiteral("collect"), 3.2);
    const size_t cells = size_t(L) * H;
    for (int b = 0; b < 4; ++b) {
        BlockResult &block = r->blocks[size_t(b)];
        block.block = AnalysisResult::blockName(b);
        block.scores.resize(size_t(NA) * NB * cells);
        for (float &v : block.scores)
            v = float(1e-4 * (0.2 + rng.generateDouble()));
        block.heatmap.resize(cells);
        for (auto *stat : {&block.pvalue, &block.qvalue, &block.z, &block.ratio, &block.ciLow, &block.ciHigh})
            stat->resize(cells);
        block.flagged.resize(cells);
        for (size_t i = 0; i < cells; ++i) {
            const int l = int(i) / H, h = int(i) % H;
            const double m = 1e-4 * (0.5 + 0.6 * l + 0.15 * h * (b + 1) / 2.0 + 0.4 * rng.generateDouble());
            block.heatmap[i] = float(m);
            block.z[i] = (m - 3e-4) / 5e-5;
            block.pvalue[i] = std::max(1.0 / 1001, 0.5 * std::erfc(block.z[i] / std::sqrt(2.0)));
            block.qvalue[i] = std::min(1.0, block.pvalue[i] * 3);
            block.ratio[i] = 1 + m * 1e3;
            block.ciLow[i] = m * 0.8;
            block.ciHigh[i] = m * 1.2;
            block.flagged[i] = block.qvalue[i] <= 0.05 ? 1 : 0;
        }
        block.ridgeDominatedShare = 0.03 * b;
    }
    for (int k = 0; k < 20; ++k)
        r->topConflicts.push_back({AnalysisResult::blockName(k % 4), (k * 3) % L, (k * 5) % H, k % NA, (k * 2) % NB,
                                   1e-4 * (3.0 + ((k * 7) % 20) * 0.37)});
    return r;
}

bool flaggedAt(const AnalysisResult &r, const QString &block, int layer, int head)
{
    return r.blocks[size_t(AnalysisResult::blockIndex(block))].flagged[size_t(layer * r.heads + head)];
}

QString screenshotDir()
{
    QDir().mkpath(QStringLiteral(QKOV_SCREENSHOT_DIR));
    return QStringLiteral(QKOV_SCREENSHOT_DIR);
}

// Renders page `page` of a PDF with pdftoppm; returns the image (null if the tool is missing).
QImage renderPage(const QString &pdf, int page, const QString &outStem)
{
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
    if (tool.isEmpty())
        return {};
    QProcess p;
    p.start(tool, {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("110"), QStringLiteral("-f"), QString::number(page),
                   QStringLiteral("-l"), QString::number(page), QStringLiteral("-singlefile"), pdf, outStem});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return QImage(QStringLiteral("missing"));
    return QImage(outStem + QStringLiteral(".png"));
}

int nonWhitePixels(const QImage &image)
{
    int count = 0;
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < rgb.height(); y += 2)
        for (int x = 0; x < rgb.width(); x += 2)
            count += rgb.pixel(x, y) != qRgb(255, 255, 255) ? 1 : 0;
    return count;
}

} // namespace

class TestGuiViews : public QObject
{
    Q_OBJECT
    JobRunner *m_jobs = nullptr;
    WorkbenchDocument *m_doc = nullptr;
    std::shared_ptr<AnalysisResult> m_result;

private Q_SLOTS:
    void init()
    {
        m_jobs = new JobRunner(this);
        m_doc = new WorkbenchDocument(m_jobs, this);
        m_result = syntheticResult();
    }
    void cleanup()
    {
        delete m_doc;
        delete m_jobs;
    }

    void emptyStateSaysWhatToDo()
    {
        HeatmapsPanel panel(m_doc);
        QVERIFY(!panel.hasResult());
        QVERIFY(panel.emptyMessage().contains(QStringLiteral("F5")));
        QVERIFY(panel.emptyMessage().contains(QStringLiteral("task A")));
        QVERIFY_THROWS_EXCEPTION(Error, panel.exportCurrent(QDir::temp().filePath(QStringLiteral("qkov-nothing.pdf"))));
        m_doc->setResult(m_result);
        QVERIFY(panel.hasResult());
        m_doc->setResult(nullptr);
        QVERIFY(!panel.hasResult());
    }

    void heatmapTabsHoldTheResult()
    {
        m_doc->setResult(m_result);
        HeatmapsPanel panel(m_doc);
        QCOMPARE(panel.tabs()->count(), 5);
        for (int b = 0; b < 4; ++b) {
            QCPColorMap *map = panel.heatmap(b)->colorMap();
            QCOMPARE(map->data()->keySize(), H);
            QCOMPARE(map->data()->valueSize(), L);
            QCPColorMap *compared = panel.comparison()->colorMap(b);
            for (int l = 0; l < L; ++l)
                for (int h = 0; h < H; ++h) {
                    const double expected = m_result->blocks[size_t(b)].heatmap[size_t(l * H + h)];
                    QCOMPARE(map->data()->cell(h, l), expected);
                    QCOMPARE(compared->data()->cell(h, l), expected);
                }
            const QString tip = panel.heatmap(b)->cellToolTip(2, 5);
            QVERIFY(tip.contains(QStringLiteral("KV group 2")));
            QVERIFY(tip.contains(QStringLiteral("95% CI")));
        }
        panel.setLogScale(true);
        QCOMPARE(panel.heatmap(1)->colorScale()->dataScaleType(), QCPAxis::stLogarithmic);
        panel.setLogScale(false);
        QCOMPARE(panel.heatmap(1)->colorScale()->dataScaleType(), QCPAxis::stLinear);
    }

    void clicksSelectAndDoubleClicksFreeze()
    {
        m_doc->setResult(m_result);
        HeatmapsPanel panel(m_doc);
        QSignalSpy freeze(&panel, &HeatmapsPanel::freezeToggleRequested);
        panel.resize(900, 620);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        for (int b : {2, 0}) {
            panel.setCurrentTab(b);
            HeatmapPlot *plot = panel.heatmap(b);
            plot->replot();
            const int layer = b == 2 ? 3 : 1, head = b == 2 ? 6 : 2;
            QTest::mouseClick(plot, Qt::LeftButton, {}, plot->cellCenter(layer, head));
            QCOMPARE(m_doc->selectedLayer(), layer);
            QCOMPARE(m_doc->selectedHead(), head);
            for (int other = 0; other < 4; ++other)
                QCOMPARE(panel.heatmap(other)->selectedHead(), head);
            QTest::mouseDClick(plot, Qt::LeftButton, {}, plot->cellCenter(layer, head));
            QCOMPARE(freeze.size(), 1);
            QCOMPARE(freeze[0][0].toInt(), layer);
            QCOMPARE(freeze[0][1].toInt(), head);
            QCOMPARE(freeze[0][2].value<FreezeCircuit>(), b == 2 ? FreezeCircuit::OV : FreezeCircuit::QK);
            freeze.clear();
        }
        // Arrow keys move the selection, Space asks to freeze it.
        HeatmapPlot *q = panel.heatmap(0);
        q->setFocus();
        QTest::keyClick(q, Qt::Key_Down);
        QCOMPARE(m_doc->selectedLayer(), 2);
        QTest::keyClick(q, Qt::Key_Space);
        QCOMPARE(freeze.size(), 1);
        // The comparison's cells select too.
        panel.setCurrentTab(HeatmapsPanel::CompareTab);
        BlockComparisonPlot *cmp = panel.comparison();
        cmp->replot();
        QTest::mouseClick(cmp, Qt::LeftButton, {}, cmp->cellCenter(3, 4, 7));
        QCOMPARE(m_doc->selectedLayer(), 4);
        QCOMPARE(m_doc->selectedHead(), 7);

        for (int tab = 0; tab < 5; ++tab) {
            panel.setCurrentTab(tab);
            QCoreApplication::processEvents(); // the queued replots of the selection mark
            QVERIFY(panel.grab().save(QDir(screenshotDir()).filePath(QStringLiteral("heatmaps_tab%1.png").arg(tab))));
        }
        // Dark palette: the plots follow it.
        panel.setPalette(test::darkPalette());
        panel.setCurrentTab(1);
        QCoreApplication::processEvents();
        QCOMPARE(panel.heatmap(1)->xAxis->tickLabelColor(), QColor(230, 230, 230));
        QVERIFY(panel.grab().save(QDir(screenshotDir()).filePath(QStringLiteral("heatmaps_dark.png"))));
    }

    void conflictsTableSortsFiltersCopiesExports()
    {
        m_doc->setResult(m_result);
        ConflictsPanel panel(m_doc);
        panel.resize(1200, 420);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTableView *view = panel.view();
        QCOMPARE(view->model()->rowCount(), 20);
        const auto scoreAt = [&](int row) {
            return view->model()->index(row, ConflictsModel::ScoreColumn).data(ConflictsModel::SortRole).toDouble();
        };
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            view->sortByColumn(ConflictsModel::ScoreColumn, order);
            for (int row = 1; row < 20; ++row)
                QVERIFY(order == Qt::AscendingOrder ? scoreAt(row - 1) <= scoreAt(row) : scoreAt(row - 1) >= scoreAt(row));
        }
        QVERIFY(scoreAt(0) > scoreAt(19));
        QVERIFY(panel.grab().save(QDir(screenshotDir()).filePath(QStringLiteral("conflicts.png"))));

        int flaggedRows = 0;
        for (const ConflictEntry &c : m_result->topConflicts)
            flaggedRows += flaggedAt(*m_result, c.block, c.layer, c.head) ? 1 : 0;
        QVERIFY(flaggedRows > 0 && flaggedRows < 20);
        QTest::mouseClick(panel.flaggedOnly(), Qt::LeftButton, {}, QPoint(8, panel.flaggedOnly()->height() / 2));
        QVERIFY(panel.flaggedOnly()->isChecked());
        QCOMPARE(view->model()->rowCount(), flaggedRows);
        for (int row = 0; row < view->model()->rowCount(); ++row)
            QVERIFY(view->model()->index(row, 0).data(ConflictsModel::FlaggedRole).toBool());
        panel.flaggedOnly()->setChecked(false);

        // Selecting a row selects its head.
        view->selectRow(4);
        const QModelIndex selected = view->model()->index(4, 0);
        QCOMPARE(m_doc->selectedLayer(), selected.data(ConflictsModel::LayerRole).toInt());
        QCOMPARE(m_doc->selectedHead(), selected.data(ConflictsModel::HeadRole).toInt());

        // Copy: three rows as TSV with a header.
        view->clearSelection();
        view->selectionModel()->select(QItemSelection(view->model()->index(0, 0), view->model()->index(2, ConflictsModel::ColumnCount - 1)),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
        view->setFocus();
        QApplication::clipboard()->clear();
        QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
        const QStringList lines = QApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0].split(QLatin1Char('\t')).value(0), QStringLiteral("block"));
        for (int i = 0; i < 3; ++i) {
            const QStringList fields = lines[i + 1].split(QLatin1Char('\t'));
            QCOMPARE(fields.size(), int(ConflictsModel::ColumnCount));
            QCOMPARE(fields[ConflictsModel::SampleAColumn], view->model()->index(i, ConflictsModel::SampleAColumn).data().toString());
            QCOMPARE(fields[ConflictsModel::ScoreColumn].toDouble(), scoreAt(i));
        }

        // Follow selection narrows to the selected head.
        panel.followSelection()->setChecked(true);
        m_doc->selectHead(0, 0);
        int expected = 0;
        for (const ConflictEntry &c : m_result->topConflicts)
            expected += c.layer == 0 && c.head == 0 ? 1 : 0;
        QVERIFY(expected > 0);
        QCOMPARE(view->model()->rowCount(), expected);
        panel.followSelection()->setChecked(false);
        panel.layerFilter()->setCurrentIndex(0);
        panel.headFilter()->setCurrentIndex(0);
        QCOMPARE(view->model()->rowCount(), 20);

        // Search over both samples, then CSV of the visible rows (quoted fields survive).
        panel.proxy()->setSearchText(QStringLiteral("apples"));
        int apples = 0;
        for (const ConflictEntry &c : m_result->topConflicts)
            apples += m_result->taskA.previews[c.sampleA].contains(QStringLiteral("apples")) ? 1 : 0;
        QCOMPARE(view->model()->rowCount(), apples);
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("conflicts.csv"));
        panel.exportCsv(csv);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> csvLines = file.readAll().split('\n');
        QCOMPARE(csvLines.size(), apples + 2); // header, rows, trailing newline
        QVERIFY(csvLines[1].contains("\"Tom has 3 apples, and Lily gives him 4 more. How many apples does Tom have?\""));
        QVERIFY_THROWS_EXCEPTION(Error, panel.exportCsv(dir.filePath(QStringLiteral("missing/dir/x.csv"))));
    }

    // Token labels never overlap: a small plot names every few tokens, a
    // large one every token; long pieces are cut.
    void attentionPatternLabelsFitTheirRoom()
    {
        const int T = 40;
        QStringList tokens;
        for (int i = 0; i < T; ++i)
            tokens << (i == 7 ? QStringLiteral("\u2581extraordinarily_long_piece") : QStringLiteral("t%1").arg(i));
        std::vector<float> pattern(size_t(T) * T, 0.0f);
        for (int q = 0; q < T; ++q)
            pattern[size_t(q) * T] = 1.0f;
        AttentionPatternPlot plot;
        plot.resize(420, 200);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.setPatterns(QStringLiteral("L0.H0"), tokens, pattern, pattern);
        auto ticksOf = [&](QCPAxis::AxisType type) {
            auto text = plot.baselineMap()->keyAxis()->axisRect()->axis(type)->ticker().dynamicCast<QCPAxisTickerText>();
            return text ? text->ticks() : QMap<double, QString>();
        };
        QTRY_VERIFY(plot.queryLabelStride() > 1);
        const int lineHeight = QFontMetrics(plot.baselineMap()->keyAxis()->tickLabelFont()).height();
        QVERIFY(plot.baselineMap()->keyAxis()->axisRect()->height() / (T / plot.queryLabelStride()) >= lineHeight - 1);
        QCOMPARE(ticksOf(QCPAxis::atLeft).size(), (T + plot.queryLabelStride() - 1) / plot.queryLabelStride());
        QCOMPARE(ticksOf(QCPAxis::atBottom).size(), (T + plot.keyLabelStride() - 1) / plot.keyLabelStride());
        plot.resize(1800, 1800);
        QTRY_COMPARE(plot.queryLabelStride(), 1);
        QTRY_COMPARE(plot.keyLabelStride(), 1);
        QCOMPARE(ticksOf(QCPAxis::atBottom).size(), T);
        const QString longLabel = ticksOf(QCPAxis::atBottom).value(7);
        QVERIFY2(longLabel.endsWith(QChar(0x2026)) && longLabel.startsWith(QChar(0x2423)), qPrintable(longLabel));
    }

    // Layer and head numbers never print over each other: small cells get
    // every few numbers, large ones all; the colour scale keeps its ticks apart.
    void heatmapLabelsFitTheCells()
    {
        HeatmapData data;
        data.title = QStringLiteral("labels");
        data.valueLabel = QStringLiteral("M");
        data.layers = data.heads = 12;
        for (int i = 0; i < 144; ++i)
            data.values.push_back(i * 1e-3);
        HeatmapPlot plot;
        plot.setMinimumCellSize(4);
        plot.setBaseMinimumSize(QSize(100, 100));
        plot.setData(data);
        auto ticks = [&](QCPAxis *axis) { return axis->ticker().dynamicCast<QCPAxisTickerText>()->ticks().size(); };
        plot.resize(230, 200);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        QTRY_VERIFY(ticks(plot.yAxis) < 12);
        const int lineHeight = QFontMetrics(plot.yAxis->tickLabelFont()).height();
        const double cell = plot.axisRect()->height() / plot.yAxis->range().size();
        QVERIFY2(cell * (12.0 / ticks(plot.yAxis)) >= lineHeight - 1, qPrintable(QString::number(cell)));
        QVERIFY(plot.colorScale()->axis()->ticker()->tickCount() < 5);
        plot.resize(1200, 1200);
        QTRY_COMPARE(ticks(plot.yAxis), 12);
        QTRY_COMPARE(ticks(plot.xAxis), 12);
        QTRY_COMPARE(plot.colorScale()->axis()->ticker()->tickCount(), 5);
    }

    // The overview opens at its top-left corner, the title inside the margin.
    void modelOverviewShowsTheModelFromItsCorner()
    {
        const LoadedModel model = loadModel(QStringLiteral(QKOV_SHARED_DIR "/models/stories260K"));
        QTabWidget tabs;
        auto *overview = new ModelOverview;
        tabs.addTab(new QWidget, QStringLiteral("first"));
        tabs.addTab(overview, QStringLiteral("overview"));
        tabs.resize(536, 420);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        overview->showModel(model);
        tabs.setCurrentIndex(1);
        QCoreApplication::processEvents();
        QVERIFY2(overview->text().contains(QStringLiteral("stories260K")), qPrintable(overview->text()));
        auto *scroll = overview->findChild<QScrollArea *>();
        QVERIFY(scroll);
        // Every text inside a margin and whole (a word-wrapped label given less
        // height than it needs clips its last rows).
        for (QLabel *label : overview->findChildren<QLabel *>()) {
            QVERIFY2(label->x() + label->contentsMargins().left() >= 16, qPrintable(label->text().left(40)));
            QVERIFY2(label->height() >= label->heightForWidth(label->width()), qPrintable(label->text().left(40)));
        }
        const QLabel *table = overview->findChildren<QLabel *>().front();
        QVERIFY(table->y() + table->contentsMargins().top() >= 16);
        QCOMPARE(scroll->horizontalScrollBar()->value(), 0);
        QCOMPARE(scroll->verticalScrollBar()->value(), 0);
        QVERIFY(tabs.grab().save(QDir(screenshotDir()).filePath(QStringLiteral("model_overview.png"))));
    }

    void figureExports()
    {
        m_doc->setResult(m_result);
        HeatmapsPanel panel(m_doc);
        panel.resize(900, 620);
        QTemporaryDir dir;
        panel.setCurrentTab(3);
        const QString pdf = dir.filePath(QStringLiteral("heatmap_O.pdf"));
        panel.exportCurrent(pdf);
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        QVERIFY(f.size() > 1000);
        const QImage page = renderPage(pdf, 1, QDir(screenshotDir()).filePath(QStringLiteral("export_heatmap_O")));
        if (!page.isNull())
            QVERIFY(nonWhitePixels(page) > 500);
        panel.exportCurrent(dir.filePath(QStringLiteral("heatmap_O.svg")));
        QFile svg(dir.filePath(QStringLiteral("heatmap_O.svg")));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        panel.exportCurrent(dir.filePath(QStringLiteral("heatmap_O.png")), 150);
        const QImage png(dir.filePath(QStringLiteral("heatmap_O.png")));
        QCOMPARE(png.width(), qRound(panel.heatmap(3)->preferredExportSize().width() * 150 / 72.0));
        panel.setCurrentTab(HeatmapsPanel::CompareTab);
        const QString cmp = dir.filePath(QStringLiteral("compare.pdf"));
        panel.exportCurrent(cmp);
        const QImage cmpPage = renderPage(cmp, 1, QDir(screenshotDir()).filePath(QStringLiteral("export_compare")));
        if (!cmpPage.isNull())
            QVERIFY(nonWhitePixels(cmpPage) > 500);
        QVERIFY_THROWS_EXCEPTION(Error, panel.exportCurrent(dir.filePath(QStringLiteral("figure.bmp"))));
        QVERIFY_THROWS_EXCEPTION(Error, panel.exportCurrent(dir.filePath(QStringLiteral("no/such/dir/figure.pdf"))));
    }

    void reportPdf()
    {
        QTemporaryDir dir;
        const QString pdf = QDir(screenshotDir()).filePath(QStringLiteral("report.pdf"));
        exportReport(*m_result, pdf);
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        QVERIFY(f.size() > 5000);
        const QString pdfinfo = QStandardPaths::findExecutable(QStringLiteral("pdfinfo"));
        if (!pdfinfo.isEmpty()) {
            QProcess p;
            p.start(pdfinfo, {pdf});
            QVERIFY(p.waitForFinished(30000));
            const QString info = QString::fromUtf8(p.readAllStandardOutput());
            // Settings, four heatmaps, the comparison, the conflicts table.
            QVERIFY2(info.contains(QRegularExpression(QStringLiteral("Pages:\\s+7\\b"))), qPrintable(info));
        }
        for (int page = 1; page <= 7; ++page) {
            const QImage image = renderPage(pdf, page, QDir(screenshotDir()).filePath(QStringLiteral("report_page%1").arg(page)));
            if (image.isNull())
                break;
            QVERIFY2(nonWhitePixels(image) > 500, qPrintable(QStringLiteral("page %1 is blank").arg(page)));
        }
        // Block K's page lists its top heads in the unit of its colour scale.
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (!pdftotext.isEmpty()) {
            QProcess p;
            p.start(pdftotext, {QStringLiteral("-f"), QStringLiteral("3"), QStringLiteral("-l"), QStringLiteral("3"), pdf,
                                QStringLiteral("-")});
            QVERIFY(p.waitForFinished(30000));
            const QString text = QString::fromUtf8(p.readAllStandardOutput());
            const std::vector<float> &k = m_result->blocks[1].heatmap;
            const double top = *std::max_element(k.begin(), k.end());
            const int exponent = plotstyle::displayExponent(top);
            QVERIFY2(text.contains(QStringLiteral("Score") + plotstyle::exponentSuffix(exponent)), qPrintable(text));
            QVERIFY2(text.contains(exponent != 0 ? QString::number(top / std::pow(10.0, exponent), 'f', 3)
                                                 : QString::number(top, 'g', 4)),
                     qPrintable(text));
        }
        QVERIFY_THROWS_EXCEPTION(Error, exportReport(AnalysisResult(), dir.filePath(QStringLiteral("empty.pdf"))));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("empty.pdf"))));
        QVERIFY_THROWS_EXCEPTION(Error, exportReport(*m_result, dir.filePath(QStringLiteral("no/such/dir/r.pdf"))));
    }
};

QTEST_MAIN(TestGuiViews)
#include "tst_gui_views.moc"
