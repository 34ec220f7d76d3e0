#include "SessionSummary.h"

#include "AnalysisResult.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace qkov {

namespace {

// [L, H] row-major values as a list of L lists of H values.
template <typename T, typename Convert>
QJsonArray grid(const std::vector<T> &values, int layers, int heads, Convert convert)
{
    QJsonArray rows;
    for (int l = 0; l < layers; ++l) {
        QJsonArray row;
        for (int h = 0; h < heads; ++h)
            row.append(convert(values[size_t(l) * size_t(heads) + size_t(h)]));
        rows.append(row);
    }
    return rows;
}

template <typename T>
QJsonArray numberGrid(const std::vector<T> &values, int layers, int heads)
{
    // JSON has no NaN or infinity (a degenerate null gives z = NaN): null, explicitly.
    return grid(values, layers, heads, [](T v) { return std::isfinite(double(v)) ? QJsonValue(double(v)) : QJsonValue(); });
}

// A block with every [L, H] array complete; anything else is not shown (SessionFile refuses it).
bool complete(const BlockResult &b, const AnalysisResult &r)
{
    const size_t cells = size_t(std::max(r.layers, 0)) * size_t(std::max(r.heads, 0));
    return cells > 0 && b.heatmap.size() == cells && b.pvalue.size() == cells && b.qvalue.size() == cells && b.z.size() == cells
        && b.ratio.size() == cells && b.ciLow.size() == cells && b.ciHigh.size() == cells && b.flagged.size() == cells;
}

int flaggedCount(const BlockResult &block)
{
    return int(std::count_if(block.flagged.begin(), block.flagged.end(), [](uint8_t f) { return f != 0; }));
}

QString sampleId(const TaskSummary &task, int index)
{
    return index >= 0 && index < task.sampleIds.size() ? task.sampleIds[index] : QString::number(index);
}

QString preview(const TaskSummary &task, int index)
{
    return index >= 0 && index < task.previews.size() ? task.previews[index] : QString();
}

// A JSON value as settings print it: strings bare, numbers shortest.
QString settingText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString().isEmpty() ? QStringLiteral("none") : v.toString();
    if (v.isBool())
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    return QString::number(v.toDouble(), 'g', 12);
}

} // namespace

QJsonObject sessionSummaryJson(const AnalysisResult &r)
{
    QJsonObject json;
    json.insert(QStringLiteral("model"), r.modelPath);
    json.insert(QStringLiteral("architecture"), r.architecture);
    json.insert(QStringLiteral("layers"), r.layers);
    json.insert(QStringLiteral("heads"), r.heads);
    json.insert(QStringLiteral("kv_heads"), r.kvHeads);
    json.insert(QStringLiteral("tasks"),
                QJsonObject{{QStringLiteral("a"), QJsonObject{{QStringLiteral("name"), r.taskA.name}, {QStringLiteral("n"), r.nA()}}},
                            {QStringLiteral("b"), QJsonObject{{QStringLiteral("name"), r.taskB.name}, {QStringLiteral("n"), r.nB()}}}});
    QJsonObject blocks;
    for (const BlockResult &b : r.blocks) {
        if (!complete(b, r))
            continue;
        const int L = r.layers, H = r.heads;
        blocks.insert(b.block,
                      QJsonObject{{QStringLiteral("heatmap"), numberGrid(b.heatmap, L, H)},
                                  {QStringLiteral("p"), numberGrid(b.pvalue, L, H)},
                                  {QStringLiteral("q"), numberGrid(b.qvalue, L, H)},
                                  {QStringLiteral("z"), numberGrid(b.z, L, H)},
                                  {QStringLiteral("ratio"), numberGrid(b.ratio, L, H)},
                                  {QStringLiteral("ci_low"), numberGrid(b.ciLow, L, H)},
                                  {QStringLiteral("ci_high"), numberGrid(b.ciHigh, L, H)},
                                  {QStringLiteral("flagged"), grid(b.flagged, L, H, [](uint8_t f) { return QJsonValue(f != 0); })},
                                  {QStringLiteral("flagged_count"), flaggedCount(b)},
                                  {QStringLiteral("ridge_dominated_share"), b.ridgeDominatedShare}});
    }
    json.insert(QStringLiteral("blocks"), blocks);
    QJsonArray conflicts;
    for (const ConflictEntry &c : r.topConflicts)
        conflicts.append(QJsonObject{{QStringLiteral("block"), c.block},
                                     {QStringLiteral("layer"), c.layer},
                                     {QStringLiteral("head"), c.head},
                                     {QStringLiteral("sample_a"), sampleId(r.taskA, c.sampleA)},
                                     {QStringLiteral("sample_b"), sampleId(r.taskB, c.sampleB)},
                                     {QStringLiteral("preview_a"), preview(r.taskA, c.sampleA)},
                                     {QStringLiteral("preview_b"), preview(r.taskB, c.sampleB)},
                                     {QStringLiteral("score"), c.score}});
    json.insert(QStringLiteral("top_conflicts"), conflicts);
    QJsonObject timings;
    for (auto it = r.timings.cbegin(); it != r.timings.cend(); ++it)
        timings.insert(it.key(), it.value());
    json.insert(QStringLiteral("timings"), timings);
    json.insert(QStringLiteral("settings"), r.settings.toJson());
    json.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(r.warnings));
    return json;
}

void writeSessionSummaryText(QTextStream &out, const AnalysisResult &r, int topHeads)
{
    out << tr("Model:      %1").arg(r.modelPath) << "\n"
        << tr("            %1, %2 layers, %3 heads, %4 key/value heads").arg(r.architecture).arg(r.layers).arg(r.heads).arg(r.kvHeads) << "\n";
    for (const auto &[label, task] : {std::pair{tr("Task A:"), &r.taskA}, std::pair{tr("Task B:"), &r.taskB}})
        out << label.leftJustified(12) << tr("%1, %2 samples (%3)").arg(task->name).arg(task->n()).arg(task->path) << "\n";

    // Settings as key=value, wrapped to readable lines.
    const QJsonObject settings = r.settings.toJson();
    QString line = tr("Settings:  ");
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        const QString item = QStringLiteral(" %1=%2").arg(it.key(), settingText(it.value()));
        if (line.size() + item.size() > 96) {
            out << line << "\n";
            line = QString(11, QLatin1Char(' '));
        }
        line += item;
    }
    out << line << "\n";

    if (std::none_of(r.blocks.begin(), r.blocks.end(), [&](const BlockResult &b) { return complete(b, r); }))
        out << tr("No analysis results in this session.") << "\n";
    for (const BlockResult &b : r.blocks) {
        if (!complete(b, r))
            continue;
        out << "\n" << tr("Block %1: %2 of %3 heads flagged (q < %4, |z| >= %5)")
                           .arg(b.block).arg(flaggedCount(b)).arg(b.heatmap.size()).arg(r.settings.alpha).arg(r.settings.minEffect) << "\n";
        std::vector<size_t> order(b.heatmap.size());
        std::iota(order.begin(), order.end(), size_t(0));
        const size_t shown = std::min(order.size(), size_t(std::max(topHeads, 0)));
        std::partial_sort(order.begin(), order.begin() + qsizetype(shown), order.end(),
                          [&](size_t x, size_t y) { return b.heatmap[x] > b.heatmap[y]; });
        for (size_t i = 0; i < shown; ++i) {
            const size_t cell = order[i];
            out << "  " << QStringLiteral("L%1.H%2").arg(cell / size_t(r.heads)).arg(cell % size_t(r.heads)).leftJustified(9)
                << tr("mean %1  p %2  q %3  z %4%5")
                       .arg(double(b.heatmap[cell]), 0, 'g', 4).arg(b.pvalue[cell], 0, 'g', 3).arg(b.qvalue[cell], 0, 'g', 3)
                       .arg(b.z[cell], 0, 'f', 2).arg(b.flagged[cell] ? tr("  flagged") : QString())
                << "\n";
        }
    }
    if (!r.topConflicts.empty()) {
        out << "\n" << tr("Top conflicts:") << "\n";
        const size_t shown = std::min(r.topConflicts.size(), size_t(10));
        for (size_t i = 0; i < shown; ++i) {
            const ConflictEntry &c = r.topConflicts[i];
            out << "  " << tr("%1 L%2.H%3  A %4 x B %5  %6").arg(c.block).arg(c.layer).arg(c.head)
                               .arg(sampleId(r.taskA, c.sampleA), sampleId(r.taskB, c.sampleB)).arg(c.score, 0, 'g', 4) << "\n";
        }
        if (r.topConflicts.size() > shown)
            out << "  " << tr("(%1 more)").arg(r.topConflicts.size() - shown) << "\n";
    }
    if (!r.timings.isEmpty()) {
        QStringList stages;
        for (auto it = r.timings.cbegin(); it != r.timings.cend(); ++it)
            stages << QStringLiteral("%1 %2 s").arg(it.key()).arg(it.value(), 0, 'f', 2);
        out << "\n" << tr("Timings:    %1").arg(stages.join(QStringLiteral(", "))) << "\n";
    }
    for (const QString &w : r.warnings)
        out << tr("Warning:    %1").arg(w) << "\n";
    out.flush();
}

} // namespace qkov
