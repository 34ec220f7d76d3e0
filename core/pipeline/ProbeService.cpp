#include "ProbeService.h"

#include "Error.h"
#include "ModelTokenizer.h"
#include "engine/TransformerModel.h"
#include "freeze/FreezeProbe.h"
#include "freeze/FreezeReference.h"
#include "model/ModelLoader.h"
#include "tokenizer/Tokenizer.h"

#include <ATen/ATen.h>

#include <QCoreApplication>

namespace qkov {

struct ProbeService::Impl
{
    explicit Impl(const LoadedModel &model)
        : engine(model), tokenizer(model.tokenizerPath.isEmpty() ? nullptr : tokenizerFor(model)),
          probe(engine, tokenizer.get()), references(engine)
    {
    }
    TransformerModel engine;
    std::unique_ptr<Tokenizer> tokenizer;
    FreezeProbe probe;
    FreezeReferenceCache references;
};

ProbeService::ProbeService(const LoadedModel &model) : d(std::make_unique<Impl>(model)) {}

ProbeService::~ProbeService() = default;

ProbeView ProbeService::run(const QString &prompt, const FreezeSet &freeze, int layer, int head,
                            const QStringList &referenceTexts, JobContext *job)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!d->tokenizer)
        throw Error(QStringLiteral("probe"), QCoreApplication::translate("qkov::ProbeService", "the model has no tokenizer"));
    d->probe.setText(prompt);
    std::shared_ptr<const FreezeReference> reference;
    if (freeze.needsReference()) {
        std::vector<std::vector<int>> sequences;
        for (const QString &text : referenceTexts)
            sequences.push_back(d->tokenizer->encode(text, true));
        if (sequences.empty())
            sequences = d->probe.sequences(); // the prompt is its own reference
        reference = d->references.reference(sequences, {}, job);
    }
    const ProbeResult r = d->probe.run(freeze, reference.get(), job);

    ProbeView view;
    for (int id : d->probe.sequences().front())
        view.tokens << d->tokenizer->tokenString(id);
    const ProbeSample &s = r.samples.front();
    view.baselineLoss = s.baselineLoss;
    view.frozenLoss = s.frozenLoss;
    for (const ProbeToken &t : s.baselineTop)
        view.baselineTop.push_back({t.text, int(t.id), t.probability});
    for (const ProbeToken &t : s.frozenTop)
        view.frozenTop.push_back({t.text, int(t.id), t.probability});
    const at::Tensor change = r.patternChange.to(at::kDouble).contiguous();
    view.layers = int(change.size(0));
    view.heads = int(change.size(1));
    view.patternChange.assign(change.data_ptr<double>(), change.data_ptr<double>() + change.numel());
    view.frozenHeads = int(freeze.entries.size());
    if (layer >= 0 && head >= 0 && layer < int(r.baselinePatterns.size()) && head < view.heads) {
        const int64_t T = s.length;
        auto pattern = [&](const at::Tensor &layerPatterns) {
            const at::Tensor p = layerPatterns[0][head].narrow(0, 0, T).narrow(1, 0, T).to(at::kFloat).contiguous();
            return std::vector<float>(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
        };
        view.layer = layer;
        view.head = head;
        view.baselinePattern = pattern(r.baselinePatterns[size_t(layer)]);
        view.frozenPattern = pattern(r.frozenPatterns[size_t(layer)]);
    }
    return view;
}

} // namespace qkov
