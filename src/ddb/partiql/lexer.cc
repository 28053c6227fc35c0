#include "ddb/partiql/lexer.h"

namespace townhall::ddb::partiql {
namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A quoted run starting at text[i] (the quote): its value with doubled
// quotes undone, and the offset after the closing quote, or npos when open.
size_t read_quoted(std::string_view text, size_t i, std::string& value) {
  const char quote = text[i];
  for (size_t j = i + 1; j < text.size(); ++j) {
    if (text[j] != quote) {
      value.push_back(text[j]);
    } else if (j + 1 < text.size() && text[j + 1] == quote) {
      value.push_back(quote);
      ++j;
    } else {
      return j + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  using Kind = Token::Kind;
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {  // a comment to the end of the line
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    Token token;
    token.offset = static_cast<uint32_t>(i);
    auto two = [&](char next) { return i + 1 < text.size() && text[i + 1] == next; };
    size_t end = i + 1;
    if (is_letter(c)) {
      while (end < text.size() && (is_letter(text[end]) || is_digit(text[end]))) ++end;
      token.kind = Kind::kIdentifier;
      token.text = std::string(text.substr(i, end - i));
    } else if (c == '"' || c == '\'') {
      end = read_quoted(text, i, token.text);
      if (end == std::string_view::npos) {
        token.kind = Kind::kInvalid;
        end = text.size();
      } else {
        token.kind = c == '"' ? Kind::kQuotedIdentifier : Kind::kString;
      }
    } else if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      while (end < text.size() && is_digit(text[end])) ++end;
      if (end < text.size() && text[end] == '.') {
        ++end;
        while (end < text.size() && is_digit(text[end])) ++end;
      }
      if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
        size_t exponent = end + 1;
        if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-')) ++exponent;
        if (exponent < text.size() && is_digit(text[exponent])) {
          end = exponent;
          while (end < text.size() && is_digit(text[end])) ++end;
        }
      }
      token.kind = Kind::kNumber;
      token.text = std::string(text.substr(i, end - i));
    } else if (c == '<' && two('<')) {
      token.kind = Kind::kLBag;
      end = i + 2;
    } else if (c == '>' && two('>')) {
      token.kind = Kind::kRBag;
      end = i + 2;
    } else if (c == '<' && two('=')) {
      token.kind = Kind::kLe;
      end = i + 2;
    } else if (c == '<' && two('>')) {
      token.kind = Kind::kNe;
      end = i + 2;
    } else if (c == '>' && two('=')) {
      token.kind = Kind::kGe;
      end = i + 2;
    } else if (c == '!' && two('=')) {
      token.kind = Kind::kNe;
      end = i + 2;
    } else {
      switch (c) {
        case '?':
          token.kind = Kind::kParameter;
          break;
        case '*':
          token.kind = Kind::kStar;
          break;
        case ',':
          token.kind = Kind::kComma;
          break;
        case '.':
          token.kind = Kind::kDot;
          break;
        case ':':
          token.kind = Kind::kColon;
          break;
        case '(':
          token.kind = Kind::kLParen;
          break;
        case ')':
          token.kind = Kind::kRParen;
          break;
        case '[':
          token.kind = Kind::kLBracket;
          break;
        case ']':
          token.kind = Kind::kRBracket;
          break;
        case '{':
          token.kind = Kind::kLBrace;
          break;
        case '}':
          token.kind = Kind::kRBrace;
          break;
        case '=':
          token.kind = Kind::kEq;
          break;
        case '<':
          token.kind = Kind::kLt;
          break;
        case '>':
          token.kind = Kind::kGt;
          break;
        case '+':
          token.kind = Kind::kPlus;
          break;
        case '-':
          token.kind = Kind::kMinus;
          break;
        case ';':
          token.kind = Kind::kSemicolon;
          break;
        default:
          token.kind = Kind::kInvalid;
          break;
      }
    }
    tokens.push_back(std::move(token));
    i = end;
  }
  Token last;
  last.kind = Kind::kEnd;
  last.offset = static_cast<uint32_t>(text.size());
  tokens.push_back(std::move(last));
  return tokens;
}

}  // namespace townhall::ddb::partiql
