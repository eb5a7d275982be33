#include "parser.hpp"

#include <cmath>

namespace chunkarr::cli::expression {

namespace {

// Recursive descent over the tokens, one method per grammar rule (see parser.hpp).
class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

    NodePtr parse_all() {
        NodePtr tree = parse_or();
        if (peek().kind != TokenKind::End) throw ExpressionError("unexpected " + quoted(peek()), peek().column);
        return tree;
    }

private:
    const Token& peek() const { return tokens_[position_]; }
    const Token& take() { return tokens_[position_++]; }
    bool at(TokenKind kind, const std::string& text) const { return peek().kind == kind && peek().text == text; }
    bool at_operator(std::initializer_list<const char*> texts) const {
        if (peek().kind != TokenKind::Operator) return false;
        for (const char* t : texts)
            if (peek().text == t) return true;
        return false;
    }
    static std::string quoted(const Token& token) {
        if (token.kind == TokenKind::End) return "end of expression";
        if (token.kind == TokenKind::String) return "string \"" + token.text + "\"";
        return "'" + token.text + "'";
    }
    void expect(const std::string& punctuation) {
        if (!at(TokenKind::Punctuation, punctuation))
            throw ExpressionError("expected '" + punctuation + "' but found " + quoted(peek()), peek().column);
        take();
    }

    static NodePtr binary(const Token& op, NodePtr left, NodePtr right) {
        return std::make_shared<Node>(
            Node{NodeKind::Binary, op.column, 0, op.text, {std::move(left), std::move(right)}, {}});
    }

    // Left-associative levels: `next` parses the operands, `ops` are this level's operators.
    template <typename Next> NodePtr left_associative(std::initializer_list<const char*> ops, Next next) {
        NodePtr left = (this->*next)();
        while (at_operator(ops)) {
            const Token op = take();
            left = binary(op, left, (this->*next)());
        }
        return left;
    }

    NodePtr parse_or() { return left_associative({"|"}, &Parser::parse_and); }
    NodePtr parse_and() { return left_associative({"&"}, &Parser::parse_comparison); }
    NodePtr parse_comparison() {
        NodePtr left = parse_sum();
        if (at_operator({"==", "!=", "<", "<=", ">", ">="})) {
            const Token op = take();
            left = binary(op, left, parse_sum());
            if (at_operator({"==", "!=", "<", "<=", ">", ">="}))
                throw ExpressionError("comparisons cannot be chained: use ( ) and &", peek().column);
        }
        return left;
    }
    NodePtr parse_sum() { return left_associative({"+", "-"}, &Parser::parse_product); }
    NodePtr parse_product() { return left_associative({"*", "/", "%"}, &Parser::parse_unary); }
    NodePtr parse_unary() {
        if (at_operator({"-", "+", "~"})) {
            const Token op = take();
            return std::make_shared<Node>(Node{NodeKind::Unary, op.column, 0, op.text, {parse_unary()}, {}});
        }
        return parse_power();
    }
    NodePtr parse_power() {
        NodePtr base = parse_postfix();
        if (at_operator({"**"})) {
            const Token op = take();
            return binary(op, base, parse_unary());
        }
        return base;
    }
    NodePtr parse_postfix() {
        NodePtr node = parse_primary();
        while (at(TokenKind::Punctuation, "[")) {
            const std::size_t column = take().column;
            Node select{NodeKind::Select, column, 0, "", {node}, {}};
            do {
                select.selections.push_back(parse_selection());
            } while (at(TokenKind::Punctuation, ",") && (take(), true));
            expect("]");
            node = std::make_shared<Node>(std::move(select));
        }
        return node;
    }

    // An integer, maybe negative, or none when the next token is not a number (an open slice end).
    std::optional<long long> parse_optional_integer() {
        bool negative = false;
        std::size_t column = peek().column;
        if (at_operator({"-"})) {
            take();
            negative = true;
        }
        if (peek().kind != TokenKind::Number) {
            if (negative) throw ExpressionError("expected an integer but found " + quoted(peek()), peek().column);
            return std::nullopt;
        }
        const Token& number = take();
        if (number.number != std::floor(number.number) || std::abs(number.number) > 9e15 ||
            number.text.find_first_of(".eE") != std::string::npos)
            throw ExpressionError("an index must be an integer, got " + number.text, column);
        const auto value = static_cast<long long>(number.number);
        return negative ? -value : value;
    }

    Selection parse_selection() {
        if (peek().kind != TokenKind::Name)
            throw ExpressionError("expected a dimension name (like time=0:12) but found " + quoted(peek()),
                                  peek().column);
        const Token& name = take();
        Selection selection{name.text, name.column, {}, {}, {}, 1};
        if (!at_operator({"="}))
            throw ExpressionError("expected '=' after dimension " + name.text + " but found " + quoted(peek()),
                                  peek().column);
        take();
        const std::size_t value_column = peek().column;
        const auto first = parse_optional_integer();
        if (!at(TokenKind::Punctuation, ":")) {
            if (!first) throw ExpressionError("expected an index or a slice like 0:12 after '='", value_column);
            selection.index = first;
            return selection;
        }
        take();
        selection.start = first;
        selection.stop = parse_optional_integer();
        if (at(TokenKind::Punctuation, ":")) {
            take();
            const std::size_t step_column = peek().column;
            if (const auto step = parse_optional_integer()) {
                if (*step <= 0) throw ExpressionError("a slice step must be positive", step_column);
                selection.step = *step;
            }
        }
        return selection;
    }

    NodePtr parse_primary() {
        const Token& token = peek();
        switch (token.kind) {
            case TokenKind::Number:
                take();
                return std::make_shared<Node>(Node{NodeKind::Number, token.column, token.number, token.text, {}, {}});
            case TokenKind::String:
                take();
                return std::make_shared<Node>(Node{NodeKind::String, token.column, 0, token.text, {}, {}});
            case TokenKind::Name: {
                const Token name = take();
                if (!at(TokenKind::Punctuation, "("))
                    return std::make_shared<Node>(Node{NodeKind::Variable, name.column, 0, name.text, {}, {}});
                take();
                Node call{NodeKind::Call, name.column, 0, name.text, {}, {}};
                if (!at(TokenKind::Punctuation, ")")) {
                    do {
                        call.operands.push_back(parse_or());
                    } while (at(TokenKind::Punctuation, ",") && (take(), true));
                }
                expect(")");
                return std::make_shared<Node>(std::move(call));
            }
            case TokenKind::Punctuation:
                if (token.text == "(") {
                    take();
                    NodePtr inner = parse_or();
                    expect(")");
                    return inner;
                }
                break;
            case TokenKind::Operator:
            case TokenKind::End: break;
        }
        throw ExpressionError("expected a number, a variable or '(' but found " + quoted(token), token.column);
    }

    std::vector<Token> tokens_;
    std::size_t position_ = 0;
};

std::string bound(const std::optional<long long>& value) { return value ? std::to_string(*value) : ""; }

}  // namespace

NodePtr parse(const std::string& expression) { return Parser(tokenize(expression)).parse_all(); }

std::string to_string(const Node& node) {
    switch (node.kind) {
        case NodeKind::Number: return node.text;
        case NodeKind::String: return "\"" + node.text + "\"";
        case NodeKind::Variable: return node.text;
        case NodeKind::Unary: return "(" + node.text + to_string(*node.operands[0]) + ")";
        case NodeKind::Binary: {
            std::string text = "(";
            text.append(to_string(*node.operands[0])).append(" ").append(node.text).append(" ");
            return text.append(to_string(*node.operands[1])).append(")");
        }
        case NodeKind::Call: {
            std::string text = node.text + "(";
            for (std::size_t i = 0; i < node.operands.size(); ++i) {
                if (i) text += ", ";
                text += to_string(*node.operands[i]);
            }
            return text + ")";
        }
        case NodeKind::Select: {
            std::string text = to_string(*node.operands[0]) + "[";
            for (std::size_t i = 0; i < node.selections.size(); ++i) {
                const Selection& s = node.selections[i];
                text += (i ? ", " : "") + s.dimension + "=";
                if (s.index) text += std::to_string(*s.index);
                else {
                    text.append(bound(s.start)).append(":").append(bound(s.stop));
                    if (s.step != 1) text.append(":").append(std::to_string(s.step));
                }
            }
            return text + "]";
        }
    }
    return "";
}

}  // namespace chunkarr::cli::expression
