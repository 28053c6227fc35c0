#include "chat/threads.h"

#include <gtest/gtest.h>

#include "chat/chat_test_support.h"
#include "chat/keys.h"

namespace townhall::chat {
namespace {

using testing::ChatFixture;
using testing::code_of;
using testing::ok;

class ThreadTest : public ::testing::Test, public ChatFixture {
 protected:
  Message reply(const User& who, const Channel& in, const Message& to, const std::string& text,
                bool also_in_channel = false, std::string_view client_id = {}) {
    return ok(chat->messages().send(who, in.id, text,
                                    MessageService::SendOptions{client_id, to.id, also_in_channel}))
        .message;
  }
};

TEST_F(ThreadTest, RepliesAreListedInOrderAndCountedOnTheRoot) {
  User alice = user("Alice"), bob = user("Bob");
  Channel general = channel(alice, "general");
  ok(chat->channels().join(bob, general.id));
  Message root = ok(chat->messages().send(alice, general.id, "shall we ship?")).message;
  now_ms += 1000;
  Message first = reply(bob, general, root, "yes");
  now_ms += 1000;
  Message second = reply(alice, general, root, "ok, shipping");
  EXPECT_EQ(first.thread_root, root.id);

  auto thread = ok(chat->messages().thread(bob, general.id, keys::public_message_id(root.id), "", 50));
  EXPECT_EQ(thread.root.id, root.id);
  EXPECT_EQ(thread.root.reply_count, 2);
  EXPECT_EQ(thread.root.last_reply_at_ms, second.created_at_ms);
  ASSERT_EQ(thread.replies.items.size(), 2u);
  EXPECT_EQ(thread.replies.items[0].text, "yes");
  EXPECT_EQ(thread.replies.items[1].text, "ok, shipping");
  EXPECT_TRUE(thread.replies.next_cursor.empty());

  // A reply's id opens its root's thread; a reply to a reply joins the root's thread.
  Message nested = reply(bob, general, first, "(to the reply)");
  EXPECT_EQ(nested.thread_root, root.id);
  EXPECT_EQ(ok(chat->messages().thread(bob, general.id, first.id, "", 50)).replies.items.size(), 3u);
}

TEST_F(ThreadTest, TheChannelShowsOnlyRootsAndRepliesSentToIt) {
  User alice = user("Alice"), bob = user("Bob");
  Channel general = channel(alice, "general");
  ok(chat->channels().join(bob, general.id));
  Message root = ok(chat->messages().send(alice, general.id, "root")).message;
  reply(bob, general, root, "only in the thread");
  reply(bob, general, root, "also in the channel", true);
  std::vector<std::string> texts;
  for (const auto& message : ok(chat->messages().history(alice, general.id, "", 50)).items)
    texts.push_back(message.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"also in the channel", "root"}));
  // Unread counts the same way: the root is Alice's own, one reply went to the channel.
  EXPECT_EQ(ok(chat->messages().unread_count(alice, general.id)), 1);
  // Catching up brings every reply, marked, so an open thread resumes too.
  auto missed = ok(chat->messages().after(alice, general.id, root.id, 50));
  ASSERT_EQ(missed.items.size(), 2u);
  EXPECT_EQ(missed.items[0].thread_root, root.id);
  EXPECT_FALSE(missed.items[0].also_in_channel);
  EXPECT_TRUE(missed.items[1].also_in_channel);
  EXPECT_EQ(ok(chat->channels().find(general.id)).message_count, 3);
}

TEST_F(ThreadTest, RepliesAreMessages) {
  User alice = user("Alice"), bob = user("Bob");
  Channel general = channel(alice, "general");
  ok(chat->channels().join(bob, general.id));
  Message root = ok(chat->messages().send(alice, general.id, "root")).message;
  Message first = reply(bob, general, root, "frist", false, "cmid-1");
  // A retried reply with the same client id is not doubled.
  auto retried = ok(
      chat->messages().send(bob, general.id, "frist", MessageService::SendOptions{"cmid-1", root.id, false}));
  EXPECT_TRUE(retried.duplicate);
  EXPECT_EQ(retried.message.id, first.id);
  EXPECT_EQ(ok(chat->messages().edit(bob, general.id, first.id, "first")).text, "first");
  EXPECT_EQ(ok(chat->messages().react(alice, general.id, first.id, "👍", true)).reactions.size(), 1u);
  Message second = reply(alice, general, root, "second");
  ok(chat->messages().remove(alice, general.id, second.id));
  auto thread = ok(chat->messages().thread(alice, general.id, root.id, "", 50));
  EXPECT_EQ(thread.root.reply_count, 1);
  ASSERT_EQ(thread.replies.items.size(), 2u);  // the tombstone keeps its place
  EXPECT_TRUE(thread.replies.items[1].deleted);
}

TEST_F(ThreadTest, PagesHaveNoGapOrRepeat) {
  User alice = user("Alice");
  Channel general = channel(alice, "general");
  Message root = ok(chat->messages().send(alice, general.id, "root")).message;
  for (int i = 0; i < 25; ++i) reply(alice, general, root, "reply " + std::to_string(i));
  std::vector<std::string> seen;
  std::string cursor;
  do {
    auto page = ok(chat->messages().thread(alice, general.id, root.id, cursor, 10));
    for (const auto& message : page.replies.items) seen.push_back(message.text);
    cursor = page.replies.next_cursor;
  } while (!cursor.empty());
  ASSERT_EQ(seen.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(seen[i], "reply " + std::to_string(i));
}

TEST_F(ThreadTest, RefusedRepliesAndOutsiders) {
  User alice = user("Alice"), bob = user("Bob"), eve = user("Eve");
  Channel general = channel(alice, "general");
  Channel secret = channel(alice, "secret", true);
  Message root = ok(chat->messages().send(alice, general.id, "root")).message;
  Message hidden = ok(chat->messages().send(alice, secret.id, "hidden")).message;
  // Not a member of the public channel: may read the thread, not reply.
  EXPECT_EQ(ok(chat->messages().thread(bob, general.id, root.id, "", 50)).root.id, root.id);
  EXPECT_EQ(
      code_of(chat->messages().send(bob, general.id, "x", MessageService::SendOptions{{}, root.id, false})),
      Code::kPermissionDenied);
  // A private channel's thread does not exist for outsiders.
  EXPECT_EQ(code_of(chat->messages().thread(eve, secret.id, hidden.id, "", 50)), Code::kNotFound);
  EXPECT_EQ(
      code_of(chat->messages().send(eve, secret.id, "x", MessageService::SendOptions{{}, hidden.id, false})),
      Code::kNotFound);
  // No such root; a deleted root.
  EXPECT_EQ(code_of(chat->messages().send(
                alice, general.id, "x",
                MessageService::SendOptions{{}, "1764300000_0000000000000000000-0000", false})),
            Code::kNotFound);
  ok(chat->messages().remove(alice, general.id, root.id));
  EXPECT_EQ(
      code_of(chat->messages().send(alice, general.id, "x", MessageService::SendOptions{{}, root.id, false})),
      Code::kFailedPrecondition);
  EXPECT_EQ(ok(chat->channels().find(general.id)).message_count, 0);  // nothing half-written
}

}  // namespace
}  // namespace townhall::chat
