#include "ddb/expression/parser.h"

#include <optional>
#include <string>
#include <vector>

#include "ddb/expression/lexer.h"
#include "ddb/expression/reserved_words.h"

namespace townhall::ddb::expr {
namespace {

using K = Token::Kind;

// Deeper nesting of parentheses or NOTs than this is refused before the stack
// could run out; DynamoDB's 4 KB limit on expressions keeps real ones far below.
constexpr int kMaxRecursion = 200;

struct FunctionInfo {
  std::string_view name;
  Function function;
  size_t arity;
  bool is_condition;  // used as a condition (attribute_exists ...) rather than a value
  bool in_update;     // allowed in update expressions
};
constexpr FunctionInfo kFunctions[] = {
    {"attribute_exists", Function::kAttributeExists, 1, true, false},
    {"attribute_not_exists", Function::kAttributeNotExists, 1, true, false},
    {"attribute_type", Function::kAttributeType, 2, true, false},
    {"begins_with", Function::kBeginsWith, 2, true, false},
    {"contains", Function::kContains, 2, true, false},
    {"size", Function::kSize, 1, false, false},
    {"if_not_exists", Function::kIfNotExists, 2, false, true},
    {"list_append", Function::kListAppend, 2, false, true},
};

const FunctionInfo& info(Function f) { return kFunctions[static_cast<size_t>(f)]; }

bool equals_ignore_case(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

// Words of the grammar itself, which are never attribute names (a syntax
// error rather than a reserved-word error).
bool is_keyword(std::string_view word) {
  static constexpr std::string_view kKeywords[] = {"AND", "OR",     "NOT", "BETWEEN", "IN",
                                                   "SET", "REMOVE", "ADD", "DELETE"};
  for (auto k : kKeywords)
    if (equals_ignore_case(word, k)) return true;
  return false;
}

class Parser {
 public:
  Parser(Clause clause, std::string_view text) : clause_(clause), text_(text), tokens_(tokenize(text)) {
    tree_.clause = clause;
  }

  Result<std::shared_ptr<const Tree>> run() {
    bool ok = false;
    switch (clause_) {
      case Clause::kCondition:
      case Clause::kKeyCondition:
      case Clause::kFilter:
        ok = parse_condition(tree_.condition) && expect_end();
        break;
      case Clause::kUpdate:
        ok = parse_update();
        break;
      case Clause::kProjection:
        ok = parse_projection();
        break;
    }
    if (!ok) return fail();
    if (!first_reserved_.empty()) {
      return error("Attribute name is a reserved keyword; reserved keyword: " + first_reserved_);
    }
    return std::shared_ptr<const Tree>(std::make_shared<Tree>(std::move(tree_)));
  }

 private:
  // --- tokens and errors ---
  const Token& peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return tokens_[i < tokens_.size() ? i : tokens_.size() - 1];
  }
  std::string_view text_of(const Token& t) const { return text_.substr(t.begin, t.end - t.begin); }
  bool at(K kind) const { return peek().kind == kind; }
  bool at_keyword(std::string_view upper) const {
    return at(K::kIdentifier) && equals_ignore_case(text_of(peek()), upper);
  }

  Error error(const std::string& message) const {
    std::string full = "Invalid ";
    full.append(clause_name(clause_));
    full.append(": ");
    full.append(message);
    return Error::Validation(std::move(full));
  }
  Error fail() const { return error(error_message_); }

  // Records an error found at token index at; of two errors, the one further
  // into the text wins (the parser backtracks over parentheses).
  bool set_error(size_t at, std::string message) {
    if (!has_error_ || at >= error_at_) {
      has_error_ = true;
      error_at_ = at;
      error_message_ = std::move(message);
    }
    return false;
  }
  bool syntax_error() {
    const Token& t = peek();
    std::string token = t.kind == K::kEnd ? "<EOF>" : std::string(text_of(t));
    uint32_t begin = pos_ > 0 ? tokens_[pos_ - 1].begin : 0;
    uint32_t end = t.kind != K::kEnd && pos_ + 1 < tokens_.size() ? tokens_[pos_ + 1].end : t.end;
    std::string message = "Syntax error; token: \"" + token + "\", near: \"";
    message.append(text_.substr(begin, end - begin));
    message.push_back('"');
    return set_error(pos_, std::move(message));
  }
  bool semantic_error(std::string message) { return set_error(pos_, std::move(message)); }
  bool expect(K kind) {
    if (!at(kind)) return syntax_error();
    ++pos_;
    return true;
  }
  bool expect_end() { return at(K::kEnd) || syntax_error(); }

  struct DepthGuard {
    explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    int& depth_;
  };

  // --- placeholders ---
  static uint32_t slot_of(std::vector<std::string>& refs, std::string_view ref) {
    for (size_t i = 0; i < refs.size(); ++i)
      if (refs[i] == ref) return static_cast<uint32_t>(i);
    refs.emplace_back(ref);
    return static_cast<uint32_t>(refs.size() - 1);
  }

  // --- paths ---
  bool parse_name_step(PathStep& step) {
    const Token& t = peek();
    if (t.kind == K::kIdentifier && !is_keyword(text_of(t))) {
      step.kind = PathStep::Kind::kName;
      step.name = std::string(text_of(t));
      if (first_reserved_.empty() && is_reserved_word(step.name)) first_reserved_ = step.name;
    } else if (t.kind == K::kNameRef) {
      step.kind = PathStep::Kind::kNameRef;
      step.slot = slot_of(tree_.name_refs, text_of(t));
    } else {
      return syntax_error();
    }
    ++pos_;
    return true;
  }

  bool parse_path(Path& path) {
    path.steps.emplace_back();
    if (!parse_name_step(path.steps.back())) return false;
    while (true) {
      if (at(K::kDot)) {
        ++pos_;
        path.steps.emplace_back();
        if (!parse_name_step(path.steps.back())) return false;
      } else if (at(K::kLBracket)) {
        ++pos_;
        if (!at(K::kNumber)) return syntax_error();
        std::string_view digits = text_of(peek());
        uint64_t index = 0;
        bool too_large = digits.size() > 10;
        for (char c : digits) index = index * 10 + static_cast<uint64_t>(c - '0');
        if (too_large || index > 0x7fffffffULL) {
          return semantic_error("List index is not within the allowable range; index: [" +
                                std::string(digits) + "]");
        }
        ++pos_;
        if (!expect(K::kRBracket)) return false;
        PathStep step;
        step.kind = PathStep::Kind::kIndex;
        step.index = static_cast<uint32_t>(index);
        path.steps.push_back(std::move(step));
      } else {
        break;
      }
    }
    if (path.steps.size() > kMaxPathDepth) {
      return semantic_error("The document path has too many nesting levels; nesting levels: " +
                            std::to_string(path.steps.size()));
    }
    return true;
  }

  // --- operands ---
  // A function name followed by '('; the caller knows the next token is an identifier and '('.
  bool parse_function(Operand& out) {
    std::string_view name = text_of(peek());
    const FunctionInfo* found = nullptr;
    for (const auto& f : kFunctions)
      if (f.name == name) found = &f;
    if (!found) return semantic_error("Invalid function name; function: " + std::string(name));
    if (clause_ == Clause::kUpdate && !found->in_update) {
      return semantic_error("The function is not allowed in an update expression; function: " +
                            std::string(name));
    }
    if (clause_ != Clause::kUpdate && found->in_update) {
      return semantic_error("The function is not allowed in a condition expression; function: " +
                            std::string(name));
    }
    pos_ += 2;  // name and '('
    out.kind = Operand::Kind::kFunction;
    out.function = found->function;
    if (!at(K::kRParen)) {
      while (true) {
        out.args.emplace_back();
        // Arguments are operands: `if_not_exists(c, :a + :b)` is a syntax error in DynamoDB.
        if (!parse_operand(out.args.back())) return false;
        if (is_list_append(out.args.back())) return list_append_misplaced();
        if (!at(K::kComma)) break;
        ++pos_;
      }
    }
    if (!expect(K::kRParen)) return false;
    if (out.args.size() != found->arity) {
      return semantic_error("Incorrect number of operands for operator or function; operator or function: " +
                            std::string(name) + ", number of operands: " + std::to_string(out.args.size()));
    }
    // attribute_type takes a value first too (DynamoDB Local evaluates attribute_type(:v, :t)).
    bool needs_path = found->function == Function::kAttributeExists ||
                      found->function == Function::kAttributeNotExists ||
                      found->function == Function::kIfNotExists;
    if (needs_path && out.args[0].kind != Operand::Kind::kPath) {
      return semantic_error("Operator or function requires a document path; operator or function: " +
                            std::string(name));
    }
    return true;
  }

  // path | :value | function(...) | ( value )
  bool parse_operand(Operand& out) {
    const Token& t = peek();
    switch (t.kind) {
      case K::kValueRef:
        out.kind = Operand::Kind::kValue;
        out.slot = slot_of(tree_.value_refs, text_of(t));
        ++pos_;
        return true;
      case K::kIdentifier:
        if (peek(1).kind == K::kLParen) return parse_function(out);
        [[fallthrough]];
      case K::kNameRef:
        out.kind = Operand::Kind::kPath;
        return parse_path(out.path);
      case K::kLParen: {
        DepthGuard guard(depth_);
        if (depth_ > kMaxRecursion) return syntax_error();
        ++pos_;
        if (!parse_value(out)) return false;
        return expect(K::kRParen);
      }
      default:
        return syntax_error();
    }
  }

  // An operand, and in update expressions optionally one + or - with a second operand.
  bool parse_value(Operand& out) {
    if (!parse_operand(out)) return false;
    if (clause_ == Clause::kUpdate && (at(K::kPlus) || at(K::kMinus))) {
      // list_append stands alone as a SET action's value: not in + or -, not inside a function.
      if (is_list_append(out)) return list_append_misplaced();
      Operand combined;
      combined.kind = at(K::kPlus) ? Operand::Kind::kPlus : Operand::Kind::kMinus;
      ++pos_;
      combined.args.push_back(std::move(out));
      combined.args.emplace_back();
      if (!parse_operand(combined.args.back())) return false;
      if (is_list_append(combined.args.back())) return list_append_misplaced();
      out = std::move(combined);
    }
    return true;
  }

  static bool is_list_append(const Operand& operand) {
    return operand.kind == Operand::Kind::kFunction && operand.function == Function::kListAppend;
  }
  bool list_append_misplaced() {
    return semantic_error(
        "The function is not allowed to be used this way in an expression; function: list_append");
  }

  // --- conditions ---
  bool parse_condition(Condition& out) {
    DepthGuard guard(depth_);
    if (depth_ > kMaxRecursion) return syntax_error();
    if (!parse_and(out)) return false;
    while (at_keyword("OR")) {
      ++pos_;
      Condition combined;
      combined.kind = Condition::Kind::kOr;
      combined.children.push_back(std::move(out));
      combined.children.emplace_back();
      if (!parse_and(combined.children.back())) return false;
      out = std::move(combined);
    }
    return true;
  }

  bool parse_and(Condition& out) {
    if (!parse_not(out)) return false;
    while (at_keyword("AND")) {
      ++pos_;
      Condition combined;
      combined.kind = Condition::Kind::kAnd;
      combined.children.push_back(std::move(out));
      combined.children.emplace_back();
      if (!parse_not(combined.children.back())) return false;
      out = std::move(combined);
    }
    return true;
  }

  bool parse_not(Condition& out) {
    if (at_keyword("NOT")) {
      DepthGuard guard(depth_);
      if (depth_ > kMaxRecursion) return syntax_error();
      ++pos_;
      out.kind = Condition::Kind::kNot;
      out.children.emplace_back();
      return parse_not(out.children.back());
    }
    return parse_primary(out);
  }

  bool at_comparison() const {
    switch (peek().kind) {
      case K::kEq:
      case K::kNe:
      case K::kLt:
      case K::kLe:
      case K::kGt:
      case K::kGe:
        return true;
      default:
        return at_keyword("BETWEEN") || at_keyword("IN");
    }
  }

  // ( condition ) | function condition | comparison
  bool parse_primary(Condition& out) {
    if (at(K::kLParen)) {
      // Either a parenthesized condition or a parenthesized operand such as
      // "(a) = :v": try the condition first, and fall back on the operand.
      const size_t start = pos_;
      ++pos_;
      Condition inner;
      bool inner_parenthesized = at(K::kLParen);
      if (parse_condition(inner) && (at(K::kRParen) || syntax_error())) {
        ++pos_;
        if (!at_comparison()) {
          if (inner_parenthesized && inner_whole_parenthesized(start + 1)) {
            return semantic_error("The expression has redundant parentheses;");
          }
          out = std::move(inner);
          return true;
        }
      }
      pos_ = start;
    }
    Operand first;
    if (!parse_operand(first)) return false;
    return parse_comparison_rest(std::move(first), out);
  }

  // True when the tokens from open (a '(') match up to a ')' right before pos_ - 1,
  // i.e. the parenthesized condition was itself wholly in parentheses.
  bool inner_whole_parenthesized(size_t open) const {
    int depth = 0;
    for (size_t i = open; i < pos_ - 1; ++i) {
      if (tokens_[i].kind == K::kLParen) ++depth;
      if (tokens_[i].kind == K::kRParen && --depth == 0) return i == pos_ - 2;
    }
    return false;
  }

  bool parse_comparison_rest(Operand first, Condition& out) {
    std::optional<Comparator> comparator;
    switch (peek().kind) {
      case K::kEq:
        comparator = Comparator::kEq;
        break;
      case K::kNe:
        comparator = Comparator::kNe;
        break;
      case K::kLt:
        comparator = Comparator::kLt;
        break;
      case K::kLe:
        comparator = Comparator::kLe;
        break;
      case K::kGt:
        comparator = Comparator::kGt;
        break;
      case K::kGe:
        comparator = Comparator::kGe;
        break;
      default:
        break;
    }
    const bool is_between = at_keyword("BETWEEN");
    const bool is_in = at_keyword("IN");
    if (!comparator && !is_between && !is_in) {
      // A function condition on its own, e.g. attribute_exists(a).
      if (first.kind == Operand::Kind::kFunction) {
        if (info(first.function).is_condition) {
          out.kind = Condition::Kind::kFunction;
          out.function = first.function;
          out.operands = std::move(first.args);
          return true;
        }
        return semantic_error(std::string("The function is not allowed to be used this way in an expression; "
                                          "function: ") +
                              function_name(first.function));
      }
      return syntax_error();
    }
    if (first.kind == Operand::Kind::kFunction && info(first.function).is_condition) {
      return semantic_error(std::string("The function is not allowed to be used this way in an expression; "
                                        "function: ") +
                            function_name(first.function));
    }
    ++pos_;
    out.operands.push_back(std::move(first));
    if (comparator) {
      out.kind = Condition::Kind::kCompare;
      out.comparator = *comparator;
      out.operands.emplace_back();
      return parse_comparand(out.operands.back());
    }
    if (is_between) {
      out.kind = Condition::Kind::kBetween;
      out.operands.emplace_back();
      if (!parse_comparand(out.operands.back())) return false;
      if (!at_keyword("AND")) return syntax_error();
      ++pos_;
      out.operands.emplace_back();
      return parse_comparand(out.operands.back());
    }
    out.kind = Condition::Kind::kIn;
    if (!expect(K::kLParen)) return false;
    while (true) {
      out.operands.emplace_back();
      if (!parse_comparand(out.operands.back())) return false;
      if (!at(K::kComma)) break;
      ++pos_;
    }
    if (!expect(K::kRParen)) return false;
    if (out.operands.size() - 1 > kMaxInOperands) {
      return semantic_error("The IN operator is provided with too many operands; number of operands: " +
                            std::to_string(out.operands.size() - 1));
    }
    return true;
  }

  // An operand on the right of a comparator: condition functions are not values.
  bool parse_comparand(Operand& out) {
    if (!parse_operand(out)) return false;
    if (out.kind == Operand::Kind::kFunction && info(out.function).is_condition) {
      return semantic_error(std::string("The function is not allowed to be used this way in an expression; "
                                        "function: ") +
                            function_name(out.function));
    }
    return true;
  }

  // --- update expressions ---
  bool parse_update() {
    bool seen[4] = {false, false, false, false};
    static constexpr std::string_view kSections[] = {"SET", "REMOVE", "ADD", "DELETE"};
    if (at(K::kEnd)) return syntax_error();
    while (!at(K::kEnd)) {
      int section = -1;
      for (int i = 0; i < 4; ++i)
        if (at_keyword(kSections[i])) section = i;
      if (section < 0) return syntax_error();
      if (seen[section]) {
        return semantic_error("The \"" + std::string(kSections[section]) +
                              "\" section can only be used once in an update expression;");
      }
      seen[section] = true;
      ++pos_;
      const auto kind = static_cast<UpdateAction::Kind>(section);
      while (true) {
        tree_.actions.emplace_back();
        UpdateAction& action = tree_.actions.back();
        action.kind = kind;
        if (!parse_path(action.path)) return false;
        if (kind == UpdateAction::Kind::kSet) {
          if (!expect(K::kEq)) return false;
          if (!parse_value(action.value)) return false;
        } else if (kind != UpdateAction::Kind::kRemove) {
          if (!at(K::kValueRef)) return syntax_error();
          action.value.kind = Operand::Kind::kValue;
          action.value.slot = slot_of(tree_.value_refs, text_of(peek()));
          ++pos_;
        }
        if (!at(K::kComma)) break;
        ++pos_;
      }
    }
    return true;
  }

  // --- projections ---
  bool parse_projection() {
    while (true) {
      tree_.projection.emplace_back();
      if (!parse_path(tree_.projection.back())) return false;
      if (!at(K::kComma)) break;
      ++pos_;
    }
    return expect_end();
  }

  Clause clause_;
  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  Tree tree_;
  std::string first_reserved_;
  bool has_error_ = false;
  size_t error_at_ = 0;
  std::string error_message_;
};

}  // namespace

const char* function_name(Function f) {
  switch (f) {
    case Function::kAttributeExists:
      return "attribute_exists";
    case Function::kAttributeNotExists:
      return "attribute_not_exists";
    case Function::kAttributeType:
      return "attribute_type";
    case Function::kBeginsWith:
      return "begins_with";
    case Function::kContains:
      return "contains";
    case Function::kSize:
      return "size";
    case Function::kIfNotExists:
      return "if_not_exists";
    case Function::kListAppend:
      return "list_append";
  }
  return "";
}

const char* comparator_text(Comparator c) {
  switch (c) {
    case Comparator::kEq:
      return "=";
    case Comparator::kNe:
      return "<>";
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGt:
      return ">";
    case Comparator::kGe:
      return ">=";
  }
  return "";
}

const char* action_name(UpdateAction::Kind kind) {
  switch (kind) {
    case UpdateAction::Kind::kSet:
      return "SET";
    case UpdateAction::Kind::kRemove:
      return "REMOVE";
    case UpdateAction::Kind::kAdd:
      return "ADD";
    case UpdateAction::Kind::kDelete:
      return "DELETE";
  }
  return "";
}

const char* clause_name(Clause clause) {
  switch (clause) {
    case Clause::kCondition:
      return "ConditionExpression";
    case Clause::kKeyCondition:
      return "KeyConditionExpression";
    case Clause::kFilter:
      return "FilterExpression";
    case Clause::kUpdate:
      return "UpdateExpression";
    case Clause::kProjection:
      return "ProjectionExpression";
  }
  return "";
}

Result<std::shared_ptr<const Tree>> parse(Clause clause, std::string_view text) {
  if (text.empty()) {
    return Error::Validation(std::string("Invalid ") + clause_name(clause) +
                             ": The expression can not be empty;");
  }
  return Parser(clause, text).run();
}

}  // namespace townhall::ddb::expr
