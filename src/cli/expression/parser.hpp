#pragma once
// The syntax tree of a `chunkarr eval` expression and the parser that builds it.
//
// Grammar, loosest binding first (Python's operators, except that comparisons bind tighter
// than & and |, so `t2m > 0 & t2m < 10` needs no parentheses):
//   or         := and ('|' and)*
//   and        := comparison ('&' comparison)*
//   comparison := sum (('==' | '!=' | '<' | '<=' | '>' | '>=') sum)?
//   sum        := product (('+' | '-') product)*
//   product    := unary (('*' | '/' | '%') unary)*
//   unary      := ('-' | '+' | '~') unary | power
//   power      := postfix ('**' unary)?            (right-associative: 2**3**2 is 2**9)
//   postfix    := primary ('[' selection (',' selection)* ']')*
//   selection  := NAME '=' (INDEX | [INDEX] ':' [INDEX] [':' [STEP]])
//   primary    := NUMBER | STRING | NAME | NAME '(' [expr (',' expr)*] ')' | '(' expr ')'
#include "lexer.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr::cli::expression {

struct Node;
using NodePtr = std::shared_ptr<const Node>;

enum class NodeKind {
    Number,    // number
    String,    // text (a dimension name, as a function argument)
    Variable,  // name
    Unary,     // op, operands[0]
    Binary,    // op, operands[0], operands[1]
    Call,      // name(operands...)
    Select,    // operands[0][selections...]
};

// One `dim=...` of a selection: an index (the dimension is dropped) or a slice.
struct Selection {
    std::string dimension;
    std::size_t column;  // of the dimension's name
    std::optional<long long> index;
    std::optional<long long> start, stop;  // slice bounds (negative: from the end)
    long long step = 1;
};

struct Node {
    NodeKind kind;
    std::size_t column;  // where the node starts in the expression (an operator: the operator)
    double number = 0;   // Number
    std::string text;    // String's text, Variable's or Call's name, Unary's or Binary's operator
    std::vector<NodePtr> operands;
    std::vector<Selection> selections;  // Select
};

// The tree of `expression`; ExpressionError naming what was expected and where.
NodePtr parse(const std::string& expression);

// The tree written back as text, fully parenthesized ("(a + (b * 2))"): what the tests compare.
std::string to_string(const Node& node);

}  // namespace chunkarr::cli::expression
