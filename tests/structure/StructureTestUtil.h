#pragma once
// Shared checks for the structure tests: load a synthetic checkpoint, assert
// a slice's placement, and verify METRIC.md section 3 (per tensor, the heads'
// slices never overlap and together cover the whole axis).
#include "SyntheticCheckpoint.h"
#include "model/ModelLoader.h"

#include <QJsonObject>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

namespace qkov::test {

// Writes the checkpoint into a fresh sub-folder of `root` and loads it.
inline LoadedModel loadSynthetic(const QTemporaryDir &root, const QJsonObject &config, const TensorShapes &tensors,
                                 const QMap<QString, QString> &metadata = {})
{
    static int counter = 0;
    const QString dir = root.filePath(QStringLiteral("model%1").arg(++counter));
    writeCheckpoint(dir, config, tensors, metadata);
    return loadModel(dir);
}

// "" when every tensor used by `layer` is covered exactly once by its heads'
// slices along one axis; otherwise what is wrong.
inline QString coverageProblem(const AttentionLayer &layer, const TensorStore &store)
{
    const std::pair<const char *, const BlockSlice *> blocks[] = {{"Q", &layer.q}, {"K", &layer.k}, {"V", &layer.v}, {"O", &layer.o}};
    QMap<QString, std::vector<std::pair<const char *, const BlockSlice *>>> byTensor;
    for (const auto &block : blocks) {
        if (!block.second->isValid())
            return QStringLiteral("%1: block %2 is not a valid slice").arg(layer.module, block.first);
        byTensor[block.second->tensor].push_back(block);
    }
    for (auto it = byTensor.cbegin(); it != byTensor.cend(); ++it) {
        if (!store.contains(it.key()))
            return QStringLiteral("%1: tensor %2 is not in the checkpoint").arg(layer.module, it.key());
        const std::vector<int64_t> shape = store.meta(it.key()).shape;
        if (shape.size() != 2)
            return QStringLiteral("%1: tensor %2 is not 2-D").arg(layer.module, it.key());
        const Axis axis = it.value().front().second->axis;
        const int64_t extent = axis == Axis::Rows ? shape[0] : shape[1];
        std::vector<int> owners(size_t(extent), 0);
        for (const auto &[name, slice] : it.value()) {
            if (slice->axis != axis)
                return QStringLiteral("%1: blocks of %2 disagree on the axis").arg(layer.module, it.key());
            for (int64_t start : slice->starts) {
                for (int64_t i = start; i < start + slice->headDim; ++i) {
                    if (i < 0 || i >= extent)
                        return QStringLiteral("%1: block %2 reaches index %3 outside %4 of %5")
                            .arg(layer.module, name).arg(i).arg(extent).arg(it.key());
                    if (++owners[size_t(i)] > 1)
                        return QStringLiteral("%1: index %2 of %3 belongs to two heads").arg(layer.module).arg(i).arg(it.key());
                }
            }
        }
        for (int64_t i = 0; i < extent; ++i) {
            if (owners[size_t(i)] == 0)
                return QStringLiteral("%1: index %2 of %3 belongs to no head").arg(layer.module).arg(i).arg(it.key());
        }
    }
    return {};
}

inline QString coverageProblem(const LoadedModel &model)
{
    if (model.structure.layers.empty())
        return QStringLiteral("no layers");
    for (const AttentionLayer &layer : model.structure.layers) {
        const QString problem = coverageProblem(layer, *model.tensors);
        if (!problem.isEmpty())
            return problem;
    }
    return {};
}

// Head h of `slice` lives at `start` along `axis` of `tensor`, headDim wide.
#define QKOV_EXPECT_HEAD(slice, tensorName, sliceAxis, sliceHeads, sliceHeadDim, head, start)      \
    do {                                                                                           \
        QCOMPARE((slice).tensor, QString(tensorName));                                             \
        QCOMPARE(int((slice).axis), int(sliceAxis));                                               \
        QCOMPARE((slice).heads, (sliceHeads));                                                     \
        QCOMPARE((slice).headDim, (sliceHeadDim));                                                 \
        QVERIFY(size_t(head) < (slice).starts.size());                                             \
        QCOMPARE((slice).starts[size_t(head)], int64_t(start));                                    \
    } while (false)

#define QKOV_VERIFY_COVERAGE(model)                                                                \
    do {                                                                                           \
        const QString problem_ = qkov::test::coverageProblem(model);                               \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                                        \
    } while (false)

} // namespace qkov::test
