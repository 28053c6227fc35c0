// Internal to the wire codec (json_codec.cc): JsonDecoder turns a parsed
// simdjson document into the API shapes, checking it the way DynamoDB checks
// a request before any operation runs.
//
// DynamoDB reports problems in three tiers, and so does the decoder: a JSON
// value of the wrong type is a SerializationException (found while
// deserializing, so it wins over everything); then missing required members,
// all reported in one ValidationException ("2 validation errors detected:
// Value null at 'tableName' failed to satisfy constraint: Member must not be
// null; ..."); then the first invalid attribute value (a bad number, an empty
// or duplicated set, NULL false, no or several types, nesting deeper than 32).
//
// Like DynamoDB (Jackson), a member given twice takes its last value, a JSON
// null is the same as an absent member, and unknown members are ignored.
//
// Thread-safety: a JsonDecoder is used by one thread for one document.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddb/attribute_value.h"
#include "ddb/error.h"
#include "ddb/model.h"
#include "ddb/result.h"
#include "ddb/shape_names.h"

namespace townhall::ddb::internal {

namespace dom = simdjson::dom;

// The Java type DynamoDB expected where a JSON value had the wrong type.
enum class Expected : uint8_t { kString, kInteger, kLong, kDouble, kBoolean, kBlob, kList, kMap, kStructure };

// Where a value sits, which changes DynamoDB's wording for a wrong type: a
// member of a structure, or an element of a list or map.
enum class Position : uint8_t { kMember, kElement };

// DynamoDB's SerializationException message for `actual` found where
// `expected` was due. java_name names a map's or structure's Java type.
std::string type_error_message(dom::element actual, Expected expected, Position position,
                               std::string_view java_name);

// Parses json with a per-thread parser (empty input counts as "{}").
// Malformed JSON is a SerializationException; JSON nested deeper than any
// valid request is the ValidationException DynamoDB gives for deep items.
Result<dom::element> parse_document(std::string_view json);

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

struct NoOpVisitor {
  template <class F>
  void operator()(std::string_view, F&, Field = Field::kOptional) {}
};
// A struct that lists its members in describe() (model.h).
template <class T>
concept Shape = requires(T& t, NoOpVisitor& v) {
  T::describe(t, v);
};

class JsonDecoder {
 public:
  // The error to report, by DynamoDB's priority; nullopt when the document
  // decoded cleanly.
  std::optional<Error> take_error();

  template <class T>
  void decode(dom::element el, T& out, Position position);

  // depth: the nesting level of the value (1 for an item's attribute).
  void decode_attribute_value(dom::element el, AttributeValue& out, int depth, Position position);
  // depth: the nesting level of the map's owner (0 for an item).
  void decode_attribute_map(dom::element el, AttributeMap& out, int depth, Position position);

 private:
  struct Segment {
    std::string_view name;  // a member or a map key
    long index = -1;        // a list index (1-based, as DynamoDB counts)
    bool element = false;   // a list or map element: rendered "<key or index>.member"
  };

  template <class T>
  void decode_shape(dom::element el, T& out, Position position);
  void decode_int64(dom::element el, int64_t& out);
  void decode_set(AttributeType type, dom::array values, AttributeValue& out);

  template <class T>
  void fail_type(dom::element actual, Expected expected, Position position) {
    if (serialization_error_) return;
    std::string java_name = expected == Expected::kMap || expected == Expected::kStructure
                                ? java_type_name<std::remove_cvref_t<T>>()
                                : std::string();
    serialization_error_ = Error::Serialization(type_error_message(actual, expected, position, java_name));
  }
  void fail_serialization(std::string message) {
    if (!serialization_error_) serialization_error_ = Error::Serialization(std::move(message));
  }
  // An invalid attribute value: only the first is reported.
  void fail_value(Error error) {
    if (!value_error_) value_error_ = std::move(error);
  }
  // A required member (or list/map element) that is absent or null, at the current path.
  void add_null_violation();
  bool stopped() const { return serialization_error_.has_value(); }
  std::string render_path() const;

  std::optional<Error> serialization_error_;
  std::vector<std::string> violations_;
  std::optional<Error> value_error_;
  std::vector<Segment> path_;
};

// ---------------------------------------------------------------------------
// Template members

template <class T>
void JsonDecoder::decode_shape(dom::element el, T& out, Position position) {
  dom::object obj;
  if (el.get_object().get(obj)) return fail_type<T>(el, Expected::kStructure, position);
  // Bit i: member i of describe() holds a value.
  uint64_t present = 0;
  for (dom::key_value_pair field : obj) {
    int index = 0;
    bool matched = false;
    auto member = [&](std::string_view name, auto& value, Field = Field::kOptional) {
      int i = index++;
      if (matched || name != field.key) return;
      matched = true;
      if (field.value.is_null()) {  // as if absent, even after an earlier value
        value = {};
        present &= ~(uint64_t{1} << i);
        return;
      }
      if (present & (uint64_t{1} << i)) value = {};  // given twice: the last one counts
      present |= uint64_t{1} << i;
      path_.push_back({name});
      decode(field.value, value, Position::kMember);
      path_.pop_back();
    };
    T::describe(out, member);
    if (stopped()) return;
  }
  int index = 0;
  auto check_required = [&](std::string_view name, auto&, Field flag = Field::kOptional) {
    int i = index++;
    if (flag == Field::kRequired && !(present & (uint64_t{1} << i))) {
      path_.push_back({name});
      add_null_violation();
      path_.pop_back();
    }
  };
  T::describe(out, check_required);
}

template <class T>
void JsonDecoder::decode(dom::element el, T& out, Position position) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::string_view s;
    if (el.get_string().get(s)) return fail_type<T>(el, Expected::kString, position);
    out.assign(s);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (el.get_bool().get(out)) return fail_type<T>(el, Expected::kBoolean, position);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    decode_int64(el, out);
  } else if constexpr (std::is_same_v<T, double>) {
    if (el.get_double().get(out)) return fail_type<T>(el, Expected::kDouble, position);
  } else if constexpr (std::is_same_v<T, AttributeValue>) {
    decode_attribute_value(el, out, 1, position);
  } else if constexpr (std::is_same_v<T, AttributeMap>) {
    decode_attribute_map(el, out, 0, position);
  } else if constexpr (IsOptional<T>::value) {
    out.emplace();
    decode(el, *out, position);
  } else if constexpr (IsVector<T>::value) {
    dom::array arr;
    if (el.get_array().get(arr)) return fail_type<T>(el, Expected::kList, position);
    out.clear();
    out.reserve(arr.size());
    long i = 0;
    for (dom::element item : arr) {
      path_.push_back({{}, ++i, true});
      if (item.is_null()) {
        add_null_violation();
      } else {
        decode(item, out.emplace_back(), Position::kElement);
      }
      path_.pop_back();
      if (stopped()) return;
    }
  } else if constexpr (IsStringMap<T>::value) {
    dom::object obj;
    if (el.get_object().get(obj)) return fail_type<T>(el, Expected::kMap, position);
    out.clear();
    for (dom::key_value_pair entry : obj) {
      path_.push_back({entry.key, -1, true});
      if (entry.value.is_null()) {
        add_null_violation();
      } else {
        auto& slot = out[std::string(entry.key)];
        slot = {};  // a key given twice takes its last value
        decode(entry.value, slot, Position::kElement);
      }
      path_.pop_back();
      if (stopped()) return;
    }
  } else {
    static_assert(Shape<T>, "no JSON decoding for this type");
    decode_shape(el, out, position);
  }
}

}  // namespace townhall::ddb::internal
