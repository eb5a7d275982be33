#include "exec/block.hpp"
#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("the tracker sees every buffer from allocation to release", "[exec][memory]") {
    MemoryTracker tracker;
    {
        Block a = Block::allocate(DType::Float64, {10, 10}, &tracker);
        CHECK(tracker.current() == 800);
        {
            Block b = Block::allocate(DType::Int16, {5}, &tracker);
            CHECK(tracker.current() == 810);
        }
        CHECK(tracker.current() == 800);
        Block shared = a;  // a copy shares the buffer
        CHECK(tracker.current() == 800);
    }
    CHECK(tracker.current() == 0);
    CHECK(tracker.peak() == 810);
    CHECK(tracker.buffers() == 2);
}
