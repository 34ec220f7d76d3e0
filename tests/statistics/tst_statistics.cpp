// Statistics per head (METRIC.md section 5): Benjamini-Hochberg against
// statsmodels, the permutation null against direct sums, calibration under
// exchangeable tasks, power against a planted difference, reproducibility
// across thread counts, and the bootstrap interval.
#include "Error.h"
#include "analysis/InterferenceScores.h"
#include "analysis/Statistics.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <ATen/Parallel.h>
#include <QtTest>

#include <cmath>

using namespace qkov;

namespace {

constexpr int Heads = 8, HeadDim = 2, Cols = 6;

at::Tensor randomTensor(std::vector<int64_t> sizes, uint64_t seed)
{
    at::Generator generator = at::detail::createCPUGenerator(seed);
    return at::randn(sizes, generator, at::TensorOptions().dtype(at::kDouble));
}

// Per-sample gradients [n, Heads * HeadDim, Cols] with a random per-sample
// scale (log-normal), as real per-sample gradients vary in size; `headScaleB`
// multiplies task B's gradients in head 0 (a planted difference).
at::Tensor gradients(int64_t n, uint64_t seed, double headScale = 1.0)
{
    at::Tensor g = randomTensor({n, Heads * HeadDim, Cols}, seed);
    g.mul_(randomTensor({n, 1, 1}, seed + 7777).mul(0.5).exp());
    g.narrow(1, 0, HeadDim).mul_(headScale);
    return g;
}

// Pooled kernels [Heads, n, n] of task A (first nA) and task B with the
// pooled Fisher reference and the relative ridge.
at::Tensor pooledKernels(const at::Tensor &a, const at::Tensor &b, ScoreVariant variant = ScoreVariant::Abs)
{
    const at::Tensor pooled = at::cat({a, b}, 0);
    const at::Tensor fisher = pooled.square().mean(0);
    const at::Tensor fisherReg = fisher.clamp_min(1e-30) + 1e-3 * fisher.mean().item<double>();
    ScoreOptions options;
    options.variant = variant;
    const BlockSlice slice = BlockSlice::contiguous("q_proj", Axis::Rows, 0, Heads, HeadDim, {Heads * HeadDim, Cols});
    return headKernel(pooled, pooled, fisherReg, slice, Heads, options);
}

std::vector<double> toVector(const QJsonArray &array)
{
    std::vector<double> v;
    for (const QJsonValue &x : array)
        v.push_back(x.toDouble());
    return v;
}

// a^T K b / (nA nB) by loops.
double directStatistic(const at::Tensor &kernel, const at::Tensor &indicatorA, int64_t nA)
{
    const auto k = kernel.accessor<double, 2>();
    const auto a = indicatorA.accessor<double, 1>();
    const int64_t n = kernel.size(0);
    double sum = 0;
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
            if (a[i] == 1.0 && a[j] == 0.0)
                sum += k[i][j];
    return sum / double(nA * (n - nA));
}

} // namespace

class TestStatistics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    void bhMatchesStatsmodels()
    {
        QFile file(QFINDTESTDATA("bh_vectors.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray vectors = QJsonDocument::fromJson(file.readAll()).object().value("vectors").toArray();
        QVERIFY(vectors.size() >= 100);
        for (const QJsonValue &entry : vectors) {
            const std::vector<double> p = toVector(entry.toObject().value("p").toArray());
            const std::vector<double> want = toVector(entry.toObject().value("q").toArray());
            const std::vector<double> got = benjaminiHochberg(p);
            QCOMPARE(got.size(), want.size());
            for (size_t i = 0; i < got.size(); ++i)
                QVERIFY2(std::abs(got[i] - want[i]) <= 1e-12, qPrintable(QString("%1 vs %2").arg(got[i]).arg(want[i])));
        }
        QVERIFY(benjaminiHochberg({}).empty());
        QVERIFY_THROWS_EXCEPTION(Error, benjaminiHochberg({0.1, std::nan("")}));
        QVERIFY_THROWS_EXCEPTION(Error, benjaminiHochberg({0.1, 1.5}));
    }

    void permutationDrawsAreValid()
    {
        const int64_t n = 12, nA = 5;
        const at::Tensor draws = permutationIndicators(n, nA, 4000, 9);
        QVERIFY(at::equal(draws.sum(1), at::full({4000}, double(nA), at::kDouble)));
        // Every sample lands in task A with frequency nA / n.
        const at::Tensor share = draws.mean(0);
        QVERIFY((share - double(nA) / n).abs().max().item<double>() < 0.03);
        // Relabellings really vary, and the observed one is not special.
        QVERIFY(std::get<0>(at::unique_dim(draws, 0)).size(0) > 700);
        QVERIFY(at::equal(draws, permutationIndicators(n, nA, 4000, 9)));
        QVERIFY(!at::equal(draws, permutationIndicators(n, nA, 4000, 10)));

        const auto [countsA, countsB] = bootstrapCounts(nA, n - nA, 500, 9);
        QVERIFY(at::equal(countsA.sum(1), at::full({500}, double(nA), at::kDouble)));
        QVERIFY(at::equal(countsB.sum(1), at::full({500}, double(n - nA), at::kDouble)));
        QVERIFY(std::abs(countsA.mean().item<double>() - 1.0) < 1e-12);
        QVERIFY(countsA.max().item<double>() > 1.0); // with replacement
    }

    void nullStatisticsMatchDirectSums()
    {
        const int64_t nA = 6, nB = 9, n = nA + nB;
        const at::Tensor kernels = pooledKernels(gradients(nA, 1), gradients(nB, 2));
        const at::Tensor draws = permutationIndicators(n, nA, 50, 3);
        const at::Tensor sums = labelledStatistics(kernels, draws, nA);
        QCOMPARE(sums.sizes().vec(), (std::vector<int64_t>{Heads, 50}));
        for (int h = 0; h < Heads; ++h)
            for (int k = 0; k < 50; ++k)
                QVERIFY(std::abs(sums[h][k].item<double>() - directStatistic(kernels[h], draws[k], nA))
                        <= 1e-12 * std::abs(sums[h][k].item<double>()));

        // Sample counts that are no multiple of the code width, down to n = 2.
        for (const auto &[smallA, smallB] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {2, 3}, {4, 5}, {7, 10}}) {
            const at::Tensor small = pooledKernels(gradients(smallA, 31), gradients(smallB, 32), ScoreVariant::Signed);
            const at::Tensor smallDraws = permutationIndicators(smallA + smallB, smallA, 40, 5);
            const at::Tensor smallSums = labelledStatistics(small, smallDraws, smallA);
            for (int h = 0; h < Heads; ++h)
                for (int k = 0; k < 40; ++k) {
                    const double direct = directStatistic(small[h], smallDraws[k], smallA);
                    QVERIFY2(std::abs(smallSums[h][k].item<double>() - direct) <= 1e-12 * small[h].abs().max().item<double>(),
                             qPrintable(QString("n = %1: %2 vs %3").arg(smallA + smallB).arg(smallSums[h][k].item<double>()).arg(direct)));
                }
        }
        // Equal labellings give bit-equal sums wherever they stand (ties in
        // the p-value rest on it), and indicator rows hold only 0 and 1.
        const at::Tensor repeated = at::stack({draws[7], draws[3], draws[7], draws[3]});
        const at::Tensor repeatedSums = labelledStatistics(kernels, repeated, nA);
        QVERIFY(at::equal(repeatedSums.select(1, 0), repeatedSums.select(1, 2)));
        QVERIFY(at::equal(repeatedSums.select(1, 1), repeatedSums.select(1, 3)));
        QVERIFY(at::equal(repeatedSums.select(1, 0), sums.select(1, 7)));
        QVERIFY_THROWS_EXCEPTION(Error, labelledStatistics(kernels, draws.mul(0.5), nA));
        QVERIFY_THROWS_EXCEPTION(Error, labelledStatistics(kernels, draws.narrow(1, 0, n - 1), nA));

        // The test recomputed from its definition with the same draws.
        const int permutations = 199;
        const PermutationResult result = permutationTest(kernels, nA, permutations, 4);
        const at::Tensor null = labelledStatistics(kernels, permutationIndicators(n, nA, permutations, 4), nA);
        for (int h = 0; h < Heads; ++h) {
            const double s = kernels[h].narrow(0, 0, nA).narrow(1, nA, nB).mean().item<double>();
            QVERIFY(std::abs(result.statistic[h].item<double>() - s) < 1e-12 * s);
            const at::Tensor row = null[h];
            const double mean = row.mean().item<double>(), sd = row.std().item<double>();
            QVERIFY(sd > 0); // the null really varies
            int extreme = 0;
            for (int k = 0; k < permutations; ++k)
                extreme += std::abs(row[k].item<double>() - mean) >= std::abs(s - mean) ? 1 : 0;
            QCOMPARE(result.pValue[h].item<double>(), double(1 + extreme) / double(1 + permutations));
            QVERIFY(std::abs(result.nullMean[h].item<double>() - mean) < 1e-12 * mean);
            QVERIFY(std::abs(result.z[h].item<double>() - (s - mean) / sd) < 1e-9);
            QVERIFY(std::abs(result.ratio[h].item<double>() - s / mean) < 1e-12);
            QCOMPARE(result.direction[h].item<double>(), s > mean ? 1.0 : -1.0);
        }
    }

    void constantKernelHasNoSignal()
    {
        const at::Tensor kernels = at::full({2, 10, 10}, 0.3, at::kDouble);
        const PermutationResult result = permutationTest(kernels, 4, 99, 1);
        QVERIFY(at::equal(result.pValue, at::ones({2}, at::kDouble)));
        QVERIFY(at::equal(result.z, at::zeros({2}, at::kDouble)));
        QVERIFY(at::equal(result.direction, at::zeros({2}, at::kDouble)));
    }

    void calibratedUnderExchangeableTasks_data()
    {
        QTest::addColumn<int>("variant");
        QTest::newRow("abs") << int(ScoreVariant::Abs);
        QTest::newRow("signed") << int(ScoreVariant::Signed);
        QTest::newRow("symmetric") << int(ScoreVariant::Symmetric);
    }
    void calibratedUnderExchangeableTasks()
    {
        QFETCH(int, variant);
        const int64_t nA = 14, nB = 18;
        const int datasets = 60; // x 8 heads = 480 tests
        std::vector<at::Tensor> blocks;
        for (int d = 0; d < datasets; ++d) {
            // A and B from one distribution.
            const at::Tensor k = pooledKernels(gradients(nA, 1000 + d), gradients(nB, 5000 + d), ScoreVariant(variant));
            blocks.push_back(k.unsqueeze(0)); // [1, Heads, n, n]
        }
        int below = 0, belowHalf = 0, flagged = 0, total = 0;
        for (int d = 0; d < datasets; ++d) {
            StatisticsSettings settings;
            settings.permutations = 999;
            settings.bootstrapResamples = 10;
            settings.seed = quint64(d);
            const BlockStatistics stats = headStatistics({blocks[size_t(d)]}, nA, settings).front();
            below += stats.pValue.lt(0.05).sum().item<int>();
            belowHalf += stats.pValue.lt(0.5).sum().item<int>();
            flagged += stats.flagged.sum().item<int>();
            total += int(stats.pValue.numel());
        }
        const double share = double(below) / total;
        QVERIFY2(share >= 0.02 && share <= 0.08, qPrintable(QString("share p < 0.05: %1").arg(share)));
        const double half = double(belowHalf) / total;
        QVERIFY2(half >= 0.42 && half <= 0.58, qPrintable(QString("share p < 0.5: %1").arg(half)));
        QVERIFY2(double(flagged) / total <= 0.05, qPrintable(QString("flagged share %1").arg(double(flagged) / total)));
    }

    void plantedDifferenceIsFlagged()
    {
        const int64_t nA = 24, nB = 24;
        const at::Tensor kernels = pooledKernels(gradients(nA, 71), gradients(nB, 72, /*headScale=*/3.0));
        StatisticsSettings settings;
        const BlockStatistics stats = headStatistics({kernels.unsqueeze(0)}, nA, settings).front();
        QVERIFY(stats.flagged[0][0].item<bool>());
        QVERIFY(stats.pValue[0][0].item<double>() <= 2.0 / 1001.0);
        QVERIFY(std::abs(stats.z[0][0].item<double>()) > 3.0);
        // Task B's larger gradients in head 0: pairs across the tasks weigh
        // A's small importance against B's large magnitude, below the mixed
        // pairs of the null.
        QCOMPARE(int(stats.direction[0][0].item<int8_t>()), -1);
        QVERIFY(stats.flagged.sum().item<int>() <= 2);
    }

    void reproducibleAcrossThreadCounts()
    {
        std::vector<at::Tensor> blocks;
        for (int b = 0; b < 3; ++b) {
            at::Tensor layers = at::stack({pooledKernels(gradients(20, 300 + b), gradients(25, 400 + b)),
                                           pooledKernels(gradients(20, 500 + b), gradients(25, 600 + b, 2.0))});
            blocks.push_back(layers); // [2, Heads, 45, 45]
        }
        StatisticsSettings settings;
        settings.seed = 12345;
        at::set_num_threads(1);
        const std::vector<BlockStatistics> one = headStatistics(blocks, 20, settings);
        at::set_num_threads(2);
        const std::vector<BlockStatistics> two = headStatistics(blocks, 20, settings);
        QCOMPARE(one.size(), size_t(3));
        for (size_t b = 0; b < one.size(); ++b) {
            const std::vector<at::Tensor BlockStatistics::*> members{
                &BlockStatistics::statistic, &BlockStatistics::nullMean, &BlockStatistics::nullSd,
                &BlockStatistics::pValue, &BlockStatistics::qValue, &BlockStatistics::z, &BlockStatistics::ratio,
                &BlockStatistics::ciLow, &BlockStatistics::ciHigh, &BlockStatistics::direction, &BlockStatistics::flagged};
            for (size_t m = 0; m < members.size(); ++m) {
                const at::Tensor &x = one[b].*members[m], &y = two[b].*members[m];
                QVERIFY2(at::equal(x, y), qPrintable(QString("block %1, member %2: max difference %3").arg(b).arg(m)
                                                         .arg(x.to(at::kDouble).sub(y.to(at::kDouble)).abs().max().item<double>())));
            }
            QCOMPARE(one[b].pValue.sizes().vec(), (std::vector<int64_t>{2, Heads}));
        }
        // A block's results do not depend on the other blocks analysed with it.
        const BlockStatistics alone = headStatistics({blocks[1]}, 20, settings).front();
        QVERIFY(at::equal(alone.pValue, one[1].pValue));
        QVERIFY(at::equal(alone.ciLow, one[1].ciLow));
        // Another seed, other draws.
        settings.seed = 12346;
        QVERIFY(!at::equal(headStatistics(blocks, 20, settings)[0].nullMean, one[0].nullMean));
    }

    void fdrFamilies()
    {
        std::vector<at::Tensor> blocks;
        for (int b = 0; b < 2; ++b)
            blocks.push_back(pooledKernels(gradients(10, 800 + b), gradients(12, 900 + b, 1.0 + b)).unsqueeze(0));
        StatisticsSettings settings;
        settings.permutations = 300;
        settings.bootstrapResamples = 20;
        const auto perBlock = headStatistics(blocks, 10, settings);
        settings.fdrFamily = FdrFamily::All;
        const auto joint = headStatistics(blocks, 10, settings);
        std::vector<double> all;
        for (const BlockStatistics &s : perBlock) {
            QVERIFY(at::equal(s.qValue.flatten(), at::tensor(benjaminiHochberg(std::vector<double>(
                s.pValue.data_ptr<double>(), s.pValue.data_ptr<double>() + s.pValue.numel())), at::kDouble)));
            all.insert(all.end(), s.pValue.data_ptr<double>(), s.pValue.data_ptr<double>() + s.pValue.numel());
        }
        const std::vector<double> q = benjaminiHochberg(all);
        QVERIFY(at::equal(at::cat({joint[0].qValue.flatten(), joint[1].qValue.flatten()}), at::tensor(q, at::kDouble)));
        QCOMPARE(parseFdrFamily("all"), FdrFamily::All);
        QVERIFY_THROWS_EXCEPTION(Error, parseFdrFamily("layer"));
    }

    void bootstrapInterval_()
    {
        const int64_t nA = 16, nB = 20, n = nA + nB;
        const at::Tensor kernels = pooledKernels(gradients(nA, 21), gradients(nB, 22));
        const BootstrapInterval ci = bootstrapInterval(kernels, nA, 1000, 0.95, 5);
        const at::Tensor s = kernels.narrow(1, 0, nA).narrow(2, nA, nB).mean(at::IntArrayRef{1, 2});
        QVERIFY(ci.low.lt(s).all().item<bool>());
        QVERIFY(ci.high.gt(s).all().item<bool>());

        // The resampled statistics equal direct weighted sums with the same counts.
        const auto [countsA, countsB] = bootstrapCounts(nA, nB, 1000, 5);
        const at::Tensor cross = kernels[3].narrow(0, 0, nA).narrow(1, nA, nB);
        std::vector<double> resampled;
        for (int r = 0; r < 1000; ++r)
            resampled.push_back(countsA[r].matmul(cross).dot(countsB[r]).item<double>() / double(nA * nB));
        std::sort(resampled.begin(), resampled.end());
        // numpy's linear percentile: position q (N - 1).
        const auto percentile = [&](double q) {
            const double pos = q * (resampled.size() - 1);
            const size_t lo = size_t(std::floor(pos));
            return resampled[lo] + (pos - lo) * (resampled[std::min(lo + 1, resampled.size() - 1)] - resampled[lo]);
        };
        QVERIFY(std::abs(ci.low[3].item<double>() - percentile(0.025)) < 1e-12 * s[3].item<double>());
        QVERIFY(std::abs(ci.high[3].item<double>() - percentile(0.975)) < 1e-12 * s[3].item<double>());

        // Sensible width: a few percent of S here, and about half with four
        // times the samples.
        const at::Tensor width = (ci.high - ci.low) / s;
        QVERIFY(width.gt(0.01).all().item<bool>() && width.lt(2.0).all().item<bool>());
        const at::Tensor big = pooledKernels(gradients(4 * nA, 23), gradients(4 * nB, 24));
        const BootstrapInterval bigCi = bootstrapInterval(big, 4 * nA, 1000, 0.95, 5);
        const at::Tensor bigS = big.narrow(1, 0, 4 * nA).narrow(2, 4 * nA, 4 * nB).mean(at::IntArrayRef{1, 2});
        const double ratio = ((bigCi.high - bigCi.low) / bigS).mean().item<double>() / width.mean().item<double>();
        QVERIFY2(ratio > 0.3 && ratio < 0.75, qPrintable(QString::number(ratio)));
        // Higher level, wider interval; same seed, same interval.
        const BootstrapInterval wide = bootstrapInterval(kernels, nA, 1000, 0.99, 5);
        QVERIFY(wide.low.le(ci.low).all().item<bool>() && wide.high.ge(ci.high).all().item<bool>());
        QVERIFY(at::equal(bootstrapInterval(kernels, nA, 1000, 0.95, 5).low, ci.low));
        (void)n;
    }

    void badInputIsAnError()
    {
        const at::Tensor kernels = at::rand({2, 6, 6}, at::kDouble);
        QVERIFY_THROWS_EXCEPTION(Error, permutationTest(kernels, 0, 100, 1));
        QVERIFY_THROWS_EXCEPTION(Error, permutationTest(kernels, 6, 100, 1));
        QVERIFY_THROWS_EXCEPTION(Error, permutationTest(kernels, 3, 0, 1));
        QVERIFY_THROWS_EXCEPTION(Error, permutationTest(at::rand({2, 6, 5}, at::kDouble), 3, 100, 1));
        at::Tensor bad = kernels.clone();
        bad[0][1][2] = std::nan("");
        QVERIFY_THROWS_EXCEPTION(Error, permutationTest(bad, 3, 100, 1));
        QVERIFY_THROWS_EXCEPTION(Error, bootstrapInterval(kernels, 3, 100, 1.5, 1));
        QVERIFY_THROWS_EXCEPTION(Error, headStatistics({kernels.unsqueeze(0), at::rand({1, 2, 7, 7}, at::kDouble)}, 3,
                                                       StatisticsSettings()));
    }
};

QTEST_GUILESS_MAIN(TestStatistics)
#include "tst_statistics.moc"
