// Search through the chat on the embedded engine: the indexer follows the
// table's stream, and every search is asked as a reader would.
#include "search/search_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "chat/chat_test_support.h"
#include "search/query.h"

namespace townhall::search {
namespace {

using chat::testing::ChatFixture;
using chat::testing::code_of;
using chat::testing::ok;

bool eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

struct SearchFixture : ChatFixture, ::testing::Test {
  SearchFixture() {
    index = ok(MessageIndex::open(":memory:"));
    indexer = std::make_unique<Indexer>(*db, table, *index, IndexerOptions{std::chrono::milliseconds(20)});
    EXPECT_TRUE(indexer->start().ok());
    EXPECT_TRUE(eventually([this] { return indexer->ready(); }));
    search = std::make_unique<SearchService>(*chat, *index, indexer.get());
  }
  ~SearchFixture() override { indexer->stop(); }

  chat::Message send(const chat::User& who, const chat::Channel& where, const std::string& text) {
    now_ms += 1000;
    return ok(chat->messages().send(who, where.id, text)).message;
  }
  std::vector<std::string> texts(const chat::User& who, const std::string& query,
                                 const std::string& channel = "") {
    SearchRequest request;
    request.query = query;
    request.channel_id = channel;
    auto results = ok(search->search(who, request));
    std::vector<std::string> out;
    for (const auto& hit : results.hits) out.push_back(hit.message.text);
    return out;
  }

  std::unique_ptr<MessageIndex> index;
  std::unique_ptr<Indexer> indexer;
  std::unique_ptr<SearchService> search;
};

using Texts = std::vector<std::string>;

TEST_F(SearchFixture, FindsWordsInAnyOrderAccentsFoldedAndTheLastWordAsAPrefix) {
  auto alice = user("Alice");
  auto general = channel(alice, "general");
  send(alice, general, "Deploying the café server tonight");
  send(alice, general, "lunch anyone?");
  EXPECT_EQ(texts(alice, "server deploy"), Texts{"Deploying the café server tonight"});
  EXPECT_EQ(texts(alice, "deploy server"), Texts{});  // only the last word is a prefix
  EXPECT_EQ(texts(alice, "cafe"), Texts{"Deploying the café server tonight"});
  EXPECT_EQ(texts(alice, "lun"), Texts{"lunch anyone?"});
  EXPECT_EQ(texts(alice, "\"server deploying\""), Texts{});
  EXPECT_EQ(texts(alice, "\"café server\""), Texts{"Deploying the café server tonight"});
}

TEST_F(SearchFixture, ANonMemberNeverSeesAPrivateConversationsHitsSnippetsOrCounts) {
  auto alice = user("Alice"), bob = user("Bob"), carol = user("Carol");
  auto general = channel(alice, "general");
  ok(chat->channels().join(bob, general.id));
  auto secret = channel(alice, "secret", true);
  auto dm = ok(chat->channels().open_conversation(alice, {carol})).channel;
  send(alice, general, "rollout plan is public");
  send(alice, secret, "rollout of the secret launch");
  send(carol, dm, "rollout gossip between us");

  EXPECT_EQ(texts(alice, "rollout").size(), 3u);
  EXPECT_EQ(texts(carol, "rollout"), Texts{"rollout gossip between us"});
  EXPECT_EQ(texts(bob, "rollout"), Texts{"rollout plan is public"});
  EXPECT_EQ(texts(bob, "secret launch"), Texts{});
  // Naming the private channel tells nothing: the same answer as a channel that does not exist.
  SearchRequest request;
  request.query = "rollout in:#secret";
  auto named = search->search(bob, request);
  ASSERT_FALSE(named.ok());
  request.query = "rollout in:#nosuchchannel";
  auto missing = search->search(bob, request);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(named.error().code, missing.error().code);
  EXPECT_EQ(named.error().message, "in:#secret: no such channel that you can read");
  EXPECT_EQ(missing.error().message, "in:#nosuchchannel: no such channel that you can read");
  // By id, as on every other route: NotFound.
  request.query = "rollout";
  request.channel_id = secret.id;
  EXPECT_EQ(code_of(search->search(bob, request)), chat::Code::kNotFound);
  request.channel_id = dm.id;
  EXPECT_EQ(code_of(search->search(bob, request)), chat::Code::kNotFound);
  // A filter on the author does not open it either.
  EXPECT_EQ(texts(bob, "from:@Alice"), Texts{"rollout plan is public"});
}

TEST_F(SearchFixture, LeavingAPrivateChannelEndsItsHits) {
  auto alice = user("Alice"), bob = user("Bob");
  auto secret = channel(alice, "secret", true);
  ok(chat->channels().add_member(alice, secret.id, bob));
  send(alice, secret, "quarterly numbers");
  EXPECT_EQ(texts(bob, "quarterly"), Texts{"quarterly numbers"});
  ok(chat->channels().leave(bob, secret.id));
  EXPECT_EQ(texts(bob, "quarterly"), Texts{});
}

TEST_F(SearchFixture, EditsAndDeletesAreReflectedAtOnce) {
  auto alice = user("Alice");
  auto general = channel(alice, "general");
  auto message = send(alice, general, "the build is green");
  EXPECT_EQ(texts(alice, "green"), Texts{"the build is green"});
  ok(chat->messages().edit(alice, general.id, message.id, "the build is red", nullptr));
  EXPECT_EQ(texts(alice, "green"), Texts{});
  EXPECT_EQ(texts(alice, "red"), Texts{"the build is red"});
  ok(chat->messages().react(alice, general.id, message.id, "👍", true));  // not a word change
  EXPECT_EQ(texts(alice, "red"), Texts{"the build is red"});
  ok(chat->messages().remove(alice, general.id, message.id));
  EXPECT_EQ(texts(alice, "red"), Texts{});
  EXPECT_EQ(texts(alice, "build"), Texts{});
}

TEST_F(SearchFixture, FiltersNarrowTheSearch) {
  auto alice = user("Alice"), bob = user("Bob");
  auto general = channel(alice, "general");
  auto ops = channel(alice, "ops");
  ok(chat->channels().join(bob, general.id));
  ok(chat->channels().join(bob, ops.id));
  auto dm = ok(chat->channels().open_conversation(alice, {bob})).channel;
  now_ms = *day_start_ms("2026-11-10");
  send(alice, general, "release notes draft");
  now_ms = *day_start_ms("2026-11-20");
  send(bob, ops, "release is out, see https://example.com/notes");
  send(bob, dm, "release party?");

  EXPECT_EQ(texts(alice, "release from:@bob in:#ops"),
            Texts{"release is out, see https://example.com/notes"});
  EXPECT_EQ(texts(alice, "release in:@Bob"), Texts{"release party?"});
  EXPECT_EQ(texts(alice, "has:link"), Texts{"release is out, see https://example.com/notes"});
  EXPECT_EQ(texts(alice, "release before:2026-11-15"), Texts{"release notes draft"});
  EXPECT_EQ(texts(alice, "release after:2026-11-15").size(), 2u);
  EXPECT_EQ(texts(alice, "release in:#general in:#ops").size(), 2u);
  EXPECT_EQ(texts(alice, "release", general.id), Texts{"release notes draft"});
  EXPECT_EQ(texts(alice, "has:file"), Texts{});
  SearchRequest request;
  request.query = "from:@nobody";
  EXPECT_EQ(code_of(search->search(alice, request)), chat::Code::kInvalidArgument);
}

TEST_F(SearchFixture, NewestFirstPagedWithoutRepeats) {
  auto alice = user("Alice");
  auto general = channel(alice, "general");
  for (int i = 0; i < 25; ++i) send(alice, general, "status update " + std::to_string(i));
  SearchRequest request;
  request.query = "status";
  request.limit = 10;
  std::vector<std::string> seen;
  for (int page = 0; page < 4; ++page) {
    auto results = ok(search->search(alice, request));
    for (const auto& hit : results.hits) seen.push_back(hit.message.text);
    if (results.next_cursor.empty()) break;
    request.cursor = results.next_cursor;
  }
  ASSERT_EQ(seen.size(), 25u);
  for (int i = 0; i < 25; ++i)
    EXPECT_EQ(seen[static_cast<size_t>(i)], "status update " + std::to_string(24 - i));
  request.cursor = "bogus";
  EXPECT_EQ(code_of(search->search(alice, request)), chat::Code::kInvalidArgument);
  // Best match first, paged by position.
  send(alice, general, "status status status");
  request.cursor.clear();
  request.by_relevance = true;
  auto best = ok(search->search(alice, request));
  ASSERT_FALSE(best.hits.empty());
  EXPECT_EQ(best.hits[0].message.text, "status status status");
  EXPECT_EQ(best.next_cursor, "r10");
}

TEST_F(SearchFixture, SnippetsMarkTheMatchedWords) {
  auto alice = user("Alice");
  auto general = channel(alice, "general");
  send(alice, general, "please <b>review</b> the deployment");
  SearchRequest request;
  request.query = "deploy";
  auto results = ok(search->search(alice, request));
  ASSERT_EQ(results.hits.size(), 1u);
  const auto& hit = results.hits[0];
  EXPECT_EQ(hit.channel_name, "general");
  EXPECT_EQ(hit.message.user_name, "Alice");
  ASSERT_EQ(hit.snippet.size(), 2u);
  EXPECT_EQ(hit.snippet[0], (SnippetPart{"please <b>review</b> the ", false}));
  EXPECT_EQ(hit.snippet[1], (SnippetPart{"deployment", true}));
}

TEST_F(SearchFixture, ANodeStartingLaterBuildsItsIndexFromTheTable) {
  auto alice = user("Alice");
  auto general = channel(alice, "general");
  auto first = send(alice, general, "alpha one");
  send(alice, general, "alpha two");
  ok(chat->messages().remove(alice, general.id, first.id));
  auto other = ok(MessageIndex::open(":memory:"));
  Indexer later(*db, table, *other);
  ASSERT_TRUE(later.start().ok());
  ASSERT_TRUE(eventually([&later] { return later.ready(); }));
  SearchService search_later(*chat, *other, &later);
  SearchRequest request;
  request.query = "alpha";
  auto results = ok(search_later.search(alice, request));
  ASSERT_EQ(results.hits.size(), 1u);
  EXPECT_EQ(results.hits[0].message.text, "alpha two");
  later.stop();
}

TEST_F(SearchFixture, AnIndexFileGoesOnFromItsPositionAfterARestart) {
  auto alice = user("Alice");
  auto general = channel(alice, "general");
  std::string dir = ::testing::TempDir() + "search-restart-" + table;
  std::filesystem::create_directories(dir);
  std::string path = dir + "/search.sqlite";
  {
    auto file = ok(MessageIndex::open(path));
    Indexer first(*db, table, *file);
    ASSERT_TRUE(first.start().ok());
    ASSERT_TRUE(eventually([&first] { return first.ready(); }));
    send(alice, general, "before the restart");
    ASSERT_TRUE(first.catch_up().ok());
    first.stop();
  }
  send(alice, general, "while it was down");
  auto file = ok(MessageIndex::open(path));
  Indexer second(*db, table, *file);
  ASSERT_TRUE(second.start().ok());
  EXPECT_TRUE(second.ready());  // went on from its position: no rebuild
  EXPECT_EQ(second.rebuilt_messages(), 0);
  SearchService again(*chat, *file, &second);
  SearchRequest request;
  request.query = "the";
  EXPECT_EQ(ok(again.search(alice, request)).hits.size(), 1u);
  request.query = "down";
  EXPECT_EQ(ok(again.search(alice, request)).hits.size(), 1u);
  second.stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace townhall::search
