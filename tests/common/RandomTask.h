#pragma once
// A task made directly from seeded random token ids (tiny models have no
// tokenizer): lengths uniform in [minLength, maxLength], ids in [1, vocab).
// Shared by the Fisher tests and the benchmarks.
#include "data/TaskDataset.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

namespace qkov::test {

inline TaskDataset randomTask(int n, int minLength, int maxLength, int vocab, uint64_t seed)
{
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    TaskDataset d;
    d.path = QStringLiteral("random-%1").arg(seed);
    for (int i = 0; i < n; ++i) {
        TaskSample s;
        s.id = QString::number(i);
        s.recordIndex = i;
        const int64_t length = minLength == maxLength
                                   ? minLength
                                   : at::randint(minLength, maxLength + 1, {1}, gen, at::kLong).item<int64_t>();
        const at::Tensor ids = at::randint(1, vocab, {length}, gen, at::kLong);
        const auto a = ids.accessor<int64_t, 1>();
        for (int64_t t = 0; t < length; ++t)
            s.tokens.push_back(int(a[t]));
        d.samples.push_back(std::move(s));
    }
    return d;
}

} // namespace qkov::test
