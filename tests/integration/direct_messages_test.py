#!/usr/bin/python3
"""Direct and group conversations as their people have them, over REST,
WebSocket and the CLI: opening one by name or id (and racing to open it from
both sides) lands in one conversation; messages, unread counts and latest
activity in /api/me/channels; an outsider learns nothing of it from any route,
frame or command (answers read exactly as for a channel that does not exist);
channel.added reaches every socket of the people a conversation is made for
or a private channel gains, and nobody else's; groups, their size limit, and
their fixed people."""
import asyncio
import json
import os
import sys
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import chat_client  # noqa: E402
import townhall  # noqa: E402
from chat_client import (  # noqa: E402
    UNLIMITED, ChatUser, chat_cli, quiet_for, receive, receive_until, subscribe, unlimited_server)

SERVER = None
# A well-formed conversation id nobody has: what "does not exist" answers look like.
ABSENT = "dm-" + "a" * 24


def setUpModule():
    global SERVER
    SERVER = unlimited_server()


def tearDownModule():
    SERVER.__exit__(None, None, None)


class User(ChatUser):
    """Someone who signed up on this module's server."""

    def __init__(self, name, server=None):
        super().__init__(server or SERVER, name)

    def open(self, user_ids=None, user_names=None):
        body = {}
        if user_ids is not None:
            body["user_ids"] = [u.id if isinstance(u, User) else u for u in user_ids]
        if user_names is not None:
            body["user_names"] = [u.name if isinstance(u, User) else u for u in user_names]
        return self.call("POST", "/api/conversations", json=body)

    def open_ok(self, status, **kwargs):
        r = self.open(**kwargs)
        assert r.status_code == status, (status, r.status_code, r.text)
        assert r.json()["created"] == (status == 201), r.text
        return r.json()["channel"]

    def my_channels(self):
        r = self.call("GET", "/api/me/channels", params={"limit": 100})
        assert r.status_code == 200, r.text
        assert not r.json().get("next_cursor"), r.text
        return {c["channel_id"]: c for c in r.json()["channels"]}

    def members(self, channel):
        r = self.call("GET", "/api/channels/%s/members" % channel)
        assert r.status_code == 200, r.text
        return sorted(m["user_id"] for m in r.json()["members"])


def reaction_path(channel, message_id, emoji):
    return "/api/channels/%s/messages/%s/reactions/%s" % (channel, message_id, urllib.parse.quote(emoji, safe=""))


async def connect(user):
    return await chat_client.connect(user.server, user, max_size=2 ** 20)


def run(coroutine):
    return asyncio.run(coroutine)


def assert_no_secret(test, text, *secrets):
    for secret in secrets:
        test.assertNotIn(secret, text)


# --- 1. Opening --------------------------------------------------------------------

class OpenTest(unittest.TestCase):
    def test_by_name_then_by_id_from_the_other_side_is_one_conversation(self):
        alice, bob = User("Alice"), User("Bob")
        dm = alice.open_ok(201, user_names=[bob])
        self.assertTrue(dm["id"].startswith("dm-"), dm)
        self.assertEqual(dm["kind"], "dm")
        self.assertIs(dm["private"], True)
        self.assertEqual(dm["user_count"], 2)
        self.assertEqual(dm["last_message_at_ms"], 0)
        self.assertEqual(sorted((p["user_id"], p["user_name"]) for p in dm["participants"]),
                         sorted([(alice.id, alice.name), (bob.id, bob.name)]))
        again = bob.open_ok(200, user_ids=[alice])
        self.assertEqual(again["id"], dm["id"])
        self.assertEqual(again["user_count"], 2)
        # Alice again, by id this time, and naming herself too: still the same one.
        self.assertEqual(alice.open_ok(200, user_ids=[bob, alice])["id"], dm["id"])
        self.assertEqual(alice.members(dm["id"]), sorted([alice.id, bob.id]))
        self.assertEqual(bob.members(dm["id"]), sorted([alice.id, bob.id]))

    def test_racing_opens_from_both_sides_make_one(self):
        alice, bob = User("Alice"), User("Bob")
        barrier = threading.Barrier(8)
        results = [None] * 8

        def open_from(i):
            me, other = (alice, bob) if i % 2 == 0 else (bob, alice)
            kwargs = {"user_names": [other]} if i % 4 < 2 else {"user_ids": [other]}
            barrier.wait(timeout=30)
            r = me.open(**kwargs)
            results[i] = (r.status_code, r.json())

        threads = [threading.Thread(target=open_from, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertTrue(all(r is not None for r in results), results)
        statuses = sorted(status for status, _ in results)
        self.assertEqual(statuses, [200] * 7 + [201], results)
        self.assertEqual(len({body["channel"]["id"] for _, body in results}), 1, results)
        self.assertEqual([body["created"] for status, body in results if status == 201], [True])
        dm = results[0][1]["channel"]["id"]
        r = alice.call("GET", "/api/channels/%s" % dm)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["channel"]["user_count"], 2, r.text)
        self.assertEqual(bob.members(dm), sorted([alice.id, bob.id]))
        for user in (alice, bob):
            self.assertEqual([c for c in user.my_channels() if c.startswith("dm-")], [dm])

    def test_a_conversation_with_oneself(self):
        alice = User("Alice")
        notes = alice.open_ok(201, user_ids=[])
        self.assertEqual(notes["kind"], "dm")
        self.assertEqual(notes["user_count"], 1)
        self.assertEqual(notes["participants"], [{"user_id": alice.id, "user_name": alice.name}])
        self.assertEqual(alice.open_ok(200)["id"], notes["id"])
        mine = alice.my_channels()[notes["id"]]
        self.assertEqual(mine["channel_name"], alice.name)


# --- 2. Messages and latest activity ------------------------------------------------

class MessagesTest(unittest.TestCase):
    def test_alice_writes_bob_reads_and_his_list_shows_it(self):
        alice, bob = User("Alice"), User("Bob")
        dm = alice.open_ok(201, user_names=[bob])["id"]
        sent = alice.send(dm, "Hi Bob, lunch?")
        r = bob.call("GET", "/api/channels/%s/messages" % dm)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual([(m["id"], m["user_id"], m["text"]) for m in r.json()["messages"]],
                         [(sent["id"], alice.id, "Hi Bob, lunch?")])

        listed = bob.my_channels()
        self.assertIn(dm, listed)
        item = listed[dm]
        self.assertEqual(item["channel_name"], alice.name)
        self.assertEqual(item["kind"], "dm")
        self.assertIs(item["private"], True)
        self.assertEqual(item["unread"], 1)
        self.assertGreater(item["last_message_at_ms"], 0)
        self.assertEqual(item["last_message_at_ms"], sent["created_at_ms"])
        self.assertEqual(sorted(p["user_id"] for p in item["participants"]), sorted([alice.id, bob.id]))
        # Alice sees Bob's name on the same conversation.
        self.assertEqual(alice.my_channels()[dm]["channel_name"], bob.name)
        # The channel itself says the same.
        r = bob.call("GET", "/api/channels/%s" % dm)
        self.assertEqual(r.json()["channel"]["last_message_at_ms"], sent["created_at_ms"], r.text)
        self.assertEqual(r.json()["channel"]["message_count"], 1, r.text)

        # Bob answers and marks Alice's message read: nothing is unread for him, one message for her.
        bob.send(dm, "Sure!")
        r = bob.call("POST", "/api/channels/%s/read" % dm, json={"message_id": sent["id"]})
        self.assertEqual(r.status_code, 204, r.text)
        self.assertEqual(bob.my_channels()[dm]["unread"], 0)  # one's own messages are never unread
        self.assertEqual(alice.my_channels()[dm]["unread"], 1)

    def test_latest_activity_orders_conversations(self):
        alice, bob, carol = User("Alice"), User("Bob"), User("Carol")
        with_bob = alice.open_ok(201, user_ids=[bob])["id"]
        with_carol = alice.open_ok(201, user_ids=[carol])["id"]
        first = alice.send(with_bob, "to Bob")
        time.sleep(0.01)
        second = carol.send(with_carol, "to Alice")

        def by_activity():
            listed = alice.my_channels()
            at = {c: listed[c]["last_message_at_ms"] for c in (with_bob, with_carol)}
            return sorted(at, key=lambda c: -at[c]), at

        order, at = by_activity()
        self.assertEqual(order, [with_carol, with_bob], at)
        self.assertEqual(at, {with_bob: first["created_at_ms"], with_carol: second["created_at_ms"]})
        time.sleep(0.01)
        third = bob.send(with_bob, "back to Alice")
        order, at = by_activity()
        self.assertEqual(order, [with_bob, with_carol], at)
        self.assertEqual(at[with_bob], third["created_at_ms"])


# --- 3. Privacy: Eve, who is not in it ----------------------------------------------

class PrivacyTest(unittest.TestCase):
    def setUp(self):
        self.alice, self.bob, self.eve = User("Alice"), User("Bob"), User("Eve")
        self.dm = self.alice.open_ok(201, user_names=[self.bob])["id"]
        self.secret = "the secret recipe is cardamom"
        self.message = self.alice.send(self.dm, self.secret)

    def secrets(self):
        return (self.secret, self.alice.name, self.bob.name, self.alice.id, self.bob.id)

    def test_every_route_answers_as_if_it_did_not_exist(self):
        message_id = self.message["id"]
        routes = [
            ("GET", "/api/channels/{id}", None),
            ("GET", "/api/channels/{id}/messages", None),
            ("GET", "/api/channels/{id}/messages?after=0000000000_0", None),
            ("GET", "/api/channels/{id}/members", None),
            ("GET", "/api/channels/{id}/unread", None),
            ("POST", "/api/channels/{id}/messages", {"text": "let me in"}),
            ("POST", "/api/channels/{id}/join", None),
            ("POST", "/api/channels/{id}/leave", None),
            ("POST", "/api/channels/{id}/read", {"message_id": message_id}),
            ("POST", "/api/channels/{id}/members", {"user_id": None}),  # Eve adds herself
            ("PATCH", "/api/channels/{id}", {"name": "mine now"}),
            ("PATCH", "/api/channels/{id}/messages/" + message_id, {"text": "edited by Eve"}),
            ("DELETE", "/api/channels/{id}/messages/" + message_id, None),
            ("PUT", reaction_path("{id}", message_id, "👀"), None),
            ("DELETE", reaction_path("{id}", message_id, "👀"), None),
        ]
        for method, template, body in routes:
            if body and "user_id" in body:
                body = {"user_id": self.eve.id}
            with self.subTest(route="%s %s" % (method, template)):
                real = self.eve.call(method, template.replace("{id}", self.dm), json=body)
                absent = self.eve.call(method, template.replace("{id}", ABSENT), json=body)
                self.assertEqual(real.status_code, 404, real.text)
                self.assertEqual(real.json()["error"]["code"], "not_found", real.text)
                assert_no_secret(self, real.text, *self.secrets())
                # Nothing tells the two apart but the id Eve asked about.
                self.assertEqual((absent.status_code, absent.text.replace(ABSENT, "ID")),
                                 (real.status_code, real.text.replace(self.dm, "ID")))

        # And nothing Eve tried changed anything.
        self.assertEqual(self.bob.members(self.dm), sorted([self.alice.id, self.bob.id]))
        r = self.bob.call("GET", "/api/channels/%s/messages" % self.dm)
        self.assertEqual([(m["id"], m["text"], m.get("reactions"), m["deleted"]) for m in r.json()["messages"]],
                         [(message_id, self.secret, None, False)])
        r = self.bob.call("GET", "/api/channels/%s" % self.dm)
        self.assertEqual((r.json()["channel"]["user_count"], r.json()["channel"]["message_count"]), (2, 1), r.text)
        self.assertNotIn(self.dm, self.eve.my_channels())

    def test_lists_and_search_do_not_show_it(self):
        self.assertEqual(self.eve.my_channels(), {})
        for q in ("", self.alice.name, self.alice.name.split()[0], self.bob.name, "dm-"):
            with self.subTest(q=q):
                r = self.eve.call("GET", "/api/channels", params={"q": q, "limit": 100})
                self.assertEqual(r.status_code, 200, r.text)
                self.assertNotIn(self.dm, [c["id"] for c in r.json()["channels"]])
                assert_no_secret(self, r.text, self.secret, self.dm)
        # Bob, in it, does not find it among public channels either: it is not public.
        r = self.bob.call("GET", "/api/channels", params={"q": self.alice.name})
        self.assertNotIn(self.dm, [c["id"] for c in r.json()["channels"]])

    def test_opening_with_both_of_them_is_another_conversation(self):
        group = self.eve.open_ok(201, user_ids=[self.alice, self.bob])
        self.assertNotEqual(group["id"], self.dm)
        self.assertEqual(group["kind"], "group")
        r = self.eve.call("GET", "/api/channels/%s/messages" % group["id"])
        self.assertEqual(r.json()["messages"], [], r.text)

    def test_websocket_subscribe_and_send_are_refused_and_nothing_arrives(self):
        async def scenario():
            ws = await connect(self.eve)
            for after in (None, "0000000000_0"):
                frames = await subscribe(ws, self.dm, after=after)
                self.assertEqual(frames[-1]["type"], "error", frames)
                self.assertEqual(frames[-1]["code"], "not_found", frames)
                self.assertEqual([f["type"] for f in frames], ["error"], frames)  # no replayed message
                assert_no_secret(self, json.dumps(frames, ensure_ascii=False), *self.secrets())
            await ws.send(json.dumps({"type": "send", "channel": self.dm, "text": "hello?",
                                      "client_message_id": "eve-1"}))
            error = await receive(ws)
            self.assertEqual((error["type"], error["code"]), ("error", "not_found"), error)
            assert_no_secret(self, json.dumps(error, ensure_ascii=False), *self.secrets())
            # Later messages do not reach her either.
            self.alice.send(self.dm, "still secret")
            self.assertEqual(await quiet_for(ws, 1.0), [])
            await ws.close()
        run(scenario())
        r = self.bob.call("GET", "/api/channels/%s/messages" % self.dm)
        self.assertNotIn("hello?", [m["text"] for m in r.json()["messages"]])


class CliTest(unittest.TestCase):
    """`townhall chat` on the server's own store. The embedded store is one
    process's (serve holds its lock: a second opener gets "the store is busy"),
    so the commands run once the server is stopped, on its data directory."""

    def test_the_cli_shows_it_to_participants_only(self):
        with townhall.ChatServer(extra_args=UNLIMITED) as server:
            if os.environ.get("TOWNHALL_TEST_PORT"):
                self.skipTest("TOWNHALL_TEST_PORT: the server's store is not this test's to open")
            alice, bob, eve = User("Alice", server), User("Bob", server), User("Eve", server)
            dm = alice.open_ok(201, user_ids=[bob])["id"]
            alice.send(dm, "cli secret")
            self.assertEqual(server.stop(), 0, "".join(server.output))

            def chat(*args, ok=True):
                done = chat_cli(server, *args)
                self.assertEqual(done.returncode == 0, ok, (args, done.stdout, done.stderr))
                return done, json.loads(done.stdout if ok else done.stderr)

            for reader in (["--as", eve.id], []):
                done, error = chat("messages", dm, *reader, ok=False)
                self.assertEqual(error["error"]["code"], "not_found", error)
                assert_no_secret(self, done.stdout + done.stderr, "cli secret", alice.name, bob.name)
            _, page = chat("messages", dm, "--as", bob.id)
            self.assertEqual([m["text"] for m in page["messages"]], ["cli secret"])
            _, opened = chat("dm", "--user", bob.id, "--with", alice.id)
            self.assertEqual((opened["created"], opened["channel"]["id"], opened["channel"]["kind"]),
                             (False, dm, "dm"))


# --- 4. Live: channel.added -------------------------------------------------------

class LiveTest(unittest.TestCase):
    def test_a_new_conversation_reaches_every_socket_of_its_people_then_messages_flow(self):
        alice, bob, eve = User("Alice"), User("Bob"), User("Eve")

        async def scenario():
            bob_1, bob_2, alice_ws, eve_ws = [await connect(u) for u in (bob, bob, alice, eve)]
            dm = alice.open_ok(201, user_names=[bob])
            for ws in (bob_1, bob_2, alice_ws):
                frames = await receive_until(ws, lambda f: f["type"] == "channel.added")
                added = frames[-1]
                self.assertEqual(added["channel"], dm["id"], frames)
                info = added["info"]
                self.assertEqual((info["id"], info["kind"], info["private"], info["user_count"]),
                                 (dm["id"], "dm", True, 2), added)
                self.assertEqual(sorted(p["user_id"] for p in info["participants"]), sorted([alice.id, bob.id]))
            # Opening it again tells nobody anything new.
            bob.open_ok(200, user_ids=[alice])
            self.assertEqual(await quiet_for(bob_2, 0.5), [])

            frames = await subscribe(bob_1, dm["id"])
            self.assertEqual(frames[-1]["type"], "subscribed", frames)
            sent = alice.send(dm["id"], "live to Bob")
            frames = await receive_until(bob_1, lambda f: f["type"] == "message.created")
            self.assertEqual((frames[-1]["channel"], frames[-1]["message"]["id"], frames[-1]["message"]["text"]),
                             (dm["id"], sent["id"], "live to Bob"))

            self.assertEqual(await quiet_for(eve_ws, 1.0), [])
            for ws in (bob_1, bob_2, alice_ws, eve_ws):
                await ws.close()
        run(scenario())

    def test_being_added_to_a_private_channel_reaches_the_added_user_only(self):
        alice, carol, eve = User("Alice"), User("Carol"), User("Eve")
        plans = alice.channel("plans", private=True)

        async def scenario():
            carol_ws, eve_ws = await connect(carol), await connect(eve)
            r = alice.call("POST", "/api/channels/%s/members" % plans, json={"user_id": carol.id})
            self.assertEqual((r.status_code, r.json()), (200, {"added": True}), r.text)
            frames = await receive_until(carol_ws, lambda f: f["type"] == "channel.added")
            added = frames[-1]
            self.assertEqual(added["channel"], plans, frames)
            self.assertEqual((added["info"]["id"], added["info"]["kind"], added["info"]["private"],
                              added["info"]["user_count"]), (plans, "channel", True, 2), added)
            self.assertNotIn("participants", added["info"])
            # Added again: nothing changes, nothing is announced.
            r = alice.call("POST", "/api/channels/%s/members" % plans, json={"user_id": carol.id})
            self.assertEqual((r.status_code, r.json()), (200, {"added": False}), r.text)
            self.assertEqual(await quiet_for(carol_ws, 0.5), [])
            # Carol can follow it now.
            frames = await subscribe(carol_ws, plans)
            self.assertEqual(frames[-1]["type"], "subscribed", frames)
            alice.send(plans, "welcome Carol")
            frames = await receive_until(carol_ws, lambda f: f["type"] == "message.created")
            self.assertEqual(frames[-1]["message"]["text"], "welcome Carol")

            self.assertEqual(await quiet_for(eve_ws, 1.0), [])
            await carol_ws.close()
            await eve_ws.close()
        run(scenario())
        self.assertIn(plans, carol.my_channels())
        self.assertNotIn(plans, eve.my_channels())


# --- 5. Groups and fixed people -------------------------------------------------------

class GroupTest(unittest.TestCase):
    def test_a_group_of_three(self):
        alice, bob, carol = User("Alice"), User("Bob"), User("Carol")
        group = alice.open_ok(201, user_names=[carol, bob])
        self.assertEqual((group["kind"], group["private"], group["user_count"]), ("group", True, 3))
        self.assertEqual(sorted(p["user_id"] for p in group["participants"]), sorted([alice.id, bob.id, carol.id]))
        # Any one of them, naming the others in any order and either way, opens the same one.
        self.assertEqual(carol.open_ok(200, user_ids=[bob, alice])["id"], group["id"])
        self.assertEqual(bob.open_ok(200, user_ids=[carol], user_names=[alice])["id"], group["id"])
        # Two of them have a different conversation.
        self.assertNotEqual(alice.open_ok(201, user_ids=[bob])["id"], group["id"])
        # Each sees the others' names.
        for me, others in ((alice, (bob, carol)), (bob, (alice, carol)), (carol, (alice, bob))):
            item = me.my_channels()[group["id"]]
            self.assertEqual(item["channel_name"], ", ".join(sorted(o.name for o in others)))
            self.assertEqual(item["kind"], "group")
        sent = bob.send(group["id"], "hi both")
        for me in (alice, carol):
            r = me.call("GET", "/api/channels/%s/messages" % group["id"])
            self.assertEqual([m["id"] for m in r.json()["messages"]], [sent["id"]])
            self.assertEqual(me.my_channels()[group["id"]]["unread"], 1)

    def test_size_limit_and_unknown_people(self):
        alice = User("Alice")
        others = [User("Guest") for _ in range(8)]
        for body in ({"user_ids": [u.id for u in others]},
                     {"user_names": [u.name for u in others]},
                     {"user_ids": [u.id for u in others[:4]], "user_names": [u.name for u in others[4:]]}):
            with self.subTest(body=list(body)):
                r = alice.call("POST", "/api/conversations", json=body)
                self.assertEqual(r.status_code, 400, r.text)
                self.assertEqual(r.json()["error"]["code"], "invalid_argument", r.text)
        self.assertEqual([c for c in alice.my_channels() if c.startswith("dm-")], [])
        # Eight people in all is the most, and fine.
        eight = alice.open_ok(201, user_ids=others[:7])
        self.assertEqual((eight["kind"], eight["user_count"]), ("group", 8))

        r = alice.open(user_names=["Nobody Called This %d" % os.getpid()])
        self.assertEqual((r.status_code, r.json()["error"]["code"]), (404, "not_found"), r.text)
        r = alice.open(user_ids=["nosuchuser0001"])
        self.assertEqual((r.status_code, r.json()["error"]["code"]), (404, "not_found"), r.text)
        r = alice.open(user_ids=[others[0]], user_names=["Nobody Called This %d" % os.getpid()])
        self.assertEqual(r.status_code, 404, r.text)
        alice.open_ok(201, user_ids=[others[0]])  # the refused open made nothing: this one is new
        r = alice.call("POST", "/api/conversations", json={"user_ids": "not a list"})
        self.assertEqual(r.status_code, 400, r.text)

    def test_the_people_are_fixed(self):
        alice, bob, carol, dave = User("Alice"), User("Bob"), User("Carol"), User("Dave")
        group = alice.open_ok(201, user_ids=[bob, carol])
        dm = alice.open_ok(201, user_ids=[bob])
        for conversation, people in ((group, [alice, bob, carol]), (dm, [alice, bob])):
            cid = conversation["id"]
            with self.subTest(kind=conversation["kind"]):
                attempts = [
                    alice.call("POST", "/api/channels/%s/members" % cid, json={"user_id": dave.id}),
                    alice.call("POST", "/api/channels/%s/members" % cid, json={"user_name": dave.name}),
                    bob.call("POST", "/api/channels/%s/leave" % cid),
                    alice.call("PATCH", "/api/channels/%s" % cid, json={"name": "renamed"}),
                    alice.call("PATCH", "/api/channels/%s" % cid, json={"description": "about"}),
                ]
                for r in attempts:
                    self.assertEqual(r.status_code, 409, (r.request.method, r.request.url, r.text))
                    self.assertEqual(r.json()["error"]["code"], "failed_precondition", r.text)
                self.assertEqual(alice.members(cid), sorted(u.id for u in people))
                self.assertIn(cid, bob.my_channels())
                self.assertNotIn(cid, dave.my_channels())
                r = bob.call("GET", "/api/channels/%s" % cid)
                self.assertEqual((r.json()["channel"]["name"], r.json()["channel"]["description"],
                                  r.json()["channel"]["user_count"]),
                                 (conversation["name"], "", len(people)), r.text)

    def test_a_participant_cannot_join_again(self):
        # join, like leave, add member and PATCH, is refused on a conversation (409).
        alice, bob = User("Alice"), User("Bob")
        dm = alice.open_ok(201, user_ids=[bob])["id"]
        r = bob.call("POST", "/api/channels/%s/join" % dm)
        self.assertEqual(r.status_code, 409, r.text)
        self.assertEqual(r.json()["error"]["code"], "failed_precondition", r.text)
        self.assertEqual(alice.members(dm), sorted([alice.id, bob.id]))


if __name__ == "__main__":
    townhall.main()
