#pragma once
// The demo's two synthetic tasks and its character vocabulary (docs/DEMO.md).
// Torch-free: the generators are plain string functions driven by a portable
// random generator, so the same seed gives the same records everywhere.
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <cstdint>

namespace qkov::demo {

// SplitMix64: fully specified (unlike std::uniform_int_distribution), so the
// data and therefore the trained weights do not depend on the standard library.
class DemoRandom
{
public:
    explicit DemoRandom(uint64_t seed) : m_state(seed) {}
    uint64_t next();
    // Uniform in [0, n) for n > 0 (modulo bias is irrelevant for n <= 26).
    int below(int n) { return int(next() % uint64_t(n)); }

private:
    uint64_t m_state;
};

// Characters of a task A record: distinct letters repeated.
constexpr int kTaskALength = 32;        // characters per record
constexpr int kSegmentMin = 6;          // segment length range, inclusive
constexpr int kSegmentMax = 12;
// Task B: this many single-digit additions per record, comma-separated.
constexpr int kAdditionsPerRecord = 5;

// Task A ("repeat"): a segment of kSegmentMin..kSegmentMax distinct random
// letters a-z, repeated until the record is kTaskALength characters long,
// e.g. "qhzbkwaqhzbkwaqhzbkwaqhzbkwaqhzb". Solved by an induction circuit.
QString repeatedSegmentRecord(DemoRandom &random);
// Task B ("add"): kAdditionsPerRecord sums of two random digits,
// e.g. "3+5=8,2+9=11,7+7=14,0+4=4,6+1=7". Solved by heads that read the
// operands at fixed offsets before '=' and an MLP that adds them.
QString additionRecord(DemoRandom &random);

// The period of a task A record: the distance to the first repeat of its
// first character (the segment length, since a segment's letters are
// distinct); -1 when the first character never repeats.
int segmentPeriod(const QString &record);

// Token strings in id order: <s>, </s>, <unk>, a-z, 0-9, '+', '=', ','.
QStringList vocabulary();
constexpr int kBosId = 0;
constexpr int kEosId = 1;

// A HuggingFace tokenizer.json for the vocabulary: a character-level BPE
// model without merges, no normalizer or pre-tokenizer, a template
// post-processor that prepends <s>, and a Fuse decoder (tokens concatenated).
QByteArray tokenizerJson();
QByteArray tokenizerConfigJson();

} // namespace qkov::demo
