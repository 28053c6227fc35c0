// Conversions between the table's items and chat's model, with the
// notebook's attribute names. Readers are lenient: items the notebook wrote
// lack Townhall's extra attributes and read with defaults.
#pragma once

#include <string>
#include <string_view>

#include "chat/model.h"
#include "ddb/attribute_value.h"

namespace townhall::chat::items {

using ddb::AttributeMap;
using ddb::AttributeValue;

inline AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
inline AttributeValue N(int64_t n) { return AttributeValue::N(n); }
inline AttributeValue BOOL(bool b) { return AttributeValue::BOOL(b); }

// The attribute's string, or empty when absent or not a string.
std::string_view string_of(const AttributeMap& item, std::string_view name);
// The attribute's integer value, or fallback when absent or not an integer.
int64_t int_of(const AttributeMap& item, std::string_view name, int64_t fallback = 0);
bool bool_of(const AttributeMap& item, std::string_view name);

// The id after a key prefix ("USER#12" -> "12"), as the notebook's parse_id_from_key.
std::string id_after(std::string_view key, std::string_view prefix);

User user_from(const AttributeMap& item);
Channel channel_from(const AttributeMap& item);
Member member_from(const AttributeMap& item);
Membership membership_from(const AttributeMap& item);
Message message_from(const AttributeMap& item);

AttributeMap user_item(const User& user);
AttributeMap channel_item(const Channel& channel);
// The notebook's membership item: Name, JoinedAt, GSI1PK, GSI1SK, ChanName.
AttributeMap membership_item(const Channel& channel, const User& user, std::string joined_at);
AttributeMap message_item(const Message& message);
// A message's Files attribute: L of M {Id, Name, Type, Size, Width, Height, Thumb}.
AttributeValue files_value(const std::vector<Attachment>& files);
std::vector<Attachment> files_from(const AttributeValue& value);

// A message's Mentions attribute: M of user id -> S name.
AttributeValue mentions_value(const std::vector<Participant>& mentions);

}  // namespace townhall::chat::items
