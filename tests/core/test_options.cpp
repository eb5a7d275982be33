#include <chunkarr/core/options.hpp>

#include "support/catch.hpp"

#include <thread>

using namespace chunkarr;

TEST_CASE("defaults come from the machine", "[exec]") {
    const int cores = physical_core_count();
    CHECK(cores >= 1);
    CHECK(cores <= static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    CHECK(physical_memory_bytes() > 0);
    CHECK(default_memory_limit() >= (std::size_t{256} << 20));
    CHECK(default_memory_limit() >= physical_memory_bytes() / 4);
}
