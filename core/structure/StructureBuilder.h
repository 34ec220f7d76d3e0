#pragma once
// Building blocks for structure detection, so that each architecture family
// is a short declaration of its tensor names: prefix and layer discovery,
// shape checks with clear errors, and the slice arithmetic of the four QKV
// layouts (METRIC.md section 3).
#include "../Error.h"
#include "../model/ModelConfig.h"
#include "AttentionStructure.h"
#include "TensorIndex.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <initializer_list>
#include <vector>

namespace qkov {

// Thrown when a checkpoint's tensor names do not fit a family (a tensor or
// the layer container is missing), so the generic walk gets its chance.
// Shape mismatches are plain qkov::Error: those are broken checkpoints.
class NamesDoNotFit : public Error
{
public:
    using Error::Error;
};

// Head geometry of one attention stack.
struct HeadDims
{
    int heads = 0;
    int kvHeads = 0;
    int headDim = 0;   // d_k
    int vHeadDim = 0;  // d_v
    int hidden = 0;    // model width (input of Q/K/V, output of O)

    // num_heads, num_kv_heads, head_dim (config or hidden / heads), hidden size.
    static HeadDims fromConfig(const ModelConfig &config);
    // From an explicit head count and width (head_dim = hidden / heads unless given).
    static HeadDims make(int heads, int kvHeads, int hidden, int headDim = 0);
    // Throws qkov::Error at `where` when the numbers cannot describe attention.
    void validate(const QString &where) const;
};

// Full tensor names of the Q, K, V and O weights of one attention module.
struct ProjectionNames
{
    QString q, k, v, o;
};

// "<module>.<q>.weight" etc.
ProjectionNames projectionNames(const QString &module, const QString &q, const QString &k,
                                const QString &v, const QString &o);
// "x.weight" -> "x.bias", "in_proj_weight" -> "in_proj_bias".
QString biasNameOf(const QString &weight);
// "[16, 48]"
QString shapeText(const std::vector<int64_t> &shape);

class StructureBuilder
{
public:
    StructureBuilder(const TensorIndex &tensors, const QString &where);

    const TensorIndex &tensors() const { return m_tensors; }
    const QString &where() const { return m_where; }

    // The first of `prefixes` p for which p + probe names a tensor (e.g.
    // {"transformer.", ""} with "h.0.attn.c_attn.weight"). Throws NamesDoNotFit.
    QString resolvePrefix(const QStringList &prefixes, const QString &probe) const;
    // Whether any tensor name starts with `prefix` + "0.".
    bool hasLayersUnder(const QString &prefix) const;
    // The layer indices N of tensors named `prefix` + N + "...", which must be
    // 0..n-1 (and n == expectedCount when expectedCount > 0). Throws
    // NamesDoNotFit when there are none, qkov::Error when some are missing.
    std::vector<int> layerIndices(const QString &prefix, int expectedCount = 0) const;
    // Throws NamesDoNotFit when `name` is missing, qkov::Error when its shape
    // differs (`why` says where the expected shape comes from).
    void require(const QString &name, const std::vector<int64_t> &expected, const QString &why = {}) const;
    // The bias beside `weight` if it exists (shape checked as [size]), else "".
    QString optionalBias(const QString &weight, int64_t size) const;

    // Separate nn.Linear Q, K, V, O ([out, in]).
    AttentionLayer splitLinear(int index, const QString &module, const ProjectionNames &names,
                               const HeadDims &d) const;
    // One fused tensor, blocks Q | K | V; conv1d = GPT-2 storage ([in, out]: columns).
    AttentionLayer fusedBlocked(int index, const QString &module, const QString &fused,
                                const QString &out, const HeadDims &d, bool conv1d = false) const;
    // One fused tensor, rows [H, 3, d] (GPT-NeoX, BLOOM, classic Falcon).
    AttentionLayer fusedInterleaved(int index, const QString &module, const QString &fused,
                                    const QString &out, const HeadDims &d) const;
    // One fused tensor, rows [H_kv, H/H_kv + 2, d] (Falcon new decoder).
    AttentionLayer fusedGrouped(int index, const QString &module, const QString &fused,
                                const QString &out, const HeadDims &d) const;

    // One layer per index under `layerPrefix`: make(index, "<layerPrefix><index>").
    template<typename Make>
    std::vector<AttentionLayer> eachLayer(const QString &layerPrefix, int expectedCount, Make make) const
    {
        std::vector<AttentionLayer> result;
        for (int i : layerIndices(layerPrefix, expectedCount))
            result.push_back(make(i, layerPrefix + QString::number(i)));
        return result;
    }

private:
    AttentionLayer baseLayer(int index, const QString &module, const HeadDims &d) const;
    BlockSlice outputSlice(const QString &out, const HeadDims &d, bool conv1d) const;

    const TensorIndex &m_tensors;
    QString m_where;
};

// The first of `keys` present in `object` as a number, else `fallback`
// (family-specific config keys such as T5's d_kv or CLIP's text_config).
int jsonInt(const QJsonObject &object, std::initializer_list<const char *> keys, int fallback = 0);
// config.model_type, or `fallback` when the config has none.
QString architectureName(const ModelConfig &config, const QString &fallback);

// The finished structure: top-level numbers from `d` (the first stack's),
// numLayers = layers of the first stack. Family and detection are set by the registry.
ModelStructure assembleStructure(const QString &architecture, std::vector<AttentionLayer> layers,
                                 const HeadDims &d);

// The layout most decoder families share: split Linear projections
// <prefix>layers.N.self_attn.{q_proj,k_proj,v_proj,<outName>}, with <prefix>
// the first of `prefixes` the checkpoint uses.
ModelStructure detectSelfAttnLayout(const ModelConfig &config, const TensorIndex &tensors, const QString &familyId,
                                    const QStringList &prefixes, const QString &outName, const HeadDims &d);

} // namespace qkov
