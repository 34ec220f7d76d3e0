#include "EngineOps.h"

#include "Error.h"

#include <cmath>

namespace qkov {

at::Tensor rmsNorm(const at::Tensor &x, const at::Tensor &weight, double eps, bool plusOne)
{
    const at::ScalarType wide = at::promote_types(x.scalar_type(), at::kFloat);
    const at::Tensor h = x.to(wide);
    const at::Tensor normed = h * at::rsqrt(h.pow(2).mean(-1, /*keepdim=*/true) + eps);
    if (plusOne) // Gemma scales in float32 before casting back
        return (normed * (weight.to(wide) + 1.0)).to(x.scalar_type());
    return weight * normed.to(x.scalar_type());
}

at::Tensor layerNorm(const at::Tensor &x, const at::Tensor &weight, const at::Tensor &bias, double eps)
{
    return at::layer_norm(x, {x.size(-1)}, weight, bias, eps);
}

at::Tensor linear(const at::Tensor &x, const at::Tensor &w, const at::Tensor &b)
{
    const at::Tensor y = at::matmul(x, w.t());
    return b.defined() ? y + b : y;
}

Activation parseActivation(const QString &name, const QString &where)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("silu") || n == QLatin1String("swish"))
        return Activation::SiLU;
    if (n == QLatin1String("gelu"))
        return Activation::GeluExact;
    if (n == QLatin1String("gelu_new") || n == QLatin1String("gelu_pytorch_tanh")
        || n == QLatin1String("gelu_fast"))
        return Activation::GeluTanh;
    if (n == QLatin1String("relu"))
        return Activation::ReLU;
    throw Error(where, QStringLiteral("the activation \"%1\" is not supported by the engine.").arg(name));
}

at::Tensor activate(const at::Tensor &x, Activation a)
{
    switch (a) {
    case Activation::SiLU: return at::silu(x);
    case Activation::GeluExact: return at::gelu(x);
    case Activation::GeluTanh: {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), HuggingFace's NewGELU
        const double c = std::sqrt(2.0 / M_PI);
        return 0.5 * x * (1.0 + at::tanh(c * (x + 0.044715 * at::pow(x, 3.0))));
    }
    case Activation::ReLU: return at::relu(x);
    }
    return x;
}

RotaryEmbedding::RotaryEmbedding(const RopeSettings &rope, int headDim, int maxPositions,
                                 at::ScalarType computeType, const QString &where)
    : m_rope(rope), m_maxPositions(maxPositions), m_computeType(computeType)
{
    m_rotaryDim = int(double(headDim) * rope.partialFactor);
    if (m_rotaryDim <= 0 || m_rotaryDim > headDim || m_rotaryDim % 2 != 0)
        throw Error(where, QStringLiteral("the rotary dimension %1 does not fit head_dim %2.")
                               .arg(m_rotaryDim).arg(headDim));
    const QString type = rope.scalingType.trimmed().toLower();
    if (!type.isEmpty() && type != QLatin1String("default") && type != QLatin1String("linear")
        && type != QLatin1String("dynamic") && type != QLatin1String("llama3"))
        throw Error(where, QStringLiteral("rope_scaling of type \"%1\" is not supported by the engine.")
                               .arg(rope.scalingType));
    if ((type == QLatin1String("linear") || type == QLatin1String("dynamic")
         || type == QLatin1String("llama3")) && !(rope.factor > 0))
        throw Error(where, QStringLiteral("rope_scaling factor must be positive."));
    m_rope.scalingType = type;

    const auto opts = at::TensorOptions().dtype(m_computeType);
    const at::Tensor exponents = at::arange(0, m_rotaryDim, 2, at::TensorOptions().dtype(at::kLong))
                                     .to(m_computeType) / double(m_rotaryDim);
    at::Tensor inv = 1.0 / at::pow(at::scalar_tensor(rope.theta, opts), exponents);
    if (type == QLatin1String("linear")) {
        inv = inv / rope.factor;
    } else if (type == QLatin1String("llama3")) {
        if (rope.originalMaxPositions <= 0 || !(rope.highFreqFactor > rope.lowFreqFactor)
            || !(rope.lowFreqFactor > 0))
            throw Error(where, QStringLiteral("llama3 rope_scaling needs original_max_position_embeddings and high_freq_factor > low_freq_factor > 0."));
        // Long wavelengths are slowed by `factor`, short ones kept, the band
        // between interpolated (LLaMA 3.1).
        const double oldContext = rope.originalMaxPositions;
        const double lowWavelen = oldContext / rope.lowFreqFactor;
        const double highWavelen = oldContext / rope.highFreqFactor;
        const at::Tensor wavelen = 2.0 * M_PI / inv;
        at::Tensor scaled = at::where(wavelen > lowWavelen, inv / rope.factor, inv);
        const at::Tensor smooth = (oldContext / wavelen - rope.lowFreqFactor)
                                  / (rope.highFreqFactor - rope.lowFreqFactor);
        const at::Tensor smoothed = (1.0 - smooth) * scaled / rope.factor + smooth * scaled;
        const at::Tensor medium = wavelen.ge(highWavelen).logical_and(wavelen.le(lowWavelen));
        inv = at::where(medium, smoothed, scaled);
    }
    m_baseInvFreq = inv;
}

at::Tensor RotaryEmbedding::inverseFrequencies(int64_t length) const
{
    if (m_rope.scalingType != QLatin1String("dynamic") || m_maxPositions <= 0
        || length <= m_maxPositions)
        return m_baseInvFreq;
    // Dynamic NTK: a larger base once the sequence outgrows the trained length.
    const double dim = m_rotaryDim;
    const double base = m_rope.theta
        * std::pow(m_rope.factor * double(length) / m_maxPositions - (m_rope.factor - 1.0),
                   dim / (dim - 2.0));
    const auto opts = at::TensorOptions().dtype(m_computeType);
    const at::Tensor exponents = at::arange(0, m_rotaryDim, 2, at::TensorOptions().dtype(at::kLong))
                                     .to(m_computeType) / dim;
    return 1.0 / at::pow(at::scalar_tensor(base, opts), exponents);
}

at::Tensor RotaryEmbedding::apply(const at::Tensor &x) const
{
    const int64_t T = x.size(2);
    return applyAt(x, at::arange(T, at::TensorOptions().dtype(at::kLong).device(x.device())));
}

at::Tensor RotaryEmbedding::applyAt(const at::Tensor &x, const at::Tensor &positions) const
{
    const int64_t length = positions.numel() > 0 ? positions.max().item<int64_t>() + 1 : 0;
    const at::Tensor inv = inverseFrequencies(length).to(x.device());
    const at::Tensor freqs = at::outer(positions.to(m_computeType), inv); // [T, r/2]
    const at::Tensor angles = at::cat({freqs, freqs}, -1);               // [T, r]
    const at::Tensor cos = angles.cos().to(x.scalar_type());
    const at::Tensor sin = angles.sin().to(x.scalar_type());
    const int64_t r = m_rotaryDim;
    const int64_t half = r / 2;
    const at::Tensor rot = r == x.size(-1) ? x : x.narrow(-1, 0, r);
    const at::Tensor rotatedHalf = at::cat({-rot.narrow(-1, half, half), rot.narrow(-1, 0, half)}, -1);
    const at::Tensor out = rot * cos + rotatedHalf * sin;
    if (r == x.size(-1))
        return out;
    return at::cat({out, x.narrow(-1, r, x.size(-1) - r)}, -1);
}

} // namespace qkov
