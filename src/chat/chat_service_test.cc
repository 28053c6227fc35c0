#include "chat/chat_service.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "chat/chat_test_support.h"
#include "chat/items.h"
#include "chat/keys.h"

namespace townhall::chat {
namespace {

using testing::ChatFixture;
using testing::ok;

class ChatServiceTest : public ::testing::Test, public ChatFixture {};

TEST_F(ChatServiceTest, EnsureTableIsIdempotentAndChecksTheSchema) {
  EXPECT_TRUE(chat->ensure_table().ok());
  ddb::CreateTableRequest other;
  other.table_name = table + "-other";
  other.key_schema = {{"id", "HASH"}};
  other.attribute_definitions = {{"id", "S"}};
  other.billing_mode = "PAY_PER_REQUEST";
  ASSERT_TRUE(db->create_table(other).ok());
  ChatOptions options;
  options.table_name = other.table_name;
  ChatService wrong(*db, options);
  auto status = wrong.ensure_table();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Code::kFailedPrecondition);
}

TEST_F(ChatServiceTest, SignUpLogInAuthenticateLogOut) {
  User alice = ok(chat->accounts().sign_up("Alice", "Alice@Mail.com", "correct horse"));
  EXPECT_EQ(alice.email, "alice@mail.com");
  EXPECT_EQ(chat->accounts().sign_up("Alice 2", "alice@mail.com", "another pass").error().code,
            Code::kAlreadyExists);
  EXPECT_EQ(chat->accounts().log_in("alice@mail.com", "wrong password").error().code, Code::kUnauthenticated);
  EXPECT_EQ(chat->accounts().log_in("nobody@mail.com", "correct horse").error().code, Code::kUnauthenticated);
  Session session = ok(chat->accounts().log_in("ALICE@mail.com", "correct horse"));
  EXPECT_GE(session.token.size(), 43u);
  EXPECT_EQ(ok(chat->accounts().authenticate(session.token)).id, alice.id);
  EXPECT_EQ(chat->accounts().authenticate("not-a-token").error().code, Code::kUnauthenticated);
  ASSERT_TRUE(chat->accounts().log_out(session.token).ok());
  EXPECT_EQ(chat->accounts().authenticate(session.token).error().code, Code::kUnauthenticated);

  // The password hash lives in its own item; the user item stays the notebook's shape.
  ddb::GetItemRequest get;
  get.table_name = table;
  get.key = ChatStore::key(keys::user(alice.id), keys::user(alice.id));
  auto got = db->get_item(get);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->item);
  EXPECT_EQ(items::string_of(*got->item, "Name"), "Alice");
  EXPECT_FALSE(got->item->contains("PasswordHash"));
}

TEST_F(ChatServiceTest, SessionsExpire) {
  ok(chat->accounts().sign_up("Bob", "bob@mail.com", "password1"));
  Session session = ok(chat->accounts().log_in("bob@mail.com", "password1"));
  now_ms += (chat->options().session_lifetime_seconds + 1) * 1000;
  EXPECT_EQ(chat->accounts().authenticate(session.token).error().code, Code::kUnauthenticated);
}

TEST_F(ChatServiceTest, LookupsAreTyped) {
  User alice = user("Alice");
  Channel town = channel(alice, "Town Hall");
  EXPECT_EQ(chat->accounts().find_user("CHAN#" + town.id).error().code, Code::kInvalidArgument);
  EXPECT_EQ(chat->channels().find("USER#" + alice.id).error().code, Code::kInvalidArgument);
  EXPECT_EQ(ok(chat->accounts().find_user("USER#" + alice.id)).name, "Alice");
  EXPECT_EQ(ok(chat->channels().find("CHAN#" + town.id)).name, "Town Hall");
  EXPECT_EQ(chat->accounts().find_user("nobody").error().code, Code::kNotFound);
}

TEST_F(ChatServiceTest, JoinIsIdempotentAndLeaveDecrements) {
  User alice = user("Alice"), bob = user("Bob");
  Channel town = channel(alice, "Town Hall");
  EXPECT_EQ(town.user_count, 1);
  EXPECT_TRUE(ok(chat->channels().join(bob, town.id)));
  EXPECT_FALSE(ok(chat->channels().join(bob, town.id)));
  EXPECT_EQ(ok(chat->channels().find(town.id)).user_count, 2);
  auto members = ok(chat->channels().members(alice, town.id, "", 10));
  ASSERT_EQ(members.items.size(), 2u);
  EXPECT_TRUE(ok(chat->channels().leave(bob, town.id)));
  EXPECT_FALSE(ok(chat->channels().leave(bob, town.id)));
  EXPECT_EQ(ok(chat->channels().find(town.id)).user_count, 1);
  auto events = this->events.take();
  int joined = 0, left = 0;
  for (const auto& e : events) {
    joined += e.kind == ChannelEvent::Kind::kMemberJoined;
    left += e.kind == ChannelEvent::Kind::kMemberLeft;
  }
  EXPECT_EQ(joined, 1);
  EXPECT_EQ(left, 1);
}

TEST_F(ChatServiceTest, MissingChannelsAreErrorsAndNeverHalfMade) {
  User alice = user("Alice");
  EXPECT_EQ(chat->channels().join(alice, "nochannel").error().code, Code::kNotFound);
  EXPECT_EQ(chat->messages().send(alice, "nochannel", "hello").error().code, Code::kNotFound);
  EXPECT_EQ(chat->channels().leave(alice, "nochannel").error().code, Code::kNotFound);
  EXPECT_EQ(chat->channels().find("nochannel").error().code, Code::kNotFound);
}

TEST_F(ChatServiceTest, OnlyMembersPost) {
  User alice = user("Alice"), eve = user("Eve");
  Channel town = channel(alice, "Town Hall");
  EXPECT_EQ(chat->messages().send(eve, town.id, "hi").error().code, Code::kPermissionDenied);
  EXPECT_EQ(ok(chat->channels().find(town.id)).message_count, 0);
}

TEST_F(ChatServiceTest, SendCountsAndHistoryIsNewestFirst) {
  User alice = user("Alice"), bob = user("Bob");
  Channel town = channel(alice, "Town Hall");
  ok(chat->channels().join(bob, town.id));
  ok(chat->messages().send(bob, town.id, "Hey there!"));
  ok(chat->messages().send(alice, town.id, "Hello Bob!"));
  ok(chat->messages().send(bob, town.id, "How are you?"));
  EXPECT_EQ(ok(chat->channels().find(town.id)).message_count, 3);
  auto page = ok(chat->messages().history(alice, town.id, "", 50));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].text, "How are you?");
  EXPECT_EQ(page.items[2].text, "Hey there!");
  EXPECT_EQ(page.items[0].user_name, "Bob");
  EXPECT_TRUE(page.next_cursor.empty());
}

TEST_F(ChatServiceTest, AHundredSendsInOneMillisecondKeepTheirOrder) {
  User alice = user("Alice");
  Channel town = channel(alice, "Town Hall");
  for (int i = 0; i < 100; ++i) ok(chat->messages().send(alice, town.id, "m" + std::to_string(i)));
  auto page = ok(chat->messages().after(alice, town.id, "", 100));
  ASSERT_EQ(page.items.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(page.items[i].text, "m" + std::to_string(i));
}

TEST_F(ChatServiceTest, PagingThroughAThousandMessagesHasNoGapOrRepeat) {
  User alice = user("Alice");
  Channel town = channel(alice, "Town Hall");
  for (int i = 0; i < 1000; ++i) {
    if (i % 7 == 0) ++now_ms;
    ok(chat->messages().send(alice, town.id, std::to_string(i)));
  }
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = ok(chat->messages().history(alice, town.id, cursor, 64));
    for (const auto& m : page.items) seen.push_back(m.text);
    cursor = page.next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 100);
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[i], std::to_string(999 - i));

  // Catching up forward from any point sees exactly the rest.
  std::vector<std::string> forward;
  std::string after;
  do {
    auto page = ok(chat->messages().after(alice, town.id, after, 100));
    for (const auto& m : page.items) forward.push_back(m.text);
    after = page.next_cursor;
  } while (!after.empty());
  ASSERT_EQ(forward.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(forward[i], std::to_string(i));
}

TEST_F(ChatServiceTest, RetriedSendWithClientIdIsNotDoubled) {
  User alice = user("Alice");
  Channel town = channel(alice, "Town Hall");
  auto first = ok(chat->messages().send(alice, town.id, "once", "client-1"));
  auto again = ok(chat->messages().send(alice, town.id, "once", "client-1"));
  EXPECT_FALSE(first.duplicate);
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(first.message.id, again.message.id);
  EXPECT_EQ(ok(chat->channels().find(town.id)).message_count, 1);
  EXPECT_EQ(ok(chat->messages().history(alice, town.id, "", 10)).items.size(), 1u);
}

TEST_F(ChatServiceTest, EditAndDeleteOwnMessagesOnly) {
  User alice = user("Alice"), bob = user("Bob");
  Channel town = channel(alice, "Town Hall");
  ok(chat->channels().join(bob, town.id));
  auto sent = ok(chat->messages().send(alice, town.id, "typo")).message;
  ok(chat->messages().send(bob, town.id, "reply"));
  EXPECT_EQ(chat->messages().edit(bob, town.id, sent.id, "hacked").error().code, Code::kPermissionDenied);
  EXPECT_EQ(chat->messages().remove(bob, town.id, sent.id).error().code, Code::kPermissionDenied);
  auto edited = ok(chat->messages().edit(alice, town.id, sent.id, "fixed"));
  EXPECT_EQ(edited.text, "fixed");
  EXPECT_GT(edited.edited_at_ms, 0);
  auto removed = ok(chat->messages().remove(alice, town.id, sent.id));
  EXPECT_TRUE(removed.deleted);
  EXPECT_EQ(removed.text, "");
  EXPECT_EQ(chat->messages().remove(alice, town.id, sent.id).error().code, Code::kNotFound);
  EXPECT_EQ(chat->messages().edit(alice, town.id, sent.id, "again").error().code, Code::kNotFound);
  EXPECT_EQ(ok(chat->channels().find(town.id)).message_count, 1);
  auto page = ok(chat->messages().history(alice, town.id, "", 10));
  ASSERT_EQ(page.items.size(), 2u);  // the tombstone keeps its place
  EXPECT_TRUE(page.items[1].deleted);
}

TEST_F(ChatServiceTest, RenameKeepsCountersAndFollowsOntoMemberships) {
  User alice = user("Alice"), bob = user("Bob");
  Channel town = channel(alice, "Town Hall");
  ok(chat->channels().join(bob, town.id));
  ok(chat->messages().send(bob, town.id, "hi"));
  EXPECT_EQ(chat->channels().update(bob, town.id, "Mine", std::nullopt).error().code,
            Code::kPermissionDenied);
  auto renamed =
      ok(chat->channels().update(alice, town.id, std::string_view("Agora"), std::string_view("News")));
  EXPECT_EQ(renamed.name, "Agora");
  EXPECT_EQ(renamed.user_count, 2);
  EXPECT_EQ(renamed.message_count, 1);
  auto bobs = ok(chat->channels().channels_of(bob, "", 10));
  ASSERT_EQ(bobs.items.size(), 1u);
  EXPECT_EQ(bobs.items[0].channel_name, "Agora");
  auto found = ok(chat->channels().list_public("ag", "", 10));
  ASSERT_EQ(found.items.size(), 1u);
  EXPECT_TRUE(ok(chat->channels().list_public("town", "", 10)).items.empty());
}

TEST_F(ChatServiceTest, PrivateChannelsAreForMembersOnly) {
  User alice = user("Alice"), bob = user("Bob"), eve = user("Eve");
  Channel secret = channel(alice, "Secret", true);
  EXPECT_EQ(chat->channels().get(eve, secret.id).error().code, Code::kNotFound);
  EXPECT_EQ(chat->channels().join(eve, secret.id).error().code, Code::kNotFound);
  EXPECT_EQ(chat->messages().history(eve, secret.id, "", 10).error().code, Code::kNotFound);
  EXPECT_EQ(chat->channels().add_member(eve, secret.id, eve).error().code, Code::kNotFound);
  EXPECT_TRUE(ok(chat->channels().add_member(alice, secret.id, bob)));
  ok(chat->messages().send(bob, secret.id, "psst"));
  EXPECT_EQ(ok(chat->messages().history(bob, secret.id, "", 10)).items.size(), 1u);
  EXPECT_TRUE(ok(chat->channels().list_public("", "", 10)).items.empty());
}

TEST_F(ChatServiceTest, ChannelsOfUserArePaged) {
  User alice = user("Alice");
  for (int i = 0; i < 7; ++i) channel(alice, "c" + std::to_string(i));
  std::set<std::string> ids;
  std::string cursor;
  do {
    auto page = ok(chat->channels().channels_of(alice, cursor, 3));
    EXPECT_LE(page.items.size(), 3u);
    for (const auto& m : page.items) EXPECT_TRUE(ids.insert(m.channel_id).second);
    cursor = page.next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(chat->channels().channels_of(alice, "garbage!", 3).error().code, Code::kInvalidArgument);
}

TEST_F(ChatServiceTest, ReadMarkersAndUnreadCounts) {
  User alice = user("Alice"), bob = user("Bob");
  Channel town = channel(alice, "Town Hall");
  ok(chat->channels().join(bob, town.id));
  std::vector<Message> sent;
  sent.reserve(5);
  for (int i = 0; i < 5; ++i) sent.push_back(ok(chat->messages().send(alice, town.id, "m")).message);
  EXPECT_EQ(ok(chat->messages().unread_count(bob, town.id)), 5);
  EXPECT_EQ(ok(chat->messages().unread_count(alice, town.id)), 0);  // one's own messages are read
  ASSERT_TRUE(chat->channels().mark_read(bob, town.id, sent[2].id).ok());
  EXPECT_EQ(ok(chat->messages().unread_count(bob, town.id)), 2);
  ASSERT_TRUE(chat->channels().mark_read(bob, town.id, sent[0].id).ok());  // never moves back
  EXPECT_EQ(ok(chat->messages().unread_count(bob, town.id)), 2);
  ok(chat->messages().remove(alice, town.id, sent[4].id));
  EXPECT_EQ(ok(chat->messages().unread_count(bob, town.id)), 1);

  // Several at once, as the sidebar asks: a channel left since counts 0.
  Channel square = channel(alice, "Square");
  Channel left = channel(alice, "Left behind");
  ok(chat->channels().join(bob, square.id));
  ok(chat->channels().join(bob, left.id));
  ok(chat->messages().send(alice, square.id, "x"));
  ok(chat->messages().send(alice, left.id, "y"));
  ok(chat->channels().leave(bob, left.id));
  auto unread_counts = [&](const std::vector<std::string>& ids) {
    std::vector<int64_t> counts;
    for (const auto& state : ok(chat->messages().read_states(bob, ids))) counts.push_back(state.unread);
    return counts;
  };
  EXPECT_EQ(unread_counts({town.id, square.id, left.id}), (std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(unread_counts({}), std::vector<int64_t>{});
}

TEST_F(ChatServiceTest, ReactionsAreIdempotentAndFollowTheMessage) {
  User alice = user("Alice"), bob = user("Bob"), eve = user("Eve");
  Channel town = channel(alice, "Reactions");
  ok(chat->channels().join(bob, town.id));
  Message m = ok(chat->messages().send(alice, town.id, "ship it?")).message;
  auto& messages = chat->messages();
  // Reacting is posting: a reader of a public channel joins first.
  EXPECT_EQ(messages.react(eve, town.id, m.id, "👍", true).error().code, Code::kPermissionDenied);
  Message after = ok(messages.react(bob, town.id, m.id, "👍", true));
  ASSERT_EQ(after.reactions.size(), 1u);
  EXPECT_EQ(after.reactions[0].emoji, "👍");
  EXPECT_EQ(after.reactions[0].user_ids, std::vector<std::string>{bob.id});
  ok(messages.react(bob, town.id, m.id, "👍", true));  // a retry counts once
  after = ok(messages.react(alice, town.id, keys::public_message_id(m.id), "👍", true));  // either id form
  EXPECT_EQ(after.reactions[0].user_ids.size(), 2u);
  after = ok(messages.react(alice, town.id, m.id, ":shipit:", true));
  EXPECT_EQ(after.reactions.size(), 2u);
  // History carries them.
  auto page = ok(messages.history(bob, town.id, "", 10));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].reactions.size(), 2u);
  // Removing: idempotent too; the last user's removal drops the emoji.
  after = ok(messages.react(alice, town.id, m.id, ":shipit:", false));
  after = ok(messages.react(alice, town.id, m.id, ":shipit:", false));
  EXPECT_EQ(after.reactions.size(), 1u);
  // Bad input and deleted messages write nothing.
  EXPECT_EQ(messages.react(bob, town.id, m.id, "thumbs up", true).error().code, Code::kInvalidArgument);
  EXPECT_EQ(messages.react(bob, town.id, "1700000000_nope", "👍", true).error().code, Code::kNotFound);
  ok(messages.remove(alice, town.id, m.id));
  EXPECT_EQ(messages.react(bob, town.id, m.id, "🎉", true).error().code, Code::kFailedPrecondition);
  // A private channel's messages are not there for outsiders.
  Channel secret = ok(chat->channels().create(alice, "Secret reactions", "", true));
  Message s = ok(chat->messages().send(alice, secret.id, "hush")).message;
  EXPECT_EQ(messages.react(eve, secret.id, s.id, "👍", true).error().code, Code::kNotFound);
}

TEST_F(ChatServiceTest, ReadsWhatTheNotebookWrote) {
  // Items exactly as the notebook's cells write them.
  auto put = [&](ddb::AttributeMap item) {
    ddb::PutItemRequest request;
    request.table_name = table;
    request.item = std::move(item);
    ASSERT_TRUE(db->put_item(request).ok());
  };
  using items::N;
  using items::S;
  put({{"PK", S("USER#12")}, {"SK", S("USER#12")}, {"Name", S("Alice")}, {"Mail", S("alice@mail.com")}});
  put({{"PK", S("CHAN#7")},
       {"SK", S("CHAN#7")},
       {"Name", S("Town Hall")},
       {"Desc", S("General News")},
       {"UserCount", N(1)},
       {"MessageCount", N(1)}});
  put({{"PK", S("CHAN#7")},
       {"SK", S("USERJ#12")},
       {"Name", S("Alice")},
       {"JoinedAt", S("2026-11-28")},
       {"GSI1PK", S("USER#12")},
       {"GSI1SK", S("CHAN#7")},
       {"ChanName", S("Town Hall")}});
  int64_t second = now_ms / 1000;
  put({{"PK", S("CHAN#7")},
       {"SK", S("MSG#" + std::to_string(second) + "#0f8fad5b-d9cb-469f-a165-70867728950e")},
       {"Msg", S("from the notebook")},
       {"CreatedAt", N(second)},
       {"UserName", S("Alice")},
       {"UserId", S("USER#12")}});
  User alice = ok(chat->accounts().find_user("USER#12"));
  EXPECT_EQ(alice.email, "alice@mail.com");
  Channel town = ok(chat->channels().find("CHAN#7"));
  EXPECT_EQ(town.user_count, 1);
  now_ms += 1000;
  ok(chat->messages().send(alice, "7", "from townhall"));
  auto page = ok(chat->messages().history(alice, "7", "", 10));
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].text, "from townhall");
  EXPECT_EQ(page.items[1].text, "from the notebook");
  EXPECT_EQ(page.items[1].created_at_ms, second * 1000);
  EXPECT_EQ(ok(chat->channels().find("7")).message_count, 2);
  auto mine = ok(chat->channels().channels_of(alice, "", 10));
  ASSERT_EQ(mine.items.size(), 1u);
  EXPECT_EQ(mine.items[0].channel_name, "Town Hall");
}

TEST_F(ChatServiceTest, RejectsBadInput) {
  User alice = user("Alice");
  Channel town = channel(alice, "Town Hall");
  EXPECT_EQ(chat->messages().send(alice, town.id, "").error().code, Code::kInvalidArgument);
  EXPECT_EQ(chat->messages().send(alice, town.id, std::string(4097, 'x')).error().code,
            Code::kInvalidArgument);
  EXPECT_TRUE(chat->messages().send(alice, town.id, std::string(4096, 'x')).ok());
  EXPECT_EQ(chat->messages().send(alice, town.id, "\xff\xfe").error().code, Code::kInvalidArgument);
  EXPECT_EQ(chat->messages().send(alice, town.id, "ok", "bad id!").error().code, Code::kInvalidArgument);
  EXPECT_EQ(chat->channels().create(alice, "", "", false).error().code, Code::kInvalidArgument);
  EXPECT_EQ(chat->accounts().sign_up("X", "not-an-email", "password1").error().code, Code::kInvalidArgument);
  EXPECT_EQ(chat->accounts().sign_up("X", "x@y.com", "short").error().code, Code::kInvalidArgument);
  EXPECT_EQ(chat->messages().history(alice, town.id, "!!", 10).error().code, Code::kInvalidArgument);
  EXPECT_EQ(chat->messages().after(alice, town.id, "nope", 10).error().code, Code::kInvalidArgument);
}

TEST_F(ChatServiceTest, ConcurrentSendsAllCount) {
  User alice = user("Alice");
  Channel town = channel(alice, "Town Hall");
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) ASSERT_TRUE(chat->messages().send(alice, town.id, "x").ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok(chat->channels().find(town.id)).message_count, 200);
  auto page = ok(chat->messages().after(alice, town.id, "", 100));
  std::set<std::string> ids;
  for (const auto& m : page.items) ids.insert(m.id);
  EXPECT_EQ(ids.size(), 100u);
}

}  // namespace
}  // namespace townhall::chat
