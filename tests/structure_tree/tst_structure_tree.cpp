// The structure tree model over stories260K, checked without any GUI.
#include "itemmodels/StructureTreeModel.h"
#include "model/ModelLoader.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace qkov;

class TestStructureTree : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stories260K()
    {
        const LoadedModel model = loadModel(QStringLiteral(QKOV_SHARED_DIR "/models/stories260K"));
        StructureTreeModel tree;
        QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
        tree.setModel(model);
        QCOMPARE(tree.rowCount(), 1);
        const QModelIndex top = tree.index(0, 0);
        QVERIFY(tree.data(top).toString().startsWith(QStringLiteral("llama")));
        QVERIFY(tree.data(top, StructureTreeModel::BadgesRole).toStringList().contains(QStringLiteral("GQA 2:1")));
        int layers = 0;
        for (int r = 0; r < tree.rowCount(top); ++r) {
            const QModelIndex layer = tree.index(r, 0, top);
            if (tree.data(layer, StructureTreeModel::KindRole).toInt() != int(StructureTreeModel::NodeKind::Layer))
                continue;
            QCOMPARE(tree.data(layer, StructureTreeModel::LayerRole).toInt(), layers);
            const QModelIndex attention = tree.index(0, 0, layer);
            QCOMPARE(tree.rowCount(attention), 4);
            QCOMPARE(tree.data(attention.siblingAtColumn(StructureTreeModel::TensorColumn)).toString(),
                     QStringLiteral("model.layers.%1.self_attn").arg(layers));
            const QStringList blocks = {QStringLiteral("Q"), QStringLiteral("K"), QStringLiteral("V"), QStringLiteral("O")};
            const QStringList heads = {QStringLiteral("8 x 8"), QStringLiteral("4 x 8"), QStringLiteral("4 x 8"), QStringLiteral("8 x 8")};
            for (int b = 0; b < 4; ++b) {
                const QModelIndex p = tree.index(b, 0, attention);
                QCOMPARE(tree.data(p, StructureTreeModel::BlockRole).toString(), blocks[b]);
                QCOMPARE(tree.data(tree.index(b, StructureTreeModel::HeadsColumn, attention)).toString(), heads[b]);
                // Projection tensors are named relative to their attention module.
                const QString lower = blocks[b].toLower();
                QCOMPARE(tree.data(tree.index(b, StructureTreeModel::TensorColumn, attention)).toString(),
                         QStringLiteral("%1_proj.weight").arg(lower));
                QVERIFY(tree.data(p, Qt::ToolTipRole).toString().contains(
                    QStringLiteral("model.layers.%1.self_attn.%2_proj.weight").arg(layers).arg(lower)));
            }
            QCOMPARE(tree.data(tree.index(0, StructureTreeModel::ShapeColumn, attention)).toString(), QStringLiteral("[64, 64]"));
            QCOMPARE(tree.data(tree.index(1, StructureTreeModel::ShapeColumn, attention)).toString(), QStringLiteral("[32, 64]"));
            ++layers;
        }
        QCOMPARE(layers, 5);
        QVERIFY(tree.projectionIndex(QString(), 3, QStringLiteral("O")).isValid());
        QCOMPARE(tree.data(tree.projectionIndex(QString(), 3, QStringLiteral("O")).siblingAtColumn(StructureTreeModel::SliceColumn)).toString(),
                 QStringLiteral("cols 0..64"));
        tree.clear();
        QCOMPARE(tree.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStructureTree)
#include "tst_structure_tree.moc"
