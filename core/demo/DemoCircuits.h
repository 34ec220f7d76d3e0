#pragma once
// The demo's expected circuits, measured from attention patterns computed by
// the engine on task A records (docs/DEMO.md, "How the heads are found"):
//  - induction score of a head: its mean attention, from each query in a
//    repeat of the segment, to the token right after the query token's
//    previous occurrence (one period back, plus one);
//  - previous-token score: its mean attention to the immediately preceding
//    token (queries from the second character on).
// A head is reported as an induction (previous-token) head when its score is
// at least kInductionThreshold (kPreviousTokenThreshold).
#include "DemoModel.h"

#include <QStringList>
#include <vector>

namespace qkov {
class TransformerModel;
class Tokenizer;
}

namespace qkov::demo {

constexpr double kInductionThreshold = 0.6;
constexpr double kPreviousTokenThreshold = 0.6;

struct HeadScoreTable
{
    int layers = 0;
    int heads = 0;
    std::vector<double> values; // layer-major

    double at(int layer, int head) const { return values[size_t(layer * heads + head)]; }
    // Heads scoring at least `threshold`, best first.
    std::vector<DemoHead> atLeast(double threshold) const;
};

struct CircuitScores
{
    HeadScoreTable induction;
    HeadScoreTable previousToken;
};

// Throws qkov::Error("task A", ...) when no record has a repeat (the records
// must be task A records, see repeatedSegmentRecord()).
CircuitScores measureCircuits(const TransformerModel &model, const Tokenizer &tokenizer,
                              const QStringList &taskARecords);

} // namespace qkov::demo
