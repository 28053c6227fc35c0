#!/usr/bin/python3
"""Threads as their people have them, over REST, WebSocket and the CLI
(AP30): replies count on their root (reply_count, last_reply_at_ms,
last_reply_id) and list oldest first, paged with no gap and no repeat; a
reply to a reply joins the root's thread; the channel's history and unread
counts leave thread-only replies out and keep those also sent to the channel,
while catching up (?after=, the WebSocket replay) brings every reply; a retried
reply (same client_message_id) is not doubled; a reply is edited, deleted
(its root counts one fewer) and reacted to like any message; a deleted root
refuses replies (409); an outsider of a private channel learns nothing of a
thread from any route, frame or command; replies arrive live on the
channel's subscription and, after a reconnect, exactly once; the `send` frame
replies too. Every REST answer is validated against src/api/openapi.json."""
import asyncio
import json
import os
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import chat_client  # noqa: E402
import townhall  # noqa: E402
from chat_client import (  # noqa: E402
    UNLIMITED, ChatUser, chat_cli, quiet_for, receive_until, subscribe, unlimited_server)
from openapi_check import OpenApiChecker  # noqa: E402

SERVER = None
CHECKER = None
# Well-formed ids nobody has: what "does not exist" answers look like.
ABSENT_CHANNEL = "nosuchchan01"
ABSENT_MESSAGE = "1700000000_0000000000000000000-0000"
BEFORE_EVERYTHING = "0000000000_0"


def setUpModule():
    global SERVER, CHECKER
    SERVER = unlimited_server()
    CHECKER = OpenApiChecker()


def tearDownModule():
    SERVER.__exit__(None, None, None)


def table_form(message_id):
    """The table's form of a URL-safe message id ('<seconds>#<...>')."""
    return message_id.replace("_", "#", 1)


class User(ChatUser):
    """Someone who signed up on this module's server; every answer is checked against openapi.json."""

    def __init__(self, name, server=None):
        super().__init__(server or SERVER, name, check=CHECKER.check)

    def join(self, channel):
        r = self.call("POST", "/api/channels/%s/join" % channel)
        assert r.status_code == 200, r.text

    def add(self, channel, user):
        r = self.call("POST", "/api/channels/%s/members" % channel, json={"user_id": user.id})
        assert r.status_code == 200 and r.json()["added"], r.text

    def post(self, channel, text, **fields):
        """POST .../messages with any extra fields (thread_root, also_in_channel, client_message_id)."""
        return self.call("POST", "/api/channels/%s/messages" % channel, json=dict(text=text, **fields))

    def send(self, channel, text, **fields):
        r = self.post(channel, text, **fields)
        assert r.status_code == 201, r.text
        assert r.json()["duplicate"] is False, r.text
        return r.json()["message"]

    def reply(self, channel, root, text, **fields):
        return self.send(channel, text, thread_root=root, **fields)

    def get_thread(self, channel, message_id, **params):
        return self.call("GET", "/api/channels/%s/messages/%s/thread" % (channel, urllib.parse.quote(message_id, safe="")),
                         params=params)

    def thread(self, channel, message_id, **params):
        r = self.get_thread(channel, message_id, **params)
        assert r.status_code == 200, r.text
        return r.json()

    def whole_thread(self, channel, message_id, limit=100):
        """Every page of a thread: (root, replies, pages' sizes)."""
        replies, sizes, cursor = [], [], ""
        while True:
            page = self.thread(channel, message_id, limit=limit, cursor=cursor)
            replies += page["replies"]
            sizes.append(len(page["replies"]))
            if page["next_cursor"] is None:
                return page["root"], replies, sizes
            cursor = page["next_cursor"]

    def history(self, channel, limit=100):
        """The channel as its history shows it (every page, newest first)."""
        messages, cursor = [], ""
        while True:
            r = self.call("GET", "/api/channels/%s/messages" % channel, params={"limit": limit, "cursor": cursor})
            assert r.status_code == 200, r.text
            messages += r.json()["messages"]
            if r.json()["next_cursor"] is None:
                return messages
            cursor = r.json()["next_cursor"]

    def after(self, channel, after=BEFORE_EVERYTHING):
        """What a client catching up after `after` reads (every page, oldest first)."""
        messages = []
        while True:
            r = self.call("GET", "/api/channels/%s/messages" % channel, params={"after": after, "limit": 100})
            assert r.status_code == 200, r.text
            messages += r.json()["messages"]
            if r.json()["next_cursor"] is None:
                return messages
            after = r.json()["next_cursor"]

    def message(self, channel, message_id):
        """One message as catching up reads it (replies included)."""
        found = [m for m in self.after(channel) if m["id"] == message_id]
        assert len(found) == 1, (message_id, found)
        return found[0]

    def unread(self, channel):
        r = self.call("GET", "/api/channels/%s/unread" % channel)
        assert r.status_code == 200, r.text
        return r.json()["count"]

    def my_unread(self, channel):
        r = self.call("GET", "/api/me/channels", params={"limit": 100})
        assert r.status_code == 200, r.text
        return {c["channel_id"]: c["unread"] for c in r.json()["channels"]}[channel]


def ids(messages):
    return [m["id"] for m in messages]


def texts(messages):
    return [m["text"] for m in messages]


def error_of(r, status, code):
    assert r.status_code == status, (status, r.status_code, r.request.method, r.request.url, r.text)
    assert r.json()["error"]["code"] == code, r.text
    return r.json()["error"]


async def connect(user):
    return await chat_client.connect(user.server, user)


async def send_frame(ws, channel, text, client_message_id, **fields):
    """A `send` frame; the answer (ack or error) for its client_message_id, and the frames before it."""
    await ws.send(json.dumps(dict(type="send", channel=channel, text=text, client_message_id=client_message_id,
                                  **fields)))
    frames = await receive_until(ws, lambda f: f["type"] in ("ack", "error")
                                 and f.get("client_message_id") == client_message_id)
    return frames[-1], frames[:-1]


def created(frames):
    return [f["message"] for f in frames if f["type"] == "message.created"]


def run(coroutine):
    return asyncio.run(coroutine)


# --- 1. Replies, counts, flattening -----------------------------------------------------

class RepliesTest(unittest.TestCase):
    def setUp(self):
        self.alice, self.bob = User("Alice"), User("Bob")
        self.channel = self.alice.channel("threads")
        self.bob.join(self.channel)

    def test_replies_count_on_their_root_and_list_oldest_first(self):
        a, b, ch = self.alice, self.bob, self.channel
        before = a.send(ch, "before the root")
        root = a.send(ch, "lunch on friday?")
        for field in ("thread_root", "also_in_channel", "reply_count", "last_reply_at_ms", "last_reply_id"):
            self.assertNotIn(field, root)
        first = b.reply(ch, root["id"], "yes!")
        self.assertEqual((first["thread_root"], first["also_in_channel"]), (root["id"], False), first)
        for field in ("reply_count", "last_reply_at_ms", "last_reply_id"):
            self.assertNotIn(field, first)
        # The table's form of the root's id works as well; answers use the URL-safe one.
        second = a.reply(ch, table_form(root["id"]), "noon?")
        self.assertEqual(second["thread_root"], root["id"], second)
        # A reply to a reply joins its root's thread (threads are flat).
        third = b.reply(ch, second["id"], "noon works")
        self.assertEqual((third["thread_root"], third["also_in_channel"]), (root["id"], False), third)

        page = a.thread(ch, root["id"])
        self.assertEqual(set(page), {"root", "replies", "next_cursor"}, page)
        self.assertIsNone(page["next_cursor"])
        self.assertEqual(ids(page["replies"]), ids([first, second, third]))
        self.assertEqual(texts(page["replies"]), ["yes!", "noon?", "noon works"])
        self.assertEqual([m["user_id"] for m in page["replies"]], [b.id, a.id, b.id])
        for reply in page["replies"]:
            self.assertEqual((reply["thread_root"], reply["also_in_channel"], reply["channel_id"]),
                             (root["id"], False, ch), reply)
            self.assertNotIn("reply_count", reply)
        got = page["root"]
        self.assertEqual((got["id"], got["text"]), (root["id"], "lunch on friday?"))
        self.assertEqual((got["reply_count"], got["last_reply_at_ms"], got["last_reply_id"]),
                         (3, third["created_at_ms"], third["id"]), got)
        self.assertNotIn("thread_root", got)

        # Any reply's id opens its root's thread, in either form; so does Bob's view.
        for opener, message_id in ((a, first["id"]), (b, third["id"]), (b, table_form(second["id"])),
                                   (b, table_form(root["id"]))):
            self.assertEqual(opener.thread(ch, message_id), page, message_id)

        # The channel shows the root, with its counts, and none of the replies.
        history = b.history(ch)
        self.assertEqual(ids(history), [root["id"], before["id"]])
        self.assertEqual((history[0]["reply_count"], history[0]["last_reply_id"]), (3, third["id"]))
        # Catching up brings everything, in order, replies marked.
        caught = b.after(ch)
        self.assertEqual(ids(caught), ids([before, root, first, second, third]))
        self.assertEqual([m.get("thread_root") for m in caught], [None, None, root["id"], root["id"], root["id"]])
        self.assertEqual(b.after(ch, root["id"]), page["replies"])

    def test_a_reader_who_has_not_joined_reads_the_thread_but_may_not_reply(self):
        a, ch = self.alice, self.channel
        carol = User("Carol")
        root = a.send(ch, "public question")
        reply = self.bob.reply(ch, root["id"], "public answer")
        page = carol.thread(ch, root["id"])
        self.assertEqual(ids(page["replies"]), [reply["id"]])
        error = error_of(carol.post(ch, "me too", thread_root=root["id"]), 403, "permission_denied")
        self.assertIn("join", error["message"])
        error_of(carol.post(ch, "me too", thread_root=reply["id"], also_in_channel=True), 403, "permission_denied")
        root_now, replies, _ = a.whole_thread(ch, root["id"])
        self.assertEqual((root_now["reply_count"], ids(replies)), (1, [reply["id"]]))
        self.assertNotIn("me too", texts(a.after(ch)))

    def test_also_in_channel_shows_in_history_and_unread_counts_only_those(self):
        a, b, ch = self.alice, self.bob, self.channel
        root = a.send(ch, "release notes draft")
        r = a.call("POST", "/api/channels/%s/read" % ch, json={"message_id": root["id"]})
        self.assertEqual(r.status_code, 204, r.text)
        self.assertEqual(a.unread(ch), 0)
        quiet = b.reply(ch, root["id"], "typo in line 2")
        loud = b.reply(ch, root["id"], "shipping it tonight", also_in_channel=True)
        self.assertEqual((loud["thread_root"], loud["also_in_channel"]), (root["id"], True), loud)
        quiet_again = b.reply(ch, loud["id"], "(fixed the typo)")  # a reply to the loud one: still the root's
        self.assertEqual((quiet_again["thread_root"], quiet_again["also_in_channel"]), (root["id"], False))
        plain = b.send(ch, "anyone for coffee?")
        self.assertNotIn("thread_root", plain)

        # History: the root, the reply also sent to the channel, the plain message; newest first.
        history = a.history(ch)
        self.assertEqual(ids(history), [plain["id"], loud["id"], root["id"]])
        self.assertEqual((history[1]["thread_root"], history[1]["also_in_channel"]), (root["id"], True))
        self.assertEqual(history[2]["reply_count"], 3)
        # A small page limit: pages may hold fewer (filtered), the cursor goes on, nothing is missed.
        self.assertEqual(ids(a.history(ch, limit=1)), ids(history))
        self.assertEqual(ids(a.history(ch, limit=2)), ids(history))
        # Unread: only what the channel shows (the loud reply and the plain message).
        self.assertEqual(a.unread(ch), 2)
        self.assertEqual(a.my_unread(ch), 2)
        # The thread has all three replies, oldest first.
        _, replies, _ = a.whole_thread(ch, root["id"])
        self.assertEqual(ids(replies), ids([quiet, loud, quiet_again]))
        self.assertEqual([m["also_in_channel"] for m in replies], [False, True, False])

        # also_in_channel needs a thread_root: refused, nothing written.
        error_of(b.post(ch, "loud without a thread", also_in_channel=True), 400, "invalid_argument")
        self.assertNotIn("loud without a thread", texts(a.after(ch)))
        # also_in_channel false without a thread is an ordinary message.
        ordinary = b.send(ch, "an ordinary one", also_in_channel=False)
        self.assertNotIn("thread_root", ordinary)
        self.assertEqual(a.unread(ch), 3)

    def test_paging_a_long_thread_has_no_gap_and_no_repeat(self):
        a, b, ch = self.alice, self.bob, self.channel
        first = a.send(ch, "first")
        root = a.send(ch, "a long discussion")
        sent = [(a if i % 2 else b).reply(ch, root["id"], "reply %03d" % i) for i in range(120)]
        last = b.send(ch, "after the discussion")

        got_root, replies, sizes = a.whole_thread(ch, root["id"], limit=50)
        self.assertEqual(sizes, [50, 50, 20])
        self.assertEqual(ids(replies), ids(sent))
        self.assertEqual(len(set(ids(replies))), 120)
        self.assertEqual(texts(replies), ["reply %03d" % i for i in range(120)])
        self.assertEqual((got_root["reply_count"], got_root["last_reply_id"], got_root["last_reply_at_ms"]),
                         (120, sent[-1]["id"], sent[-1]["created_at_ms"]))
        # Opened by a reply's id, with the same cursors: the same pages.
        _, again, _ = b.whole_thread(ch, sent[77]["id"], limit=50)
        self.assertEqual(ids(again), ids(sent))
        # The default page size and the largest.
        page = a.thread(ch, root["id"])
        self.assertEqual(ids(page["replies"]), ids(sent[:50]))
        self.assertIsNotNone(page["next_cursor"])
        page = a.thread(ch, root["id"], limit=100, cursor=page["next_cursor"])
        self.assertEqual((ids(page["replies"]), page["next_cursor"]), (ids(sent[50:]), None))
        # Limits as elsewhere: above 100 reads 100, a non-number is refused, so is a foreign cursor.
        page = a.thread(ch, root["id"], limit=101)
        self.assertEqual(ids(page["replies"]), ids(sent[:100]))
        error_of(a.get_thread(ch, root["id"], limit="many"), 400, "invalid_argument")
        error_of(a.get_thread(ch, root["id"], cursor="not a cursor"), 400, "invalid_argument")

        # The channel's history pages over the 120 replies to the three channel messages.
        for limit in (50, 7, 100):
            self.assertEqual(ids(b.history(ch, limit=limit)), [last["id"], root["id"], first["id"]], limit)
        # Catching up reads every one of them, in order.
        self.assertEqual(ids(b.after(ch)), ids([first, root] + sent + [last]))

    def test_a_retried_reply_is_not_doubled(self):
        a, b, ch = self.alice, self.bob, self.channel
        root = a.send(ch, "who is in?")
        r = b.post(ch, "me", thread_root=root["id"], client_message_id="bob-reply-1")
        self.assertEqual(r.status_code, 201, r.text)
        reply = r.json()["message"]
        self.assertEqual((r.json()["duplicate"], reply["thread_root"], reply["client_message_id"]),
                         (False, root["id"], "bob-reply-1"))
        for attempt in range(3):  # the answer was lost; the client sends the same again
            again = b.post(ch, "me", thread_root=root["id"], client_message_id="bob-reply-1")
            self.assertEqual(again.status_code, 201, again.text)
            self.assertIs(again.json()["duplicate"], True, again.text)
            self.assertEqual(again.json()["message"]["id"], reply["id"])
            self.assertEqual(again.json()["message"]["thread_root"], root["id"])
        # Retried naming the root in its other form: still the same reply.
        again = b.post(ch, "me", thread_root=table_form(root["id"]), client_message_id="bob-reply-1")
        self.assertEqual((again.status_code, again.json()["duplicate"], again.json()["message"]["id"]),
                         (201, True, reply["id"]), again.text)
        got_root, replies, _ = a.whole_thread(ch, root["id"])
        self.assertEqual((got_root["reply_count"], ids(replies)), (1, [reply["id"]]))
        self.assertEqual(texts(a.after(ch)), ["who is in?", "me"])
        # Another client message id is another reply.
        other = b.reply(ch, root["id"], "me", client_message_id="bob-reply-2")
        self.assertNotEqual(other["id"], reply["id"])
        self.assertEqual(a.thread(ch, root["id"])["root"]["reply_count"], 2)

    def test_a_retried_reply_is_answered_with_the_stored_one_even_if_the_root_went_since(self):
        # Bob's reply is stored, but its answer is lost; Alice deletes the root;
        # Bob's client retries with the same client_message_id. The reply exists
        # (it is in the thread): the retry must say so, not "deleted, not sent".
        a, b, ch = self.alice, self.bob, self.channel
        root = a.send(ch, "going soon")
        reply = b.reply(ch, root["id"], "answer", client_message_id="bob-late-1")
        r = a.call("DELETE", "/api/channels/%s/messages/%s" % (ch, root["id"]))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(ids(a.thread(ch, root["id"])["replies"]), [reply["id"]])
        again = b.post(ch, "answer", thread_root=root["id"], client_message_id="bob-late-1")
        self.assertEqual(again.status_code, 201, again.text)
        self.assertEqual((again.json()["duplicate"], again.json()["message"]["id"]), (True, reply["id"]), again.text)

    def test_a_reply_is_edited_reacted_to_and_deleted_like_any_message(self):
        a, b, ch = self.alice, self.bob, self.channel
        root = a.send(ch, "pick a name")
        keep = a.reply(ch, root["id"], "Hydra")
        reply = b.reply(ch, root["id"], "Phoenyx")
        self.assertEqual(a.thread(ch, root["id"])["root"]["reply_count"], 2)

        r = b.call("PATCH", "/api/channels/%s/messages/%s" % (ch, reply["id"]), json={"text": "Phoenix"})
        self.assertEqual(r.status_code, 200, r.text)
        edited = r.json()["message"]
        self.assertEqual((edited["id"], edited["text"], edited["thread_root"]), (reply["id"], "Phoenix", root["id"]))
        self.assertGreater(edited["edited_at_ms"], 0)
        error_of(a.call("PATCH", "/api/channels/%s/messages/%s" % (ch, reply["id"]), json={"text": "mine"}),
                 403, "permission_denied")

        r = a.call("PUT", "/api/channels/%s/messages/%s/reactions/%s" % (ch, reply["id"], urllib.parse.quote("🔥")))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["message"]["reactions"], [{"emoji": "🔥", "count": 1, "user_ids": [a.id]}])
        self.assertEqual(r.json()["message"]["thread_root"], root["id"])
        page = a.thread(ch, root["id"])
        self.assertEqual(texts(page["replies"]), ["Hydra", "Phoenix"])
        self.assertEqual(page["replies"][1]["reactions"][0]["emoji"], "🔥")
        self.assertEqual(page["root"]["reply_count"], 2)  # edits and reactions are not replies

        error_of(a.call("DELETE", "/api/channels/%s/messages/%s" % (ch, reply["id"])), 403, "permission_denied")
        r = b.call("DELETE", "/api/channels/%s/messages/%s" % (ch, reply["id"]))
        self.assertEqual(r.status_code, 200, r.text)
        gone = r.json()["message"]
        self.assertEqual((gone["deleted"], gone["text"], gone["thread_root"]), (True, "", root["id"]))
        page = a.thread(ch, root["id"])
        self.assertEqual(page["root"]["reply_count"], 1)
        self.assertEqual([(m["id"], m["deleted"], m["text"]) for m in page["replies"]],
                         [(keep["id"], False, "Hydra"), (reply["id"], True, "")])
        # Deleting it again changes nothing more.
        r = b.call("DELETE", "/api/channels/%s/messages/%s" % (ch, reply["id"]))
        self.assertNotEqual(r.status_code, 200, r.text)
        self.assertEqual(a.thread(ch, root["id"])["root"]["reply_count"], 1)
        # A deleted reply takes no reactions; the thread goes on.
        r = a.call("PUT", "/api/channels/%s/messages/%s/reactions/%s" % (ch, reply["id"], urllib.parse.quote("👍")))
        error_of(r, 409, "failed_precondition")
        r = a.call("DELETE", "/api/channels/%s/messages/%s" % (ch, keep["id"]))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(a.thread(ch, root["id"])["root"]["reply_count"], 0)
        later = b.reply(ch, root["id"], "Griffin then")
        got = a.thread(ch, root["id"])["root"]
        self.assertEqual((got["reply_count"], got["last_reply_id"]), (1, later["id"]))

    def test_replying_to_a_deleted_root_is_refused_and_to_a_missing_one_not_found(self):
        a, b, ch = self.alice, self.bob, self.channel
        root = a.send(ch, "soon gone")
        reply = b.reply(ch, root["id"], "quick, before it goes")
        r = a.call("DELETE", "/api/channels/%s/messages/%s" % (ch, root["id"]))
        self.assertEqual(r.status_code, 200, r.text)
        for target in (root["id"], table_form(root["id"]), reply["id"]):  # a reply leads to its root
            with self.subTest(target=target):
                error = error_of(b.post(ch, "too late", thread_root=target), 409, "failed_precondition")
                self.assertIn("deleted", error["message"])
                error_of(b.post(ch, "too late", thread_root=target, also_in_channel=True), 409, "failed_precondition")
                error_of(b.post(ch, "too late", thread_root=target, client_message_id="late-1"),
                         409, "failed_precondition")
        self.assertNotIn("too late", texts(a.after(ch)))
        page = a.thread(ch, root["id"])
        self.assertEqual((page["root"]["deleted"], page["root"]["text"]), (True, ""))
        self.assertEqual(ids(page["replies"]), [reply["id"]])
        self.assertEqual(page["root"]["reply_count"], 1)

        other = a.channel("elsewhere")
        elsewhere = a.send(other, "in another channel")
        for target in (ABSENT_MESSAGE, elsewhere["id"]):
            with self.subTest(target=target):
                error_of(b.post(ch, "hello?", thread_root=target), 404, "not_found")
                error_of(b.get_thread(ch, target), 404, "not_found")
        error_of(b.get_thread(ABSENT_CHANNEL, root["id"]), 404, "not_found")
        self.assertNotIn("hello?", texts(a.after(ch)))
        self.assertEqual(texts(a.after(other)), ["in another channel"])


# --- 2. Privacy: Eve, who is not in the private channel --------------------------------

class PrivacyTest(unittest.TestCase):
    def setUp(self):
        self.alice, self.bob, self.eve = User("Alice"), User("Bob"), User("Eve")
        self.plans = self.alice.channel("plans", private=True)
        self.alice.add(self.plans, self.bob)
        self.secret = "surprise party for Carol"
        self.secret_reply = "I will bring the cake"
        self.root = self.alice.send(self.plans, self.secret)
        self.reply = self.bob.reply(self.plans, self.root["id"], self.secret_reply)

    def secrets(self):
        return (self.secret, self.secret_reply, self.alice.name, self.bob.name, self.alice.id, self.bob.id)

    def assert_no_secret(self, text):
        for secret in self.secrets():
            self.assertNotIn(secret, text)

    def test_thread_and_reply_routes_answer_as_if_it_did_not_exist(self):
        eve = self.eve
        for message_id in (self.root["id"], self.reply["id"], table_form(self.root["id"]), ABSENT_MESSAGE):
            attempts = [
                ("GET thread", lambda channel: eve.get_thread(channel, message_id)),
                ("GET thread page", lambda channel: eve.get_thread(channel, message_id, limit=1, cursor="")),
                ("reply", lambda channel: eve.post(channel, "let me in", thread_root=message_id)),
                ("reply also in channel",
                 lambda channel: eve.post(channel, "let me in", thread_root=message_id, also_in_channel=True)),
                ("reply with a client id",
                 lambda channel: eve.post(channel, "let me in", thread_root=message_id, client_message_id="eve-1")),
            ]
            for what, attempt in attempts:
                with self.subTest(what=what, message=message_id):
                    real, absent = attempt(self.plans), attempt(ABSENT_CHANNEL)
                    error_of(real, 404, "not_found")
                    self.assert_no_secret(real.text)
                    # Nothing tells the two apart but the id Eve asked about.
                    self.assertEqual((absent.status_code, absent.text.replace(ABSENT_CHANNEL, "ID")),
                                     (real.status_code, real.text.replace(self.plans, "ID")))
        # Nothing Eve tried was written.
        page = self.bob.thread(self.plans, self.root["id"])
        self.assertEqual((page["root"]["reply_count"], ids(page["replies"])), (1, [self.reply["id"]]))
        self.assertNotIn("let me in", texts(self.alice.after(self.plans)))

    def test_websocket_subscribe_and_send_are_refused_and_no_reply_reaches_her(self):
        async def scenario():
            eve_ws, bob_ws = await connect(self.eve), await connect(self.bob)
            frames = await subscribe(bob_ws, self.plans)
            self.assertEqual(frames[-1]["type"], "subscribed", frames)
            for after in (None, "", BEFORE_EVERYTHING, self.root["id"]):
                frames = await subscribe(eve_ws, self.plans, after=after)
                self.assertEqual([(f["type"], f.get("code")) for f in frames], [("error", "not_found")], frames)
                self.assert_no_secret(json.dumps(frames, ensure_ascii=False))
            for fields in ({"thread_root": self.root["id"]}, {"thread_root": self.reply["id"], "also_in_channel": True}):
                answer, _ = await send_frame(eve_ws, self.plans, "let me in", "eve-ws-%d" % len(fields), **fields)
                self.assertEqual((answer["type"], answer["code"]), ("error", "not_found"), answer)
                self.assert_no_secret(json.dumps(answer, ensure_ascii=False))
            # Replies made now, thread-only and also in the channel, reach Bob and not Eve.
            quiet = self.alice.reply(self.plans, self.reply["id"], "Carol must not know")
            loud = self.bob.reply(self.plans, self.root["id"], "see you all at 8", also_in_channel=True)
            frames = await receive_until(bob_ws, lambda f: f["type"] == "message.created"
                                         and f["message"]["id"] == loud["id"])
            self.assertEqual(ids(created(frames)), [quiet["id"], loud["id"]])
            self.assertEqual(await quiet_for(eve_ws, 1.0), [])
            for ws in (eve_ws, bob_ws):
                await ws.close()
        run(scenario())
        page = self.alice.thread(self.plans, self.root["id"])
        self.assertNotIn("let me in", texts(page["replies"]))
        self.assertEqual(page["root"]["reply_count"], 3)


# --- 3. Live: replies on the channel's subscription, and resuming -------------------------

class LiveTest(unittest.TestCase):
    def setUp(self):
        self.alice, self.bob = User("Alice"), User("Bob")
        self.channel = self.alice.channel("live threads")
        self.bob.join(self.channel)

    def test_replies_arrive_live_and_after_a_reconnect_exactly_once(self):
        a, ch = self.alice, self.channel

        async def scenario():
            ws = await connect(self.bob)
            frames = await subscribe(ws, ch)
            self.assertEqual(frames[-1]["type"], "subscribed", frames)
            root = a.send(ch, "deploy at 5?")
            reply = a.reply(ch, root["id"], "or 6")
            frames = await receive_until(ws, lambda f: f["type"] == "message.created"
                                         and f["message"]["id"] == reply["id"])
            self.assertEqual(ids(created(frames)), [root["id"], reply["id"]])
            live = created(frames)[1]
            self.assertEqual((live["thread_root"], live["also_in_channel"], live["text"]), (root["id"], False, "or 6"))
            self.assertEqual(frames[-1]["channel"], ch)
            # Edits of a reply come with its thread_root too.
            r = a.call("PATCH", "/api/channels/%s/messages/%s" % (ch, reply["id"]), json={"text": "or 6:30"})
            self.assertEqual(r.status_code, 200, r.text)
            frames = await receive_until(ws, lambda f: f["type"] == "message.edited")
            self.assertEqual((frames[-1]["message"]["id"], frames[-1]["message"]["text"],
                              frames[-1]["message"]["thread_root"]), (reply["id"], "or 6:30", root["id"]))
            last_seen = reply["id"]
            await ws.close()

            # While Bob is away: thread-only replies, one also in the channel, a reply to a reply,
            # and a plain message.
            missed = [a.reply(ch, root["id"], "missed 1"),
                      a.reply(ch, root["id"], "missed 2", also_in_channel=True),
                      a.send(ch, "missed plain"),
                      a.reply(ch, reply["id"], "missed 3")]
            missed += [a.reply(ch, root["id"], "missed bulk %d" % i) for i in range(20)]

            ws = await connect(self.bob)
            frames = await subscribe(ws, ch, after=last_seen)
            self.assertEqual(frames[-1]["type"], "subscribed", frames)
            self.assertEqual((frames[-1]["replayed"], frames[-1]["complete"]), (len(missed), True), frames[-1])
            replayed = created(frames)
            self.assertEqual(ids(replayed), ids(missed))
            self.assertEqual(len(replayed), len(frames) - 1, frames)
            self.assertEqual([m.get("thread_root") for m in replayed],
                             [root["id"], root["id"], None] + [root["id"]] * 21)
            self.assertEqual([m.get("also_in_channel") for m in replayed], [False, True, None] + [False] * 21)
            # Live again, once each.
            newer = a.reply(ch, root["id"], "welcome back")
            frames = await receive_until(ws, lambda f: f["type"] == "message.created"
                                         and f["message"]["id"] == newer["id"])
            frames += await quiet_for(ws, 1.0)
            self.assertEqual(ids(created(frames)), [newer["id"]], frames)
            await ws.close()
            # The same as REST catching up from there.
            self.assertEqual(ids(self.bob.after(ch, last_seen)), ids(missed + [newer]))
            got = a.thread(ch, root["id"])["root"]
            replies = [reply] + [m for m in missed if "thread_root" in m] + [newer]
            self.assertEqual((got["reply_count"], got["last_reply_id"]), (len(replies), newer["id"]))
        run(scenario())

    def test_the_send_frame_replies(self):
        a, b, ch = self.alice, self.bob, self.channel
        root = a.send(ch, "standup notes")

        async def scenario():
            alice_ws, bob_ws = await connect(a), await connect(b)
            for ws in (alice_ws, bob_ws):
                frames = await subscribe(ws, ch)
                self.assertEqual(frames[-1]["type"], "subscribed", frames)
            ack, _ = await send_frame(bob_ws, ch, "done with the API", "bob-ws-1", thread_root=root["id"])
            self.assertEqual((ack["type"], ack["duplicate"]), ("ack", False), ack)
            reply = ack["message"]
            self.assertEqual((reply["thread_root"], reply["also_in_channel"], reply["client_message_id"]),
                             (root["id"], False, "bob-ws-1"), ack)
            # A retry is acknowledged with the first reply, and not counted again.
            again, _ = await send_frame(bob_ws, ch, "done with the API", "bob-ws-1", thread_root=root["id"])
            self.assertEqual((again["type"], again["duplicate"], again["message"]["id"]), ("ack", True, reply["id"]))
            # Also in the channel, naming a reply in the table's form: the root's thread.
            ack, _ = await send_frame(bob_ws, ch, "next: the CLI", "bob-ws-2", thread_root=table_form(reply["id"]),
                                      also_in_channel=True)
            self.assertEqual(ack["type"], "ack", ack)
            loud = ack["message"]
            self.assertEqual((loud["thread_root"], loud["also_in_channel"]), (root["id"], True))

            frames = await receive_until(alice_ws, lambda f: f["type"] == "message.created"
                                         and f["message"]["id"] == loud["id"])
            frames += await quiet_for(alice_ws, 0.5)
            self.assertEqual(ids(created(frames)), [reply["id"], loud["id"]])
            self.assertEqual([m["thread_root"] for m in created(frames)], [root["id"], root["id"]])

            # A deleted root and a missing one are refused on the socket as over REST.
            missing, _ = await send_frame(bob_ws, ch, "hm", "bob-ws-3", thread_root=ABSENT_MESSAGE)
            self.assertEqual((missing["type"], missing["code"]), ("error", "not_found"), missing)
            r = a.call("DELETE", "/api/channels/%s/messages/%s" % (ch, root["id"]))
            self.assertEqual(r.status_code, 200, r.text)
            refused, _ = await send_frame(bob_ws, ch, "hm", "bob-ws-4", thread_root=root["id"])
            self.assertEqual((refused["type"], refused["code"]), ("error", "failed_precondition"), refused)
            bad, _ = await send_frame(bob_ws, ch, "hm", "bob-ws-5", thread_root=42)
            self.assertEqual((bad["type"], bad["code"]), ("error", "invalid_argument"), bad)
            frames = await receive_until(alice_ws, lambda f: f["type"] == "message.deleted")
            frames += await quiet_for(alice_ws, 0.5)
            self.assertEqual(created(frames), [], frames)
            for ws in (alice_ws, bob_ws):
                await ws.close()
            return reply, loud

        reply, loud = run(scenario())
        page = a.thread(ch, root["id"])
        self.assertEqual(ids(page["replies"]), [reply["id"], loud["id"]])
        self.assertEqual(page["root"]["reply_count"], 2)
        self.assertNotIn("hm", texts(a.after(ch)))
        self.assertEqual(ids(a.history(ch)), [loud["id"], root["id"]])


# --- 4. The command line ---------------------------------------------------------------

class CliTest(unittest.TestCase):
    """`townhall chat` on the server's own store. The embedded store is one
    process's (serve holds its lock), so the commands run once the server is
    stopped, on its data directory; then the server starts again on it."""

    def test_send_a_reply_and_read_a_thread_from_the_command_line(self):
        with townhall.ChatServer(extra_args=UNLIMITED) as server:
            if os.environ.get("TOWNHALL_TEST_PORT"):
                self.skipTest("TOWNHALL_TEST_PORT: the server's store is not this test's to open")
            alice, bob, eve = User("Alice", server), User("Bob", server), User("Eve", server)
            plans = alice.channel("cli plans", private=True)
            alice.add(plans, bob)
            root = alice.send(plans, "cli secret root")
            first = bob.reply(plans, root["id"], "cli secret reply")
            self.assertEqual(server.stop(), 0, "".join(server.output))

            def chat(*args, ok=True):
                done = chat_cli(server, *args)
                self.assertEqual(done.returncode == 0, ok, (args, done.stdout, done.stderr))
                return done, json.loads(done.stdout if ok else done.stderr)

            _, sent = chat("send", "--user", bob.id, "--channel", plans, "--thread", root["id"], "--text", "from the cli")
            second = sent["message"]
            self.assertEqual((second["thread_root"], second["also_in_channel"], sent.get("duplicate")),
                             (root["id"], False, False), sent)
            # A reply's id, in the table's form, with --also-in-channel.
            _, sent = chat("send", "--user", alice.id, "--channel", plans, "--thread", table_form(first["id"]),
                           "--text", "cli, loud", "--also-in-channel")
            third = sent["message"]
            self.assertEqual((third["thread_root"], third["also_in_channel"]), (root["id"], True), sent)

            _, thread = chat("thread", plans, root["id"], "--as", alice.id)
            self.assertEqual(set(thread), {"root", "replies", "next_cursor"})
            self.assertEqual(ids(thread["replies"]), [first["id"], second["id"], third["id"]])
            self.assertEqual(texts(thread["replies"]), ["cli secret reply", "from the cli", "cli, loud"])
            self.assertEqual((thread["root"]["id"], thread["root"]["reply_count"], thread["root"]["last_reply_id"]),
                             (root["id"], 3, third["id"]))
            self.assertIsNone(thread["next_cursor"])
            # Paged, opened by a reply's id.
            _, page = chat("thread", plans, second["id"], "--as", bob.id, "--limit", "2")
            self.assertEqual(ids(page["replies"]), [first["id"], second["id"]])
            self.assertIsNotNone(page["next_cursor"])
            _, page = chat("thread", plans, second["id"], "--as", bob.id, "--limit", "2", "--cursor", page["next_cursor"])
            self.assertEqual((ids(page["replies"]), page["next_cursor"]), ([third["id"]], None))

            # Eve, and an anonymous reader, get nothing of the private channel's thread.
            for reader in (["--as", eve.id], []):
                done, error = chat("thread", plans, root["id"], *reader, ok=False)
                self.assertEqual(error["error"]["code"], "not_found", error)
                for secret in ("cli secret", alice.name, bob.name):
                    self.assertNotIn(secret, done.stdout + done.stderr)
            done, error = chat("send", "--user", eve.id, "--channel", plans, "--thread", root["id"], "--text", "eve",
                               ok=False)
            self.assertEqual(error["error"]["code"], "not_found", error)
            self.assertNotIn("cli secret", done.stdout + done.stderr)
            # --also-in-channel needs --thread.
            done = chat_cli(server, "send", "--user", bob.id, "--channel", plans, "--text", "loud", "--also-in-channel")
            self.assertNotEqual(done.returncode, 0, done.stdout)

            # The server, started again on the same store, has the command line's replies.
            server.start()
            page = bob.thread(plans, root["id"])
            self.assertEqual(ids(page["replies"]), [first["id"], second["id"], third["id"]])
            self.assertEqual(ids(bob.history(plans)), [third["id"], root["id"]])
            self.assertNotIn("loud", texts(bob.after(plans)))


if __name__ == "__main__":
    townhall.main()
