#include "app/bench/stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ts::app::bench {

std::size_t LatencyHistogram::bucket_of(std::uint64_t ns) {
    if (ns < kSub) return static_cast<std::size_t>(ns);
    const int msb = 63 - std::countl_zero(ns);
    const int shift = msb - kSubBits;
    return (static_cast<std::size_t>(shift + 1) << kSubBits) +
           static_cast<std::size_t>((ns >> shift) - kSub);
}

std::uint64_t LatencyHistogram::bucket_upper(std::size_t index) {
    if (index < kSub) return index;
    const auto shift = static_cast<int>(index >> kSubBits) - 1;
    const auto sub = static_cast<std::uint64_t>(index & (kSub - 1));
    const std::uint64_t lower = (kSub + sub) << shift;
    return lower + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::uint64_t ns) {
    ++counts_[bucket_of(ns)];
    ++count_;
    min_ = std::min(min_, ns);
    max_ = std::max(max_, ns);
    sum_ += static_cast<long double>(ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
}

double LatencyHistogram::mean() const {
    return count_ ? static_cast<double>(sum_ / static_cast<long double>(count_)) : 0.0;
}

std::uint64_t LatencyHistogram::percentile(double p) const {
    if (count_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::min(bucket_upper(i), max_);
    }
    return max_;
}

SequenceTracker::SequenceTracker(std::size_t publishers)
    : received_(publishers, 0), next_(publishers, 0) {}

void SequenceTracker::record(std::uint32_t publisher, std::uint64_t seq) {
    if (publisher >= received_.size()) {
        ++unknown_;
        return;
    }
    ++received_[publisher];
    if (seq < next_[publisher])
        ++out_of_order_;
    else
        next_[publisher] = seq + 1;
}

void SequenceTracker::merge(const SequenceTracker& other) {
    if (received_.size() < other.received_.size()) {
        received_.resize(other.received_.size(), 0);
        next_.resize(other.next_.size(), 0);
    }
    for (std::size_t i = 0; i < other.received_.size(); ++i) {
        received_[i] += other.received_[i];
        next_[i] = std::max(next_[i], other.next_[i]);
    }
    out_of_order_ += other.out_of_order_;
    unknown_ += other.unknown_;
}

std::uint64_t SequenceTracker::received(std::size_t publisher) const {
    return publisher < received_.size() ? received_[publisher] : 0;
}

std::uint64_t SequenceTracker::loss(const std::vector<std::uint64_t>& sent,
                                    std::uint64_t copies) const {
    std::uint64_t lost = 0;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        const auto expected = sent[i] * copies;
        const auto got = received(i);
        if (got < expected) lost += expected - got;
    }
    return lost;
}

}  // namespace ts::app::bench
