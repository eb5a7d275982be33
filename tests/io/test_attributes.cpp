#include <chunkarr/io/attributes.hpp>

#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("attributes keep numbers exactly and strings apart", "[io]") {
    Attributes a;
    a.set("_FillValue", std::vector<long double>{-9223372036854775806.0L});
    a.set("units", std::string("K"));
    a.set("valid_range", std::vector<long double>{-5, 5});
    CHECK(a.exact_numbers("_FillValue")->front() == -9223372036854775806.0L);
    CHECK(a.number("valid_range") == -5.0);
    CHECK(a.numbers("valid_range")->size() == 2);
    CHECK_FALSE(a.number("units").has_value());
    CHECK_FALSE(a.number("missing").has_value());
    CHECK(a.has("units"));
}
