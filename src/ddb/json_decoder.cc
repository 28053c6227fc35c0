#include "ddb/json_decoder.h"

#include <cmath>

#include "ddb/base64.h"

namespace townhall::ddb::internal {
namespace {

// DynamoDB's wording for attribute values it rejects. Where DynamoDB and
// DynamoDB Local differ, these follow DynamoDB (as recorded by dynalite's
// tests, which run against it); where only Local could be observed, Local.
constexpr std::string_view kEmptyValue =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
constexpr std::string_view kSeveralTypes =
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
    "datatypes";
constexpr std::string_view kNullNotTrue = "Null attribute value types must have the value of true";
constexpr std::string_view kTooDeep =
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond "
    "supported limit";
constexpr std::string_view kNullAttributeValue = "The supplied Item contains a null AttributeValue";
constexpr std::string_view kNullInStringSet = "An string set may not have a null string as a member";

// The Java-flavoured messages of DynamoDB's SerializationException.
constexpr std::string_view kStartOfStructure = "Start of structure or map found where not expected";
constexpr std::string_view kUnexpectedField = "Unexpected field type";
constexpr std::string_view kUnexpectedValue = "Unexpected value type in payload";
// A scalar where a list or map is a map's value or a list's element.
constexpr std::string_view kParameterizedCast =
    "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class "
    "java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class "
    "are in module java.base of loader 'bootstrap')";

constexpr size_t kMaxViolations = 10;  // DynamoDB lists at most ten
// Deep enough for any valid request (32 levels of attribute values take 64
// JSON levels), shallow enough to bound the decoder's recursion.
constexpr size_t kMaxJsonDepth = 256;

std::string_view token_name(dom::element actual) {
  switch (actual.type()) {
    case dom::element_type::STRING:
      return "STRING_VALUE";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
      return "NUMBER_VALUE";
    case dom::element_type::DOUBLE:
      return "DECIMAL_VALUE";
    case dom::element_type::BOOL:
      return actual.get_bool().value_unsafe() ? "TRUE_VALUE" : "FALSE_VALUE";
    default:
      return "VALUE";
  }
}

std::string_view java_scalar_name(Expected expected) {
  switch (expected) {
    case Expected::kString:
      return "String";
    case Expected::kInteger:
      return "Integer";
    case Expected::kLong:
      return "Long";
    case Expected::kDouble:
      return "Double";
    default:
      return "Boolean";
  }
}

Error make_value_error(std::string_view message) { return Error::Validation(std::string(message)); }
Error invalid_parameter(std::string_view detail) { return Error::InvalidParameter(detail); }

// "S", "N", ... as a type, or nullopt for a member that is not a type.
std::optional<AttributeType> attribute_type_of(std::string_view key) {
  switch (key.size()) {
    case 1:
      if (key[0] == 'S') return AttributeType::kS;
      if (key[0] == 'N') return AttributeType::kN;
      if (key[0] == 'B') return AttributeType::kB;
      if (key[0] == 'L') return AttributeType::kL;
      if (key[0] == 'M') return AttributeType::kM;
      return std::nullopt;
    case 2:
      if (key[1] != 'S') return std::nullopt;
      if (key[0] == 'S') return AttributeType::kSS;
      if (key[0] == 'N') return AttributeType::kNS;
      if (key[0] == 'B') return AttributeType::kBS;
      return std::nullopt;
    case 4:
      if (key == "BOOL") return AttributeType::kBOOL;
      if (key == "NULL") return AttributeType::kNULL;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// The JSON strings of a set, as DynamoDB lists them in a duplicates message: "[a, b, a]".
std::string list_texts(dom::array values) {
  std::string out = "[";
  bool first = true;
  for (dom::element v : values) {
    if (!first) out.append(", ");
    first = false;
    std::string_view s;
    if (!v.get_string().get(s)) out.append(s);
  }
  out.push_back(']');
  return out;
}

}  // namespace

std::string type_error_message(dom::element actual, Expected expected, Position position,
                               std::string_view java_name) {
  const auto type = actual.type();
  if (type == dom::element_type::OBJECT) {
    if (expected == Expected::kStructure)
      return "Unrecognized collection type class " + std::string(java_name);
    return std::string(kStartOfStructure);
  }
  if (type == dom::element_type::ARRAY) {
    switch (expected) {
      case Expected::kBlob:
        return "Unrecognized collection type class java.nio.ByteBuffer";
      case Expected::kMap:
        return "Unrecognized collection type " + std::string(java_name);
      case Expected::kStructure:
        return "Unrecognized collection type class " + std::string(java_name);
      default:
        return "Unrecognized collection type class java.lang." + std::string(java_scalar_name(expected));
    }
  }
  // A scalar (string, number, boolean) where something else was due.
  switch (expected) {
    case Expected::kString:
    case Expected::kInteger:
    case Expected::kLong:
    case Expected::kDouble:
      return std::string(token_name(actual)) + " cannot be converted to " +
             std::string(java_scalar_name(expected));
    case Expected::kBoolean:
      if (type == dom::element_type::STRING) return "Unexpected token received from parser";
      return std::string(token_name(actual)) + " cannot be converted to Boolean";
    case Expected::kBlob:
      return "only base-64-encoded strings are convertible to bytes";
    case Expected::kList:
    case Expected::kMap:
      return std::string(position == Position::kElement ? kParameterizedCast : kUnexpectedField);
    case Expected::kStructure:
      return std::string(position == Position::kElement ? kUnexpectedValue : kUnexpectedField);
  }
  return std::string(kUnexpectedField);
}

Result<dom::element> parse_document(std::string_view json) {
  // One parser per thread: simdjson reuses its buffers across documents.
  // After an unusually large document the buffers are dropped again, so a
  // thread does not hold megabytes for the rest of its life.
  constexpr size_t kKeepCapacity = 1 << 20;
  thread_local dom::parser parser;
  thread_local bool configured = false;
  if (!configured || parser.capacity() > kKeepCapacity) {
    parser = dom::parser();
    if (parser.allocate(kKeepCapacity / 16, kMaxJsonDepth)) return Error::Internal("out of memory");
    configured = true;
  }
  size_t first = json.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) json = "{}";  // an empty body is an empty request
  dom::element root;
  auto error = parser.parse(json.data(), json.size(), true).get(root);
  if (error == simdjson::DEPTH_ERROR) return make_value_error(kTooDeep);
  if (error) return Error::Serialization(std::string("Malformed JSON: ") + simdjson::error_message(error));
  return root;
}

std::optional<Error> JsonDecoder::take_error() {
  if (serialization_error_) return std::move(serialization_error_);
  if (!violations_.empty()) {
    std::string message =
        std::to_string(violations_.size()) +
        (violations_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
    for (size_t i = 0; i < violations_.size(); ++i) {
      if (i) message.append("; ");
      message.append(violations_[i]);
    }
    return Error::Validation(std::move(message));
  }
  return std::move(value_error_);
}

void JsonDecoder::add_null_violation() {
  if (violations_.size() >= kMaxViolations) return;
  violations_.push_back("Value null at '" + render_path() +
                        "' failed to satisfy constraint: Member must not be null");
}

std::string JsonDecoder::render_path() const {
  // "transactItems.1.member.put.tableName", "requestItems.Chat.member.1.member.putRequest.item":
  // members in lowerCamelCase, list indexes and map keys followed by ".member".
  std::string out;
  for (const auto& segment : path_) {
    if (!out.empty()) out.push_back('.');
    if (segment.index >= 0) {
      out.append(std::to_string(segment.index));
    } else if (segment.element) {
      out.append(segment.name);
    } else if (!segment.name.empty()) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(segment.name[0]))));
      out.append(segment.name.substr(1));
    }
    if (segment.element) out.append(".member");
  }
  return out;
}

void JsonDecoder::decode_int64(dom::element el, int64_t& out) {
  // DynamoDB's model has Integer members (Limit, Segment, Count, ...) and Long
  // members (capacity units, sizes); the name only shows in messages.
  std::string_view member = path_.empty() ? std::string_view() : path_.back().name;
  bool is_integer = member == "Limit" || member == "Segment" || member == "TotalSegments" ||
                    member == "Count" || member == "ScannedCount";
  Expected expected = is_integer ? Expected::kInteger : Expected::kLong;
  switch (el.type()) {
    case dom::element_type::INT64:
      out = el.get_int64().value_unsafe();
      return;
    case dom::element_type::DOUBLE: {
      // Jackson truncates a decimal given for an integer member.
      double d = el.get_double().value_unsafe();
      if (std::isfinite(d) && d > -9.2e18 && d < 9.2e18) {
        out = static_cast<int64_t>(d);
        return;
      }
      break;
    }
    default:
      break;
  }
  fail_type<int64_t>(el, expected, Position::kMember);
}

void JsonDecoder::decode_attribute_map(dom::element el, AttributeMap& out, int depth, Position position) {
  dom::object obj;
  if (el.get_object().get(obj)) return fail_type<AttributeMap>(el, Expected::kMap, position);
  out.clear();
  out.reserve(obj.size());
  for (dom::key_value_pair entry : obj) {
    if (entry.value.is_null()) {
      fail_value(
          make_value_error(std::string(kNullAttributeValue) + ": " + std::string(entry.key) + " is null"));
      continue;
    }
    // Names arrive in any order, so they are sorted once at the end (a name
    // given twice keeps its last value).
    decode_attribute_value(entry.value, out.append_unordered(entry.key).second, depth + 1,
                           Position::kElement);
    if (stopped()) break;
  }
  out.sort_appended();
}

void JsonDecoder::decode_attribute_value(dom::element el, AttributeValue& out, int depth, Position position) {
  dom::object obj;
  if (el.get_object().get(obj)) return fail_type<AttributeValue>(el, Expected::kStructure, position);
  if (depth > kMaxNestingDepth) fail_value(make_value_error(kTooDeep));
  auto& variant = out.variant();
  uint32_t present = 0;  // bit per AttributeType
  for (dom::key_value_pair member : obj) {
    std::optional<AttributeType> type = attribute_type_of(member.key);
    if (!type) continue;  // not a member of AttributeValue: ignored, like any unknown member
    const uint32_t bit = uint32_t{1} << static_cast<int>(*type);
    dom::element value = member.value;
    if (value.is_null()) {  // an unset member, as some SDKs send them
      present &= ~bit;
      continue;
    }
    std::string_view s;
    switch (*type) {
      case AttributeType::kS:
        if (value.get_string().get(s))
          return fail_type<std::string>(value, Expected::kString, Position::kMember);
        variant.emplace<std::string>(s);
        break;
      case AttributeType::kN: {
        if (value.get_string().get(s))
          return fail_type<std::string>(value, Expected::kString, Position::kMember);
        auto number = Number::parse(s);
        if (!number.ok()) {
          fail_value(std::move(number).error());
        } else {
          variant.emplace<Number>(std::move(number).value());
        }
        break;
      }
      case AttributeType::kB: {
        if (value.get_string().get(s))
          return fail_type<std::string>(value, Expected::kBlob, Position::kMember);
        if (auto why = base64_decode_checked(s, variant.emplace<Bytes>().data)) {
          return fail_serialization(std::move(*why));
        }
        break;
      }
      case AttributeType::kBOOL: {
        bool b;
        if (value.get_bool().get(b)) return fail_type<bool>(value, Expected::kBoolean, Position::kMember);
        variant.emplace<bool>(b);
        break;
      }
      case AttributeType::kNULL: {
        bool b;
        if (value.get_bool().get(b)) return fail_type<bool>(value, Expected::kBoolean, Position::kMember);
        if (!b) fail_value(invalid_parameter(kNullNotTrue));
        variant.emplace<Null>();
        break;
      }
      case AttributeType::kL: {
        dom::array arr;
        if (value.get_array().get(arr)) return fail_type<List>(value, Expected::kList, Position::kMember);
        auto& list = variant.emplace<List>();
        list.reserve(arr.size());
        for (dom::element item : arr) {
          if (item.is_null()) {
            fail_value(make_value_error(kNullAttributeValue));
            continue;
          }
          decode_attribute_value(item, list.emplace_back(), depth + 1, Position::kElement);
          if (stopped()) return;
        }
        break;
      }
      case AttributeType::kM:
        decode_attribute_map(value, variant.emplace<AttributeMap>(), depth, Position::kMember);
        break;
      case AttributeType::kSS:
      case AttributeType::kNS:
      case AttributeType::kBS: {
        dom::array arr;
        if (value.get_array().get(arr)) {
          return fail_type<std::vector<std::string>>(value, Expected::kList, Position::kMember);
        }
        decode_set(*type, arr, out);
        break;
      }
    }
    if (stopped()) return;
    present |= bit;
  }
  if (present == 0) fail_value(make_value_error(kEmptyValue));
  if ((present & (present - 1)) != 0) fail_value(make_value_error(kSeveralTypes));  // two bits or more
}

void JsonDecoder::decode_set(AttributeType type, dom::array values, AttributeValue& out) {
  if (values.size() == 0) {
    // DynamoDB's words, double space included.
    return fail_value(invalid_parameter(type == AttributeType::kSS   ? "An string set  may not be empty"
                                        : type == AttributeType::kNS ? "An number set  may not be empty"
                                                                     : "Binary sets should not be empty"));
  }
  std::string_view s;
  if (type == AttributeType::kNS) {
    std::vector<Number> numbers;
    numbers.reserve(values.size());
    for (dom::element item : values) {
      if (item.is_null()) {
        fail_value(Number::parse("").error());
        continue;
      }
      if (item.get_string().get(s))
        return fail_type<std::string>(item, Expected::kString, Position::kElement);
      auto number = Number::parse(s);
      if (!number.ok()) {
        fail_value(std::move(number).error());
        continue;
      }
      numbers.push_back(std::move(number).value());
    }
    size_t count = numbers.size();
    auto set = make_number_set(std::move(numbers));
    // Duplicates by value: "1" and "1.0" are the same number.
    if (set.values.size() != count) fail_value(make_value_error("Input collection contains duplicates"));
    out.variant().emplace<NumberSet>(std::move(set));
    return;
  }
  std::vector<std::string> members;
  members.reserve(values.size());
  for (dom::element item : values) {
    if (item.is_null()) {
      fail_value(type == AttributeType::kSS ? invalid_parameter(kNullInStringSet)
                                            : make_value_error(kNullAttributeValue));
      continue;
    }
    if (type == AttributeType::kSS) {
      if (item.get_string().get(s))
        return fail_type<std::string>(item, Expected::kString, Position::kElement);
      members.emplace_back(s);
    } else {
      if (item.get_string().get(s)) return fail_type<std::string>(item, Expected::kBlob, Position::kElement);
      if (auto why = base64_decode_checked(s, members.emplace_back()))
        return fail_serialization(std::move(*why));
    }
  }
  size_t count = members.size();
  if (type == AttributeType::kSS) {
    auto set = make_string_set(std::move(members));
    if (set.values.size() != count) {
      fail_value(invalid_parameter("Input collection " + list_texts(values) + " contains duplicates."));
    }
    out.variant().emplace<StringSet>(std::move(set));
  } else {
    auto set = make_binary_set(std::move(members));
    if (set.values.size() != count) {
      // No space before "of": DynamoDB's words.
      fail_value(
          invalid_parameter("Input collection " + list_texts(values) + "of type BS contains duplicates."));
    }
    out.variant().emplace<BinarySet>(std::move(set));
  }
}

}  // namespace townhall::ddb::internal
