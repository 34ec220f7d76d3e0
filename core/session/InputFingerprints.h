#pragma once
// Fingerprints of a session's inputs (SESSION.md): the model and the task
// files, so that a reloaded session can tell the user when either changed
// since the analysis ran.
#include <QString>
#include <QStringList>

namespace qkov {

struct AnalysisResult;

// Hex SHA-256 of a file's bytes, read in chunks. Throws qkov::Error(path, ...).
QString sha256OfFile(const QString &path);

// Hex SHA-256 over each file's 8-byte header length and JSON header, in the
// order given: tensor names, dtypes, shapes and metadata, not the weights.
// Throws qkov::Error naming the file that is not a readable safetensors file.
QString modelHeaderSha256(const QStringList &safetensorsFiles);

// The fingerprint kept as AnalysisResult::modelSha256 for a model path as the
// loader accepts it: a folder or .safetensors file -> modelHeaderSha256 of its
// safetensors files; any other file (a llama2.c .bin) -> SHA-256 of its size
// and first MiB, which like the header hash tells models apart cheaply.
QString modelFingerprint(const QString &modelPath);

// One sentence per input of a loaded session that is missing or no longer
// matches its fingerprint; empty when everything matches. Never throws.
QStringList changedInputs(const AnalysisResult &result);

} // namespace qkov
