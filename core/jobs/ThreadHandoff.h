#pragma once
// Happens-before edges that Qt provides but ThreadSanitizer cannot see:
// Debian's QtCore is not instrumented, and its thread-pool queue and event
// queue synchronise through futexes. The job runner marks each hand-off of
// data between threads with these, so that a TSan build checks our code
// instead of reporting Qt's synchronisation as races. No-ops otherwise.
#if defined(__SANITIZE_THREAD__)
#define QKOV_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define QKOV_TSAN 1
#endif
#endif

#ifdef QKOV_TSAN
extern "C" void __tsan_acquire(void *addr);
extern "C" void __tsan_release(void *addr);
#endif

namespace qkov::handoff {

// Everything this thread did so far is visible to a thread that later calls
// acquire(token) after the hand-off (a queued call, a pool start).
inline void release(const void *token)
{
#ifdef QKOV_TSAN
    __tsan_release(const_cast<void *>(token));
#else
    (void)token;
#endif
}

inline void acquire(const void *token)
{
#ifdef QKOV_TSAN
    __tsan_acquire(const_cast<void *>(token));
#else
    (void)token;
#endif
}

} // namespace qkov::handoff
