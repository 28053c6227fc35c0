#include "api/json.h"

#include <gtest/gtest.h>

namespace townhall::api {
namespace {

TEST(JsonObject, ReadsTypedFields) {
  auto object = JsonObject::parse(R"({"name":"Town \"Hall\"","private":true,"n":null,"x":5})");
  ASSERT_TRUE(object.ok());
  EXPECT_EQ(*object->required_string("name"), "Town \"Hall\"");
  EXPECT_EQ(*object->optional_bool("private", false), true);
  EXPECT_EQ(*object->optional_bool("absent", true), true);
  EXPECT_FALSE(object->optional_string("n")->has_value());
  EXPECT_FALSE(object->optional_string("absent")->has_value());
  EXPECT_TRUE(object->has("x"));
}

TEST(JsonObject, NamesTheFieldWhoseTypeIsWrong) {
  auto object = JsonObject::parse(R"({"text":5,"private":"yes"})");
  ASSERT_TRUE(object.ok());
  auto text = object->required_string("text");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().code, chat::Code::kInvalidArgument);
  EXPECT_NE(text.error().message.find("'text'"), std::string::npos);
  EXPECT_FALSE(object->optional_bool("private", false).ok());
  auto missing = object->required_string("name");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("required"), std::string::npos);
}

TEST(JsonObject, RejectsMalformedJsonAndNonObjects) {
  for (const char* text : {"{", "", "[1]", "\"s\"", "{\"a\":}", "{\"a\":1} trailing"}) {
    auto object = JsonObject::parse(text);
    ASSERT_FALSE(object.ok()) << text;
    EXPECT_EQ(object.error().code, chat::Code::kInvalidArgument);
  }
}

TEST(JsonObject, ReadsChannelLists) {
  auto object = JsonObject::parse(R"({"channels":["a",{"id":"b","after":"1#2"},{"id":"c","after":null}]})");
  ASSERT_TRUE(object.ok());
  auto list = object->channel_list("channels");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, "a");
  EXPECT_EQ((*list)[0].after, "");
  EXPECT_EQ((*list)[1].id, "b");
  EXPECT_EQ((*list)[1].after, "1#2");
  EXPECT_EQ((*list)[2].after, "");
  EXPECT_FALSE(JsonObject::parse(R"({"channels":[5]})")->channel_list("channels").ok());
  EXPECT_FALSE(JsonObject::parse(R"({"channels":"a"})")->channel_list("channels").ok());
}

TEST(EventJson, MessageCreated) {
  chat::Message message;
  message.id = "1700000000#1";  // clients see it URL-safe: "1700000000_1"
  message.channel_id = "7";
  message.user_id = "12";
  message.user_name = "Alice";
  message.text = "Hello \"Bob\"\n";
  message.created_at_ms = 1700000000123;
  chat::ChannelEvent event{chat::ChannelEvent::Kind::kMessageCreated, "7", message, std::nullopt,
                           std::nullopt};
  EXPECT_EQ(
      event_json(event),
      R"({"type":"message.created","channel":"7","message":{"id":"1700000000_1","channel_id":"7",)"
      R"("user_id":"12","user_name":"Alice","text":"Hello \"Bob\"\n","html":"<p>Hello &quot;Bob&quot;</p>",)"
      R"("created_at_ms":1700000000123,)"
      R"("edited_at_ms":0,"deleted":false}})");
  EXPECT_EQ(replayed_message_json(message), event_json(event));
}

TEST(EventJson, MemberAndChannelEvents) {
  chat::ChannelEvent joined{chat::ChannelEvent::Kind::kMemberJoined, "7", std::nullopt,
                            chat::Member{"18", "Bob", "2024-01-02", ""}, std::nullopt};
  EXPECT_EQ(event_json(joined),
            R"({"type":"member.joined","channel":"7","member":{"user_id":"18","user_name":"Bob",)"
            R"("joined_at":"2024-01-02"}})");
  chat::Channel channel;
  channel.id = "7";
  channel.name = "Town Hall";
  chat::ChannelEvent updated{chat::ChannelEvent::Kind::kChannelUpdated, "7", std::nullopt, std::nullopt,
                             channel};
  EXPECT_NE(event_json(updated).find(R"("type":"channel.updated","channel":"7","info":{"id":"7")"),
            std::string::npos);
}

TEST(ErrorJson, Shape) {
  EXPECT_EQ(error_json("not_found", "no \"x\""), R"({"error":{"code":"not_found","message":"no \"x\""}})");
}

}  // namespace
}  // namespace townhall::api
