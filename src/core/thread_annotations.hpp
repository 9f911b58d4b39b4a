#pragma once
// Who may touch what, written into the types. Clang's -Wthread-safety (on in
// every clang build, an error in the tsan preset) checks that a field marked
// TS_GUARDED_BY(m) is only touched with m held and that a function marked
// TS_REQUIRES(m) is only called with it held; other compilers ignore the
// marks. std::mutex carries no marks in libstdc++, hence Mutex and
// MutexLock here.
#include <mutex>

#if defined(__clang__)
#define TS_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define TS_THREAD_ANNOTATION(x)
#endif

#define TS_CAPABILITY(x) TS_THREAD_ANNOTATION(capability(x))
#define TS_SCOPED_CAPABILITY TS_THREAD_ANNOTATION(scoped_lockable)
#define TS_GUARDED_BY(x) TS_THREAD_ANNOTATION(guarded_by(x))
#define TS_PT_GUARDED_BY(x) TS_THREAD_ANNOTATION(pt_guarded_by(x))
#define TS_REQUIRES(...) TS_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define TS_ACQUIRE(...) TS_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define TS_RELEASE(...) TS_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TS_EXCLUDES(...) TS_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// For the few places whose rule the analysis cannot follow; say why beside it.
#define TS_NO_THREAD_SAFETY_ANALYSIS TS_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace ts {

class TS_CAPABILITY("mutex") Mutex {
public:
    void lock() TS_ACQUIRE() { m_.lock(); }
    void unlock() TS_RELEASE() { m_.unlock(); }
    bool try_lock() { return m_.try_lock(); }

private:
    std::mutex m_;
};

class TS_SCOPED_CAPABILITY MutexLock {
public:
    explicit MutexLock(Mutex& m) TS_ACQUIRE(m) : m_(m) { m_.lock(); }
    ~MutexLock() TS_RELEASE() { m_.unlock(); }
    MutexLock(const MutexLock&) = delete;
    MutexLock& operator=(const MutexLock&) = delete;

private:
    Mutex& m_;
};

}  // namespace ts
