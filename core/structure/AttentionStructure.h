#pragma once
// The detected attention structure: for every attention layer, where the
// weights of each head live in the checkpoint (METRIC.md section 3).
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace qkov {

enum class Axis { Rows, Cols };
enum class Detection { Config, Modules, Names };
enum class QkvLayout {
    Split,            // separate q/k/v tensors
    FusedBlocked,     // one tensor, rows (or Conv1D columns) Q | K | V
    FusedInterleaved, // one tensor, per head [Q_h, K_h, V_h] (GPT-NeoX, BLOOM)
    FusedGrouped      // one tensor, per KV group [Q..., K, V] (Falcon new decoder)
};

QString axisName(Axis a);              // "rows" / "cols"
QString detectionName(Detection d);    // "config" / "modules" / "names"
QString layoutName(QkvLayout l);       // "split", "fused", "interleaved", "grouped"

// Where the heads of one block (Q, K, V or O) live in one tensor. Head h's
// entries are the `headDim` rows (or columns) starting at starts[h] along `axis`.
struct BlockSlice
{
    QString tensor;             // checkpoint tensor name
    QString bias;               // bias tensor name, "" if none (never for O per METRIC.md)
    Axis axis = Axis::Rows;
    int heads = 0;              // KV heads for K and V under GQA
    int headDim = 0;
    std::vector<int64_t> starts;
    std::vector<int64_t> tensorShape; // shape as stored

    int64_t offset() const { return starts.empty() ? 0 : starts.front(); }
    // Distance between consecutive heads' starts if uniform, else -1.
    int64_t stride() const;
    bool isValid() const { return !tensor.isEmpty() && heads > 0 && int(starts.size()) == heads; }
    // Contiguous slice: head h at offset + h * headDim.
    static BlockSlice contiguous(const QString &tensor, Axis axis, int64_t offset, int heads,
                                 int headDim, std::vector<int64_t> shape = {});
    // Evenly strided: head h at offset + h * stride.
    static BlockSlice strided(const QString &tensor, Axis axis, int64_t offset, int64_t stride,
                              int heads, int headDim, std::vector<int64_t> shape = {});
};

struct AttentionLayer
{
    int index = 0;              // layer index within its stack
    QString stack;              // "" for single-stack models; "encoder", "decoder", "decoder.cross", "text", "vision"
    QString module;             // e.g. "model.layers.3.self_attn"
    QkvLayout layout = QkvLayout::Split;
    bool conv1d = false;        // GPT-2 style transposed storage
    int numHeads = 0;
    int numKvHeads = 0;
    int headDim = 0;
    int vHeadDim = 0;
    BlockSlice q, k, v, o;

    // KV head of query head h: h / (H / H_kv) (never h % H_kv).
    int kvHeadOf(int h) const;
};

struct ModelStructure
{
    QString architecture;       // "llama", "gpt2", ... or "unknown"
    QString family;             // registry family that produced it, or "generic"
    Detection detection = Detection::Config;
    int numLayers = 0;          // layers of the first stack
    int numHeads = 0;
    int numKvHeads = 0;
    int headDim = 0;
    int vHeadDim = 0;
    int hiddenSize = 0;
    bool fusedQkv = false;
    std::vector<AttentionLayer> layers; // all stacks, in checkpoint order
    QStringList notes;          // warnings, e.g. head count guessed from shapes

    QStringList stacks() const;
    // CLI.md `inspect --json` document.
    QJsonObject toJson() const;
};

} // namespace qkov
