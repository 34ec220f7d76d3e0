#pragma once
// Tensor names and shapes of a checkpoint: what structure detection looks at.
#include "../io/TensorStore.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <vector>

namespace qkov {

struct TensorIndex
{
    QMap<QString, std::vector<int64_t>> shapes; // name -> shape, sorted by name
    QJsonObject metadata;                       // safetensors __metadata__ (string values)

    static TensorIndex fromStore(const TensorStore &store);
    bool has(const QString &name) const { return shapes.contains(name); }
    std::vector<int64_t> shape(const QString &name) const { return shapes.value(name); }
};

} // namespace qkov
