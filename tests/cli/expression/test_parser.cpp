#include "cli/expression/parser.hpp"
#include "support/catch.hpp"

using namespace chunkarr::cli::expression;

namespace {

std::string tree(const std::string& expression) { return to_string(*parse(expression)); }

// The column and message of the error parsing `expression` gives.
std::pair<std::size_t, std::string> error_of(const std::string& expression) {
    try {
        parse(expression);
    } catch (const ExpressionError& e) {
        return {e.column(), e.what()};
    }
    FAIL("no error for " << expression);
    return {};
}

}  // namespace

TEST_CASE("the parser follows the documented precedence", "[cli][expression]") {
    CHECK(tree("1 + 2 * 3") == "(1 + (2 * 3))");
    CHECK(tree("1 - 2 - 3") == "((1 - 2) - 3)");
    CHECK(tree("a / b % c") == "((a / b) % c)");
    CHECK(tree("2 ** 3 ** 2") == "(2 ** (3 ** 2))");  // right-associative
    CHECK(tree("-a ** 2") == "(-(a ** 2))");          // as Python: -(a**2)
    CHECK(tree("a ** -b") == "(a ** (-b))");
    CHECK(tree("a > 1 & b < 2 | ~c") == "(((a > 1) & (b < 2)) | (~c))");
    CHECK(tree("(1 + 2) * 3") == "((1 + 2) * 3)");
    CHECK(tree("a + b == c * d") == "((a + b) == (c * d))");
}

TEST_CASE("the parser reads calls, strings and selections by dimension name", "[cli][expression]") {
    CHECK(tree("std(t2m - mean(t2m, \"time\"), 'time')") == "std((t2m - mean(t2m, \"time\")), \"time\")");
    CHECK(tree("f()") == "f()");
    CHECK(tree("t2m[time=0:12]") == "t2m[time=0:12]");
    CHECK(tree("t2m[lat=10, time=-3:]") == "t2m[lat=10, time=-3:]");
    CHECK(tree("t2m[time=::2][lat=-1]") == "t2m[time=::2][lat=-1]");
    CHECK(tree("(a + b)[x=1:-1:3]") == "(a + b)[x=1:-1:3]");
    const NodePtr call = parse("quantile(x, 0.9, \"time\", \"lat\")");
    REQUIRE(call->kind == NodeKind::Call);
    CHECK(call->operands.size() == 4);
    CHECK(call->operands[1]->number == 0.9);
    CHECK(call->operands[2]->kind == NodeKind::String);
    const NodePtr select = parse("t2m[lat=10]");
    REQUIRE(select->kind == NodeKind::Select);
    CHECK(select->selections[0].index == 10);
    CHECK(select->selections[0].column == 4);
}

TEST_CASE("the parser names what it expected and where", "[cli][expression]") {
    CHECK(error_of("mean(t2m") == std::pair<std::size_t, std::string>{8, "expected ')' but found end of expression"});
    CHECK(error_of("1 +") ==
          std::pair<std::size_t, std::string>{3, "expected a number, a variable or '(' but found end of expression"});
    CHECK(error_of("a b").first == 2);
    CHECK(error_of("a < b < c").first == 6);
    CHECK(error_of("t2m[0:12]").first == 4);
    CHECK(error_of("t2m[time 0]").first == 9);
    CHECK(error_of("t2m[time=1.5]").first == 9);
    CHECK(error_of("t2m[time=0:4:0]").first == 13);
    CHECK(error_of("t2m[time=]").first == 9);
    CHECK(error_of(")").first == 0);
    CHECK(error_of("mean(a,)").first == 7);
}
