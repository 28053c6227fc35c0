#include "ddb/json_codec.h"

#include <type_traits>

#include "ddb/base64.h"
#include "ddb/database.h"
#include "ddb/json_decoder.h"

namespace townhall::ddb {
namespace {

using internal::IsOptional;
using internal::IsStringMap;
using internal::IsVector;
using internal::JsonDecoder;
using internal::Position;
using internal::Shape;
namespace dom = simdjson::dom;

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
      if constexpr (IsOptional<F>::value) {
        if (!field) return;
      }
      w_.key_literal(name);
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
    } else if constexpr (IsOptional<T>::value) {
      encode(*value);
    } else if constexpr (IsVector<T>::value) {
      w_.begin_array();
      for (const auto& item : value) encode(item);
      w_.end_array();
    } else if constexpr (IsStringMap<T>::value) {
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
  TH_ASSIGN_OR_RETURN(dom::element root, internal::parse_document(json));
  T out{};
  JsonDecoder decoder;
  // The body is the request structure itself, like an element of no container.
  decoder.decode(root, out, Position::kElement);
  if (auto error = decoder.take_error()) return std::move(*error);
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
TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_INSTANTIATE_CODEC)
#undef TOWNHALL_INSTANTIATE_CODEC

namespace {

// A DynamoDB number on the wire: a JSON string of its canonical text.
void write_number(JsonWriter& w, const Number& n) {
  std::string& out = w.raw_value_buffer();
  out.push_back('"');
  n.append_to(out);
  out.push_back('"');
}

void write_base64(JsonWriter& w, std::string_view bytes) {
  std::string& out = w.raw_value_buffer();
  out.push_back('"');
  base64_encode_append(bytes, out);
  out.push_back('"');
}

}  // namespace

void write_attribute_value(JsonWriter& w, const AttributeValue& value) {
  w.begin_object();
  w.key_literal(type_name(value.type()));
  switch (value.type()) {
    case AttributeType::kS:
      w.string(value.as_string());
      break;
    case AttributeType::kN:
      write_number(w, value.as_number());
      break;
    case AttributeType::kB:
      write_base64(w, value.as_binary());
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
      for (const auto& v : value.as_number_set().values) write_number(w, v);
      w.end_array();
      break;
    case AttributeType::kBS:
      w.begin_array();
      for (const auto& v : value.as_binary_set().values) write_base64(w, v);
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
  TH_ASSIGN_OR_RETURN(dom::element root, internal::parse_document(json));
  AttributeMap out;
  JsonDecoder decoder;
  decoder.decode_attribute_map(root, out, 0, Position::kElement);
  if (auto error = decoder.take_error()) return std::move(*error);
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
    case ErrorCode::kServiceUnavailable:
      return "com.amazon.coral.service";
    case ErrorCode::kThrottling:
      return "com.amazon.coral.availability";
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
  w.key_literal("__type");
  std::string type(error_type_namespace(error.code));
  type.push_back('#');
  type.append(error_name(error.code));
  w.string(type);
  // DynamoDB spells the member "Message" in these errors, "message" in the
  // rest (SDKs read either).
  bool capitalized = error.code == ErrorCode::kTransactionCanceled ||
                     error.code == ErrorCode::kSerialization || error.code == ErrorCode::kAccessDenied;
  w.key_literal(capitalized ? "Message" : "message");
  w.string(error.message);
  if (error.item) {
    w.key_literal("Item");
    write_attribute_map(w, *error.item);
  }
  if (error.code == ErrorCode::kTransactionCanceled) {
    w.key_literal("CancellationReasons");
    w.begin_array();
    for (const auto& reason : error.cancellation_reasons) {
      w.begin_object();
      if (reason.item) {
        w.key_literal("Item");
        write_attribute_map(w, *reason.item);
      }
      w.key_literal("Code");
      w.string(reason.code);
      if (!reason.message.empty()) {
        w.key_literal("Message");
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
  auto root = internal::parse_document(body);
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
  dom::element item;
  if (!obj["Item"].get(item)) {
    AttributeMap map;
    JsonDecoder decoder;
    decoder.decode_attribute_map(item, map, 0, Position::kMember);
    if (!decoder.take_error()) error.item = std::move(map);
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
        JsonDecoder decoder;
        decoder.decode_attribute_map(reason_item, map, 0, Position::kMember);
        if (!decoder.take_error()) reason.item = std::move(map);
      }
      error.cancellation_reasons.push_back(std::move(reason));
    }
  }
  return error;
}

}  // namespace townhall::ddb
