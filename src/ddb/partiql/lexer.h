// Splits a PartiQL statement into tokens. Keywords are not told apart here:
// they are identifiers the parser recognizes (case-insensitively).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace townhall::ddb::partiql {

struct Token {
  enum class Kind : uint8_t {
    kIdentifier,        // a letter or '_', then letters, digits, '_'
    kQuotedIdentifier,  // "name" ("" inside stands for one ")
    kString,            // 'text' ('' inside stands for one ')
    kNumber,            // digits, optional fraction and exponent
    kParameter,         // ?
    kStar,
    kComma,
    kDot,
    kColon,
    kLParen,
    kRParen,
    kLBracket,
    kRBracket,
    kLBrace,
    kRBrace,
    kLBag,  // <<
    kRBag,  // >>
    kEq,
    kNe,  // <> or !=
    kLt,
    kLe,
    kGt,
    kGe,
    kPlus,
    kMinus,
    kSemicolon,
    kInvalid,  // a character no token starts with, or an unterminated quote
    kEnd,
  };
  Kind kind = Kind::kEnd;
  std::string text;  // identifiers, strings and numbers: the value, quotes undone
  uint32_t offset = 0;
};

// All tokens of statement, ending with one kEnd.
std::vector<Token> tokenize(std::string_view statement);

}  // namespace townhall::ddb::partiql
