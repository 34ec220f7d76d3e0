// The Conflicts table's model and filter proxy, without any GUI: rows follow
// the result's top conflicts, sample ids and texts come from the right task,
// p/q/flag from the right block and head, numbers sort as numbers, hostile
// indices give empty cells instead of crashes, and every filter narrows.
#include "SyntheticSession.h"
#include "itemmodels/ConflictsFilterProxy.h"
#include "itemmodels/ConflictsModel.h"

#include <QTest>

using namespace qkov;

class TestConflictsModel : public QObject
{
    Q_OBJECT
private:
    static std::shared_ptr<AnalysisResult> result()
    {
        auto r = std::make_shared<AnalysisResult>(test::syntheticResult(3, 4, 2, 3));
        // Scores spanning decades: a string sort would order 9e-05 after 0.5.
        const double scores[] = {0.5, 9e-05, 12.0, 0.03, 2.0};
        for (size_t i = 0; i < r->topConflicts.size(); ++i)
            r->topConflicts[i].score = scores[i % 5];
        return r;
    }

private Q_SLOTS:
    void rowsMirrorTheResult()
    {
        const auto r = result();
        ConflictsModel model;
        QCOMPARE(model.rowCount(), 0);
        model.setResult(r);
        QCOMPARE(model.rowCount(), int(r->topConflicts.size()));
        QCOMPARE(model.columnCount(), int(ConflictsModel::ColumnCount));
        for (int row = 0; row < model.rowCount(); ++row) {
            const ConflictEntry &c = r->topConflicts[size_t(row)];
            const auto cell = [&](int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role); };
            QCOMPARE(cell(ConflictsModel::BlockColumn).toString(), c.block);
            QCOMPARE(cell(ConflictsModel::LayerColumn).toInt(), c.layer);
            QCOMPARE(cell(ConflictsModel::HeadColumn).toInt(), c.head);
            QCOMPARE(cell(ConflictsModel::SampleAColumn).toString(), r->taskA.sampleIds[c.sampleA]);
            QCOMPARE(cell(ConflictsModel::TextAColumn).toString(), r->taskA.previews[c.sampleA]);
            QCOMPARE(cell(ConflictsModel::SampleBColumn).toString(), r->taskB.sampleIds[c.sampleB]);
            QCOMPARE(cell(ConflictsModel::TextBColumn).toString(), r->taskB.previews[c.sampleB]);
            const BlockResult &b = r->blocks[size_t(AnalysisResult::blockIndex(c.block))];
            const size_t i = size_t(c.layer) * size_t(r->heads) + size_t(c.head);
            QCOMPARE(cell(ConflictsModel::PColumn, ConflictsModel::SortRole).toDouble(), b.pvalue[i]);
            QCOMPARE(cell(ConflictsModel::QColumn, ConflictsModel::SortRole).toDouble(), b.qvalue[i]);
            QCOMPARE(cell(ConflictsModel::FlaggedColumn, ConflictsModel::FlaggedRole).toBool(), bool(b.flagged[i]));
            QCOMPARE(cell(ConflictsModel::ScoreColumn, ConflictsModel::SortRole).toDouble(), c.score);
            // The tooltip carries the whole text, HTML-escaped (previews hold quotes).
            QVERIFY(cell(ConflictsModel::TextBColumn, Qt::ToolTipRole).toString().contains(r->taskB.previews[c.sampleB].toHtmlEscaped()));
            QCOMPARE(model.exportRow(row).size(), int(ConflictsModel::ColumnCount));
            QCOMPARE(model.exportRow(row)[ConflictsModel::ScoreColumn].toDouble(), c.score);
        }
        QCOMPARE(model.exportHeader().size(), int(ConflictsModel::ColumnCount));
        model.setResult(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void hostileIndicesGiveEmptyCells()
    {
        auto r = result();
        r->topConflicts[0].sampleA = 1000000;
        r->topConflicts[0].sampleB = -3;
        r->topConflicts[1].layer = 99;
        r->topConflicts[2].block = QStringLiteral("X");
        ConflictsModel model;
        model.setResult(r);
        QVERIFY(model.index(0, ConflictsModel::SampleAColumn).data().toString().isEmpty());
        QVERIFY(model.index(0, ConflictsModel::TextBColumn).data().toString().isEmpty());
        QCOMPARE(model.index(1, ConflictsModel::PColumn).data().toString(), QStringLiteral("n/a"));
        QVERIFY(!model.index(1, ConflictsModel::FlaggedColumn).data(ConflictsModel::FlaggedRole).toBool());
        QCOMPARE(model.index(2, ConflictsModel::BlockColumn).data(ConflictsModel::BlockIndexRole).toInt(), -1);
    }

    void proxySortsNumbersAndFilters()
    {
        const auto r = result();
        ConflictsModel model;
        model.setResult(r);
        ConflictsFilterProxy proxy;
        proxy.setSourceModel(&model);
        proxy.sort(ConflictsModel::ScoreColumn, Qt::AscendingOrder);
        QList<double> sorted;
        for (const ConflictEntry &c : r->topConflicts)
            sorted << c.score;
        std::sort(sorted.begin(), sorted.end());
        for (int row = 0; row < proxy.rowCount(); ++row)
            QCOMPARE(proxy.index(row, ConflictsModel::ScoreColumn).data(ConflictsModel::SortRole).toDouble(), sorted[row]);

        const auto countWhere = [&](auto pred) {
            int n = 0;
            for (const ConflictEntry &c : r->topConflicts)
                n += pred(c) ? 1 : 0;
            return n;
        };
        const auto flaggedOf = [&](const ConflictEntry &c) {
            return bool(r->blocks[size_t(AnalysisResult::blockIndex(c.block))].flagged[size_t(c.layer * r->heads + c.head)]);
        };
        proxy.setBlockFilter(1);
        QCOMPARE(proxy.rowCount(), countWhere([](const ConflictEntry &c) { return c.block == QLatin1String("K"); }));
        proxy.setBlockFilter(-1);
        proxy.setFlaggedOnly(true);
        QCOMPARE(proxy.rowCount(), countWhere(flaggedOf));
        proxy.setFlaggedOnly(false);
        proxy.setLayerFilter(1);
        proxy.setHeadFilter(2);
        QCOMPARE(proxy.rowCount(), countWhere([](const ConflictEntry &c) { return c.layer == 1 && c.head == 2; }));
        proxy.setLayerFilter(-1);
        proxy.setHeadFilter(-1);
        // "RED" matches task B's previews case-insensitively; "#3" only sample 3's.
        proxy.setSearchText(QStringLiteral("RED"));
        QCOMPARE(proxy.rowCount(), int(r->topConflicts.size()));
        proxy.setSearchText(QStringLiteral("#3"));
        QCOMPARE(proxy.rowCount(), countWhere([](const ConflictEntry &c) { return c.sampleB == 3; }));
        proxy.setSearchText(QStringLiteral("no such text"));
        QCOMPARE(proxy.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestConflictsModel)
#include "tst_conflicts_model.moc"
