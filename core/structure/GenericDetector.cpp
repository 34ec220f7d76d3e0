#include "GenericDetector.h"

#include "StructureBuilder.h"
#include "Translate.h"

#include <QCoreApplication>
#include <QMap>
#include <QSet>

#include <numeric>

namespace qkov {

namespace {

const QSet<QString> &layerContainers()
{
    static const QSet<QString> names{QStringLiteral("layers"), QStringLiteral("h"), QStringLiteral("blocks"),
                                     QStringLiteral("layer"), QStringLiteral("block"), QStringLiteral("resblocks")};
    return names;
}

const QSet<QString> &attentionModules()
{
    static const QSet<QString> names{QStringLiteral("self_attn"), QStringLiteral("attn"), QStringLiteral("attention"),
                                     QStringLiteral("self_attention"), QStringLiteral("SelfAttention"),
                                     QStringLiteral("EncDecAttention")};
    return names;
}

enum class Role { None, Q, K, V, O, Fused };

Role roleOf(const QString &projection)
{
    static const QHash<QString, Role> roles = [] {
        QHash<QString, Role> r;
        for (const char *n : {"q_proj", "query", "q", "wq", "to_q"})
            r.insert(QLatin1String(n), Role::Q);
        for (const char *n : {"k_proj", "key", "k", "wk", "to_k"})
            r.insert(QLatin1String(n), Role::K);
        for (const char *n : {"v_proj", "value", "v", "wv", "to_v"})
            r.insert(QLatin1String(n), Role::V);
        for (const char *n : {"o_proj", "out_proj", "dense", "o", "wo", "c_proj", "proj", "to_out", "to_out.0", "output.dense"})
            r.insert(QLatin1String(n), Role::O);
        for (const char *n : {"c_attn", "qkv", "qkv_proj", "in_proj", "query_key_value", "Wqkv", "wqkv"})
            r.insert(QLatin1String(n), Role::Fused);
        return r;
    }();
    return roles.value(projection, Role::None);
}

bool isIndex(const QString &s)
{
    bool ok = false;
    const int n = s.toInt(&ok);
    return ok && n >= 0 && s == QString::number(n);
}

// The weights found in one attention module instance.
struct ModuleWeights
{
    QString q, k, v, o, fused;
    bool complete() const { return !o.isEmpty() && (!fused.isEmpty() || (!q.isEmpty() && !k.isEmpty() && !v.isEmpty())); }
};

// One kind of attention module repeated over a layer container, e.g.
// container "encoder.block" with attention "layer.1.EncDecAttention".
struct Group
{
    QString container;
    QString attention;
    QMap<int, ModuleWeights> layers;
};

// Reads `name` as <container>.<N>.[<attention path>.]<projection>.weight and files it.
void fileTensor(const QString &name, QMap<QPair<QString, QString>, Group> &groups)
{
    const QStringList parts = name.split(QLatin1Char('.'));
    const QString last = parts.back();
    if (last != QLatin1String("weight") && last != QLatin1String("in_proj_weight"))
        return;
    int c = 0;
    while (c + 1 < parts.size() && !(layerContainers().contains(parts[c]) && isIndex(parts[c + 1])))
        ++c;
    if (c + 1 >= parts.size())
        return;
    const QStringList rest = parts.mid(c + 2, parts.size() - c - 3); // between the index and the last part
    int a = 0;
    while (a < rest.size() && !attentionModules().contains(rest[a]))
        ++a;
    QStringList attention = a < rest.size() ? rest.mid(0, a + 1) : QStringList();
    QStringList projection = a < rest.size() ? rest.mid(a + 1) : rest;
    // "attention.self.query" (BERT), "attention.attention.query" (HF ViT): the
    // inner module is part of the projection's path, not a new attention module.
    while (!projection.isEmpty() && (projection.front() == QLatin1String("self") || attentionModules().contains(projection.front())))
        projection.removeFirst();
    if (last == QLatin1String("in_proj_weight"))
        projection << QStringLiteral("in_proj");
    const Role role = roleOf(projection.join(QLatin1Char('.')));
    if (role == Role::None)
        return;
    const QString container = parts.mid(0, c + 1).join(QLatin1Char('.'));
    Group &group = groups[qMakePair(container, attention.join(QLatin1Char('.')))];
    group.container = container;
    group.attention = attention.join(QLatin1Char('.'));
    ModuleWeights &w = group.layers[parts[c + 1].toInt()];
    switch (role) {
    case Role::Q: w.q = name; break;
    case Role::K: w.k = name; break;
    case Role::V: w.v = name; break;
    case Role::O: w.o = name; break;
    case Role::Fused: w.fused = name; break;
    case Role::None: break;
    }
}

// Head counts known before looking at shapes: config.json, else __metadata__.
struct KnownHeads
{
    int heads = 0;
    int kvHeads = 0;
    int headDim = 0;
    QString source; // "config.json" / "__metadata__"
};

int metadataInt(const QJsonObject &metadata, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        const QJsonValue v = metadata.value(QLatin1String(key));
        bool ok = false;
        const int n = v.isString() ? v.toString().trimmed().toInt(&ok) : v.toInt(0);
        if ((ok || v.isDouble()) && n > 0)
            return n;
    }
    return 0;
}

KnownHeads knownHeads(const ModelConfig *config, const TensorIndex &tensors)
{
    KnownHeads k;
    if (config && config->numHeads > 0) {
        k.heads = config->numHeads;
        k.kvHeads = config->numKvHeads;
        k.headDim = config->headDimFromConfig ? config->headDim : 0;
        k.source = QStringLiteral("config.json");
        return k;
    }
    k.heads = metadataInt(tensors.metadata, {"num_attention_heads", "n_head", "num_heads", "n_heads"});
    if (k.heads > 0) {
        k.kvHeads = metadataInt(tensors.metadata, {"num_key_value_heads", "num_kv_heads", "n_kv_heads", "n_head_kv"});
        k.headDim = metadataInt(tensors.metadata, {"head_dim"});
        k.source = QStringLiteral("__metadata__");
    }
    return k;
}

// Head size for widths q (queries), k (keys) when nothing says: 64 or 128 if
// they divide both, else one head spanning the query width.
int guessHeadDim(int64_t q, int64_t k)
{
    for (int d : {64, 128}) {
        if (q % d == 0 && k % d == 0)
            return d;
    }
    return int(q == k ? q : std::gcd(q, k));
}

struct GroupResult
{
    std::vector<AttentionLayer> layers;
    HeadDims dims;
    QStringList notes;
};

GroupResult buildGroup(const Group &group, const KnownHeads &known, const StructureBuilder &b, const QString &where)
{
    const TensorIndex &t = b.tensors();
    const ModuleWeights *first = nullptr;
    for (const ModuleWeights &w : group.layers) {
        if (w.complete()) {
            first = &w;
            break;
        }
    }
    if (!first)
        throw Error(where, tr("'%1' has no complete set of Q, K, V and O weights").arg(group.container));
    GroupResult result;
    const bool fused = !first->fused.isEmpty();
    const std::vector<int64_t> probe = t.shape(fused ? first->fused : first->q);
    if (probe.size() != 2 || t.shape(first->o).size() != 2)
        throw Error(where, tr("'%1' is not a 2-D weight").arg(fused ? first->fused : first->q));
    // nn.Linear is [out, in]; a fused tensor wider than tall is GPT-2's Conv1D [in, out].
    const bool conv1d = fused && probe[1] > probe[0];
    const int64_t hidden = conv1d ? probe[0] : probe[1];
    // Without head counts a fused tensor can only be read as three equal blocks.
    const int64_t equalThird = (conv1d ? probe[1] : probe[0]) / 3;
    const auto rows = [&](const QString &name) { return t.shape(name).empty() ? int64_t(0) : t.shape(name).front(); };
    const int64_t qWidth = fused ? equalThird : probe[0];
    const int64_t kWidth = fused ? equalThird : rows(first->k);
    const int64_t vWidth = fused ? equalThird : rows(first->v);

    HeadDims d;
    d.hidden = int(hidden);
    if (known.heads > 0) {
        d.heads = known.heads;
        if (fused) {
            const int kv = known.kvHeads > 0 ? known.kvHeads : known.heads;
            const int64_t total = conv1d ? probe[1] : probe[0];
            d.kvHeads = kv;
            const int64_t parts = int64_t(d.heads) + 2 * int64_t(kv);
            d.headDim = known.headDim > 0 ? known.headDim : int(total % parts == 0 ? total / parts : 0);
        } else {
            d.headDim = known.headDim > 0 ? known.headDim : int(qWidth % d.heads == 0 ? qWidth / d.heads : 0);
            d.kvHeads = d.headDim > 0 && kWidth % d.headDim == 0 ? int(kWidth / d.headDim) : 0;
        }
        d.vHeadDim = d.kvHeads > 0 && !fused && vWidth % d.kvHeads == 0 ? int(vWidth / d.kvHeads) : d.headDim;
        if (d.headDim <= 0)
            throw Error(where, tr("'%1' (shape %2) cannot hold %3 heads as %4 says")
                                   .arg(fused ? first->fused : first->q, shapeText(probe)).arg(d.heads).arg(known.source));
    } else {
        if (fused && (conv1d ? probe[1] : probe[0]) % 3 != 0)
            throw Error(where, tr("fused '%1' (shape %2) does not split into three equal Q, K, V blocks")
                                   .arg(first->fused, shapeText(probe)));
        d.headDim = guessHeadDim(qWidth, kWidth);
        d.heads = d.headDim > 0 ? int(qWidth / d.headDim) : 0;
        d.kvHeads = d.headDim > 0 ? int(kWidth / d.headDim) : 0;
        d.vHeadDim = d.kvHeads > 0 && vWidth % d.kvHeads == 0 ? int(vWidth / d.kvHeads) : d.headDim;
        result.notes << tr("Head count guessed from shapes: %1 heads of size %2 in '%3' (no config.json and no head count in __metadata__).")
                            .arg(d.heads).arg(d.headDim).arg(group.container);
    }
    d.validate(where);
    if (fused && !first->fused.endsWith(QLatin1String("in_proj_weight")))
        result.notes << tr("Fused '%1' assumed to hold Q | K | V as consecutive blocks (unknown architecture).").arg(first->fused);
    result.dims = d;

    for (auto it = group.layers.cbegin(); it != group.layers.cend(); ++it) {
        const ModuleWeights &w = it.value();
        QString module = group.container + QLatin1Char('.') + QString::number(it.key());
        if (!group.attention.isEmpty())
            module += QLatin1Char('.') + group.attention;
        if (!w.complete()) {
            result.notes << tr("'%1' lacks a Q, K, V or O weight and was skipped.").arg(module);
            continue;
        }
        if (!w.fused.isEmpty())
            result.layers.push_back(b.fusedBlocked(it.key(), module, w.fused, w.o, d, conv1d));
        else
            result.layers.push_back(b.splitLinear(it.key(), module, {w.q, w.k, w.v, w.o}, d));
    }
    return result;
}

QString stackName(const Group &group, bool containerShared)
{
    // "encoder.block" -> "encoder"; the container word itself says nothing.
    QString name = group.container.section(QLatin1Char('.'), 0, -2);
    if (containerShared) {
        if (!name.isEmpty())
            name += QLatin1Char('.');
        name += group.attention;
    }
    return name;
}

} // namespace

ModelStructure detectGeneric(const ModelConfig *config, const TensorIndex &tensors, const QString &where)
{
    QMap<QPair<QString, QString>, Group> groups;
    for (auto it = tensors.shapes.cbegin(); it != tensors.shapes.cend(); ++it)
        fileTensor(it.key(), groups);

    const KnownHeads known = knownHeads(config, tensors);
    const StructureBuilder b(tensors, where);
    QMap<QString, int> attentionsPerContainer;
    for (const Group &g : groups)
        ++attentionsPerContainer[g.container];

    std::vector<AttentionLayer> layers;
    QStringList notes;
    QStringList failures;
    HeadDims firstDims;
    for (const Group &g : groups) {
        GroupResult r;
        try {
            r = buildGroup(g, known, b, where);
        } catch (const Error &e) {
            failures << e.problem();
            continue;
        }
        if (r.layers.empty())
            continue;
        if (layers.empty())
            firstDims = r.dims;
        const QString stack = groups.size() > 1 ? stackName(g, attentionsPerContainer.value(g.container) > 1) : QString();
        for (AttentionLayer &l : r.layers)
            l.stack = stack;
        layers.insert(layers.end(), r.layers.begin(), r.layers.end());
        notes << r.notes;
    }

    if (layers.empty()) {
        const QStringList names = tensors.shapes.keys();
        QString problem = names.isEmpty()
            ? tr("the checkpoint holds no tensors")
            : tr("no attention layers recognised among %1 tensors (first: %2)")
                  .arg(names.size()).arg(names.mid(0, 8).join(QStringLiteral(", ")));
        if (!failures.isEmpty())
            problem += QStringLiteral("; ") + failures.front();
        throw Error(where, problem);
    }
    for (const QString &failure : failures)
        notes << tr("Skipped: %1").arg(failure);

    const QString architecture = config && !config->modelType.isEmpty() ? config->modelType : QStringLiteral("unknown");
    ModelStructure s = assembleStructure(architecture, std::move(layers), firstDims);
    s.family = QStringLiteral("generic");
    s.detection = config ? Detection::Modules : Detection::Names;
    if (config && config->numLayers > 0 && config->numLayers != s.numLayers)
        notes << tr("config.json declares %1 layers but %2 attention layers were found.").arg(config->numLayers).arg(s.numLayers);
    s.notes << notes;
    return s;
}

} // namespace qkov
