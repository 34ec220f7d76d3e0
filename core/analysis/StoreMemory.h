#pragma once
// The memory of a gradient store's resident entries. Each entry of 2 MB and
// more gets an anonymous map of its own, aligned to huge pages and advised to
// use them. When its store is gone the map is kept for the next store, which
// reuses the maps of the same lengths: a re-run of an analysis (the same
// tasks; other settings or frozen heads) then writes into pages the process
// already holds. Fresh memory costs its zeroing everywhere and far more
// where the hypervisor takes freed memory back (bench_fisher measures
// 0.4 GB/s here, a GPT-2-small batch of 8 writes 972 MiB of gradients).
// The cache never holds more than the last store's resident bytes, gives
// back what a new store will not reuse before that store allocates, and is
// emptied by release() (the workbench calls it when an analysis has been
// idle a while or the model closes).
#include <ATen/ATen.h>

#include <QtGlobal>
#include <vector>

namespace qkov::storeMemory {

// A new store's resident entries: releases the cached maps it will not
// reuse and caps the cache at their total. Call before allocate().
void prepare(const std::vector<qint64> &entryBytes);
// A tensor of `shape` over `bytes` of memory: a cached map of that length
// (its old contents: the store overwrites every row before reading it) or a
// fresh one. Throws qkov::Error when no memory can be reserved.
at::Tensor allocate(const std::vector<int64_t> &shape, at::ScalarType dtype, qint64 bytes);
// Unmaps every cached map.
void release();
qint64 cachedBytes();

} // namespace qkov::storeMemory
