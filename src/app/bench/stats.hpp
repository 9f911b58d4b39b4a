#pragma once
// Latency histogram and per-publisher sequence accounting. Each worker
// thread owns its own instances (no sharing on the hot path); they are merged
// once the threads have stopped.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ts::app::bench {

// Log-linear buckets over nanoseconds, as in HdrHistogram: 64 sub-buckets
// per power of two, so a reported percentile is within 1/64 (1.6 %) above
// the true value, in fixed memory whatever the range, and recording is a
// few instructions.
class LatencyHistogram {
public:
    static constexpr int kSubBits = 6;
    static constexpr std::size_t kSub = std::size_t{1} << kSubBits;
    static constexpr std::size_t kBuckets = (64 - kSubBits + 1) * kSub;

    void record(std::uint64_t ns);
    void merge(const LatencyHistogram& other);
    std::uint64_t count() const { return count_; }
    std::uint64_t min() const { return count_ ? min_ : 0; }
    std::uint64_t max() const { return max_; }
    double mean() const;
    // The smallest bucket upper bound at or above `p` percent of the
    // recorded values (clamped to the maximum seen); 0 when empty.
    std::uint64_t percentile(double p) const;

    static std::size_t bucket_of(std::uint64_t ns);
    static std::uint64_t bucket_upper(std::size_t index);

private:
    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t min_ = ~std::uint64_t{0};
    std::uint64_t max_ = 0;
    long double sum_ = 0;
};

// Messages received per publisher, and those that arrived with a sequence
// number lower than one already seen from the same publisher (reordering or
// duplicates). Loss is what a publisher sent minus what arrived.
class SequenceTracker {
public:
    explicit SequenceTracker(std::size_t publishers = 0);
    void record(std::uint32_t publisher, std::uint64_t seq);
    void merge(const SequenceTracker& other);
    std::uint64_t received(std::size_t publisher) const;
    std::uint64_t out_of_order() const { return out_of_order_; }
    // Sum over publishers of max(0, sent[i] * copies - received[i]); `copies`
    // is how many subscribers each message should reach.
    std::uint64_t loss(const std::vector<std::uint64_t>& sent, std::uint64_t copies) const;
    std::uint64_t unknown() const { return unknown_; }

private:
    std::vector<std::uint64_t> received_;
    std::vector<std::uint64_t> next_;  // highest seq seen + 1
    std::uint64_t out_of_order_ = 0;
    std::uint64_t unknown_ = 0;  // publisher index out of range
};

}  // namespace ts::app::bench
