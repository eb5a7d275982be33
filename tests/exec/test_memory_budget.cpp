#include <chunkarr/core/error.hpp>

#include "exec/memory_budget.hpp"
#include "support/catch.hpp"

#include <atomic>
#include <thread>

using namespace chunkarr;

TEST_CASE("a reservation waits until bytes are released", "[exec][memory]") {
    MemoryBudget budget(100);
    budget.reserve(80);
    std::atomic<bool> granted{false};
    std::thread waiter([&] {
        budget.reserve(50);
        granted = true;
        budget.release(50);
        budget.end_active();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(granted.load());
    budget.release(80);
    budget.end_active();
    waiter.join();
    CHECK(granted.load());
    CHECK(budget.peak() <= 100);
    CHECK(budget.in_use() == 0);
}

TEST_CASE("impossible reservations fail instead of hanging", "[exec][memory]") {
    MemoryBudget budget(100);
    CHECK_THROWS_AS(budget.reserve(101), MemoryBudgetError);
    // Bytes held by a finished task that nobody will free: reserve gives up.
    budget.reserve(90);
    budget.end_active();
    CHECK_THROWS_AS(budget.reserve(20), MemoryBudgetError);
}

TEST_CASE("a reservation gives its bytes back when it goes, also when its task throws", "[exec][memory]") {
    MemoryBudget budget(100);
    {
        const BudgetReservation reservation(budget, 60);
        CHECK(budget.in_use() == 60);
    }
    CHECK(budget.in_use() == 0);
    CHECK_THROWS_AS(([&] {
                        const BudgetReservation reservation(budget, 70);
                        throw ValueError("task failed");
                    }()),
                    ValueError);
    CHECK(budget.in_use() == 0);
    CHECK(budget.peak() == 70);
    // Nothing is left active: a reservation that cannot fit fails at once instead of waiting.
    budget.reserve(90);
    budget.end_active();
    CHECK_THROWS_AS(BudgetReservation(budget, 20), MemoryBudgetError);
}

TEST_CASE("bytes handed over stay reserved for their new owner", "[exec][memory]") {
    MemoryBudget budget(100);
    BudgetReservation adopted;
    {
        BudgetReservation task(budget, 50);
        task.hand_over(30);
        adopted = BudgetReservation::adopt(budget, 30);
    }
    CHECK(budget.in_use() == 30);
    // The adopted bytes count as active: a task that waits for them is not refused.
    std::atomic<bool> granted{false};
    std::thread waiter([&] {
        const BudgetReservation later(budget, 80);
        granted = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(granted.load());
    BudgetReservation moved = std::move(adopted);
    adopted.end();  // moved from: holds nothing
    CHECK(budget.in_use() == 30);
    moved.end();
    waiter.join();
    CHECK(granted.load());
    CHECK(budget.in_use() == 0);
    CHECK(budget.peak() <= 100);
}
