#include "exec/memory_budget.hpp"

#include <chunkarr/core/error.hpp>

#include <chrono>
#include <utility>

namespace chunkarr {

namespace {
std::string mib(std::size_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }
}  // namespace

void MemoryBudget::reserve(std::size_t bytes) {
    std::unique_lock lock(mutex_);
    if (bytes > limit_)
        throw MemoryBudgetError("memory limit of " + mib(limit_) + " is too small for one task, which needs " +
                                mib(bytes) + "; raise the memory limit");
    // Wait for running tasks to give bytes back. If nothing that could free bytes runs for a
    // while, the held bytes are partial results waiting for this very task: fail, don't hang.
    int idle_checks = 0;
    while (in_use_ + bytes > limit_) {
        const std::size_t before = in_use_;
        freed_.wait_for(lock, std::chrono::milliseconds(50));
        if (active_ == 0 && in_use_ == before) {
            if (++idle_checks >= 40)
                throw MemoryBudgetError("memory limit of " + mib(limit_) + " is too small: partial results hold " +
                                        mib(in_use_) + " and a task needs " + mib(bytes) +
                                        " more; raise the memory limit");
        } else {
            idle_checks = 0;
        }
    }
    in_use_ += bytes;
    if (in_use_ > peak_) peak_ = in_use_;
    ++active_;
}

void MemoryBudget::release(std::size_t bytes) {
    {
        std::lock_guard lock(mutex_);
        in_use_ -= bytes;
    }
    freed_.notify_all();
}

void MemoryBudget::begin_active() {
    std::lock_guard lock(mutex_);
    ++active_;
}

void MemoryBudget::end_active() {
    {
        std::lock_guard lock(mutex_);
        --active_;
    }
    freed_.notify_all();
}

std::size_t MemoryBudget::peak() const {
    std::lock_guard lock(mutex_);
    return peak_;
}

std::size_t MemoryBudget::in_use() const {
    std::lock_guard lock(mutex_);
    return in_use_;
}

BudgetReservation::BudgetReservation(MemoryBudget& budget, std::size_t bytes) : budget_(&budget), bytes_(bytes) {
    budget.reserve(bytes);
}

BudgetReservation BudgetReservation::adopt(MemoryBudget& budget, std::size_t bytes) {
    budget.begin_active();
    BudgetReservation reservation;
    reservation.budget_ = &budget;
    reservation.bytes_ = bytes;
    return reservation;
}

BudgetReservation::BudgetReservation(BudgetReservation&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

BudgetReservation& BudgetReservation::operator=(BudgetReservation&& other) noexcept {
    if (this != &other) {
        end();
        budget_ = std::exchange(other.budget_, nullptr);
        bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
}

void BudgetReservation::hand_over(std::size_t bytes) { bytes_ -= bytes; }

void BudgetReservation::end() noexcept {
    if (!budget_) return;
    budget_->release(std::exchange(bytes_, 0));
    std::exchange(budget_, nullptr)->end_active();
}

}  // namespace chunkarr
