#include "PerSampleGradients.h"

#include "Error.h"
#include "engine/TransformerModel.h"
#include "jobs/JobContext.h"
#include "structure/StructureBuilder.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/accumulate_grad.h>

#include <QHash>
#include <QSet>

#include <atomic>
#include <memory>
#include <unordered_set>

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

// A pre-hook on every node of one backward graph: the pass stops at the next
// node after a cancel. The hooks stay on the graph's nodes, so they go quiet
// (through the shared switch) when the pass is over.
class CancelPreHook : public torch::autograd::FunctionPreHook
{
public:
    explicit CancelPreHook(std::shared_ptr<std::atomic<const JobContext *>> job) : m_job(std::move(job)) {}
    torch::autograd::variable_list operator()(const torch::autograd::variable_list &grads) override
    {
        if (const JobContext *job = m_job->load(std::memory_order_relaxed))
            job->checkCancelled();
        return grads;
    }

private:
    std::shared_ptr<std::atomic<const JobContext *>> m_job;
};

class BackwardCancelPoints
{
public:
    BackwardCancelPoints(const at::Tensor &root, const JobContext *job)
        : m_job(std::make_shared<std::atomic<const JobContext *>>(job))
    {
        if (!job || !root.grad_fn())
            return;
        std::vector<torch::autograd::Node *> todo{root.grad_fn().get()};
        std::unordered_set<torch::autograd::Node *> seen(todo.begin(), todo.end());
        while (!todo.empty()) {
            torch::autograd::Node *node = todo.back();
            todo.pop_back();
            // Parameters' accumulators outlive this graph; they are never run here.
            if (dynamic_cast<torch::autograd::AccumulateGrad *>(node))
                continue;
            node->add_pre_hook(std::make_unique<CancelPreHook>(m_job));
            for (const torch::autograd::Edge &edge : node->next_edges())
                if (edge.function && seen.insert(edge.function.get()).second)
                    todo.push_back(edge.function.get());
        }
    }
    ~BackwardCancelPoints() { m_job->store(nullptr); }

private:
    std::shared_ptr<std::atomic<const JobContext *>> m_job;
};

// What the sink receives, in order: a weight applied more than once (shared
// weights) after its last use, summed; everything else as soon as formed.
struct Emission
{
    size_t projection = 0;
    PerSampleTensor weight;
    PerSampleTensor bias; // tensor empty when no bias gradient
};

std::vector<Emission> emissionsOf(const TransformerModel &model, const std::vector<CapturedProjection> &projections,
                                  bool includeBias)
{
    QHash<QString, size_t> lastUse;
    for (size_t n = 0; n < projections.size(); ++n)
        lastUse.insert(projections[n].weight, n);
    std::vector<Emission> out;
    for (size_t n = 0; n < projections.size(); ++n) {
        const CapturedProjection &p = projections[n];
        if (lastUse.value(p.weight) != n)
            continue;
        const int64_t in = p.input.size(-1), outFeatures = p.output.size(-1);
        Emission e;
        e.projection = n;
        e.weight = {p.weight, p.layer, p.block, false,
                    p.transposedStorage ? std::vector<int64_t>{in, outFeatures} : std::vector<int64_t>{outFeatures, in}};
        if (includeBias && p.block != QLatin1String("o") && model.parameter(biasNameOf(p.weight)).defined())
            e.bias = {biasNameOf(p.weight), p.layer, p.block, true, {outFeatures}};
        out.push_back(std::move(e));
    }
    return out;
}

// The caller's destination for `t`, checked, or undefined.
at::Tensor destinationFor(const PerSampleOptions &options, const PerSampleTensor &t, int64_t batch, at::ScalarType dtype)
{
    if (!options.destination)
        return {};
    at::Tensor d = options.destination(t, batch, dtype);
    if (!d.defined())
        return d;
    std::vector<int64_t> shape{batch};
    shape.insert(shape.end(), t.shape.begin(), t.shape.end());
    if (d.sizes() != at::IntArrayRef(shape) || d.scalar_type() != dtype || !d.is_contiguous())
        throw Error(t.tensor, QStringLiteral("the destination for its per-sample gradients has the wrong shape or type."));
    return d;
}

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
    if (job)
        forwardOptions.cancelPoint = [job] { job->checkCancelled(); };
    ForwardRecord record;
    at::Tensor losses;
    std::vector<at::Tensor> deltas;
    std::vector<Emission> emissions;
    {
        const at::Tensor logits = model.forward(tokens, realMask, forwardOptions, &record);
        if (job)
            job->checkCancelled();
        losses = causalLmLossPerSample(logits, tokens, realMask);
        std::vector<at::Tensor> outputs;
        for (CapturedProjection &p : record.projections) {
            if (!p.output.requires_grad())
                throw Error(p.weight, QStringLiteral("the projection output carries no gradient; the engine did not build a graph for it."));
            outputs.push_back(p.output);
        }
        emissions = emissionsOf(model, record.projections, options.includeBias);
        if (options.layout) {
            std::vector<PerSampleTensor> tensors;
            for (const Emission &e : emissions) {
                tensors.push_back(e.weight);
                if (!e.bias.tensor.isEmpty())
                    tensors.push_back(e.bias);
            }
            options.layout(tensors);
        }
        const at::Tensor total = losses.sum();
        const BackwardCancelPoints cancelPoints(total, job);
        try {
            // Gradients with respect to the projection outputs only: the
            // summed weight gradients (and everything outside attention) are
            // never formed; the bmm below replaces them.
            deltas = torch::autograd::grad({total}, outputs, /*grad_outputs=*/{},
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

    const int64_t batch = tokens.size(0);
    const at::Tensor padding = realMask.logical_not().unsqueeze(-1); // [B, T, 1]
    auto deltaOf = [&](size_t n) {
        const CapturedProjection &p = record.projections[n];
        const at::Tensor delta = deltas[n].defined() ? deltas[n] : at::zeros_like(p.output);
        deltas[n] = at::Tensor();
        return delta.masked_fill(padding, 0.0);
    };
    // [B, out, T] x [B, T, in]; Conv1D keeps [B, in, out] as stored.
    auto formInto = [&](at::Tensor out, const CapturedProjection &p, const at::Tensor &delta) {
        const at::Tensor x = p.input.to(delta.scalar_type());
        const at::Tensor a = p.transposedStorage ? x.transpose(1, 2) : delta.transpose(1, 2);
        const at::Tensor b = p.transposedStorage ? delta : x;
        return out.defined() ? at::bmm_out(out, a, b) : at::bmm(a, b);
    };
    QSet<QString> withBias; // weights whose bias gradient is emitted
    for (const Emission &e : emissions)
        if (!e.bias.tensor.isEmpty())
            withBias.insert(record.projections[e.projection].weight);
    // Shared weights: the G (and bias G) of their earlier uses.
    QHash<QString, std::pair<at::Tensor, at::Tensor>> pending;
    size_t next = 0; // the next emission
    for (size_t n = 0; n < record.projections.size(); ++n) {
        CapturedProjection &p = record.projections[n];
        const at::Tensor delta = deltaOf(n);
        at::Tensor biasG = withBias.contains(p.weight) ? delta.sum(1) : at::Tensor(); // [B, out]
        const bool emitHere = next < emissions.size() && emissions[next].projection == n;
        if (!emitHere) {
            at::Tensor g = formInto({}, p, delta);
            if (pending.contains(p.weight)) {
                const auto [pg, pgb] = pending.take(p.weight);
                g = pg + g;
                biasG = biasG.defined() ? pgb + biasG : biasG;
            }
            pending.insert(p.weight, {g, biasG});
            p = CapturedProjection();
            continue;
        }
        const Emission &e = emissions[next++];
        PerSampleGradient out;
        out.tensor = e.weight.tensor;
        out.layer = e.weight.layer;
        out.block = e.weight.block;
        const at::Tensor destination = destinationFor(options, e.weight, batch, delta.scalar_type());
        if (pending.contains(p.weight)) {
            const auto [pg, pgb] = pending.take(p.weight);
            const at::Tensor sum = pg + formInto({}, p, delta);
            out.values = destination.defined() ? destination.copy_(sum) : sum;
            if (biasG.defined())
                biasG = pgb + biasG;
        } else {
            out.values = formInto(destination, p, delta);
        }
        sink(out);
        if (biasG.defined()) {
            // Copied after the weight's sink returned: both may share one destination.
            out.tensor = e.bias.tensor;
            out.bias = true;
            const at::Tensor biasDestination = destinationFor(options, e.bias, batch, biasG.scalar_type());
            out.values = biasDestination.defined() ? biasDestination.copy_(biasG) : biasG;
            sink(out);
        }
        p = CapturedProjection();
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
