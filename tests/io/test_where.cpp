#include "io/where.hpp"
#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("a call site names the file, the object and the attribute", "[io][wrapper]") {
    CHECK(Where{"data.h5"}.text() == "data.h5");
    CHECK(Where{"data.h5", "/t2m"}.text() == "data.h5:/t2m");
    CHECK(Where{"data.h5", "/t2m", "units"}.text() == "data.h5:/t2m attribute units");
}
