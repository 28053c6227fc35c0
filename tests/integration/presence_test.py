"""Presence over the WebSocket as clients use it, on one node: a user is
online while one of their sockets is signed in and not away, away when every
socket said {"type":"status","away":true}, offline when none is left; a
socket hears the users it watches ({"type":"watch_presence"}) and nobody
else; bad frames get clear errors; nothing is written to the table."""
import asyncio
import json
import os
import sys
import unittest

import websockets

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from chat_client import ChatUser, connect, quiet_for, receive, receive_until, unlimited_server  # noqa: E402

SERVER = None


def setUpModule():
    global SERVER
    SERVER = unlimited_server()


def tearDownModule():
    SERVER.__exit__(None, None, None)


def presence(frames):
    """user id -> state, the latest each presence frame told."""
    told = {}
    for f in frames:
        if f["type"] == "presence":
            told.update(f["users"])
    return told


class PresenceTest(unittest.TestCase):
    def test_online_away_offline_reach_the_watchers_only(self):
        asyncio.run(self.scenario())

    def test_bad_frames_are_refused_clearly(self):
        asyncio.run(self.bad_frames())

    async def scenario(self):
        alice, bob, eve = ChatUser(SERVER, "Alice"), ChatUser(SERVER, "Bob"), ChatUser(SERVER, "Eve")
        bob_ws, eve_ws = await connect(SERVER, bob), await connect(SERVER, eve)
        # Bob watches Alice (offline yet), himself and an id nobody has.
        await bob_ws.send(json.dumps({"type": "watch_presence", "users": [alice.id, bob.id, "no-such-user"]}))
        snapshot = await receive_until(bob_ws, lambda f: f["type"] == "presence")
        self.assertEqual(snapshot[-1]["users"], {alice.id: "offline", bob.id: "online", "no-such-user": "offline"})

        tab1 = await connect(SERVER, alice)
        frames = await receive_until(bob_ws, lambda f: f["type"] == "presence")
        self.assertEqual(frames[-1]["users"], {alice.id: "online"})
        tab2 = await connect(SERVER, alice)
        self.assertEqual(presence(await quiet_for(bob_ws, 0.5)), {})  # a second tab changes nothing
        await tab1.send(json.dumps({"type": "status", "away": True}))
        self.assertEqual(presence(await quiet_for(bob_ws, 0.5)), {})  # tab 2 is active
        await tab2.send(json.dumps({"type": "status", "away": True}))
        frames = await receive_until(bob_ws, lambda f: f["type"] == "presence")
        self.assertEqual(frames[-1]["users"], {alice.id: "away"})
        await tab1.send(json.dumps({"type": "status", "away": False}))
        frames = await receive_until(bob_ws, lambda f: f["type"] == "presence")
        self.assertEqual(frames[-1]["users"], {alice.id: "online"})
        await tab1.close()  # the active one goes: the one left is away
        frames = await receive_until(bob_ws, lambda f: f["type"] == "presence")
        self.assertEqual(frames[-1]["users"], {alice.id: "away"})
        await tab2.close()
        frames = await receive_until(bob_ws, lambda f: f["type"] == "presence")
        self.assertEqual(frames[-1]["users"], {alice.id: "offline"})
        # Eve watches nobody: she heard none of it.
        self.assertEqual(presence(await quiet_for(eve_ws, 0.3)), {})

        # A new list replaces the old: Bob now watches Eve only.
        await bob_ws.send(json.dumps({"type": "watch_presence", "users": [eve.id]}))
        frames = await receive_until(bob_ws, lambda f: f["type"] == "presence")
        self.assertEqual(frames[-1]["users"], {eve.id: "online"})
        again = await connect(SERVER, alice)
        self.assertEqual(presence(await quiet_for(bob_ws, 0.5)), {})
        await eve_ws.close()
        frames = await receive_until(bob_ws, lambda f: f["type"] == "presence")
        self.assertEqual(frames[-1]["users"], {eve.id: "offline"})
        # [] stops watching.
        await bob_ws.send(json.dumps({"type": "watch_presence", "users": []}))
        self.assertEqual((await receive(bob_ws))["users"], {})
        await again.close()
        self.assertEqual(presence(await quiet_for(bob_ws, 0.5)), {})
        await bob_ws.close()
        # Nothing stored: presence is ephemeral (the channels and messages are unchanged, no items).
        self.assertEqual(alice.call("GET", "/api/me/channels").json()["channels"], [])

    def test_at_here_mentions_the_members_online_only(self):
        asyncio.run(self.at_here())

    async def at_here(self):
        alice, bob, carol, dave, eve = (ChatUser(SERVER, n) for n in ("Alice", "Bob", "Carol", "Dave", "Eve"))
        channel = alice.channel("standup")
        for u in (bob, carol, dave):
            self.assertEqual(u.call("POST", "/api/channels/%s/join" % channel).status_code, 200)
        # Bob online, Carol away, Dave offline, Eve online but not a member.
        alice_ws, bob_ws, carol_ws, eve_ws = [await connect(SERVER, u) for u in (alice, bob, carol, eve)]
        await carol_ws.send(json.dumps({"type": "status", "away": True}))
        await bob_ws.send(json.dumps({"type": "watch_presence", "users": [carol.id]}))
        await receive_until(bob_ws, lambda f: f["type"] == "presence" and f["users"] == {carol.id: "away"})
        await alice_ws.send(json.dumps({"type": "send", "channel": channel, "text": "@here standup in 5",
                                        "client_message_id": "h1", "mention_here": True}))
        ack = (await receive_until(alice_ws, lambda f: f["type"] in ("ack", "error")))[-1]
        self.assertEqual(ack["type"], "ack", ack)
        self.assertTrue(ack["message"]["mention_here"])

        def mentions(user):
            rows = user.call("GET", "/api/me/channels").json()["channels"]
            return {r["channel_id"]: r["mentions"] for r in rows}.get(channel)

        self.assertEqual((mentions(bob), mentions(carol), mentions(dave), mentions(alice)), (1, 0, 0, 0))
        self.assertIsNone(mentions(eve))
        listed = bob.call("GET", "/api/me/mentions").json()["messages"]
        self.assertEqual([m["text"] for m in listed], ["@here standup in 5"])
        self.assertEqual(eve.call("GET", "/api/me/mentions").json()["messages"], [])
        # Over REST too, and an edit without "@here" takes it back.
        r = alice.call("POST", "/api/channels/%s/messages" % channel, json={"text": "@here again", "mention_here": True})
        self.assertEqual(r.status_code, 201, r.text)
        self.assertEqual(mentions(bob), 2)
        r = alice.call("PATCH", "/api/channels/%s/messages/%s" % (channel, r.json()["message"]["id"]),
                       json={"text": "never mind"})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(mentions(bob), 1)
        r = alice.call("POST", "/api/channels/%s/messages" % channel, json={"text": "x", "mention_here": "yes"})
        self.assertEqual(r.status_code, 400, r.text)
        for ws in (alice_ws, bob_ws, carol_ws, eve_ws):
            await ws.close()

    async def bad_frames(self):
        carol = ChatUser(SERVER, "Carol")
        ws = await connect(SERVER, carol)
        for frame, why in (({"type": "watch_presence"}, "users"),
                           ({"type": "watch_presence", "users": "x"}, "array"),
                           ({"type": "watch_presence", "users": [1]}, "array"),
                           ({"type": "watch_presence", "users": [""]}, "invalid user id"),
                           ({"type": "watch_presence", "users": ["a\nb"]}, "invalid user id"),
                           ({"type": "watch_presence", "users": ["u%d" % i for i in range(501)]}, "500"),
                           ({"type": "status"}, "away"),
                           ({"type": "status", "away": "yes"}, "away")):
            await ws.send(json.dumps(frame))
            answer = await receive(ws)
            self.assertEqual(answer["type"], "error", (frame, answer))
            self.assertEqual(answer["code"], "invalid_argument", (frame, answer))
            self.assertIn(why, answer["message"], (frame, answer))
        await ws.close()
        # Not signed in: nothing but an error, and nobody learns of a state.
        anonymous = await websockets.connect(SERVER.ws_url)
        for frame in ({"type": "watch_presence", "users": [carol.id]}, {"type": "status", "away": True}):
            await anonymous.send(json.dumps(frame))
            answer = await receive(anonymous)
            self.assertEqual((answer["type"], answer["code"]), ("error", "unauthenticated"), answer)
        await anonymous.close()


if __name__ == "__main__":
    unittest.main()
