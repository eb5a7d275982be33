#include "cli/expression/lexer.hpp"
#include "support/catch.hpp"

using namespace chunkarr::cli::expression;

namespace {

std::vector<std::string> texts(const std::vector<Token>& tokens) {
    std::vector<std::string> out;
    for (const auto& t : tokens) out.push_back(t.text);
    return out;
}

std::size_t error_column(const std::string& expression) {
    try {
        tokenize(expression);
    } catch (const ExpressionError& e) {
        return e.column();
    }
    FAIL("no error for " << expression);
    return 0;
}

}  // namespace

TEST_CASE("the lexer splits numbers, names, strings and operators and keeps their columns", "[cli][expression]") {
    const auto tokens = tokenize("mean(t2m**2, \"time\") >= 1.5e3");
    CHECK(texts(tokens) ==
          std::vector<std::string>{"mean", "(", "t2m", "**", "2", ",", "time", ")", ">=", "1.5e3", ""});
    CHECK(tokens[0].kind == TokenKind::Name);
    CHECK(tokens[2].column == 5);
    CHECK(tokens[3].kind == TokenKind::Operator);
    CHECK(tokens[6].kind == TokenKind::String);
    CHECK(tokens[6].column == 13);
    CHECK(tokens[9].number == 1500.0);
    CHECK(tokens.back().kind == TokenKind::End);
    CHECK(tokens.back().column == 29);
}

TEST_CASE("the lexer reads every operator of the language, longest first", "[cli][expression]") {
    CHECK(texts(tokenize("a<=b<c==d!=e>f>=g&h|~i%j=k")) ==
          std::vector<std::string>{"a", "<=", "b", "<", "c", "==", "d", "!=", "e", ">", "f", ">=",
                                   "g", "&",  "h", "|", "~", "i",  "%", "j",  "=", "k", ""});
    CHECK(texts(tokenize("x[time=0:12]")) == std::vector<std::string>{"x", "[", "time", "=", "0", ":", "12", "]", ""});
    CHECK(tokenize(".5")[0].number == 0.5);
    CHECK(tokenize("'lat'")[0].text == "lat");
}

TEST_CASE("the lexer points at what it cannot read", "[cli][expression]") {
    CHECK(error_column("t2m $ 2") == 4);
    CHECK(error_column("mean(t2m, \"time)") == 10);
    CHECK(error_column("1e+") == 0);
    CHECK(error_column("12abc") == 0);
    CHECK(error_column("a ! b") == 2);
}

TEST_CASE("an error is described with the expression and a caret under its column", "[cli][expression]") {
    const ExpressionError error("unknown variable 'x'", 5);
    CHECK(describe(error, "mean(x)") == "unknown variable 'x' at column 6\n  mean(x)\n       ^");
}
