#include "FigureExport.h"

#include "Error.h"
#include "session/AnalysisResult.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace qkov {

namespace {


QString valueLabel(const AnalysisResult &r)
{
    if (r.settings.variant == QLatin1String("signed"))
        return QCoreApplication::translate("qkov::FigureExport", "signed interference M");
    return QCoreApplication::translate("qkov::FigureExport", "interference M");
}

template<class T>
std::vector<double> toDouble(const std::vector<T> &v)
{
    return std::vector<double>(v.begin(), v.end());
}

} // namespace

QString figureModelName(const AnalysisResult &result)
{
    const QString name = QFileInfo(result.modelPath).fileName();
    return name.isEmpty() ? result.modelPath : name;
}

HeatmapData heatmapDataFor(const AnalysisResult &result, int block)
{
    const BlockResult &b = result.blocks[size_t(block)];
    HeatmapData d;
    d.title = QCoreApplication::translate("qkov::FigureExport", "Block %1 - %2 - %3 vs %4")
                  .arg(AnalysisResult::blockName(block), figureModelName(result), result.taskA.name, result.taskB.name);
    d.valueLabel = valueLabel(result);
    d.layers = result.layers;
    d.heads = result.heads;
    d.kvGroupSize = result.kvHeads > 0 ? qMax(1, result.heads / result.kvHeads) : 1;
    d.values = toDouble(b.heatmap);
    d.flagged = b.flagged;
    d.p = b.pvalue;
    d.q = b.qvalue;
    d.z = b.z;
    d.ciLow = b.ciLow;
    d.ciHigh = b.ciHigh;
    d.diverging = result.settings.variant == QLatin1String("signed");
    return d;
}

BlockComparisonData comparisonDataFor(const AnalysisResult &result)
{
    BlockComparisonData d;
    d.title = QCoreApplication::translate("qkov::FigureExport", "Blocks compared - %1 - %2 vs %3")
                  .arg(figureModelName(result), result.taskA.name, result.taskB.name);
    d.valueLabel = valueLabel(result);
    d.layers = result.layers;
    d.heads = result.heads;
    for (size_t b = 0; b < 4; ++b) {
        d.values[b] = toDouble(result.blocks[b].heatmap);
        d.flagged[b] = result.blocks[b].flagged;
    }
    d.diverging = result.settings.variant == QLatin1String("signed");
    return d;
}

QStringList exportAnalysisFigures(const AnalysisResult &result, const QString &dir)
{
    if (!QDir().mkpath(dir))
        throw Error(dir, QCoreApplication::translate("qkov::FigureExport", "cannot create the folder"));
    QStringList written;
    for (int b = 0; b < 4; ++b) {
        HeatmapPlot plot;
        plot.setData(heatmapDataFor(result, b));
        const QString path = QDir(dir).filePath(QStringLiteral("heatmap_%1.pdf").arg(AnalysisResult::blockName(b)));
        if (!plot.exportPdf(path))
            throw Error(path, QCoreApplication::translate("qkov::FigureExport", "could not write the PDF"));
        written << path;
    }
    BlockComparisonPlot comparison;
    comparison.setData(comparisonDataFor(result));
    const QString path = QDir(dir).filePath(QStringLiteral("block_comparison.pdf"));
    if (!comparison.exportPdf(path))
        throw Error(path, QCoreApplication::translate("qkov::FigureExport", "could not write the PDF"));
    written << path;
    return written;
}

} // namespace qkov
