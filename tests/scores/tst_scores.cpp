// Interference scores (METRIC.md sections 3-4): the batched-GEMM path against
// the literal double loop for every weight layout, and the properties any
// correct implementation has (head additivity and locality, scale
// equivariance, symmetry, GQA sharing).
#include "Error.h"
#include "ScoreTestUtil.h"
#include "analysis/GradientStore.h"
#include "analysis/InterferenceScores.h"

#include <ATen/Parallel.h>
#include <QTemporaryDir>
#include <QtTest>

using namespace qkov;
using namespace qkov::test;

namespace {

constexpr int H = 4, D = 3, Hidden = 12;

struct LayoutCase
{
    const char *name;
    BlockSlice slice;
    int queryHeads;
};

// Every layout of METRIC.md section 3, with hidden = H * D = 12.
std::vector<LayoutCase> layouts()
{
    const std::vector<int64_t> square{Hidden, Hidden};
    std::vector<LayoutCase> cases;
    cases.push_back({"split Q rows", BlockSlice::contiguous("q_proj", Axis::Rows, 0, H, D, square), H});
    cases.push_back({"split O cols", BlockSlice::contiguous("o_proj", Axis::Cols, 0, H, D, square), H});
    // GQA: 2 KV heads for 4 query heads, k_proj [2 * D, hidden].
    cases.push_back({"GQA K rows", BlockSlice::contiguous("k_proj", Axis::Rows, 0, 2, D, {2 * D, Hidden}), H});
    cases.push_back({"GQA V rows", BlockSlice::contiguous("v_proj", Axis::Rows, 0, 2, D, {2 * D, Hidden}), H});
    // Fused blocked rows Q | K | V with GQA: [H D + 2 Hkv D, hidden].
    cases.push_back({"fused K rows", BlockSlice::contiguous("qkv", Axis::Rows, H * D, 2, D, {H * D + 4 * D, Hidden}), H});
    // GPT-2 Conv1D: c_attn [hidden, 3 hidden], Q/K/V are columns; c_proj O rows.
    const std::vector<int64_t> cAttn{Hidden, 3 * Hidden};
    cases.push_back({"gpt2 Q cols", BlockSlice::contiguous("c_attn", Axis::Cols, 0, H, D, cAttn), H});
    cases.push_back({"gpt2 K cols", BlockSlice::contiguous("c_attn", Axis::Cols, Hidden, H, D, cAttn), H});
    cases.push_back({"gpt2 V cols", BlockSlice::contiguous("c_attn", Axis::Cols, 2 * Hidden, H, D, cAttn), H});
    cases.push_back({"gpt2 O rows", BlockSlice::contiguous("c_proj", Axis::Rows, 0, H, D, square), H});
    // GPT-NeoX query_key_value: rows [H, 3, D].
    const std::vector<int64_t> neox{3 * Hidden, Hidden};
    cases.push_back({"neox Q", BlockSlice::strided("qkv", Axis::Rows, 0, 3 * D, H, D, neox), H});
    cases.push_back({"neox K", BlockSlice::strided("qkv", Axis::Rows, D, 3 * D, H, D, neox), H});
    cases.push_back({"neox V", BlockSlice::strided("qkv", Axis::Rows, 2 * D, 3 * D, H, D, neox), H});
    // Non-uniform starts with gaps.
    BlockSlice uneven = BlockSlice::contiguous("uneven", Axis::Rows, 0, 3, D, {13, 5});
    uneven.starts = {0, 5, 9};
    cases.push_back({"non-uniform starts", uneven, 3});
    // Non-uniform KV heads under GQA (the index_select path expands groups).
    BlockSlice unevenKv = BlockSlice::contiguous("uneven_kv", Axis::Cols, 0, 2, D, {5, 8});
    unevenKv.starts = {4, 0};
    cases.push_back({"non-uniform GQA cols", unevenKv, 4});
    return cases;
}

std::vector<int64_t> withSamples(int64_t n, const std::vector<int64_t> &shape)
{
    std::vector<int64_t> sizes{n};
    sizes.insert(sizes.end(), shape.begin(), shape.end());
    return sizes;
}

// The whole block range of a layout (union of its heads), spelled out
// independently of the slices: a 0/1 mask of the tensor.
at::Tensor blockMask(const QString &layout)
{
    if (layout == "split Q rows" || layout == "gpt2 O rows" || layout == "split O cols")
        return at::ones({Hidden, Hidden}, at::kDouble);
    if (layout == "gpt2 K cols") {
        at::Tensor m = at::zeros({Hidden, 3 * Hidden}, at::kDouble);
        m.narrow(1, Hidden, Hidden).fill_(1);
        return m;
    }
    // NeoX Q: rows r with r mod 3D < D.
    at::Tensor m = at::zeros({3 * Hidden, Hidden}, at::kDouble);
    for (int64_t head = 0; head < H; ++head)
        m.narrow(0, head * 3 * D, D).fill_(1);
    return m;
}

} // namespace

class TestScores : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    void matchesDirectLoop_data()
    {
        QTest::addColumn<int>("layout");
        QTest::addColumn<int>("variant");
        const auto cases = layouts();
        for (int c = 0; c < int(cases.size()); ++c) {
            for (ScoreVariant v : {ScoreVariant::Abs, ScoreVariant::Signed, ScoreVariant::Symmetric}) {
                const QByteArray tag = QByteArray(cases[size_t(c)].name) + ' ' + scoreVariantName(v).toLatin1();
                QTest::newRow(tag.constData()) << c << int(v);
            }
        }
    }
    void matchesDirectLoop()
    {
        QFETCH(int, layout);
        QFETCH(int, variant);
        const LayoutCase c = layouts()[size_t(layout)];
        const auto shape = c.slice.tensorShape;
        const at::Tensor a = randomTensor(withSamples(5, shape), 11 + layout);
        const at::Tensor b = randomTensor(withSamples(7, shape), 101 + layout);
        const at::Tensor fisher = pooledFisher(a, b);
        ScoreOptions options;
        options.variant = ScoreVariant(variant);
        const at::Tensor want = directScores(a, b, fisher, c.slice, c.queryHeads, options.variant);
        const at::Tensor got = blockScores(a, b, fisher, c.slice, c.queryHeads, options);
        QCOMPARE(got.sizes().vec(), want.sizes().vec());
        QVERIFY2(maxRelativeError(got, want) < 1e-6, qPrintable(QString::number(maxRelativeError(got, want))));
        // A one-byte chunk bound takes one line of each head per GEMM step: same numbers.
        options.chunkBytes = 1;
        QVERIFY(maxRelativeError(blockScores(a, b, fisher, c.slice, c.queryHeads, options), want) < 1e-12);
        // float32 gradients: float32 GEMMs, same numbers to float32 accuracy.
        options.chunkBytes = ScoreOptions().chunkBytes;
        const at::Tensor got32 = blockScores(a.to(at::kFloat), b.to(at::kFloat), fisher.to(at::kFloat), c.slice,
                                             c.queryHeads, options);
        QCOMPARE(got32.scalar_type(), at::kFloat);
        QVERIFY(maxRelativeError(got32, want) < 1e-4);
        // bfloat16 stored gradients are scored in float32.
        const at::Tensor gotBf16 = blockScores(a.to(at::kBFloat16), b.to(at::kBFloat16), fisher.to(at::kFloat),
                                               c.slice, c.queryHeads, options);
        QCOMPARE(gotBf16.scalar_type(), at::kFloat);
        QVERIFY(maxRelativeError(gotBf16, want) < 5e-2);
    }

    // Samples given as parts (task A's rows, then task B's, straight from the
    // store) score exactly like their concatenation, whatever their dtype and
    // strides, for every layout and variant.
    void partsMatchConcatenation_data() { matchesDirectLoop_data(); }
    void partsMatchConcatenation()
    {
        QFETCH(int, layout);
        QFETCH(int, variant);
        const LayoutCase c = layouts()[size_t(layout)];
        const auto shape = c.slice.tensorShape;
        const at::Tensor a = randomTensor(withSamples(5, shape), 211 + layout, at::kFloat);
        const at::Tensor b = randomTensor(withSamples(4, shape), 311 + layout, at::kFloat);
        const at::Tensor fisher = pooledFisher(a.to(at::kDouble), b.to(at::kDouble)).to(at::kFloat);
        ScoreOptions options;
        options.variant = ScoreVariant(variant);
        const at::Tensor pooled = at::cat({a, b});
        const at::Tensor whole = headKernel(pooled, pooled, fisher, c.slice, c.queryHeads, options);
        const SampleParts parts{a, b};
        QVERIFY(at::equal(headKernel(parts, parts, fisher, c.slice, c.queryHeads, options), whole));
        // Separate left and right parts (the two-operand path) and a
        // non-contiguous part (a transposed copy viewed back).
        const SampleParts copies{a.clone(), b.transpose(1, 2).contiguous().transpose(1, 2)};
        QVERIFY(maxRelativeError(headKernel(parts, copies, fisher, c.slice, c.queryHeads, options), whole) < 1e-6);
        // bfloat16 parts equal their float32 values, scored in float32.
        const at::Tensor aBf16 = a.to(at::kBFloat16), bBf16 = b.to(at::kBFloat16);
        const SampleParts bf16{aBf16, bBf16};
        const at::Tensor wantBf16 = at::cat({aBf16, bBf16}).to(at::kFloat);
        const at::Tensor gotBf16 = headKernel(bf16, bf16, fisher, c.slice, c.queryHeads, options);
        QCOMPARE(gotBf16.scalar_type(), at::kFloat);
        QVERIFY(maxRelativeError(gotBf16, headKernel(wantBf16, wantBf16, fisher, c.slice, c.queryHeads, options)) < 1e-6);
        // An empty part changes nothing.
        const SampleParts withEmpty{a, a.narrow(0, 0, 0), b};
        QVERIFY(at::equal(headKernel(withEmpty, withEmpty, fisher, c.slice, c.queryHeads, options), whole));
    }

    // The chunk bound changes how the entries are grouped into GEMM steps,
    // never the sums (float64: to rounding).
    void chunkSizeDoesNotChangeScores()
    {
        for (int layout : {0, 1, 4, 9, 12}) {
            const LayoutCase c = layouts()[size_t(layout)];
            const at::Tensor g = randomTensor(withSamples(9, c.slice.tensorShape), 401 + layout);
            const at::Tensor fisher = pooledFisher(g, g);
            const at::Tensor want = headKernel(g, g, fisher, c.slice, c.queryHeads);
            for (int64_t bytes : {int64_t(1), int64_t(700), int64_t(5000), int64_t(20000), int64_t(1) << 30}) {
                ScoreOptions options;
                options.chunkBytes = bytes;
                QVERIFY2(maxRelativeError(headKernel(g, g, fisher, c.slice, c.queryHeads, options), want) < 1e-12,
                         qPrintable(QStringLiteral("layout %1, %2 bytes").arg(layout).arg(bytes)));
            }
        }
    }

    // Scores feed the permutation statistics, which are reproducible for any
    // thread count: so must the scores be, bit for bit, at a size where the
    // operand preparation and the GEMMs do run on several threads.
    void sameScoresAtAnyThreadCount()
    {
        const BlockSlice rows = BlockSlice::contiguous("q_proj", Axis::Rows, 0, 4, 32, {128, 256});
        const BlockSlice cols = BlockSlice::contiguous("o_proj", Axis::Cols, 0, 4, 32, {256, 128});
        // One KV head for 4 query heads (MQA): fewer heads than threads.
        const BlockSlice shared = BlockSlice::contiguous("k_proj", Axis::Rows, 0, 1, 32, {32, 256});
        for (const BlockSlice &slice : {rows, cols, shared}) {
            // 330 samples: more than one block of result columns per GEMM.
            const at::Tensor a = randomTensor(withSamples(200, slice.tensorShape), 501, at::kFloat);
            const at::Tensor b = randomTensor(withSamples(130, slice.tensorShape), 502, at::kFloat);
            const at::Tensor fisher = pooledFisher(a.to(at::kDouble), b.to(at::kDouble)).to(at::kFloat);
            const SampleParts parts{a, b};
            at::set_num_threads(1);
            const at::Tensor one = headKernel(parts, parts, fisher, slice, 4);
            at::set_num_threads(2);
            const at::Tensor two = headKernel(parts, parts, fisher, slice, 4);
            QVERIFY(at::equal(one, two));
        }
    }

    // The store's copy-free views (what the pipeline scores from) hold the
    // same values as its float32 copies, in RAM and spilled, and a spilled
    // view stays readable after the store is gone.
    void storeViewsMatchReads()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (GradientStorage storage : {GradientStorage::Float32, GradientStorage::BFloat16}) {
            const std::vector<int64_t> shape{6, 10};
            GradientStoreOptions options;
            options.storage = storage;
            options.spillDirectory = dir.path();
            options.budgetBytes = 7 * 60 * (storage == GradientStorage::Float32 ? 4 : 2); // "a" in RAM, "b" spilled
            auto store = std::make_unique<GradientStore>(
                std::vector<GradientEntrySpec>{{"a", "w", shape, 7}, {"b", "w", shape, 5}}, options);
            QVERIFY(!store->isSpilled("a", "w"));
            QVERIFY(store->isSpilled("b", "w"));
            const at::Tensor a = randomTensor(withSamples(7, shape), 601, at::kFloat);
            const at::Tensor b = randomTensor(withSamples(5, shape), 602, at::kFloat);
            store->write("a", "w", 0, a);
            store->write("b", "w", 0, b);
            const at::Tensor viewA = store->stored("a", "w"), viewB = store->stored("b", "w");
            const at::Tensor rowsB = store->storedRows("b", "w", 3, 2);
            QCOMPARE(viewB.scalar_type(), store->storageType());
            QVERIFY(at::equal(viewA.to(at::kFloat), store->read("a", "w")));
            QVERIFY(at::equal(viewB.to(at::kFloat), store->read("b", "w")));
            QVERIFY(at::equal(rowsB.to(at::kFloat), store->readRows("b", "w", 3, 2)));
            QCOMPARE(store->storedRows("b", "w", 5, 0).size(0), int64_t(0));
            QVERIFY_THROWS_EXCEPTION(Error, store->storedRows("b", "w", 4, 2));
            const at::Tensor copyB = store->read("b", "w");
            store.reset();
            QVERIFY(at::equal(viewB.to(at::kFloat), copyB));
            QVERIFY(at::equal(rowsB.to(at::kFloat), copyB.narrow(0, 3, 2)));
        }
    }

    void gqaGroupMatesAreEqual()
    {
        const LayoutCase c = layouts()[2]; // GQA K: heads 0,1 -> KV 0; heads 2,3 -> KV 1
        const at::Tensor a = randomTensor(withSamples(4, c.slice.tensorShape), 3);
        const at::Tensor b = randomTensor(withSamples(6, c.slice.tensorShape), 4);
        const at::Tensor s = blockScores(a, b, pooledFisher(a, b), c.slice, H);
        QVERIFY(at::equal(s.select(2, 0), s.select(2, 1)));
        QVERIFY(at::equal(s.select(2, 2), s.select(2, 3)));
        QVERIFY(!at::equal(s.select(2, 1), s.select(2, 2)));
    }

    void headAdditivity_data()
    {
        QTest::addColumn<int>("layout");
        const auto cases = layouts();
        for (int c = 0; c < int(cases.size()); ++c) {
            const QString name = cases[size_t(c)].name;
            if (name == "split Q rows" || name == "split O cols" || name == "gpt2 K cols" || name == "gpt2 O rows"
                || name == "neox Q")
                QTest::newRow(cases[size_t(c)].name) << c;
        }
    }
    void headAdditivity()
    {
        QFETCH(int, layout);
        const LayoutCase c = layouts()[size_t(layout)];
        const at::Tensor a = randomTensor(withSamples(6, c.slice.tensorShape), 21);
        const at::Tensor b = randomTensor(withSamples(5, c.slice.tensorShape), 22);
        const at::Tensor fisher = pooledFisher(a, b);
        const at::Tensor mask = blockMask(c.name);
        // The unsliced block score: one sum over the whole block range.
        const at::Tensor left = (a.square() / fisher * mask).flatten(1);
        const at::Tensor whole = at::mm(left, b.abs().flatten(1).t());
        const at::Tensor perHead = blockScores(a, b, fisher, c.slice, c.queryHeads).sum(2);
        QVERIFY(maxRelativeError(perHead, whole) < 1e-12);
    }

    void headLocality_data()
    {
        QTest::addColumn<int>("layout");
        const auto cases = layouts();
        for (int c = 0; c < int(cases.size()); ++c) {
            const QString name = cases[size_t(c)].name;
            if (name == "gpt2 O rows" || name == "split O cols" || name == "gpt2 Q cols" || name == "neox V")
                QTest::newRow(cases[size_t(c)].name) << c;
        }
    }
    void headLocality()
    {
        QFETCH(int, layout);
        const LayoutCase c = layouts()[size_t(layout)];
        const int target = 2;
        // Gradients live only in head 2's rows (or columns), built from the
        // layout's geometry directly.
        at::Tensor mask = at::zeros(c.slice.tensorShape, at::kDouble);
        const int64_t start = c.slice.starts[target];
        mask.narrow(c.slice.axis == Axis::Rows ? 0 : 1, start, D).fill_(1);
        const at::Tensor a = randomTensor(withSamples(4, c.slice.tensorShape), 31) * mask;
        const at::Tensor b = randomTensor(withSamples(3, c.slice.tensorShape), 32) * mask;
        const at::Tensor fisher = pooledFisher(randomTensor(withSamples(4, c.slice.tensorShape), 33),
                                               randomTensor(withSamples(3, c.slice.tensorShape), 34));
        const at::Tensor s = blockScores(a, b, fisher, c.slice, c.queryHeads);
        for (int h = 0; h < c.queryHeads; ++h) {
            if (h == target)
                QVERIFY(s.select(2, h).gt(0).all().item<bool>());
            else
                QCOMPARE(s.select(2, h).abs().max().item<double>(), 0.0);
        }
        // Changing head 2's entries changes head 2's scores only.
        const at::Tensor base = randomTensor(withSamples(4, c.slice.tensorShape), 35);
        const at::Tensor other = randomTensor(withSamples(3, c.slice.tensorShape), 36);
        const at::Tensor before = blockScores(base, other, fisher, c.slice, c.queryHeads);
        const at::Tensor after = blockScores(base + 0.5 * a, other, fisher, c.slice, c.queryHeads);
        for (int h = 0; h < c.queryHeads; ++h)
            QCOMPARE(at::equal(before.select(2, h), after.select(2, h)), h != target);
    }

    void rescalingScalesScores()
    {
        const LayoutCase c = layouts()[5]; // gpt2 Q cols
        const at::Tensor a = randomTensor(withSamples(6, c.slice.tensorShape), 41);
        const at::Tensor b = randomTensor(withSamples(8, c.slice.tensorShape), 42);
        const double scale = 3.7;
        for (ScoreVariant v : {ScoreVariant::Abs, ScoreVariant::Symmetric}) {
            ScoreOptions options;
            options.variant = v;
            const at::Tensor base = blockScores(a, b, pooledFisher(a, b), c.slice, H, options);
            const at::Tensor scaled = blockScores(scale * a, scale * b, pooledFisher(scale * a, scale * b), c.slice,
                                                  H, options);
            QVERIFY(maxRelativeError(scaled, scale * base) < 1e-12);
            QVERIFY(at::equal(at::argsort(scaled.flatten()), at::argsort(base.flatten())));
        }
    }

    void symmetricIsSymmetricOnOneTask()
    {
        for (int layout : {0, 2, 9}) {
            const LayoutCase c = layouts()[size_t(layout)];
            const at::Tensor a = randomTensor(withSamples(7, c.slice.tensorShape), 51 + layout);
            ScoreOptions options;
            options.variant = ScoreVariant::Symmetric;
            const at::Tensor s = blockScores(a, a, pooledFisher(a, a), c.slice, c.queryHeads, options);
            QVERIFY(at::equal(s, s.transpose(0, 1)));
            // A copy (not the same tensor object) takes the two-GEMM path.
            const at::Tensor copy = blockScores(a, a.clone(), pooledFisher(a, a), c.slice, c.queryHeads, options);
            QVERIFY(at::equal(copy, copy.transpose(0, 1)));
        }
    }

    void pooledKernelContainsScores()
    {
        const LayoutCase c = layouts()[9]; // neox Q
        const at::Tensor a = randomTensor(withSamples(5, c.slice.tensorShape), 61);
        const at::Tensor b = randomTensor(withSamples(4, c.slice.tensorShape), 62);
        const at::Tensor fisher = pooledFisher(a, b);
        const at::Tensor kernel = headKernel(at::cat({a, b}, 0), at::cat({a, b}, 0), fisher, c.slice, H);
        QCOMPARE(kernel.sizes().vec(), (std::vector<int64_t>{H, 9, 9}));
        QVERIFY(maxRelativeError(scoresFromPooledKernel(kernel, 5), blockScores(a, b, fisher, c.slice, H)) < 1e-12);
    }

    void heatmapAndTopConflicts()
    {
        const at::Tensor q = randomTensor({5, 4, 3, 2}, 71).abs();
        at::Tensor k = randomTensor({5, 4, 3, 2}, 72).abs();
        k.index_put_({1, 2, 0, 1}, 100.0); // a clear winner
        k.index_put_({3, 0, 2, 0}, 100.0); // tied with it: block 1 sorts after
        const at::Tensor heat = scoreHeatmap(q);
        QCOMPARE(heat.sizes().vec(), (std::vector<int64_t>{3, 2}));
        QVERIFY(std::abs(heat[1][1].item<double>() - q.select(3, 1).select(2, 1).mean().item<double>()) < 1e-15);

        const std::vector<Conflict> top = topConflicts({q, k}, 7);
        QCOMPARE(int(top.size()), 7);
        QCOMPARE(top[0].block, 1);
        QCOMPARE(top[0].sampleA, int64_t(1));
        QCOMPARE(top[0].sampleB, int64_t(2));
        QCOMPARE(top[0].layer, int64_t(0));
        QCOMPARE(top[0].head, int64_t(1));
        QCOMPARE(top[1].sampleA, int64_t(3));
        // Against a full sort of every entry.
        std::vector<double> all;
        for (const at::Tensor &t : {q, k}) {
            const at::Tensor flat = t.flatten().contiguous();
            all.insert(all.end(), flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
        }
        std::sort(all.rbegin(), all.rend());
        for (size_t i = 0; i < top.size(); ++i) {
            QCOMPARE(top[i].score, all[i]);
            const at::Tensor &src = top[i].block == 0 ? q : k;
            QCOMPARE(src[top[i].sampleA][top[i].sampleB][top[i].layer][top[i].head].item<double>(), top[i].score);
        }
        QVERIFY(topConflicts({q}, 0).empty());
        QCOMPARE(int(topConflicts({q}, 1000).size()), int(q.numel()));
    }

    void badInputIsAnError()
    {
        const LayoutCase c = layouts()[0];
        const at::Tensor a = randomTensor(withSamples(3, c.slice.tensorShape), 81);
        const at::Tensor fisher = pooledFisher(a, a);
        QVERIFY_THROWS_EXCEPTION(Error, blockScores(a, randomTensor({3, 12, 11}, 82), fisher, c.slice, H));
        BlockSlice outside = c.slice;
        outside.starts.back() = 11; // 11 + 3 > 12 rows
        QVERIFY_THROWS_EXCEPTION(Error, blockScores(a, a, fisher, outside, H));
        QVERIFY_THROWS_EXCEPTION(Error, blockScores(a, a, fisher, c.slice, 6)); // 6 query heads on 4
        QVERIFY_THROWS_EXCEPTION(Error, blockScores(a, a, at::zeros_like(fisher), c.slice, H));
        QVERIFY_THROWS_EXCEPTION(Error, blockScores(a.to(at::kLong), a, fisher, c.slice, H));
        QVERIFY_THROWS_EXCEPTION(Error, parseScoreVariant("absolute"));
        QCOMPARE(parseScoreVariant("signed"), ScoreVariant::Signed);
        try {
            blockScores(a, a, fisher, outside, H);
        } catch (const Error &e) {
            QCOMPARE(e.where(), QStringLiteral("q_proj"));
        }
    }
};

QTEST_GUILESS_MAIN(TestScores)
#include "tst_scores.moc"
