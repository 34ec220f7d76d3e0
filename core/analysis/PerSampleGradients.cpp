#include "PerSampleGradients.h"

#include "Error.h"
#include "engine/TransformerModel.h"
#include "jobs/JobContext.h"
#include "structure/StructureBuilder.h"

#include <torch/csrc/autograd/autograd.h>

#include <QHash>

namespace qkov {

namespace {

// Turns the model's attention weights trainable for the passes and restores
// the previous state afterwards.
class AttentionGradScope
{
public:
    explicit AttentionGradScope(TransformerModel &model) : m_model(model)
    {
        const QStringList names = model.attentionWeightNames();
        m_previous = !names.isEmpty() && model.parameter(names.front()).requires_grad();
        model.setAttentionRequiresGrad(true);
    }
    ~AttentionGradScope() { m_model.setAttentionRequiresGrad(m_previous); }

private:
    TransformerModel &m_model;
    bool m_previous = false;
};

} // namespace

at::Tensor forEachPerSampleGradient(TransformerModel &model, const at::Tensor &tokens,
                                    const at::Tensor &mask, const PerSampleOptions &options,
                                    const std::function<void(const PerSampleGradient &)> &sink)
{
    const JobContext *job = options.job;
    AttentionGradScope trainable(model);
    at::Tensor realMask = mask.defined() ? mask.ne(0) : at::ones(tokens.sizes(), at::TensorOptions().dtype(at::kBool));

    ForwardOptions forwardOptions;
    forwardOptions.captureProjections = true;
    if (options.interventions)
        forwardOptions.interventions = *options.interventions;
    ForwardRecord record;
    at::Tensor losses;
    std::vector<at::Tensor> deltas;
    {
        const at::Tensor logits = model.forward(tokens, realMask, forwardOptions, &record);
        if (job)
            job->checkCancelled();
        losses = causalLmLossPerSample(logits, tokens, realMask);
        std::vector<at::Tensor> outputs;
        for (CapturedProjection &p : record.projections) {
            if (!p.output.requires_grad())
                throw Error(p.weight, QStringLiteral("the projection output carries no gradient; the engine did not build a graph for it."));
            if (job)
                p.output.register_hook([job](const at::Tensor &) { job->checkCancelled(); });
            outputs.push_back(p.output);
        }
        try {
            // Gradients with respect to the projection outputs only: the
            // summed weight gradients (and everything outside attention) are
            // never formed; the bmm below replaces them.
            deltas = torch::autograd::grad({losses.sum()}, outputs, /*grad_outputs=*/{},
                                           /*retain_graph=*/false, /*create_graph=*/false,
                                           /*allow_unused=*/true);
        } catch (const c10::Error &) {
            if (job && job->isCancelled())
                throw JobCancelled();
            throw;
        }
    }
    if (job)
        job->checkCancelled();

    // A weight applied more than once (shared weights) is emitted after its
    // last use, summed; everything else is emitted as soon as it is formed.
    QHash<QString, size_t> lastUse;
    for (size_t n = 0; n < record.projections.size(); ++n)
        lastUse.insert(record.projections[n].weight, n);
    QHash<QString, std::pair<at::Tensor, at::Tensor>> pending; // weight -> (G, bias G)
    const at::Tensor padding = realMask.logical_not().unsqueeze(-1); // [B, T, 1]
    for (size_t n = 0; n < record.projections.size(); ++n) {
        CapturedProjection &p = record.projections[n];
        at::Tensor delta = deltas[n].defined() ? deltas[n] : at::zeros_like(p.output);
        deltas[n] = at::Tensor();
        delta = delta.masked_fill(padding, 0.0);
        const at::Tensor x = p.input.to(delta.scalar_type());
        // [B, out, T] x [B, T, in]; Conv1D keeps [B, in, out] as stored.
        at::Tensor g = p.transposedStorage ? at::bmm(x.transpose(1, 2), delta)
                                           : at::bmm(delta.transpose(1, 2), x);
        at::Tensor gb;
        if (options.includeBias && p.block != QLatin1String("o")
            && model.parameter(biasNameOf(p.weight)).defined())
            gb = delta.sum(1); // [B, out]
        p.input = at::Tensor();
        p.output = at::Tensor();
        if (pending.contains(p.weight)) {
            auto &[pg, pgb] = pending[p.weight];
            g = pg + g;
            if (gb.defined() && pgb.defined())
                gb = pgb + gb;
            pending.remove(p.weight);
        }
        if (lastUse.value(p.weight) != n) {
            pending.insert(p.weight, {g, gb});
            continue;
        }
        PerSampleGradient out;
        out.tensor = p.weight;
        out.layer = p.layer;
        out.block = p.block;
        out.values = g;
        sink(out);
        if (gb.defined()) {
            out.tensor = biasNameOf(p.weight);
            out.bias = true;
            out.values = gb;
            sink(out);
        }
        if (job)
            job->checkCancelled();
    }
    return losses.detach().to(at::kDouble);
}

std::vector<PerSampleGradient> perSampleGradients(TransformerModel &model, const at::Tensor &tokens,
                                                  const at::Tensor &mask,
                                                  const PerSampleOptions &options, at::Tensor *losses)
{
    std::vector<PerSampleGradient> all;
    const at::Tensor l = forEachPerSampleGradient(model, tokens, mask, options,
                                                  [&](const PerSampleGradient &g) { all.push_back(g); });
    if (losses)
        *losses = l;
    return all;
}

} // namespace qkov
