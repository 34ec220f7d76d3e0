#pragma once
// Tiny synthetic checkpoints for tests: a config.json and a model.safetensors
// with given tensor names and shapes (values are the running index, so slices
// of different tensors never look alike).
#include "io/TensorStore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <utility>
#include <vector>

namespace qkov::test {

using TensorShapes = std::vector<std::pair<QString, std::vector<int64_t>>>;

inline void writeSafeTensors(const QString &path, const TensorShapes &tensors,
                             const QMap<QString, QString> &metadata = {})
{
    SafeTensorsWriter writer;
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it)
        writer.setMetadata(it.key(), it.value());
    for (const auto &[name, shape] : tensors) {
        int64_t count = 1;
        for (int64_t n : shape)
            count *= n;
        std::vector<float> values(static_cast<size_t>(count));
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = float(i);
        writer.addFloat(name, shape, values);
    }
    writer.write(path);
}

inline void writeConfig(const QString &dir, const QJsonObject &config)
{
    QFile file(QDir(dir).filePath(QStringLiteral("config.json")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(file.fileName()));
    file.write(QJsonDocument(config).toJson());
}

// config.json (skipped when `config` is empty) + model.safetensors in `dir`.
inline void writeCheckpoint(const QString &dir, const QJsonObject &config, const TensorShapes &tensors,
                            const QMap<QString, QString> &metadata = {})
{
    QDir().mkpath(dir);
    if (!config.isEmpty())
        writeConfig(dir, config);
    writeSafeTensors(QDir(dir).filePath(QStringLiteral("model.safetensors")), tensors, metadata);
}

} // namespace qkov::test
