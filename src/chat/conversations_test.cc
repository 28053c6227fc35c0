#include "chat/conversations.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "chat/chat_test_support.h"

namespace townhall::chat {
namespace {

using testing::ChatFixture;
using testing::code_of;
using testing::ok;

class ConversationTest : public ::testing::Test, public ChatFixture {};

TEST(ConversationId, DependsOnTheSetOfPeopleOnly) {
  std::string id = conversation_id({"b", "a"});
  EXPECT_EQ(id, conversation_id({"a", "b"}));
  EXPECT_EQ(id, conversation_id({"a", "b", "a"}));
  EXPECT_NE(id, conversation_id({"a", "c"}));
  EXPECT_NE(id, conversation_id({"a", "b", "c"}));
  EXPECT_TRUE(is_conversation_id(id));
  EXPECT_EQ(id.size(), 27u);
  EXPECT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567", 3), std::string::npos);
}

TEST_F(ConversationTest, OpeningTheSameConversationTwiceLandsInOne) {
  User alice = user("Alice"), bob = user("Bob");
  events.take();
  auto first = ok(chat->channels().open_conversation(alice, {bob}));
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.channel.kind, ChannelKind::kDirect);
  EXPECT_TRUE(first.channel.is_private);
  EXPECT_EQ(first.channel.user_count, 2);
  ASSERT_EQ(first.channel.participants.size(), 2u);

  auto again = ok(chat->channels().open_conversation(bob, {alice}));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.channel.id, first.channel.id);
  EXPECT_EQ(ok(chat->channels().find(first.channel.id)).user_count, 2);

  // Each side lists it under the other's name (AP1).
  auto of_alice = ok(chat->channels().channels_of(alice, "", 50));
  ASSERT_EQ(of_alice.items.size(), 1u);
  EXPECT_EQ(of_alice.items[0].channel_name, "Bob");
  auto of_bob = ok(chat->channels().channels_of(bob, "", 50));
  ASSERT_EQ(of_bob.items.size(), 1u);
  EXPECT_EQ(of_bob.items[0].channel_name, "Alice");

  // Both participants were told once, when it was made.
  std::multiset<std::string> told;
  for (const auto& event : events.take()) {
    if (event.kind == ChannelEvent::Kind::kChannelAdded) told.insert(event.recipient);
  }
  EXPECT_EQ(told, (std::multiset<std::string>{alice.id, bob.id}));
}

TEST_F(ConversationTest, RacingOpensMakeOneConversation) {
  User alice = user("Alice"), bob = user("Bob");
  std::vector<std::thread> threads;
  std::vector<Result<ChannelService::Opened>> results(8, Error::Internal("not run"));
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = i % 2 ? chat->channels().open_conversation(alice, {bob})
                         : chat->channels().open_conversation(bob, {alice});
    });
  }
  for (auto& thread : threads) thread.join();
  int created = 0;
  std::set<std::string> ids;
  for (auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.error().message;
    created += result->created ? 1 : 0;
    ids.insert(result->channel.id);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(ok(chat->channels().find(*ids.begin())).user_count, 2);
}

TEST_F(ConversationTest, OutsidersLearnNothing) {
  User alice = user("Alice"), bob = user("Bob"), eve = user("Eve");
  auto dm = ok(chat->channels().open_conversation(alice, {bob})).channel;
  auto sent = ok(chat->messages().send(alice, dm.id, "the launch code is 1234"));
  EXPECT_EQ(ok(chat->messages().send(bob, dm.id, "got it")).message.text, "got it");

  EXPECT_EQ(code_of(chat->channels().get(eve, dm.id)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->messages().history(eve, dm.id, "", 50)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->messages().after(eve, dm.id, "", 50)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->messages().send(eve, dm.id, "hi")), Code::kNotFound);
  EXPECT_EQ(code_of(chat->channels().members(eve, dm.id, "", 50)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->channels().join(eve, dm.id)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->channels().leave(eve, dm.id)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->channels().add_member(eve, dm.id, eve)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->messages().react(eve, dm.id, sent.message.id, "👍", true)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->messages().edit(eve, dm.id, sent.message.id, "x")), Code::kNotFound);
  EXPECT_EQ(code_of(chat->messages().unread_count(eve, dm.id)), Code::kNotFound);
  EXPECT_FALSE(chat->channels().mark_read(eve, dm.id, sent.message.id).ok());
  EXPECT_TRUE(ok(chat->channels().channels_of(eve, "", 50)).items.empty());
  EXPECT_TRUE(ok(chat->channels().list_public("", "", 100)).items.empty());
  // A conversation Eve opens with Alice is another one.
  EXPECT_NE(ok(chat->channels().open_conversation(eve, {alice})).channel.id, dm.id);
}

TEST_F(ConversationTest, PeopleAreFixed) {
  User alice = user("Alice"), bob = user("Bob"), carol = user("Carol");
  auto dm = ok(chat->channels().open_conversation(alice, {bob})).channel;
  EXPECT_EQ(code_of(chat->channels().add_member(alice, dm.id, carol)), Code::kFailedPrecondition);
  EXPECT_EQ(code_of(chat->channels().leave(bob, dm.id)), Code::kFailedPrecondition);
  EXPECT_EQ(code_of(chat->channels().update(alice, dm.id, std::string_view("x"), std::nullopt)),
            Code::kFailedPrecondition);
  EXPECT_EQ(ok(chat->channels().find(dm.id)).user_count, 2);
  EXPECT_FALSE(ok(chat->channels().membership(dm.id, carol)).has_value());
}

TEST_F(ConversationTest, GroupsSelfAndLimits) {
  std::vector<User> people;
  people.reserve(9);
  for (int i = 0; i < 9; ++i) people.push_back(user("Person" + std::to_string(i)));
  auto group = ok(chat->channels().open_conversation(people[0], {people[1], people[2]})).channel;
  EXPECT_EQ(group.kind, ChannelKind::kGroup);
  EXPECT_EQ(group.user_count, 3);
  EXPECT_EQ(ok(chat->channels().channels_of(people[0], "", 50)).items[0].channel_name, "Person1, Person2");

  std::vector<User> eight(people.begin() + 1, people.end());
  EXPECT_EQ(code_of(chat->channels().open_conversation(people[0], eight)), Code::kInvalidArgument);
  eight.pop_back();
  EXPECT_EQ(ok(chat->channels().open_conversation(people[0], eight)).channel.user_count, 8);

  auto notes = ok(chat->channels().open_conversation(people[3], {people[3]})).channel;
  EXPECT_EQ(notes.kind, ChannelKind::kDirect);
  EXPECT_EQ(notes.user_count, 1);
  EXPECT_EQ(ok(chat->messages().send(people[3], notes.id, "note to self")).message.channel_id, notes.id);
  bool listed = false;
  for (const auto& membership : ok(chat->channels().channels_of(people[3], "", 50)).items) {
    if (membership.channel_id != notes.id) continue;
    listed = true;
    EXPECT_EQ(membership.channel_name, "Person3");
  }
  EXPECT_TRUE(listed);
}

TEST_F(ConversationTest, SendsRecordLatestActivity) {
  User alice = user("Alice"), bob = user("Bob"), carol = user("Carol");
  auto with_bob = ok(chat->channels().open_conversation(alice, {bob})).channel;
  auto with_carol = ok(chat->channels().open_conversation(alice, {carol})).channel;
  EXPECT_EQ(with_bob.last_message_at_ms, 0);
  now_ms = 1764300001000;
  ok(chat->messages().send(bob, with_bob.id, "first"));
  now_ms = 1764300002000;
  ok(chat->messages().send(carol, with_carol.id, "second"));
  auto found = ok(chat->channels().find_many({with_carol.id, "missing", with_bob.id}));
  ASSERT_EQ(found.size(), 3u);
  ASSERT_TRUE(found[0] && found[2]);
  EXPECT_FALSE(found[1]);
  EXPECT_EQ(found[0]->last_message_at_ms, 1764300002000);
  EXPECT_EQ(found[2]->last_message_at_ms, 1764300001000);
  EXPECT_EQ(found[2]->message_count, 1);
}

TEST_F(ConversationTest, AddingSomeoneToAPrivateChannelTellsThem) {
  User alice = user("Alice"), bob = user("Bob");
  Channel secret = channel(alice, "secret", true);
  events.take();
  EXPECT_TRUE(ok(chat->channels().add_member(alice, secret.id, bob)));
  bool told = false;
  for (const auto& event : events.take()) {
    if (event.kind != ChannelEvent::Kind::kChannelAdded) continue;
    told = event.recipient == bob.id && event.channel && event.channel->id == secret.id;
  }
  EXPECT_TRUE(told);
  EXPECT_FALSE(ok(chat->channels().add_member(alice, secret.id, bob)));  // idempotent, nobody told twice
  for (const auto& event : events.take()) EXPECT_NE(event.kind, ChannelEvent::Kind::kChannelAdded);
}

TEST_F(ConversationTest, TheCreatorRemovesMembersOfAPrivateChannel) {
  User alice = user("Alice"), bob = user("Bob"), carol = user("Carol"), eve = user("Eve");
  Channel secret = channel(alice, "secret", true);
  ok(chat->channels().add_member(alice, secret.id, bob));
  ok(chat->channels().add_member(alice, secret.id, carol));
  EXPECT_EQ(code_of(chat->channels().remove_member(carol, secret.id, bob)), Code::kPermissionDenied);
  EXPECT_EQ(code_of(chat->channels().remove_member(eve, secret.id, bob)), Code::kNotFound);
  events.take();
  EXPECT_TRUE(ok(chat->channels().remove_member(alice, secret.id, bob)));
  bool told = false;
  for (const auto& event : events.take()) {
    told |= event.kind == ChannelEvent::Kind::kMemberLeft && event.member && event.member->user_id == bob.id;
  }
  EXPECT_TRUE(told);
  EXPECT_FALSE(ok(chat->channels().remove_member(alice, secret.id, bob)));  // idempotent
  EXPECT_EQ(code_of(chat->channels().get(bob, secret.id)), Code::kNotFound);
  EXPECT_EQ(code_of(chat->messages().send(bob, secret.id, "still here?")), Code::kNotFound);
  EXPECT_EQ(ok(chat->channels().find(secret.id)).user_count, 2);
  EXPECT_TRUE(ok(chat->channels().remove_member(carol, secret.id, carol)));  // anyone may leave
}

TEST_F(ConversationTest, TheLastMemberLeavingAPrivateChannelArchivesIt) {
  User alice = user("Alice"), bob = user("Bob");
  Channel secret = channel(alice, "secret", true);
  ok(chat->channels().add_member(alice, secret.id, bob));
  EXPECT_TRUE(ok(chat->channels().leave(bob, secret.id)));
  EXPECT_EQ(ok(chat->channels().find(secret.id)).archived_at, 0);
  EXPECT_TRUE(ok(chat->channels().leave(alice, secret.id)));
  Channel after = ok(chat->channels().find(secret.id));
  EXPECT_EQ(after.user_count, 0);
  EXPECT_GT(after.archived_at, 0);
  EXPECT_EQ(code_of(chat->channels().leave(alice, secret.id)), Code::kNotFound);  // nobody's any more

  Channel open = channel(alice, "open");
  EXPECT_TRUE(ok(chat->channels().leave(alice, open.id)));
  EXPECT_EQ(ok(chat->channels().find(open.id)).archived_at, 0);  // anyone can join it again
  EXPECT_TRUE(ok(chat->channels().join(bob, open.id)));
}

TEST_F(ConversationTest, PublicChannelNamesAreUnique) {
  User alice = user("Alice"), bob = user("Bob");
  Channel general = channel(alice, "general");
  EXPECT_EQ(code_of(chat->channels().create(bob, "General", "", false)), Code::kAlreadyExists);
  EXPECT_EQ(code_of(chat->channels().create(bob, "ＧＥＮＥＲＡＬ", "", false)),
            Code::kAlreadyExists);  // width folded too
  // Private names are not checked (a clash would reveal a private channel).
  ok(chat->channels().create(bob, "general", "", true));
  ok(chat->channels().create(alice, "general", "", true));
  // A rename frees the old name and takes the new one; a taken name refuses the rename.
  Channel random = channel(bob, "random");
  EXPECT_EQ(code_of(chat->channels().update(bob, random.id, std::string_view("GENERAL"), std::nullopt)),
            Code::kAlreadyExists);
  EXPECT_EQ(ok(chat->channels().find(random.id)).name, "random");
  ok(chat->channels().update(alice, general.id, std::string_view("town-square"), std::nullopt));
  EXPECT_EQ(ok(chat->channels().update(bob, random.id, std::string_view("General"), std::nullopt)).name,
            "General");
  EXPECT_EQ(code_of(chat->channels().create(alice, "town-square", "", false)), Code::kAlreadyExists);
  // Only a change of case keeps the guard.
  EXPECT_EQ(ok(chat->channels().update(bob, random.id, std::string_view("general"), std::nullopt)).name,
            "general");
  EXPECT_EQ(code_of(chat->channels().create(alice, "General", "", false)), Code::kAlreadyExists);
}

TEST_F(ConversationTest, MembersMuteAndUnmute) {
  User alice = user("Alice"), bob = user("Bob"), eve = user("Eve");
  auto dm = ok(chat->channels().open_conversation(alice, {bob})).channel;
  Channel open = channel(alice, "open");
  ok(chat->messages().send(bob, dm.id, "one"));
  EXPECT_TRUE(chat->channels().set_muted(alice, dm.id, true).ok());
  auto states = ok(chat->messages().read_states(alice, {dm.id, open.id, "gone"}));
  ASSERT_EQ(states.size(), 3u);
  EXPECT_TRUE(states[0].muted);
  EXPECT_EQ(states[0].unread, 1);  // muted still counts; clients only stay quiet
  EXPECT_FALSE(states[1].muted);
  EXPECT_EQ(states[2].unread, 0);
  EXPECT_TRUE(chat->channels().set_muted(alice, dm.id, false).ok());
  EXPECT_FALSE(ok(chat->messages().read_states(alice, {dm.id}))[0].muted);
  EXPECT_EQ(chat->channels().set_muted(eve, dm.id, true).error().code, Code::kNotFound);
  EXPECT_EQ(chat->channels().set_muted(eve, open.id, true).error().code, Code::kPermissionDenied);
}

TEST_F(ConversationTest, UsersAreFoundByName) {
  User alice = user("Alice");
  EXPECT_EQ(ok(chat->accounts().find_user_by_name("alice")).id, alice.id);
  EXPECT_EQ(ok(chat->accounts().find_user_by_name("ALICE")).id, alice.id);
  EXPECT_EQ(code_of(chat->accounts().find_user_by_name("nobody")), Code::kNotFound);
  EXPECT_EQ(code_of(chat->accounts().find_user_by_name("")), Code::kInvalidArgument);
}

}  // namespace
}  // namespace townhall::chat
