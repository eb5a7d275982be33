#pragma once
// The executor's byte budget. A task reserves what it will allocate before it reads anything and
// waits while the budget is full; partial results keep their reservation until they are merged.
// The peak of reserved bytes is the executor's peak-memory figure. If nothing that could free
// bytes is running, waiting would hang, so reserve() throws MemoryBudgetError instead.
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace chunkarr {

class MemoryBudget {
public:
    explicit MemoryBudget(std::size_t limit) : limit_(limit) {}

    // Blocks until `bytes` fit; the caller becomes "active" (it will free bytes eventually).
    void reserve(std::size_t bytes);
    // Gives bytes back without ending activity (a task freeing its read buffers).
    void release(std::size_t bytes);
    // Marks the end of an active section started by reserve() or begin_active().
    void end_active();
    void begin_active();

    std::size_t limit() const { return limit_; }
    std::size_t peak() const;
    std::size_t in_use() const;

private:
    std::size_t limit_;
    std::size_t in_use_ = 0;
    std::size_t peak_ = 0;
    int active_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
};

// One active section's bytes in a MemoryBudget, given back (and the section ended) when the
// reservation goes, whether its task finished or threw. Bytes the task passes on (a partial
// result, queued chunks) leave it through hand_over() and stay reserved for their new owner.
class BudgetReservation {
public:
    BudgetReservation() = default;
    // Waits for `bytes` (MemoryBudget::reserve).
    BudgetReservation(MemoryBudget& budget, std::size_t bytes);
    // Takes over `bytes` that another reservation handed over, as a new active section.
    static BudgetReservation adopt(MemoryBudget& budget, std::size_t bytes);
    BudgetReservation(BudgetReservation&& other) noexcept;
    BudgetReservation& operator=(BudgetReservation&& other) noexcept;
    BudgetReservation(const BudgetReservation&) = delete;
    BudgetReservation& operator=(const BudgetReservation&) = delete;
    ~BudgetReservation() { end(); }

    // `bytes` of the reservation go to another owner: they stay reserved past end().
    void hand_over(std::size_t bytes);
    // Gives the bytes still held back and ends the active section, now rather than at
    // destruction (nothing when there is none).
    void end() noexcept;

private:
    MemoryBudget* budget_ = nullptr;  // null: nothing held
    std::size_t bytes_ = 0;
};

}  // namespace chunkarr
