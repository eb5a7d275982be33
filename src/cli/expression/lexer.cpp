#include "lexer.hpp"

#include <cctype>
#include <cstdlib>

namespace chunkarr::cli::expression {

std::string describe(const ExpressionError& error, const std::string& expression) {
    return std::string(error.what()) + " at column " + std::to_string(error.column() + 1) + "\n  " + expression +
           "\n  " + std::string(error.column(), ' ') + "^";
}

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

// The number starting at `start`: digits, a fraction, an exponent (strtod's decimal syntax,
// without the hex, inf and nan forms it would also take).
Token read_number(const std::string& text, std::size_t start) {
    std::size_t i = start;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && is_digit(text[i])) ++i;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
        if (j >= text.size() || !is_digit(text[j])) throw ExpressionError("malformed number", start);
        while (j < text.size() && is_digit(text[j])) ++j;
        i = j;
    }
    const std::string written = text.substr(start, i - start);
    if (written == ".") throw ExpressionError("unexpected '.'", start);
    if (i < text.size() && is_name_start(text[i])) throw ExpressionError("malformed number", start);
    return {TokenKind::Number, written, start, std::strtod(written.c_str(), nullptr)};
}

}  // namespace

std::vector<Token> tokenize(const std::string& expression) {
    std::vector<Token> tokens;
    const std::string& text = expression;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
            tokens.push_back(read_number(text, i));
            i += tokens.back().text.size();
        } else if (is_name_start(c)) {
            std::size_t end = i;
            while (end < text.size() && is_name_char(text[end])) ++end;
            tokens.push_back({TokenKind::Name, text.substr(i, end - i), i});
            i = end;
        } else if (c == '"' || c == '\'') {
            const std::size_t close = text.find(c, i + 1);
            if (close == std::string::npos) throw ExpressionError("unterminated string", i);
            tokens.push_back({TokenKind::String, text.substr(i + 1, close - i - 1), i});
            i = close + 1;
        } else {
            // Two-character operators first: ** == != <= >=.
            const std::string two = text.substr(i, 2);
            if (two == "**" || two == "==" || two == "!=" || two == "<=" || two == ">=") {
                tokens.push_back({TokenKind::Operator, two, i});
                i += 2;
            } else if (std::string("+-*/%<>&|~=").find(c) != std::string::npos) {
                tokens.push_back({TokenKind::Operator, std::string(1, c), i++});
            } else if (std::string("()[],:").find(c) != std::string::npos) {
                tokens.push_back({TokenKind::Punctuation, std::string(1, c), i++});
            } else {
                throw ExpressionError(std::string("unexpected character '") + c + "'", i);
            }
        }
    }
    tokens.push_back({TokenKind::End, "", text.size()});
    return tokens;
}

}  // namespace chunkarr::cli::expression
