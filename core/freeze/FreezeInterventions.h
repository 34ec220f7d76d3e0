#pragma once
// A FreezeSet as the engine's intervention table (METRIC.md section 6): the
// only way freezing reaches the model, so that a probe, the sweep and Fisher
// collection under freezing all mean the same thing. Gradients flow through
// the frozen values unless an entry asks for stopgrad.
#include "FreezeSet.h"
#include "engine/Interventions.h"

#include <ATen/ATen.h>

#include <vector>

namespace qkov {

class FreezeReference;
class TransformerModel;

// Token sequences as one right-padded batch (pad id 0, mask 1 = real token).
struct TokenBatch
{
    at::Tensor ids;  // [B, T] int64
    at::Tensor mask; // [B, T] int64
    // Sequences first .. first+count-1; T = the longest of them, or `length`
    // when larger (so that batches of one set can share a width).
    static TokenBatch make(const std::vector<std::vector<int>> &sequences, int64_t first,
                           int64_t count, int64_t length, const c10::Device &device);
};

// The batch an intervention table is built for: resampling replaces a head's
// vectors with whole [B, T, d] tensors whose source sample is chosen by each
// sample's index in the whole set (firstSample + b); noise is seeded by the
// set's seed, the head, the point and firstSample, so each batch of a set
// draws its own noise, reproducibly.
struct FreezeBatch
{
    int64_t size = 1;
    int64_t length = 0;      // T; required only by resample entries
    int64_t firstSample = 0;
};

// Entries become replacements of the head's Q and K (qk), V (ov) or all
// three (head); the set's sigma and seed drive noise. Mean, noise and
// resample read `reference` (statistics and the resample pool); zero needs
// none. Throws qkov::Error("--freeze", ...) for a head or layer the model
// does not have, a missing or mismatched reference, or resample without a
// batch length.
InterventionTable freezeInterventions(const FreezeSet &set, const TransformerModel &model,
                                      const FreezeReference *reference = nullptr,
                                      const FreezeBatch &batch = {});

// Which reference sample resample gives sample `sampleIndex` out of a pool of
// `poolSize`: a seeded choice that is never the sample's own index when the
// pool has two or more samples (so with the probed set as its own reference,
// every sample gets another sample's vectors).
int64_t resampleSource(uint64_t seed, int64_t sampleIndex, int64_t poolSize);

} // namespace qkov
