// Engine throughput against the machine's GEMM peak, measured in one run:
// forward + backward of a GPT-2-small-shaped random model (every parameter
// requiring gradients, as in training), the FLOPs that step needs, the best
// at::mm rate on the shapes the model multiplies, and their ratio. A profiled
// step then splits the time by operator (self time), so that a low ratio
// can be traced to the ops that cause it.
//
//   bench_engine [--threads N] [--steps N] [--batch N] [--seq N] [--layers N] [--vocab N]
#include "TinyLlama.h" // loadedFrom: an in-memory checkpoint for the engine
#include "engine/ComputeSettings.h"
#include "engine/TransformerModel.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

using namespace qkov;

namespace {

struct Shape
{
    int layers = 12, heads = 12, hidden = 768, vocab = 50257, positions = 1024;
    int batch = 8, seq = 128;
};

double seconds(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// GPT-2 initialisation: N(0, 0.02) weights, unit LayerNorms, zero biases.
std::map<QString, at::Tensor> gpt2Weights(const Shape &s)
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1);
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    auto normal = [&](std::vector<int64_t> shape) { return at::randn(shape, gen, f32) * 0.02; };
    const int64_t D = s.hidden, I = 4 * D;
    std::map<QString, at::Tensor> t;
    t["wte.weight"] = normal({s.vocab, D});
    t["wpe.weight"] = normal({s.positions, D});
    t["ln_f.weight"] = at::ones({D}, f32);
    t["ln_f.bias"] = at::zeros({D}, f32);
    for (int l = 0; l < s.layers; ++l) {
        const QString p = QStringLiteral("h.%1.").arg(l);
        for (const char *ln : {"ln_1", "ln_2"}) {
            t[p + ln + ".weight"] = at::ones({D}, f32);
            t[p + ln + ".bias"] = at::zeros({D}, f32);
        }
        t[p + "attn.c_attn.weight"] = normal({D, 3 * D});
        t[p + "attn.c_attn.bias"] = at::zeros({3 * D}, f32);
        t[p + "attn.c_proj.weight"] = normal({D, D});
        t[p + "attn.c_proj.bias"] = at::zeros({D}, f32);
        t[p + "mlp.c_fc.weight"] = normal({D, I});
        t[p + "mlp.c_fc.bias"] = at::zeros({I}, f32);
        t[p + "mlp.c_proj.weight"] = normal({I, D});
        t[p + "mlp.c_proj.bias"] = at::zeros({D}, f32);
    }
    return t;
}

ModelConfig gpt2Config(const Shape &s)
{
    ModelConfig c;
    c.modelType = QStringLiteral("gpt2");
    c.numLayers = s.layers;
    c.numHeads = c.numKvHeads = s.heads;
    c.headDim = s.hidden / s.heads;
    c.hiddenSize = s.hidden;
    c.vocabSize = s.vocab;
    c.maxPositions = s.positions;
    c.normEps = 1e-5;
    c.activation = QStringLiteral("gelu_new");
    c.tieWordEmbeddings = true;
    return c;
}

// One training-style step: forward, causal LM loss, backward, fresh gradients.
void step(const TransformerModel &model, const at::Tensor &ids)
{
    for (const QString &name : model.parameterNames())
        model.parameter(name).mutable_grad() = at::Tensor();
    causalLmLossPerSample(model.forward(ids), ids).sum().backward();
}

// The best rate of C[M, N] = A[M, K] B[K, N] (A transposed in memory when
// asked, as in a weight gradient X^T dY).
double gemmGflops(int64_t M, int64_t K, int64_t N, bool transposedA)
{
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor a = transposedA ? at::randn({K, M}, f32).t() : at::randn({M, K}, f32);
    const at::Tensor b = at::randn({K, N}, f32);
    at::Tensor c = at::mm(a, b); // warm-up
    double best = 1e30;
    const auto budget = std::chrono::steady_clock::now();
    for (int rep = 0; rep < 20 && (rep < 3 || seconds(budget) < 3.0); ++rep) {
        const auto start = std::chrono::steady_clock::now();
        at::mm_out(c, a, b);
        best = std::min(best, seconds(start));
    }
    return 2.0 * double(M) * double(K) * double(N) / best / 1e9;
}

// Self time per operator over every thread of a profiled run, in ms.
std::vector<std::pair<double, std::string>> selfTimes(const torch::autograd::profiler::thread_event_lists &lists)
{
    using torch::autograd::profiler::EventKind;
    using torch::autograd::profiler::LegacyEvent;
    std::map<std::string, double> self;
    for (const auto &events : lists) {
        struct Open { const LegacyEvent *push; double childUs; };
        std::vector<Open> stack;
        for (const LegacyEvent &e : events) {
            if (e.kind() == EventKind::PushRange) {
                stack.push_back({&e, 0.0});
            } else if (e.kind() == EventKind::PopRange && !stack.empty()) {
                const Open open = stack.back();
                stack.pop_back();
                const double elapsed = open.push->cpuElapsedUs(e);
                self[open.push->name()] += (elapsed - open.childUs) / 1000.0;
                if (!stack.empty())
                    stack.back().childUs += elapsed;
            }
        }
    }
    std::vector<std::pair<double, std::string>> sorted;
    for (const auto &[name, ms] : self)
        sorted.push_back({ms, name});
    std::sort(sorted.rbegin(), sorted.rend());
    return sorted;
}

int intOption(const QStringList &args, const QString &flag, int fallback)
{
    const int i = args.indexOf(flag);
    if (i < 0 || i + 1 >= args.size())
        return fallback;
    bool ok = false;
    const int v = args.at(i + 1).toInt(&ok);
    if (!ok || v <= 0) {
        std::fprintf(stderr, "%s: expected a positive integer, got \"%s\"\n", qPrintable(flag),
                     qPrintable(args.at(i + 1)));
        std::exit(2);
    }
    return v;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    Shape s;
    s.batch = intOption(args, QStringLiteral("--batch"), s.batch);
    s.seq = std::min(intOption(args, QStringLiteral("--seq"), s.seq), s.positions);
    s.layers = intOption(args, QStringLiteral("--layers"), s.layers);
    s.vocab = intOption(args, QStringLiteral("--vocab"), s.vocab);
    const int steps = intOption(args, QStringLiteral("--steps"), 3);
    ComputeSettings compute;
    compute.threads = intOption(args, QStringLiteral("--threads"), 2);
    compute.apply();

    const int64_t D = s.hidden, V = s.vocab, L = s.layers, B = s.batch, T = s.seq;
    const int64_t tokens = B * T;
    std::printf("GPT-2-shaped model: %lld layers, %d heads, hidden %lld, vocab %lld; batch %lld x seq %lld; %d threads\n",
                (long long)L, s.heads, (long long)D, (long long)V, (long long)B, (long long)T,
                compute.effectiveThreads());

    auto build = std::chrono::steady_clock::now();
    TransformerModel model(qkov::test::loadedFrom(gpt2Config(s), gpt2Weights(s)));
    int64_t params = 0;
    for (const QString &name : model.parameterNames()) {
        at::Tensor p = model.parameter(name);
        p.requires_grad_(true);
        params += p.numel();
    }
    std::printf("built in %.1f s: %.1f M parameters\n", seconds(build), double(params) / 1e6);

    // FLOPs of one step. Every matmul weight costs 2 flops per token forward
    // and 4 backward (input and weight gradients): 12 D^2 per layer (c_attn
    // 3, c_proj 1, MLP 4 + 4) and the tied LM head V D. Attention itself:
    // q k^T and pattern v, 2 B T^2 D flops each per layer forward, twice that
    // backward (the engine computes the full T x T square, masked after).
    const double matmulParams = double(L) * 12.0 * double(D) * double(D) + double(V) * double(D);
    const double attentionFlops = 12.0 * double(L) * double(B) * double(T) * double(T) * double(D);
    const double stepFlops = 6.0 * matmulParams * double(tokens) + attentionFlops;

    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(2);
    const at::Tensor ids = at::randint(0, V, {B, T}, gen, at::TensorOptions().dtype(at::kLong));
    step(model, ids); // warm-up: allocator and BLAS buffers
    double best = 1e30, total = 0;
    for (int i = 0; i < steps; ++i) {
        const auto start = std::chrono::steady_clock::now();
        step(model, ids);
        const double t = seconds(start);
        best = std::min(best, t);
        total += t;
    }
    const double achieved = stepFlops / best / 1e9;
    std::printf("\nforward+backward: best %.3f s, mean %.3f s over %d steps\n", best, total / steps, steps);
    std::printf("  %.0f tokens/s; %.1f GFLOP per step (6 x %.1f M matmul params x %lld tokens + %.1f GFLOP attention)\n",
                double(tokens) / best, stepFlops / 1e9, matmulParams / 1e6, (long long)tokens, attentionFlops / 1e9);
    std::printf("  achieved %.1f GFLOP/s\n", achieved);

    struct GemmCase { const char *what; int64_t M, K, N; bool transposedA; };
    const GemmCase gemms[] = {
        {"c_attn   [BT x D] x [D x 3D]", tokens, D, 3 * D, false},
        {"mlp up   [BT x D] x [D x 4D]", tokens, D, 4 * D, false},
        {"mlp down [BT x 4D] x [4D x D]", tokens, 4 * D, D, false},
        {"weight gradient [D x BT] x [BT x 4D]", D, tokens, 4 * D, true},
        {"lm head  [BT x D] x [D x V]", tokens, D, V, false},
        {"square 2048", 2048, 2048, 2048, false},
    };
    std::printf("\nat::mm on the same threads:\n");
    double peak = 0;
    for (const GemmCase &g : gemms) {
        const double rate = gemmGflops(g.M, g.K, g.N, g.transposedA);
        peak = std::max(peak, rate);
        std::printf("  %-40s %7.1f GFLOP/s\n", g.what, rate);
    }
    std::printf("\nGEMM peak %.1f GFLOP/s; engine %.1f GFLOP/s = %.0f %% of the peak\n", peak, achieved,
                100.0 * achieved / peak);

    // Where the time goes: one profiled step, self time per operator.
    namespace prof = torch::autograd::profiler;
    prof::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
    const auto profiledStart = std::chrono::steady_clock::now();
    step(model, ids);
    const double profiled = seconds(profiledStart);
    const auto ops = selfTimes(prof::disableProfilerLegacy());
    std::printf("\nprofiled step %.3f s; self time by operator (top 15):\n", profiled);
    double gemmMs = 0, allMs = 0;
    for (const auto &[ms, name] : ops) {
        allMs += ms;
        if (name == "aten::mm" || name == "aten::bmm" || name == "aten::addmm")
            gemmMs += ms;
    }
    for (size_t i = 0; i < ops.size() && i < 15; ++i)
        std::printf("  %-60s %8.1f ms %5.1f %%\n", ops[i].second.c_str(), ops[i].first,
                    100.0 * ops[i].first / allMs);
    std::printf("GEMM (mm/bmm/addmm) %.1f %% of operator time, everything else %.1f %%\n",
                100.0 * gemmMs / allMs, 100.0 * (allMs - gemmMs) / allMs);
    return 0;
}
