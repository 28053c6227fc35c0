#include "ddb/json_codec.h"

#include <sodium.h>

#include <simdjson.h>

#include <type_traits>

#include "ddb/base64.h"
#include "ddb/database.h"

namespace townhall::ddb {
namespace {

namespace dom = simdjson::dom;

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T>
struct is_string_map<std::map<std::string, T, std::less<>>> : std::true_type {};

struct NoOpVisitor {
  template <class F>
  void operator()(std::string_view, F&, Field = Field::kOptional) {}
};
template <class T>
concept Shape = requires(T& t, NoOpVisitor& v) {
  T::describe(t, v);
};

std::string lower_camel(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

// ---------------------------------------------------------------------------
// Decoding

class Decoder {
 public:
  // The member path of the value being decoded, rendered only for messages:
  // "transactItems.1.member.put.tableName" as DynamoDB words it.
  struct Segment {
    std::string_view name;
    long index = -1;
  };

  std::optional<Error> error;
  std::vector<std::string> violations;

  template <class T>
  void decode_shape(dom::element el, T& out) {
    dom::object obj;
    if (el.get_object().get(obj)) return fail_type("structure");
    auto reader = [&](std::string_view name, auto& field, Field flag = Field::kOptional) {
      if (error) return;
      dom::element member;
      if (obj.at_key(name).get(member) || member.is_null()) {
        if (flag == Field::kRequired) {
          path_.push_back({name});
          violations.push_back("Value null at '" + render_path() +
                               "' failed to satisfy constraint: Member must not be null");
          path_.pop_back();
        }
        return;
      }
      path_.push_back({name});
      decode(member, field);
      path_.pop_back();
    };
    T::describe(out, reader);
  }

  template <class T>
  void decode(dom::element el, T& out) {
    if constexpr (std::is_same_v<T, std::string>) {
      std::string_view s;
      if (el.get_string().get(s)) return fail_type("String");
      out.assign(s);
    } else if constexpr (std::is_same_v<T, bool>) {
      if (el.get_bool().get(out)) return fail_type("Boolean");
    } else if constexpr (std::is_same_v<T, int64_t>) {
      if (el.get_int64().get(out)) return fail_type("Integer");
    } else if constexpr (std::is_same_v<T, double>) {
      if (el.get_double().get(out)) return fail_type("Double");
    } else if constexpr (std::is_same_v<T, AttributeValue>) {
      decode_attribute_value(el, out, 1);
    } else if constexpr (std::is_same_v<T, AttributeMap>) {
      decode_attribute_map(el, out, 0);
    } else if constexpr (is_optional<T>::value) {
      out.emplace();
      decode(el, *out);
    } else if constexpr (is_vector<T>::value) {
      dom::array arr;
      if (el.get_array().get(arr)) return fail_type("list");
      out.clear();
      out.reserve(arr.size());
      long i = 0;
      for (dom::element item : arr) {
        path_.push_back({{}, ++i});
        decode(item, out.emplace_back());
        path_.pop_back();
        if (error) return;
      }
    } else if constexpr (is_string_map<T>::value) {
      dom::object obj;
      if (el.get_object().get(obj)) return fail_type("map");
      for (auto [key, value] : obj) {
        path_.push_back({key});
        decode(value, out[std::string(key)]);
        path_.pop_back();
        if (error) return;
      }
    } else {
      static_assert(Shape<T>, "no JSON decoding for this type");
      decode_shape(el, out);
    }
  }

  void decode_attribute_map(dom::element el, AttributeMap& out, int depth) {
    dom::object obj;
    if (el.get_object().get(obj)) return fail_type("map");
    for (auto [key, value] : obj) {
      auto [it, inserted] = out.try_emplace(std::string(key));
      decode_attribute_value(value, it->second, depth + 1);
      if (error) return;
    }
  }

  void decode_attribute_value(dom::element el, AttributeValue& out, int depth) {
    if (depth > kMaxNestingDepth) {
      return fail(Error::Validation("Nesting Levels have exceeded supported limits"));
    }
    dom::object obj;
    if (el.get_object().get(obj)) return fail_type("AttributeValue");
    int types = 0;
    for (auto [key, value] : obj) {
      if (value.is_null()) continue;  // an unset member, as SDKs sometimes send
      if (key.empty() || key.size() > 4) continue;
      ++types;
      if (types > 1) {
        return fail(Error::Validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
            "supported datatypes"));
      }
      decode_typed_value(key, value, out, depth);
      if (error) return;
    }
    if (types == 0) {
      return fail(Error::Validation(
          "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"));
    }
  }

  void decode_typed_value(std::string_view type, dom::element value, AttributeValue& out, int depth) {
    std::string_view s;
    if (type == "S") {
      if (value.get_string().get(s)) return fail_type("String");
      out = AttributeValue::S(std::string(s));
    } else if (type == "N") {
      if (value.get_string().get(s)) return fail_type("String");
      auto number = Number::parse(s);
      if (!number.ok()) return fail(std::move(number).error());
      out = AttributeValue::N(std::move(number).value());
    } else if (type == "B") {
      std::string bytes;
      if (!decode_binary(value, bytes)) return;
      out = AttributeValue::B(std::move(bytes));
    } else if (type == "BOOL") {
      bool b;
      if (value.get_bool().get(b)) return fail_type("Boolean");
      out = AttributeValue::BOOL(b);
    } else if (type == "NULL") {
      bool b;
      if (value.get_bool().get(b)) return fail_type("Boolean");
      if (!b) {
        return fail(Error::InvalidParameter("Null attribute value types must have the value of true"));
      }
      out = AttributeValue::NUL();
    } else if (type == "L") {
      dom::array arr;
      if (value.get_array().get(arr)) return fail_type("list");
      List list;
      list.reserve(arr.size());
      for (dom::element item : arr) {
        decode_attribute_value(item, list.emplace_back(), depth + 1);
        if (error) return;
      }
      out = AttributeValue::L(std::move(list));
    } else if (type == "M") {
      AttributeMap map;
      decode_attribute_map(value, map, depth);
      if (error) return;
      out = AttributeValue::M(std::move(map));
    } else if (type == "SS" || type == "NS" || type == "BS") {
      decode_set(type, value, out);
    }
    // Other keys are not attribute value members; they are ignored like any
    // unknown member, and an AttributeValue with nothing else is "empty".
  }

  void decode_set(std::string_view type, dom::element value, AttributeValue& out) {
    dom::array arr;
    if (value.get_array().get(arr)) return fail_type("list");
    if (arr.size() == 0) {
      std::string kind = type == "SS" ? "string" : type == "NS" ? "number" : "binary";
      return fail(Error::InvalidParameter("An " + kind + " set  may not be empty"));
    }
    std::vector<std::string> texts;  // for the duplicate message
    texts.reserve(arr.size());
    if (type == "NS") {
      std::vector<Number> numbers;
      for (dom::element item : arr) {
        std::string_view s;
        if (item.get_string().get(s)) return fail_type("String");
        auto number = Number::parse(s);
        if (!number.ok()) return fail(std::move(number).error());
        numbers.push_back(std::move(number).value());
        texts.emplace_back(s);
      }
      auto set = make_number_set(numbers);
      if (set.values.size() != numbers.size()) return fail_duplicates(texts);
      out = AttributeValue(std::move(set));
      return;
    }
    std::vector<std::string> values;
    for (dom::element item : arr) {
      if (type == "SS") {
        std::string_view s;
        if (item.get_string().get(s)) return fail_type("String");
        values.emplace_back(s);
        texts.emplace_back(s);
      } else {
        std::string bytes;
        if (!decode_binary(item, bytes)) return;
        texts.emplace_back(item.get_string().value_unsafe());
        values.push_back(std::move(bytes));
      }
    }
    size_t count = values.size();
    if (type == "SS") {
      auto set = make_string_set(std::move(values));
      if (set.values.size() != count) return fail_duplicates(texts);
      out = AttributeValue(std::move(set));
    } else {
      auto set = make_binary_set(std::move(values));
      if (set.values.size() != count) return fail_duplicates(texts);
      out = AttributeValue(std::move(set));
    }
  }

  bool decode_binary(dom::element value, std::string& bytes) {
    std::string_view s;
    if (value.get_string().get(s)) {
      fail_type("Blob");
      return false;
    }
    if (!base64_decode(s, bytes)) {
      fail(Error::Serialization("Base64 encoded length is expected a multiple of 4 bytes but found: " +
                                std::to_string(s.size())));
      return false;
    }
    return true;
  }

  void fail_duplicates(const std::vector<std::string>& texts) {
    std::string list = "[";
    for (size_t i = 0; i < texts.size(); ++i) {
      if (i) list.append(", ");
      list.append(texts[i]);
    }
    list.push_back(']');
    fail(Error::InvalidParameter("Input collection " + list + " contains duplicates"));
  }

  void fail_type(std::string_view expected) {
    fail(Error::Serialization("Unexpected value type at '" + render_path() + "': expected " +
                              std::string(expected)));
  }
  void fail(Error e) {
    if (!error) error = std::move(e);
  }

 private:
  std::string render_path() const {
    std::string out;
    for (const auto& segment : path_) {
      if (!out.empty()) out.push_back('.');
      if (segment.index >= 0) {
        out.append(std::to_string(segment.index)).append(".member");
      } else {
        out.append(lower_camel(segment.name));
      }
    }
    return out;
  }

  std::vector<Segment> path_;
};

// One parser per thread: simdjson reuses its buffers across documents.
dom::parser& thread_parser() {
  thread_local dom::parser parser;
  return parser;
}

Result<dom::element> parse_document(std::string_view json) {
  dom::element root;
  auto error = thread_parser().parse(json.data(), json.size(), true).get(root);
  if (error == simdjson::DEPTH_ERROR) {
    return Error::Validation("Nesting Levels have exceeded supported limits");
  }
  if (error) return Error::Serialization(std::string("Malformed JSON: ") + simdjson::error_message(error));
  return root;
}

Error violations_error(const std::vector<std::string>& violations) {
  std::string message =
      std::to_string(violations.size()) +
      (violations.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < violations.size(); ++i) {
    if (i) message.append("; ");
    message.append(violations[i]);
  }
  return Error::Validation(std::move(message));
}

// ---------------------------------------------------------------------------
// Encoding

class Encoder {
 public:
  explicit Encoder(JsonWriter& w) : w_(w) {}

  template <class T>
  void encode_shape(const T& value) {
    w_.begin_object();
    auto writer = [&](std::string_view name, const auto& field, Field = Field::kOptional) {
      using F = std::remove_cvref_t<decltype(field)>;
      if constexpr (is_optional<F>::value) {
        if (!field) return;
      }
      w_.key(name);
      encode(field);
    };
    T::describe(value, writer);
    w_.end_object();
  }

  template <class T>
  void encode(const T& value) {
    if constexpr (std::is_same_v<T, std::string>) {
      w_.string(value);
    } else if constexpr (std::is_same_v<T, bool>) {
      w_.boolean(value);
    } else if constexpr (std::is_same_v<T, int64_t>) {
      w_.integer(value);
    } else if constexpr (std::is_same_v<T, double>) {
      w_.number(value);
    } else if constexpr (std::is_same_v<T, AttributeValue>) {
      write_attribute_value(w_, value);
    } else if constexpr (std::is_same_v<T, AttributeMap>) {
      write_attribute_map(w_, value);
    } else if constexpr (is_optional<T>::value) {
      encode(*value);
    } else if constexpr (is_vector<T>::value) {
      w_.begin_array();
      for (const auto& item : value) encode(item);
      w_.end_array();
    } else if constexpr (is_string_map<T>::value) {
      w_.begin_object();
      for (const auto& [k, v] : value) {
        w_.key(k);
        encode(v);
      }
      w_.end_object();
    } else {
      static_assert(Shape<T>, "no JSON encoding for this type");
      encode_shape(value);
    }
  }

 private:
  JsonWriter& w_;
};

}  // namespace

template <class T>
Result<T> decode_json(std::string_view json) {
  TH_ASSIGN_OR_RETURN(dom::element root, parse_document(json));
  T out{};
  Decoder decoder;
  decoder.decode_shape(root, out);
  if (decoder.error) return std::move(*decoder.error);
  if (!decoder.violations.empty()) return violations_error(decoder.violations);
  return out;
}

template <class T>
void encode_json(const T& value, std::string& out) {
  JsonWriter writer(out);
  Encoder(writer).encode_shape(value);
}

#define TOWNHALL_INSTANTIATE_CODEC(Name, method, Request, Response)  \
  template Result<Request> decode_json<Request>(std::string_view);   \
  template Result<Response> decode_json<Response>(std::string_view); \
  template void encode_json<Request>(const Request&, std::string&);  \
  template void encode_json<Response>(const Response&, std::string&);
TOWNHALL_DDB_OPERATIONS(TOWNHALL_INSTANTIATE_CODEC)
#undef TOWNHALL_INSTANTIATE_CODEC

void write_attribute_value(JsonWriter& w, const AttributeValue& value) {
  w.begin_object();
  w.key(type_name(value.type()));
  switch (value.type()) {
    case AttributeType::kS:
      w.string(value.as_string());
      break;
    case AttributeType::kN:
      w.string(value.as_number().to_string());
      break;
    case AttributeType::kB:
      w.string(base64_encode(value.as_binary()));
      break;
    case AttributeType::kBOOL:
      w.boolean(value.as_bool());
      break;
    case AttributeType::kNULL:
      w.boolean(true);
      break;
    case AttributeType::kL:
      w.begin_array();
      for (const auto& v : value.as_list()) write_attribute_value(w, v);
      w.end_array();
      break;
    case AttributeType::kM:
      write_attribute_map(w, value.as_map());
      break;
    case AttributeType::kSS:
      w.begin_array();
      for (const auto& v : value.as_string_set().values) w.string(v);
      w.end_array();
      break;
    case AttributeType::kNS:
      w.begin_array();
      for (const auto& v : value.as_number_set().values) w.string(v.to_string());
      w.end_array();
      break;
    case AttributeType::kBS:
      w.begin_array();
      for (const auto& v : value.as_binary_set().values) w.string(base64_encode(v));
      w.end_array();
      break;
  }
  w.end_object();
}

void write_attribute_map(JsonWriter& w, const AttributeMap& item) {
  w.begin_object();
  for (const auto& [name, value] : item) {
    w.key(name);
    write_attribute_value(w, value);
  }
  w.end_object();
}

Result<AttributeMap> decode_attribute_map_json(std::string_view json) {
  TH_ASSIGN_OR_RETURN(dom::element root, parse_document(json));
  AttributeMap out;
  Decoder decoder;
  decoder.decode_attribute_map(root, out, 0);
  if (decoder.error) return std::move(*decoder.error);
  return out;
}

std::string encode_attribute_map_json(const AttributeMap& item) {
  std::string out;
  JsonWriter w(out);
  write_attribute_map(w, item);
  return out;
}

std::string_view error_type_namespace(ErrorCode code) {
  switch (code) {
    case ErrorCode::kSerialization:
    case ErrorCode::kUnknownOperation:
    case ErrorCode::kUnrecognizedClient:
    case ErrorCode::kInvalidSignature:
    case ErrorCode::kMissingAuthenticationToken:
    case ErrorCode::kIncompleteSignature:
    case ErrorCode::kAccessDenied:
    case ErrorCode::kThrottling:
    case ErrorCode::kServiceUnavailable:
      return "com.amazon.coral.service";
    case ErrorCode::kValidation:
      return "com.amazon.coral.validate";
    default:
      return "com.amazonaws.dynamodb.v20120810";
  }
}

std::string encode_error_json(const Error& error) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("__type");
  std::string type(error_type_namespace(error.code));
  type.push_back('#');
  type.append(error_name(error.code));
  w.string(type);
  // DynamoDB spells it "Message" for cancelled transactions, "message" elsewhere.
  w.key(error.code == ErrorCode::kTransactionCanceled ? "Message" : "message");
  w.string(error.message);
  if (error.item) {
    w.key("Item");
    write_attribute_map(w, *error.item);
  }
  if (error.code == ErrorCode::kTransactionCanceled) {
    w.key("CancellationReasons");
    w.begin_array();
    for (const auto& reason : error.cancellation_reasons) {
      w.begin_object();
      if (reason.item) {
        w.key("Item");
        write_attribute_map(w, *reason.item);
      }
      w.key("Code");
      w.string(reason.code);
      if (!reason.message.empty()) {
        w.key("Message");
        w.string(reason.message);
      }
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return out;
}

Error decode_error_json(int http_status, std::string_view body) {
  Error error;
  error.code = http_status >= 500 ? ErrorCode::kInternalServerError : ErrorCode::kValidation;
  error.message = std::string(body.substr(0, 512));
  auto root = parse_document(body);
  if (!root.ok()) return error;
  dom::object obj;
  if (root->get_object().get(obj)) return error;
  std::string_view type;
  if (!obj["__type"].get_string().get(type)) {
    auto hash = type.rfind('#');
    if (hash != std::string_view::npos) type = type.substr(hash + 1);
    if (auto code = error_code_from_name(type)) error.code = *code;
  }
  std::string_view message;
  if (!obj["message"].get_string().get(message) || !obj["Message"].get_string().get(message)) {
    error.message = std::string(message);
  }
  Decoder decoder;
  dom::element item;
  if (!obj["Item"].get(item)) {
    AttributeMap map;
    decoder.decode_attribute_map(item, map, 0);
    if (!decoder.error) error.item = std::move(map);
  }
  dom::array reasons;
  if (!obj["CancellationReasons"].get_array().get(reasons)) {
    for (dom::element r : reasons) {
      CancellationReason reason;
      std::string_view s;
      if (!r["Code"].get_string().get(s)) reason.code = std::string(s);
      if (!r["Message"].get_string().get(s)) reason.message = std::string(s);
      dom::element reason_item;
      if (!r["Item"].get(reason_item)) {
        AttributeMap map;
        Decoder item_decoder;
        item_decoder.decode_attribute_map(reason_item, map, 0);
        if (!item_decoder.error) reason.item = std::move(map);
      }
      error.cancellation_reasons.push_back(std::move(reason));
    }
  }
  return error;
}

}  // namespace townhall::ddb
