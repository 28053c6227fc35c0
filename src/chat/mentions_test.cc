#include "chat/mentions.h"

#include <gtest/gtest.h>

#include "chat/chat_test_support.h"
#include "chat/keys.h"

namespace townhall::chat {
namespace {

using testing::ChatFixture;
using testing::ok;

class MentionTest : public ::testing::Test, public ChatFixture {
 protected:
  Message say(const User& who, const Channel& in, const std::string& text,
              const std::vector<std::string>& mentioned) {
    MessageService::SendOptions options;
    options.mentions = &mentioned;
    return ok(chat->messages().send(who, in.id, text, options)).message;
  }
  int64_t mentions_of(const User& who, const Channel& in) {
    return ok(chat->messages().read_states(who, {in.id}))[0].mentions;
  }
};

TEST_F(MentionTest, MembersAreMentionedCountedAndListed) {
  User alice = user("Alice"), bob = user("Bob"), eve = user("Eve");
  Channel general = channel(alice, "general");
  ok(chat->channels().join(bob, general.id));
  Message first = say(alice, general, "@Bob look", {bob.id, eve.id, alice.id});
  ASSERT_EQ(first.mentions.size(), 2u);  // Eve is not a member: dropped
  EXPECT_EQ(first.mentions[0].user_id < first.mentions[1].user_id, true);
  EXPECT_EQ(mentions_of(bob, general), 1);
  EXPECT_EQ(mentions_of(alice, general), 0);  // one's own mention counts for nobody
  EXPECT_TRUE(ok(chat->messages().mentions(eve, "", 50)).items.empty());
  say(alice, general, "@Bob again", {bob.id});
  EXPECT_EQ(mentions_of(bob, general), 2);
  auto listed = ok(chat->messages().mentions(bob, "", 50));
  ASSERT_EQ(listed.items.size(), 2u);
  EXPECT_EQ(listed.items[0].text, "@Bob again");  // newest first
  // Reading moves the count with the marker.
  EXPECT_TRUE(chat->channels().mark_read(bob, general.id, first.id).ok());
  EXPECT_EQ(mentions_of(bob, general), 1);
}

TEST_F(MentionTest, EditsAndDeletesKeepCountsRight) {
  User alice = user("Alice"), bob = user("Bob"), carol = user("Carol");
  Channel general = channel(alice, "general");
  ok(chat->channels().join(bob, general.id));
  ok(chat->channels().join(carol, general.id));
  Message message = say(alice, general, "@Bob and @Carol", {bob.id, carol.id});
  EXPECT_EQ(mentions_of(carol, general), 1);
  // An edit with its own list: Carol out, the count follows.
  std::vector<std::string> only_bob{bob.id};
  Message edited = ok(chat->messages().edit(alice, general.id, message.id, "@Bob only", &only_bob));
  ASSERT_EQ(edited.mentions.size(), 1u);
  EXPECT_EQ(mentions_of(carol, general), 0);
  EXPECT_EQ(mentions_of(bob, general), 1);
  EXPECT_TRUE(ok(chat->messages().mentions(carol, "", 50)).items.empty());
  // An edit without a list keeps the mentions whose "@name" is still there.
  edited = ok(chat->messages().edit(alice, general.id, message.id, "nobody now", nullptr));
  EXPECT_TRUE(edited.mentions.empty());
  EXPECT_EQ(mentions_of(bob, general), 0);
  Message again = say(alice, general, "@Bob once more", {bob.id});
  EXPECT_EQ(mentions_of(bob, general), 1);
  ok(chat->messages().remove(alice, general.id, again.id));
  EXPECT_EQ(mentions_of(bob, general), 0);
  EXPECT_TRUE(ok(chat->messages().mentions(bob, "", 50)).items.empty());
}

TEST_F(MentionTest, APrivateChannelLeftDropsOutOfTheList) {
  User alice = user("Alice"), bob = user("Bob");
  Channel secret = channel(alice, "secret", true);
  ok(chat->channels().add_member(alice, secret.id, bob));
  say(alice, secret, "@Bob the plan", {bob.id});
  EXPECT_EQ(ok(chat->messages().mentions(bob, "", 50)).items.size(), 1u);
  ok(chat->channels().leave(bob, secret.id));
  EXPECT_TRUE(ok(chat->messages().mentions(bob, "", 50)).items.empty());
}

TEST_F(MentionTest, ListsPageWithoutGapOrRepeat) {
  User alice = user("Alice"), bob = user("Bob");
  Channel one = channel(alice, "one"), two = channel(alice, "two");
  ok(chat->channels().join(bob, one.id));
  ok(chat->channels().join(bob, two.id));
  for (int i = 0; i < 25; ++i) say(alice, i % 2 ? one : two, "@Bob " + std::to_string(i), {bob.id});
  std::vector<std::string> seen;
  std::string cursor;
  do {
    auto page = ok(chat->messages().mentions(bob, cursor, 10));
    for (const auto& message : page.items) seen.push_back(message.text);
    cursor = page.next_cursor;
  } while (!cursor.empty());
  ASSERT_EQ(seen.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(seen[i], "@Bob " + std::to_string(24 - i));
}

TEST_F(MentionTest, AtChannelCountsForEveryMemberAndLargeChannelsLimitIt) {
  User alice = user("Alice"), bob = user("Bob");
  Channel general = channel(alice, "general");
  ok(chat->channels().join(bob, general.id));
  MessageService::SendOptions everyone;
  everyone.mention_channel = true;
  Message message = ok(chat->messages().send(bob, general.id, "@channel lunch?", everyone)).message;
  EXPECT_TRUE(message.mentions_channel);
  EXPECT_EQ(mentions_of(alice, general), 1);
  EXPECT_EQ(mentions_of(bob, general), 0);  // not one's own
  ok(chat->messages().edit(bob, general.id, message.id, "lunch?", nullptr));
  EXPECT_EQ(mentions_of(alice, general), 0);  // taken out of the text: no longer counts
  Message again = ok(chat->messages().send(bob, general.id, "@channel now", everyone)).message;
  EXPECT_EQ(mentions_of(alice, general), 1);
  ok(chat->messages().remove(bob, general.id, again.id));
  EXPECT_EQ(mentions_of(alice, general), 0);

  // Past 50 members only the creator may.
  for (int i = 0; i < 50; ++i) {
    User extra = ok(chat->accounts().create_user("Extra " + std::to_string(i), ""));
    ok(chat->channels().join(extra, general.id));
  }
  EXPECT_EQ(chat->messages().send(bob, general.id, "@channel hi", everyone).error().code,
            Code::kPermissionDenied);
  EXPECT_TRUE(chat->messages().send(alice, general.id, "@channel hi", everyone).ok());
  EXPECT_EQ(mentions_of(bob, general), 1);
}

// Who is online, as the realtime layer would say.
class FakePresence : public PresenceView {
 public:
  std::vector<bool> online(const std::vector<std::string>& user_ids) const override {
    std::vector<bool> out;
    out.reserve(user_ids.size());
    for (const auto& id : user_ids) out.push_back(std::find(here.begin(), here.end(), id) != here.end());
    return out;
  }
  std::vector<std::string> here;
};

TEST_F(MentionTest, AtHereMentionsTheMembersOnlineAndEditsAndDeletesFollow) {
  User alice = user("Alice"), bob = user("Bob"), carol = user("Carol"), dave = user("Dave");
  Channel general = channel(alice, "general");
  for (const User* u : {&bob, &carol, &dave}) ok(chat->channels().join(*u, general.id));
  FakePresence presence;
  MessageService::SendOptions here;
  here.mention_here = true;
  // Without presence nobody is online: the message is sent, nobody counts it.
  Message nobody = ok(chat->messages().send(alice, general.id, "@here hello?", here)).message;
  EXPECT_TRUE(nobody.mentions_here.empty());
  chat->set_presence(&presence);
  presence.here = {alice.id, bob.id, carol.id, "not-a-member"};  // Dave is away or offline
  std::vector<std::string> named{carol.id};
  here.mentions = &named;  // Carol named as well: one mention, not two
  Message message = ok(chat->messages().send(alice, general.id, "@here and @Carol: standup", here)).message;
  ASSERT_EQ(message.mentions_here.size(), 2u);  // Bob and Carol; not Alice herself
  EXPECT_EQ(mentions_of(bob, general), 1);
  EXPECT_EQ(mentions_of(carol, general), 1);
  EXPECT_EQ(mentions_of(dave, general), 0);
  EXPECT_EQ(mentions_of(alice, general), 0);
  EXPECT_EQ(ok(chat->messages().mentions(bob, "", 50)).items.size(), 1u);
  // Read back as stored.
  auto history = ok(chat->messages().history(bob, general.id, "", 10));
  auto stored = std::find_if(history.items.begin(), history.items.end(),
                             [&](const Message& m) { return m.id == message.id; });
  ASSERT_NE(stored, history.items.end());
  EXPECT_EQ(stored->mentions_here.size(), 2u);
  // An edit keeping "@here" keeps them; one without drops them (Carol stays named).
  ok(chat->messages().edit(alice, general.id, message.id, "@here and @Carol: standup now", nullptr));
  EXPECT_EQ(mentions_of(bob, general), 1);
  Message edited = ok(chat->messages().edit(alice, general.id, message.id, "@Carol: standup", nullptr));
  EXPECT_TRUE(edited.mentions_here.empty());
  EXPECT_EQ(mentions_of(bob, general), 0);
  EXPECT_EQ(mentions_of(carol, general), 1);
  Message again = ok(chat->messages().send(alice, general.id, "@here again",
                                           MessageService::SendOptions{{}, {}, false, nullptr, false, true}))
                      .message;
  EXPECT_EQ(mentions_of(bob, general), 1);
  ok(chat->messages().remove(alice, general.id, again.id));
  EXPECT_EQ(mentions_of(bob, general), 0);

  // Past 50 members @here is refused, for the creator too.
  for (int i = 0; i < 50; ++i) {
    User extra = ok(chat->accounts().create_user("Extra " + std::to_string(i), ""));
    ok(chat->channels().join(extra, general.id));
  }
  MessageService::SendOptions only_here;
  only_here.mention_here = true;
  EXPECT_EQ(chat->messages().send(alice, general.id, "@here hi", only_here).error().code,
            Code::kPermissionDenied);
  chat->set_presence(nullptr);
}

TEST_F(MentionTest, RefusesTooManyOrBadIds) {
  User alice = user("Alice");
  Channel general = channel(alice, "general");
  std::vector<std::string> many;
  many.reserve(21);
  for (int i = 0; i < 21; ++i) many.push_back("u" + std::to_string(i));
  MessageService::SendOptions options;
  options.mentions = &many;
  EXPECT_EQ(chat->messages().send(alice, general.id, "hi", options).error().code, Code::kInvalidArgument);
  std::vector<std::string> bad{"CHAN#7"};
  options.mentions = &bad;
  EXPECT_EQ(chat->messages().send(alice, general.id, "hi", options).error().code, Code::kInvalidArgument);
  EXPECT_EQ(ok(chat->channels().find(general.id)).message_count, 0);
}

}  // namespace
}  // namespace townhall::chat
