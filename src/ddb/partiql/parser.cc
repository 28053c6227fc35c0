#include "ddb/partiql/parser.h"

#include <strings.h>

#include "ddb/partiql/lexer.h"

namespace townhall::ddb::partiql {
namespace {

using Kind = Token::Kind;

constexpr int kMaxDepth = 64;

// Thrown inside the parser only, caught in parse(): a statement that is not well formed.
struct Malformed {};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  ParsedStatement statement() {
    ParsedStatement parsed;
    if (keyword("SELECT")) {
      parsed.statement = select_rest();
    } else if (keyword("INSERT")) {
      parsed.statement = insert_rest();
    } else if (keyword("UPDATE")) {
      parsed.statement = update_rest();
    } else if (keyword("DELETE")) {
      parsed.statement = delete_rest();
    } else if (keyword("EXISTS")) {
      expect(Kind::kLParen);
      if (!keyword("SELECT")) throw Malformed{};
      ExistsStatement exists{select_rest()};
      expect(Kind::kRParen);
      parsed.statement = std::move(exists);
    } else {
      throw Malformed{};
    }
    accept(Kind::kSemicolon);
    if (peek().kind != Kind::kEnd) throw Malformed{};
    parsed.parameter_count = parameters_;
    return parsed;
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    size_t i = std::min(position_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& next() {
    const Token& token = peek();
    if (position_ < tokens_.size() - 1) ++position_;
    return token;
  }
  bool accept(Kind kind) {
    if (peek().kind != kind) return false;
    next();
    return true;
  }
  void expect(Kind kind) {
    if (!accept(kind)) throw Malformed{};
  }
  bool is_keyword(const Token& token, const char* word) const {
    return token.kind == Kind::kIdentifier && strcasecmp(token.text.c_str(), word) == 0;
  }
  bool keyword(const char* word) {
    if (!is_keyword(peek(), word)) return false;
    next();
    return true;
  }
  void expect_keyword(const char* word) {
    if (!keyword(word)) throw Malformed{};
  }

  // Words that start or join clauses cannot be bare attribute names (quote them).
  bool reserved(const Token& token) const {
    for (const char* word :
         {"SELECT", "FROM",   "WHERE",     "AND",    "OR",      "NOT",   "BETWEEN", "IN",
          "IS",     "ORDER",  "BY",        "INSERT", "INTO",    "VALUE", "UPDATE",  "SET",
          "REMOVE", "DELETE", "RETURNING", "EXISTS", "MISSING", "NULL",  "TRUE",    "FALSE"}) {
      if (is_keyword(token, word)) return true;
    }
    return false;
  }

  // An attribute or table name: bare (not a keyword) or "quoted".
  std::string name() {
    const Token& token = peek();
    if (token.kind == Kind::kQuotedIdentifier || (token.kind == Kind::kIdentifier && !reserved(token))) {
      return next().text;
    }
    throw Malformed{};
  }

  Path path() {
    Path steps;
    steps.push_back({false, name(), 0});
    while (true) {
      if (accept(Kind::kDot)) {
        steps.push_back({false, name(), 0});
      } else if (accept(Kind::kLBracket)) {
        const Token& index = next();
        if (index.kind != Kind::kNumber || index.text.find_first_not_of("0123456789") != std::string::npos ||
            index.text.size() > 9) {
          throw Malformed{};
        }
        steps.push_back({true, {}, static_cast<uint32_t>(std::stoul(index.text))});
        expect(Kind::kRBracket);
      } else {
        return steps;
      }
    }
  }

  TableRef table_ref() {
    TableRef ref{name(), std::nullopt};
    if (accept(Kind::kDot)) ref.index = name();
    return ref;
  }

  SelectStatement select_rest() {
    SelectStatement select;
    if (!accept(Kind::kStar)) {
      select.projection.emplace();
      do {
        select.projection->push_back(path());
      } while (accept(Kind::kComma));
    }
    expect_keyword("FROM");
    select.from = table_ref();
    if (keyword("WHERE")) select.where = expression();
    if (keyword("ORDER")) {
      expect_keyword("BY");
      select.order_by = path();
      if (keyword("DESC")) {
        select.descending = true;
      } else {
        keyword("ASC");
      }
    }
    return select;
  }

  InsertStatement insert_rest() {
    expect_keyword("INTO");
    InsertStatement insert;
    insert.table = name();
    expect_keyword("VALUE");
    insert.value = primary();
    return insert;
  }

  std::optional<std::string> returning(bool update) {
    if (!keyword("RETURNING")) return std::nullopt;
    std::string scope = keyword("ALL") ? "ALL" : (update && keyword("MODIFIED")) ? "UPDATED" : "";
    if (scope.empty()) throw Malformed{};
    std::string when = keyword("OLD") ? "OLD" : (update && keyword("NEW")) ? "NEW" : "";
    if (when.empty()) throw Malformed{};
    expect(Kind::kStar);
    return scope + "_" + when;
  }

  UpdateStatement update_rest() {
    UpdateStatement update;
    update.table = name();
    while (true) {
      if (keyword("SET")) {
        do {
          UpdateAction action;
          action.path = path();
          expect(Kind::kEq);
          action.value = additive();
          update.actions.push_back(std::move(action));
        } while (accept(Kind::kComma));
      } else if (keyword("REMOVE")) {
        do {
          update.actions.push_back({true, path(), nullptr});
        } while (accept(Kind::kComma));
      } else {
        break;
      }
    }
    if (update.actions.empty()) throw Malformed{};
    expect_keyword("WHERE");
    update.where = expression();
    update.returning = returning(true);
    return update;
  }

  DeleteStatement delete_rest() {
    expect_keyword("FROM");
    DeleteStatement remove;
    remove.table = name();
    expect_keyword("WHERE");
    remove.where = expression();
    remove.returning = returning(false);
    return remove;
  }

  // Expressions, loosest first: OR, AND, NOT, comparisons, + and -, unary -.
  struct Nest {
    explicit Nest(int& depth) : depth_(depth) {
      if (++depth_ > kMaxDepth) throw Malformed{};
    }
    ~Nest() { --depth_; }
    int& depth_;
  };

  static ExprPtr make(Expr::Kind kind, std::vector<ExprPtr> operands) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->operands = std::move(operands);
    return e;
  }
  static std::vector<ExprPtr> two(ExprPtr a, ExprPtr b) {
    std::vector<ExprPtr> v;
    v.push_back(std::move(a));
    v.push_back(std::move(b));
    return v;
  }

  ExprPtr expression() {
    Nest nest(depth_);
    ExprPtr left = conjunction();
    while (keyword("OR")) left = make(Expr::Kind::kOr, two(std::move(left), conjunction()));
    return left;
  }

  ExprPtr conjunction() {
    ExprPtr left = negation();
    while (keyword("AND")) left = make(Expr::Kind::kAnd, two(std::move(left), negation()));
    return left;
  }

  ExprPtr negation() {
    Nest nest(depth_);
    if (keyword("NOT")) {
      std::vector<ExprPtr> operand;
      operand.push_back(negation());
      return make(Expr::Kind::kNot, std::move(operand));
    }
    return comparison();
  }

  ExprPtr comparison() {
    ExprPtr left = additive();
    const Kind kind = peek().kind;
    if (kind == Kind::kEq || kind == Kind::kNe || kind == Kind::kLt || kind == Kind::kLe ||
        kind == Kind::kGt || kind == Kind::kGe) {
      next();
      auto e = make(Expr::Kind::kCompare, two(std::move(left), additive()));
      e->op = kind == Kind::kEq   ? CompareOp::kEq
              : kind == Kind::kNe ? CompareOp::kNe
              : kind == Kind::kLt ? CompareOp::kLt
              : kind == Kind::kLe ? CompareOp::kLe
              : kind == Kind::kGt ? CompareOp::kGt
                                  : CompareOp::kGe;
      return e;
    }
    if (keyword("BETWEEN")) {
      std::vector<ExprPtr> operands;
      operands.push_back(std::move(left));
      operands.push_back(additive());
      expect_keyword("AND");
      operands.push_back(additive());
      return make(Expr::Kind::kBetween, std::move(operands));
    }
    if (keyword("IN")) {
      const bool bracket = accept(Kind::kLBracket);
      if (!bracket) expect(Kind::kLParen);
      std::vector<ExprPtr> operands;
      operands.push_back(std::move(left));
      do {
        operands.push_back(additive());
      } while (accept(Kind::kComma));
      expect(bracket ? Kind::kRBracket : Kind::kRParen);
      return make(Expr::Kind::kIn, std::move(operands));
    }
    if (keyword("IS")) {
      const bool negated = keyword("NOT");
      Expr::Kind what = keyword("MISSING") ? Expr::Kind::kIsMissing
                        : keyword("NULL")  ? Expr::Kind::kIsNull
                                           : throw Malformed{};
      std::vector<ExprPtr> operand;
      operand.push_back(std::move(left));
      auto e = make(what, std::move(operand));
      e->negated = negated;
      return e;
    }
    return left;
  }

  ExprPtr additive() {
    Nest nest(depth_);
    ExprPtr left = unary();
    while (peek().kind == Kind::kPlus || peek().kind == Kind::kMinus) {
      Expr::Kind kind = next().kind == Kind::kPlus ? Expr::Kind::kAdd : Expr::Kind::kSubtract;
      left = make(kind, two(std::move(left), unary()));
    }
    return left;
  }

  ExprPtr unary() {
    Nest nest(depth_);
    if (accept(Kind::kMinus)) {
      std::vector<ExprPtr> operand;
      operand.push_back(unary());
      return make(Expr::Kind::kNegate, std::move(operand));
    }
    return primary();
  }

  ExprPtr literal(AttributeValue value) {
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kLiteral;
    e->literal = std::move(value);
    return e;
  }

  ExprPtr primary() {
    Nest nest(depth_);
    const Token& token = peek();
    switch (token.kind) {
      case Kind::kString:
        return literal(AttributeValue::S(next().text));
      case Kind::kNumber: {
        auto number = Number::parse(next().text);
        if (!number.ok()) throw Malformed{};
        return literal(AttributeValue::N(std::move(number).value()));
      }
      case Kind::kParameter: {
        next();
        auto e = std::make_unique<Expr>();
        e->kind = Expr::Kind::kParameter;
        e->parameter = parameters_++;
        return e;
      }
      case Kind::kLParen: {
        next();
        ExprPtr inner = expression();
        expect(Kind::kRParen);
        return inner;
      }
      case Kind::kLBracket:
      case Kind::kLBag: {
        next();
        const bool list = token.kind == Kind::kLBracket;
        std::vector<ExprPtr> elements;
        const Kind close = list ? Kind::kRBracket : Kind::kRBag;
        if (!accept(close)) {
          do {
            elements.push_back(additive());
          } while (accept(Kind::kComma));
          expect(close);
        }
        return make(list ? Expr::Kind::kList : Expr::Kind::kBag, std::move(elements));
      }
      case Kind::kLBrace: {
        next();
        auto map = make(Expr::Kind::kMap, {});
        if (!accept(Kind::kRBrace)) {
          do {
            const Token& key = next();
            if (key.kind != Kind::kString) throw Malformed{};
            map->keys.push_back(key.text);
            expect(Kind::kColon);
            map->operands.push_back(additive());
          } while (accept(Kind::kComma));
          expect(Kind::kRBrace);
        }
        return map;
      }
      case Kind::kIdentifier:
        if (keyword("TRUE")) return literal(AttributeValue::BOOL(true));
        if (keyword("FALSE")) return literal(AttributeValue::BOOL(false));
        if (keyword("NULL")) return literal(AttributeValue::NUL());
        if (peek(1).kind == Kind::kLParen && !reserved(token)) return call();
        [[fallthrough]];
      case Kind::kQuotedIdentifier: {
        auto e = std::make_unique<Expr>();
        e->kind = Expr::Kind::kPath;
        e->path = path();
        return e;
      }
      default:
        throw Malformed{};
    }
  }

  ExprPtr call() {
    std::string function = next().text;
    for (char& c : function) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    expect(Kind::kLParen);
    auto e = make(Expr::Kind::kCall, {});
    e->function = std::move(function);
    if (!accept(Kind::kRParen)) {
      do {
        e->operands.push_back(additive());
      } while (accept(Kind::kComma));
      expect(Kind::kRParen);
    }
    return e;
  }

  std::vector<Token> tokens_;
  size_t position_ = 0;
  uint32_t parameters_ = 0;
  int depth_ = 0;
};

}  // namespace

Error not_well_formed(std::string_view statement) {
  return Error::Validation("Statement wasn't well formed, can't be processed: " + std::string(statement));
}

Result<ParsedStatement> parse(std::string_view statement) {
  std::vector<Token> tokens = tokenize(statement);
  for (const Token& token : tokens) {
    if (token.kind == Kind::kInvalid) return not_well_formed(statement);
  }
  try {
    ParsedStatement parsed = Parser(std::move(tokens)).statement();
    parsed.text = std::string(statement);
    return parsed;
  } catch (const Malformed&) {
    return not_well_formed(statement);
  }
}

}  // namespace townhall::ddb::partiql
