// Splits an expression's text into tokens. Thread-compatible (one lexer per parse).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace townhall::ddb::expr {

struct Token {
  enum class Kind : uint8_t {
    kIdentifier,  // a name, keyword or function name: a letter, then letters, digits, '_'
    kNameRef,     // #name
    kValueRef,    // :value
    kNumber,      // digits (list indexes)
    kEq,
    kNe,
    kLt,
    kLe,
    kGt,
    kGe,
    kLParen,
    kRParen,
    kLBracket,
    kRBracket,
    kComma,
    kDot,
    kPlus,
    kMinus,
    kInvalid,  // any other character, as its own token
    kEnd,
  };
  Kind kind = Kind::kEnd;
  uint32_t begin = 0;  // byte offsets into the text
  uint32_t end = 0;
};

// All tokens of text, ending with one kEnd token at text.size().
std::vector<Token> tokenize(std::string_view text);

}  // namespace townhall::ddb::expr
