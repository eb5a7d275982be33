#pragma once
// The tokens of a `chunkarr eval` expression: numbers, names, quoted strings, operators and
// punctuation, each with the column it starts at (for the caret under an error).
#include <stdexcept>
#include <string>
#include <vector>

namespace chunkarr::cli::expression {

// A mistake in the expression: the message and the 0-based column it points at. Reported as
// the message, the expression and a caret under the column (see describe()).
class ExpressionError : public std::runtime_error {
public:
    ExpressionError(const std::string& message, std::size_t column) : std::runtime_error(message), column_(column) {}
    std::size_t column() const { return column_; }

private:
    std::size_t column_;
};

// "MESSAGE at column N\n  EXPRESSION\n  ^" (columns counted from 1 for people).
std::string describe(const ExpressionError& error, const std::string& expression);

enum class TokenKind {
    Number,       // 1, 2.5, 1e-3
    Name,         // t2m, mean
    String,       // "time" or 'time'
    Operator,     // + - * / ** % == != < <= > >= & | ~ =
    Punctuation,  // ( ) [ ] , :
    End,
};

struct Token {
    TokenKind kind;
    std::string text;  // as written (a string's text without its quotes)
    std::size_t column;
    double number = 0;  // Number: its value
};

// The tokens of `expression`, ending with one End token. ExpressionError at an unknown
// character, an unterminated string or a malformed number.
std::vector<Token> tokenize(const std::string& expression);

}  // namespace chunkarr::cli::expression
