#include "DemoCircuits.h"

#include "DemoTasks.h"
#include "Error.h"
#include "engine/TransformerModel.h"
#include "tokenizer/Tokenizer.h"

#include <algorithm>

namespace qkov::demo {

std::vector<DemoHead> HeadScoreTable::atLeast(double threshold) const
{
    std::vector<DemoHead> found;
    for (int l = 0; l < layers; ++l)
        for (int h = 0; h < heads; ++h)
            if (at(l, h) >= threshold)
                found.push_back({l, h, at(l, h)});
    std::stable_sort(found.begin(), found.end(),
                     [](const DemoHead &a, const DemoHead &b) { return a.score > b.score; });
    return found;
}

CircuitScores measureCircuits(const TransformerModel &model, const Tokenizer &tokenizer,
                              const QStringList &taskARecords)
{
    const int L = model.numLayers(), H = model.numHeads();
    std::vector<double> inductionSum(size_t(L * H), 0.0), previousSum(size_t(L * H), 0.0);
    int64_t inductionCount = 0, previousCount = 0;
    ForwardOptions options;
    options.interventions.capture.points = pointBit(AttentionPoint::Pattern);
    for (const QString &record : taskARecords) {
        const std::vector<int> ids = tokenizer.encode(record, true);
        // Character i of the record sits at position i + offset (after <s>).
        const int64_t offset = int64_t(ids.size()) - record.size();
        const int period = segmentPeriod(record);
        if (offset < 0 || ids.size() < 3)
            continue;
        at::NoGradGuard noGrad;
        const at::Tensor tokens = at::tensor(std::vector<int64_t>(ids.begin(), ids.end())).unsqueeze(0);
        ForwardRecord captured;
        model.forward(tokens, {}, options, &captured);
        for (int l = 0; l < L; ++l) {
            // [H, T, T] double on the CPU
            const at::Tensor pattern = captured.attention.at(l, AttentionPoint::Pattern)[0]
                                           .to(at::kCPU, at::kDouble).contiguous();
            const auto p = pattern.accessor<double, 3>();
            for (int h = 0; h < H; ++h) {
                for (int64_t i = 1; i < record.size(); ++i)
                    previousSum[size_t(l * H + h)] += p[h][i + offset][i - 1 + offset];
                if (period > 0)
                    for (int64_t i = period; i < record.size(); ++i)
                        inductionSum[size_t(l * H + h)] += p[h][i + offset][i - period + 1 + offset];
            }
        }
        previousCount += record.size() - 1;
        if (period > 0)
            inductionCount += record.size() - period;
    }
    if (inductionCount == 0)
        throw Error(QStringLiteral("task A"), QStringLiteral("no record repeats its segment, so induction cannot be measured."));
    CircuitScores scores;
    scores.induction = {L, H, std::move(inductionSum)};
    scores.previousToken = {L, H, std::move(previousSum)};
    for (double &v : scores.induction.values)
        v /= double(inductionCount);
    for (double &v : scores.previousToken.values)
        v /= double(previousCount);
    return scores;
}

} // namespace qkov::demo
