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
