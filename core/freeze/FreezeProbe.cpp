#include "FreezeProbe.h"

#include "Error.h"
#include "engine/TransformerModel.h"
#include "jobs/JobContext.h"
#include "tokenizer/Tokenizer.h"
#include "Translate.h"

#include <QCoreApplication>

#include <algorithm>

namespace qkov {

namespace {

// Baseline patterns are kept between probes up to this many entries
// (256 MB in float32); beyond it each probe recomputes them batch by batch.
constexpr int64_t kBaselinePatternBudget = int64_t(64) << 20;

ForwardOptions patternCapture()
{
    ForwardOptions o;
    o.interventions.capture.points = pointBit(AttentionPoint::Pattern);
    return o;
}

} // namespace

struct FreezeProbe::Baseline
{
    struct Chunk
    {
        int64_t first = 0;
        TokenBatch batch;
        at::Tensor loss;                          // [b] double, CPU
        std::vector<std::vector<ProbeToken>> top; // per sample
        std::vector<at::Tensor> patterns;         // per layer [b, H, T, T]; empty over budget
    };
    std::vector<Chunk> chunks;
    double meanLoss = 0.0;
};

FreezeProbe::FreezeProbe(const TransformerModel &model, const Tokenizer *tokenizer, const ProbeOptions &options)
    : m_model(model), m_tokenizer(tokenizer), m_options(options)
{
    m_options.batchSize = std::max(1, m_options.batchSize);
    m_options.topK = std::clamp(m_options.topK, 1, model.vocabSize());
}

FreezeProbe::~FreezeProbe() = default;

void FreezeProbe::setSequences(const std::vector<std::vector<int>> &sequences)
{
    if (sequences.empty())
        throw Error(QStringLiteral("tokens"), tr("there is nothing to probe."));
    for (size_t i = 0; i < sequences.size(); ++i)
        if (sequences[i].empty())
            throw Error(QStringLiteral("tokens"), tr("sample %1 has no token.").arg(i));
    if (sequences == m_sequences)
        return;
    m_sequences = sequences;
    m_width = 0;
    for (const auto &s : m_sequences)
        m_width = std::max<int64_t>(m_width, int64_t(s.size()));
    m_baseline.reset();
}

void FreezeProbe::setText(const QString &text)
{
    if (!m_tokenizer)
        throw Error(QStringLiteral("--text"), tr("the model has no tokenizer to encode text with."));
    const std::vector<int> ids = m_tokenizer->encode(text, true);
    if (ids.empty())
        throw Error(QStringLiteral("--text"), tr("the text gives no tokens."));
    setSequences({ids});
}

std::vector<ProbeToken> FreezeProbe::topTokens(const at::Tensor &logits) const
{
    const at::Tensor probabilities = at::softmax(logits.to(at::kCPU, at::kDouble), -1);
    const auto top = probabilities.topk(m_options.topK);
    const at::Tensor values = std::get<0>(top), ids = std::get<1>(top);
    std::vector<ProbeToken> tokens;
    for (int64_t k = 0; k < ids.size(0); ++k) {
        ProbeToken t;
        t.id = ids[k].item<int64_t>();
        t.probability = values[k].item<double>();
        if (m_tokenizer)
            t.text = m_tokenizer->decode({int(t.id)});
        tokens.push_back(std::move(t));
    }
    return tokens;
}

const FreezeProbe::Baseline &FreezeProbe::baseline(JobContext *job)
{
    if (m_sequences.empty())
        throw Error(QStringLiteral("tokens"), tr("there is nothing to probe."));
    if (m_baseline)
        return *m_baseline;
    auto base = std::make_unique<Baseline>();
    const int64_t n = int64_t(m_sequences.size());
    const int64_t patternEntries = n * m_model.numLayers() * m_model.numHeads() * m_width * m_width;
    const bool keepPatterns = patternEntries <= kBaselinePatternBudget;
    double lossSum = 0.0;
    for (int64_t first = 0; first < n; first += m_options.batchSize) {
        if (job)
            job->checkCancelled();
        Baseline::Chunk chunk;
        chunk.first = first;
        chunk.batch = TokenBatch::make(m_sequences, first, std::min<int64_t>(m_options.batchSize, n - first),
                                       m_width, m_model.options().device);
        ForwardRecord record;
        const at::Tensor logits = m_model.forward(chunk.batch.ids, chunk.batch.mask,
                                                  keepPatterns ? patternCapture() : ForwardOptions(),
                                                  keepPatterns ? &record : nullptr);
        chunk.loss = causalLmLossPerSample(logits, chunk.batch.ids, chunk.batch.mask).to(at::kCPU, at::kDouble);
        lossSum += chunk.loss.sum().item<double>();
        for (int64_t b = 0; b < chunk.batch.ids.size(0); ++b) {
            const int64_t last = int64_t(m_sequences[size_t(first + b)].size()) - 1;
            chunk.top.push_back(topTokens(logits[b][last]));
        }
        if (keepPatterns)
            chunk.patterns = record.attention.patterns();
        base->chunks.push_back(std::move(chunk));
    }
    base->meanLoss = lossSum / double(n);
    m_baseline = std::move(base);
    return *m_baseline;
}

ProbeResult FreezeProbe::run(const FreezeSet &set, const FreezeReference *reference, JobContext *job)
{
    at::NoGradGuard noGrad;
    const Baseline &base = baseline(job);
    const int L = m_model.numLayers(), H = m_model.numHeads();
    ProbeResult result;
    at::Tensor changeSum = at::zeros({L, H}, at::TensorOptions().dtype(at::kDouble));
    double queries = 0.0, frozenSum = 0.0;
    if (m_options.keepPatterns) {
        result.baselinePatterns.resize(size_t(L));
        result.frozenPatterns.resize(size_t(L));
    }
    auto baselineParts = std::vector<std::vector<at::Tensor>>(size_t(L));
    auto frozenParts = baselineParts;
    for (const Baseline::Chunk &chunk : base.chunks) {
        if (job)
            job->checkCancelled();
        const int64_t count = chunk.batch.ids.size(0);
        ForwardOptions options = patternCapture();
        options.interventions.replacements =
            freezeInterventions(set, m_model, reference, {count, m_width, chunk.first}).replacements;
        ForwardRecord frozen;
        const at::Tensor logits = m_model.forward(chunk.batch.ids, chunk.batch.mask, options, &frozen);
        const at::Tensor loss = causalLmLossPerSample(logits, chunk.batch.ids, chunk.batch.mask).to(at::kCPU, at::kDouble);
        std::vector<at::Tensor> basePatterns = chunk.patterns;
        if (basePatterns.empty()) {
            ForwardRecord again;
            m_model.forward(chunk.batch.ids, chunk.batch.mask, patternCapture(), &again);
            basePatterns = again.attention.patterns();
        }
        const at::Tensor realQueries = chunk.batch.mask.to(at::kDouble).unsqueeze(1); // [b, 1, T]
        queries += chunk.batch.mask.sum().item<double>();
        for (int l = 0; l < L; ++l) {
            const at::Tensor after = frozen.attention.at(l, AttentionPoint::Pattern);
            const at::Tensor before = basePatterns[size_t(l)];
            const at::Tensor distance = 0.5 * (after - before).abs().sum(-1).to(at::kDouble); // [b, H, T]
            changeSum[l].add_((distance * realQueries).sum(at::IntArrayRef{0, 2}).to(at::kCPU));
            if (m_options.keepPatterns) {
                baselineParts[size_t(l)].push_back(before.to(at::kCPU));
                frozenParts[size_t(l)].push_back(after.to(at::kCPU));
            }
        }
        for (int64_t b = 0; b < count; ++b) {
            const int64_t length = int64_t(m_sequences[size_t(chunk.first + b)].size());
            ProbeSample s;
            s.length = length;
            s.baselineLoss = chunk.loss[b].item<double>();
            s.frozenLoss = loss[b].item<double>();
            s.baselineTop = chunk.top[size_t(b)];
            s.frozenTop = topTokens(logits[b][length - 1]);
            frozenSum += s.frozenLoss;
            result.samples.push_back(std::move(s));
        }
    }
    const double n = double(result.samples.size());
    result.baselineMeanLoss = base.meanLoss;
    result.frozenMeanLoss = frozenSum / n;
    result.meanLossDifference = result.frozenMeanLoss - result.baselineMeanLoss;
    result.patternChange = changeSum / std::max(1.0, queries);
    if (m_options.keepPatterns)
        for (int l = 0; l < L; ++l) {
            result.baselinePatterns[size_t(l)] = at::cat(baselineParts[size_t(l)], 0);
            result.frozenPatterns[size_t(l)] = at::cat(frozenParts[size_t(l)], 0);
        }
    return result;
}

std::vector<SweepRow> FreezeProbe::sweep(FreezeCircuit circuit, FreezeMethod method,
                                         const FreezeReference *reference, JobContext *job,
                                         const FreezeSet &like)
{
    at::NoGradGuard noGrad;
    const Baseline &base = baseline(job);
    const int L = m_model.numLayers(), H = m_model.numHeads();
    const double n = double(m_sequences.size());
    if (job)
        job->setStage(tr("Freezing each head"));
    std::vector<SweepRow> rows;
    for (int l = 0; l < L; ++l)
        for (int h = 0; h < H; ++h) {
            FreezeSet single = like;
            single.entries.clear();
            FreezeEntry e;
            e.layer = l;
            e.head = h;
            e.circuit = circuit;
            e.method = method;
            single.add(e);
            double frozenSum = 0.0;
            for (const Baseline::Chunk &chunk : base.chunks) {
                if (job)
                    job->checkCancelled();
                ForwardOptions options;
                options.interventions = freezeInterventions(single, m_model, reference,
                                                            {chunk.batch.ids.size(0), m_width, chunk.first});
                const at::Tensor logits = m_model.forward(chunk.batch.ids, chunk.batch.mask, options);
                frozenSum += causalLmLossPerSample(logits, chunk.batch.ids, chunk.batch.mask).sum().item<double>();
            }
            SweepRow row;
            row.layer = l;
            row.head = h;
            row.baselineLoss = base.meanLoss;
            row.frozenLoss = frozenSum / n;
            row.lossIncrease = row.frozenLoss - row.baselineLoss;
            rows.push_back(row);
            if (job)
                job->setProgress(int64_t(l) * H + h + 1, int64_t(L) * H);
        }
    // Stable: equal increases keep layer-major order.
    std::stable_sort(rows.begin(), rows.end(),
                     [](const SweepRow &a, const SweepRow &b) { return a.lossIncrease > b.lossIncrease; });
    return rows;
}

} // namespace qkov
