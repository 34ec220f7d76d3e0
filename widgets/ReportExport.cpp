#include "ReportExport.h"

#include "Error.h"
#include "FigureExport.h"
#include "PlotStyle.h"
#include "itemmodels/ConflictsModel.h"
#include "session/AnalysisResult.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QGuiApplication>
#include <QJsonValue>
#include <QPdfWriter>
#include <QSaveFile>
#include <QScreen>
#include <cmath>

namespace qkov {

// The translation context of the report's texts (lupdate reads it).
class ReportExportText
{
    Q_DECLARE_TR_FUNCTIONS(qkov::ReportExport)
};

namespace {

QString jsonText(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 10);
    if (v.isString())
        return v.toString().isEmpty() ? ReportExportText::tr("(none)") : v.toString();
    return v.toVariant().toString();
}

// Lays text, tables and figures out top to bottom on A4 pages, breaking pages
// as needed; every page gets a footer with the model and the page number.
class ReportPainter
{
public:
    ReportPainter(QPdfWriter &writer, QCPPainter &painter, QString footer)
        : m_writer(writer), m_painter(painter), m_footer(std::move(footer))
    {
        const QRect paint = writer.pageLayout().paintRectPixels(writer.resolution());
        m_width = paint.width();
        m_bottom = paint.height() - lineHeight(font(8)) - 6; // room for the footer
        drawFooter();
    }

    int width() const { return m_width; }
    int remaining() const { return m_bottom - m_y; }
    QFont font(double points, bool bold = false) const
    {
        QFont f(QStringLiteral("DejaVu Sans"));
        f.setStyleHint(QFont::SansSerif);
        f.setPointSizeF(points);
        f.setBold(bold);
        return f;
    }
    int lineHeight(const QFont &f) const { return QFontMetrics(f, &m_writer).lineSpacing(); }

    void newPage()
    {
        if (!m_writer.newPage())
            throw Error(QString(), ReportExportText::tr("could not start a new page"));
        ++m_page;
        m_y = 0;
        drawFooter();
    }
    void ensure(int height)
    {
        if (m_y > 0 && height > remaining())
            newPage();
    }
    void skip(int height) { m_y += height; }

    void heading(const QString &text, double points = 12)
    {
        const QFont f = font(points, true);
        ensure(lineHeight(f) * 3);
        m_y += m_y > 0 ? lineHeight(f) / 2 : 0;
        m_painter.setFont(f);
        m_painter.setPen(Qt::black);
        m_painter.drawText(QRect(0, m_y, m_width, lineHeight(f)), Qt::AlignLeft | Qt::AlignVCenter, text);
        m_y += lineHeight(f) + 2;
        m_painter.setPen(QPen(QColor(150, 150, 150), 0.8));
        m_painter.drawLine(QPointF(0, m_y), QPointF(m_width, m_y));
        m_y += 4;
    }

    void paragraph(const QString &text, double points = 9, const QColor &color = Qt::black)
    {
        const QFont f = font(points);
        m_painter.setFont(f);
        const QRect bounds = m_painter.boundingRect(QRect(0, 0, m_width, 100000), Qt::TextWordWrap | Qt::AlignLeft, text);
        ensure(bounds.height());
        m_painter.setPen(color);
        m_painter.drawText(QRect(0, m_y, m_width, bounds.height()), Qt::TextWordWrap | Qt::AlignLeft, text);
        m_y += bounds.height() + 3;
    }

    // Key-value pairs in `columns` side-by-side columns; long values wrap.
    void keyValues(const QList<QPair<QString, QString>> &rows, int columns = 1, double points = 9)
    {
        const QFont keyFont = font(points, true), valueFont = font(points);
        const int gap = 14, columnWidth = (m_width - gap * (columns - 1)) / columns;
        const int keyWidth = columns == 1 ? columnWidth / 4 : columnWidth / 2;
        const int perColumn = (int(rows.size()) + columns - 1) / columns;
        for (int r = 0; r < perColumn; ++r) {
            int height = lineHeight(valueFont);
            for (int c = 0; c < columns; ++c) {
                const int i = c * perColumn + r;
                if (i < rows.size()) {
                    m_painter.setFont(valueFont);
                    height = std::max(height, m_painter.boundingRect(QRect(0, 0, columnWidth - keyWidth, 100000),
                                                                     Qt::TextWrapAnywhere, rows[i].second).height());
                }
            }
            ensure(height);
            for (int c = 0; c < columns; ++c) {
                const int i = c * perColumn + r;
                if (i >= rows.size())
                    continue;
                const QString value = rows[i].second.isEmpty() ? ReportExportText::tr("(not recorded)") : rows[i].second;
                const int x = c * (columnWidth + gap);
                m_painter.setPen(Qt::black);
                m_painter.setFont(keyFont);
                m_painter.drawText(QRect(x, m_y, keyWidth - 6, height), Qt::AlignLeft | Qt::AlignTop, rows[i].first);
                m_painter.setFont(valueFont);
                m_painter.drawText(QRect(x + keyWidth, m_y, columnWidth - keyWidth, height), Qt::TextWrapAnywhere, value);
            }
            m_y += height + 2;
        }
    }

    // A plot drawn in vector mode at `size` device units, centred.
    template<class Plot>
    void figure(Plot &plot, const QSize &size)
    {
        ensure(size.height());
        m_painter.save();
        m_painter.translate((m_width - size.width()) / 2, m_y);
        plot.renderForPrint(&m_painter, size);
        m_painter.restore();
        m_y += size.height() + 6;
    }

    // A table with a repeated header on every page; cells are elided to fit.
    void table(const QStringList &header, const QList<double> &widths, const QList<QStringList> &rows,
               const QList<Qt::Alignment> &align, double points = 8)
    {
        const QFont headFont = font(points, true), cellFont = font(points);
        const int rowHeight = lineHeight(cellFont) + 6;
        // Columns of width 0 fit their widest cell; the others share the rest by weight.
        const QFontMetrics headMetrics(headFont, &m_writer), cellMetrics(cellFont, &m_writer);
        QList<int> fitted;
        double weights = 0;
        int fixed = 0;
        for (int c = 0; c < widths.size(); ++c) {
            int w = 0;
            if (widths[c] <= 0) {
                w = headMetrics.horizontalAdvance(header.value(c)) + 10;
                for (const QStringList &row : rows)
                    w = std::max(w, cellMetrics.horizontalAdvance(row.value(c)) + 10);
                fixed += w;
            } else {
                weights += widths[c];
            }
            fitted << w;
        }
        QList<int> x{0};
        for (int c = 0; c < widths.size(); ++c)
            x << x.last() + (widths[c] <= 0 ? fitted[c] : int(std::floor(widths[c] / weights * std::max(0, m_width - fixed))));
        const auto drawRow = [&](const QStringList &cells, const QFont &f, bool shade) {
            if (shade)
                m_painter.fillRect(QRect(0, m_y, m_width, rowHeight), QColor(242, 242, 242));
            m_painter.setFont(f);
            m_painter.setPen(Qt::black);
            const QFontMetrics metrics(f, &m_writer);
            for (int c = 0; c < cells.size() && c + 1 < x.size(); ++c) {
                const QRect cell(x[c] + 3, m_y, x[c + 1] - x[c] - 6, rowHeight);
                m_painter.drawText(cell, int(align.value(c, Qt::AlignLeft)) | Qt::AlignVCenter,
                                   metrics.elidedText(cells[c], Qt::ElideRight, cell.width()));
            }
            m_y += rowHeight;
        };
        const auto drawHeader = [&] {
            drawRow(header, headFont, false);
            m_painter.setPen(QPen(Qt::black, 0.8));
            m_painter.drawLine(QPointF(0, m_y), QPointF(m_width, m_y));
            m_y += 1;
        };
        ensure(rowHeight * 3);
        drawHeader();
        for (int r = 0; r < rows.size(); ++r) {
            if (rowHeight > remaining()) {
                newPage();
                drawHeader();
            }
            drawRow(rows[r], cellFont, r % 2 == 1);
        }
    }

private:
    void drawFooter()
    {
        const QRect paint = m_writer.pageLayout().paintRectPixels(m_writer.resolution());
        const QFont f = font(7.5);
        m_painter.setFont(f);
        m_painter.setPen(QColor(90, 90, 90));
        const QRect line(0, paint.height() - lineHeight(f), m_width, lineHeight(f));
        m_painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter, m_footer);
        m_painter.drawText(line, Qt::AlignRight | Qt::AlignVCenter, ReportExportText::tr("page %1").arg(m_page));
    }

    QPdfWriter &m_writer;
    QCPPainter &m_painter;
    QString m_footer;
    int m_width = 0, m_bottom = 0, m_y = 0, m_page = 1;
};

void writeSettingsPage(ReportPainter &out, const AnalysisResult &r)
{
    out.heading(ReportExportText::tr("QKOV interference report"), 17);
    out.paragraph(ReportExportText::tr("%1: %2 vs %3. Generated %4 by QKOV Workbench.")
                      .arg(figureModelName(r), r.taskA.name, r.taskB.name,
                           QLocale::c().toString(QDateTime::currentDateTime(), QStringLiteral("yyyy-MM-dd HH:mm"))),
                  10);

    out.heading(ReportExportText::tr("Model"));
    out.keyValues({{ReportExportText::tr("Path"), r.modelPath},
                   {ReportExportText::tr("Architecture"), r.architecture},
                   {ReportExportText::tr("Layers x heads"), QStringLiteral("%1 x %2").arg(r.layers).arg(r.heads)},
                   {ReportExportText::tr("KV heads"), QString::number(r.kvHeads)},
                   {ReportExportText::tr("SHA-256"), r.modelSha256}});

    out.heading(ReportExportText::tr("Tasks"));
    for (const TaskSummary *task : {&r.taskA, &r.taskB})
        out.keyValues({{task == &r.taskA ? ReportExportText::tr("Task A") : ReportExportText::tr("Task B"), ReportExportText::tr("%1 (n = %2 samples)").arg(task->name).arg(task->n())},
                       {ReportExportText::tr("File"), task->path},
                       {ReportExportText::tr("SHA-256"), task->sha256}});

    out.heading(ReportExportText::tr("Analysis settings"));
    const QJsonObject settings = r.settings.toJson();
    QList<QPair<QString, QString>> rows;
    for (auto it = settings.begin(); it != settings.end(); ++it)
        rows << qMakePair(it.key(), jsonText(it.value()));
    for (auto it = r.seeds.begin(); it != r.seeds.end(); ++it)
        rows << qMakePair(ReportExportText::tr("seed used (%1)").arg(it.key()), QString::number(it.value()));
    out.keyValues(rows, 2);

    out.heading(ReportExportText::tr("Summary per block"));
    QList<QStringList> summary;
    for (int b = 0; b < 4; ++b) {
        const BlockResult &block = r.blocks[size_t(b)];
        double maxValue = -qInf(), sum = 0;
        for (float v : block.heatmap) {
            maxValue = std::max(maxValue, double(v));
            sum += v;
        }
        int flagged = 0;
        for (uint8_t f : block.flagged)
            flagged += f ? 1 : 0;
        summary << QStringList{AnalysisResult::blockName(b), QString::number(flagged),
                               QString::number(block.heatmap.empty() ? 0 : sum / double(block.heatmap.size()), 'g', 4),
                               QString::number(block.heatmap.empty() ? 0 : maxValue, 'g', 4),
                               QStringLiteral("%1 %").arg(100.0 * block.ridgeDominatedShare, 0, 'f', 1)};
    }
    out.table({ReportExportText::tr("Block"), ReportExportText::tr("Flagged heads"), ReportExportText::tr("Mean score"), ReportExportText::tr("Max score"), ReportExportText::tr("Ridge-dominated")}, {1, 2, 2, 2, 2},
              summary, {Qt::AlignLeft, Qt::AlignRight, Qt::AlignRight, Qt::AlignRight, Qt::AlignRight}, 9);

    if (!r.timings.isEmpty()) {
        out.heading(ReportExportText::tr("Timings"));
        QList<QPair<QString, QString>> timings;
        for (auto it = r.timings.begin(); it != r.timings.end(); ++it)
            timings << qMakePair(it.key(), ReportExportText::tr("%1 s").arg(it.value(), 0, 'f', 2));
        out.keyValues(timings, 2);
    }
    out.heading(ReportExportText::tr("Warnings"));
    if (r.warnings.isEmpty())
        out.paragraph(ReportExportText::tr("None."));
    for (const QString &w : r.warnings)
        out.paragraph(QStringLiteral("\u2022 ") + w, 9, QColor(140, 60, 0));
}

QString flaggedHeadsText(const AnalysisResult &r, int b)
{
    const BlockResult &block = r.blocks[size_t(b)];
    QStringList heads;
    for (int l = 0; l < r.layers; ++l)
        for (int h = 0; h < r.heads; ++h) {
            const size_t i = size_t(l) * size_t(r.heads) + size_t(h);
            if (i < block.flagged.size() && block.flagged[i])
                heads << ReportExportText::tr("L%1.H%2 (score %3, q %4)")
                             .arg(l).arg(h).arg(i < block.heatmap.size() ? block.heatmap[i] : qQNaN(), 0, 'g', 3)
                             .arg(i < block.qvalue.size() ? block.qvalue[i] : qQNaN(), 0, 'g', 2);
        }
    if (heads.isEmpty())
        return ReportExportText::tr("No head of block %1 is flagged at FDR alpha = %2.").arg(AnalysisResult::blockName(b)).arg(r.settings.alpha);
    return ReportExportText::tr("Flagged heads of block %1 (FDR alpha = %2, outlined): %3.")
        .arg(AnalysisResult::blockName(b)).arg(r.settings.alpha).arg(heads.join(QStringLiteral(", ")));
}

// The block's ten highest-scoring heads with their statistics.
void writeTopHeads(ReportPainter &out, const AnalysisResult &r, int b)
{
    const BlockResult &block = r.blocks[size_t(b)];
    std::vector<size_t> order(block.heatmap.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    const size_t shown = std::min<size_t>(10, order.size());
    std::partial_sort(order.begin(), order.begin() + long(shown), order.end(),
                      [&](size_t a, size_t c) { return block.heatmap[a] > block.heatmap[c]; });
    const auto at = [](const std::vector<double> &v, size_t i) { return i < v.size() ? v[i] : qQNaN(); };
    // Scores and CIs in the unit of the block's heatmap scale (x 10^e), with
    // fixed decimals, so that the column reads and aligns like the figure.
    double largest = 0;
    for (size_t k = 0; k < shown; ++k)
        if (std::isfinite(block.heatmap[order[k]]))
            largest = std::max(largest, double(std::abs(block.heatmap[order[k]])));
    const int exponent = plotstyle::displayExponent(largest);
    const double unit = std::pow(10.0, exponent);
    const auto number = [&](double v, int decimals, int digits) {
        return exponent != 0 ? QString::number(v / unit, 'f', decimals) : QString::number(v, 'g', digits);
    };
    QList<QStringList> rows;
    for (size_t k = 0; k < shown; ++k) {
        const size_t i = order[k];
        rows << QStringList{QString::number(int(i) / r.heads), QString::number(int(i) % r.heads),
                            number(block.heatmap[i], 3, 4),
                            QStringLiteral("[%1, %2]").arg(number(at(block.ciLow, i), 2, 3), number(at(block.ciHigh, i), 2, 3)),
                            QString::number(at(block.z, i), 'f', 2), QString::number(at(block.pvalue, i), 'g', 3),
                            QString::number(at(block.qvalue, i), 'g', 3),
                            i < block.flagged.size() && block.flagged[i] ? ReportExportText::tr("yes") : ReportExportText::tr("no")};
    }
    out.heading(ReportExportText::tr("Highest-scoring heads of block %1").arg(AnalysisResult::blockName(b)), 11);
    const auto R = Qt::AlignRight;
    out.table({ReportExportText::tr("Layer"), ReportExportText::tr("Head"), ReportExportText::tr("Score") + plotstyle::exponentSuffix(exponent),
               ReportExportText::tr("95% CI") + plotstyle::exponentSuffix(exponent), ReportExportText::tr("z"), ReportExportText::tr("p"), ReportExportText::tr("q"), ReportExportText::tr("FDR")}, {1, 1, 2, 3, 1.5, 1.5, 1.5, 1},
              rows, {R, R, R, R, R, R, R, Qt::AlignHCenter}, 9);
}

QSize fitToWidth(const QSize &preferred, int width, int maxHeight)
{
    int height = int(std::round(double(width) * preferred.height() / preferred.width()));
    if (height > maxHeight) {
        width = int(std::round(double(maxHeight) * preferred.width() / preferred.height()));
        height = maxHeight;
    }
    return {width, height};
}

void writeConflicts(ReportPainter &out, const AnalysisResult &r, std::shared_ptr<const AnalysisResult> shared)
{
    out.heading(ReportExportText::tr("Top conflicts"));
    out.paragraph(ReportExportText::tr("The sample pairs with the highest interference scores (%1 listed; p and q are the head's). "
                     "Text previews are cut to fit; the session file and the CSV export keep them whole.")
                      .arg(r.topConflicts.size()));
    ConflictsModel model;
    model.setResult(std::move(shared));
    QList<int> order;
    for (int i = 0; i < model.rowCount(); ++i)
        order << i;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return model.index(a, ConflictsModel::ScoreColumn).data(ConflictsModel::SortRole).toDouble()
               > model.index(b, ConflictsModel::ScoreColumn).data(ConflictsModel::SortRole).toDouble();
    });
    QList<QStringList> rows;
    for (int i = 0; i < order.size(); ++i) {
        QStringList cells{QString::number(i + 1)};
        for (int c = 0; c < ConflictsModel::ColumnCount; ++c)
            if (c != ConflictsModel::PColumn)
                cells << model.index(order[i], c).data().toString();
        rows << cells;
    }
    const auto R = Qt::AlignRight, L = Qt::AlignLeft;
    out.table({ReportExportText::tr("#"), ReportExportText::tr("Block"), ReportExportText::tr("Layer"), ReportExportText::tr("Head"), ReportExportText::tr("Sample A"), ReportExportText::tr("Text A"), ReportExportText::tr("Sample B"), ReportExportText::tr("Text B"),
               ReportExportText::tr("Score"), ReportExportText::tr("q"), ReportExportText::tr("FDR")},
              {0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0}, rows, {R, Qt::AlignHCenter, R, R, L, L, L, L, R, R, Qt::AlignHCenter});
}

} // namespace

void exportReport(const AnalysisResult &result, const QString &pdfPath)
{
    if (result.isEmpty() || result.layers <= 0 || result.heads <= 0)
        throw Error(pdfPath, ReportExportText::tr("the analysis result has no heatmaps to report"));
    QSaveFile file(pdfPath);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(pdfPath, ReportExportText::tr("cannot open the file for writing (%1)").arg(file.errorString()));
    // The plots lay their text out with screen font metrics: drawing at the
    // screen's logical DPI keeps labels where the layout put them.
    const QScreen *screen = QGuiApplication::primaryScreen();
    const int dpi = screen ? qBound(72, qRound(screen->logicalDotsPerInchY()), 300) : 96;
    {
        QPdfWriter writer(&file);
        writer.setResolution(dpi);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(16, 16, 16, 14), QPageLayout::Millimeter);
        writer.setTitle(ReportExportText::tr("QKOV report - %1 - %2 vs %3").arg(figureModelName(result), result.taskA.name, result.taskB.name));
        writer.setCreator(QStringLiteral("QKOV Workbench"));
        QCPPainter painter;
        if (!painter.begin(&writer))
            throw Error(pdfPath, ReportExportText::tr("cannot start the PDF"));
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        painter.setRenderHint(QPainter::Antialiasing);
        try {
            ReportPainter out(writer, painter,
                              ReportExportText::tr("QKOV report - %1 - %2 vs %3").arg(figureModelName(result), result.taskA.name, result.taskB.name));
            writeSettingsPage(out, result);
            QFont plotFont(QStringLiteral("DejaVu Sans"));
            plotFont.setPointSizeF(9);
            for (int b = 0; b < 4; ++b) {
                out.newPage();
                HeatmapPlot plot;
                plot.setFont(plotFont);
                plot.setData(heatmapDataFor(result, b));
                // Full width, and just tall enough for square cells (plus title and axis labels).
                const int cell = (out.width() - 170) / qMax(1, result.heads);
                out.figure(plot, QSize(out.width(), qBound(260, 120 + cell * result.layers, out.remaining() * 2 / 3)));
                out.paragraph(flaggedHeadsText(result, b));
                writeTopHeads(out, result, b);
            }
            out.newPage();
            BlockComparisonPlot comparison;
            comparison.setFont(plotFont);
            comparison.setData(comparisonDataFor(result));
            out.figure(comparison, fitToWidth(comparison.preferredExportSize(), out.width(), out.remaining() * 2 / 3));
            out.paragraph(ReportExportText::tr("All four blocks on one shared colour scale; bars: each block's mean over all heads."));
            out.newPage();
            // Non-owning (aliasing) pointer: the model lives only while `result` does.
            writeConflicts(out, result, std::shared_ptr<const AnalysisResult>(std::shared_ptr<void>(), &result));
        } catch (const Error &e) {
            painter.end();
            throw Error(pdfPath, e.problem());
        }
        if (!painter.end())
            throw Error(pdfPath, ReportExportText::tr("could not finish the PDF"));
    }
    if (!file.commit())
        throw Error(pdfPath, ReportExportText::tr("could not write the file (%1)").arg(file.errorString()));
}

} // namespace qkov
