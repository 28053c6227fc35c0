#include "ddb/expression/lexer.h"

namespace townhall::ddb::expr {
namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(char c) { return is_letter(c) || is_digit(c) || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 3 + 2);
  size_t i = 0;
  const size_t n = text.size();
  auto push = [&](Token::Kind kind, size_t begin, size_t end) {
    tokens.push_back(Token{kind, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
  };
  while (i < n) {
    const char c = text[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    const size_t begin = i;
    if (is_letter(c)) {
      while (i < n && is_word_char(text[i])) ++i;
      push(Token::Kind::kIdentifier, begin, i);
    } else if (is_digit(c)) {
      while (i < n && is_digit(text[i])) ++i;
      push(Token::Kind::kNumber, begin, i);
    } else if ((c == '#' || c == ':') && i + 1 < n && is_word_char(text[i + 1])) {
      ++i;
      while (i < n && is_word_char(text[i])) ++i;
      push(c == '#' ? Token::Kind::kNameRef : Token::Kind::kValueRef, begin, i);
    } else {
      Token::Kind kind = Token::Kind::kInvalid;
      size_t len = 1;
      const char next = i + 1 < n ? text[i + 1] : '\0';
      switch (c) {
        case '=':
          kind = Token::Kind::kEq;
          break;
        case '<':
          if (next == '>') {
            kind = Token::Kind::kNe, len = 2;
          } else if (next == '=') {
            kind = Token::Kind::kLe, len = 2;
          } else {
            kind = Token::Kind::kLt;
          }
          break;
        case '>':
          if (next == '=') {
            kind = Token::Kind::kGe, len = 2;
          } else {
            kind = Token::Kind::kGt;
          }
          break;
        case '(':
          kind = Token::Kind::kLParen;
          break;
        case ')':
          kind = Token::Kind::kRParen;
          break;
        case '[':
          kind = Token::Kind::kLBracket;
          break;
        case ']':
          kind = Token::Kind::kRBracket;
          break;
        case ',':
          kind = Token::Kind::kComma;
          break;
        case '.':
          kind = Token::Kind::kDot;
          break;
        case '+':
          kind = Token::Kind::kPlus;
          break;
        case '-':
          kind = Token::Kind::kMinus;
          break;
        default:
          // One whole UTF-8 character, so an error message never splits one.
          if (static_cast<unsigned char>(c) >= 0xC0) {
            while (i + len < n && (static_cast<unsigned char>(text[i + len]) & 0xC0) == 0x80) ++len;
          }
          break;
      }
      i += len;
      push(kind, begin, i);
    }
  }
  push(Token::Kind::kEnd, n, n);
  return tokens;
}

}  // namespace townhall::ddb::expr
