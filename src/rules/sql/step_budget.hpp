#pragma once
// The work one evaluation (a row, or a template render) may do. Operators
// whose cost grows with their inputs (LIKE, text search) charge what they
// scan; when the budget runs out the row fails with "evaluation limit
// exceeded" instead of holding a routing thread for seconds.
#include <cstdint>

namespace ts::rules::sql {

// About 10-50 ms of scanning; a linear pass over a 1 MB payload costs ~2 M.
inline constexpr std::uint64_t kEvalStepBudget = 10'000'000;

inline constexpr const char* kEvalLimitExceeded = "evaluation limit exceeded";

class StepBudget {
public:
    explicit StepBudget(std::uint64_t limit = kEvalStepBudget) : left_(limit) {}

    // False once the total charged passes the limit.
    bool spend(std::uint64_t n) {
        used_ += n;
        if (n > left_) {
            left_ = 0;
            exhausted_ = true;
        } else {
            left_ -= n;
        }
        return !exhausted_;
    }
    bool exhausted() const { return exhausted_; }
    std::uint64_t used() const { return used_; }

private:
    std::uint64_t left_;
    std::uint64_t used_ = 0;
    bool exhausted_ = false;
};

}  // namespace ts::rules::sql
