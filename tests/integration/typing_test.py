"""Typing over the WebSocket as clients do it: {"type":"typing","channel"}
reaches the channel's other subscribers as {"type":"typing","member"}, at
most once per channel every 3 s per socket (the excess is dropped), only from
members, never from a socket not subscribed to the channel, and nothing is
stored (history and counts unchanged)."""
import asyncio
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from chat_client import ChatUser, connect, quiet_for, subscribe, unlimited_server  # noqa: E402

SERVER = None


def setUpModule():
    global SERVER
    SERVER = unlimited_server()


def tearDownModule():
    SERVER.__exit__(None, None, None)


class TypingTest(unittest.TestCase):
    def test_typing_reaches_members_once_per_interval_and_is_never_stored(self):
        asyncio.run(self.typing_scenario())

    async def typing_scenario(self):
        alice, bob, eve = ChatUser(SERVER, "Alice"), ChatUser(SERVER, "Bob"), ChatUser(SERVER, "Eve")
        channel = alice.channel("typing")
        secret = alice.channel("s", private=True)
        self.assertEqual(bob.call("POST", "/api/channels/%s/join" % channel).status_code, 200)
        alice_ws, bob_ws, eve_ws = await connect(SERVER, alice), await connect(SERVER, bob), await connect(SERVER, eve)
        for ws in (alice_ws, bob_ws, eve_ws):
            self.assertEqual((await subscribe(ws, channel))[-1]["type"], "subscribed")
        self.assertEqual((await subscribe(alice_ws, secret))[-1]["type"], "subscribed")

        # Five frames in a burst: one event; after the interval, another.
        for _ in range(5):
            await alice_ws.send(json.dumps({"type": "typing", "channel": channel}))
        seen = [f for f in await quiet_for(bob_ws, 1.5) if f["type"] == "typing"]
        self.assertEqual(len(seen), 1, seen)
        self.assertEqual((seen[0]["channel"], seen[0]["member"]["user_id"], seen[0]["member"]["user_name"]),
                         (channel, alice.id, alice.name))
        await asyncio.sleep(1.7)  # 3.2 s after the first
        await alice_ws.send(json.dumps({"type": "typing", "channel": channel}))
        self.assertEqual(len([f for f in await quiet_for(bob_ws, 1.5) if f["type"] == "typing"]), 1)
        # Eve watches the public channel without joining it: she sees typing, may not type.
        self.assertEqual(len([f for f in await quiet_for(eve_ws, 0.1) if f["type"] == "typing"]), 2)
        await eve_ws.send(json.dumps({"type": "typing", "channel": channel}))
        answer = [f for f in await quiet_for(eve_ws, 1.0) if f["type"] == "error"]
        self.assertEqual([(f["code"], f.get("channel")) for f in answer], [("permission_denied", channel)])
        # Not subscribed (and here not allowed to be): refused, and nobody hears of it.
        await eve_ws.send(json.dumps({"type": "typing", "channel": secret}))
        answer = [f for f in await quiet_for(eve_ws, 1.0) if f["type"] == "error"]
        self.assertEqual(answer[0]["code"], "invalid_argument", answer)
        self.assertNotIn("s", answer[0]["message"].split())  # nothing about the channel itself
        # Alice types in the private channel: Bob and Eve, not in it, hear nothing.
        await alice_ws.send(json.dumps({"type": "typing", "channel": secret}))
        for ws in (bob_ws, eve_ws):
            self.assertEqual([f for f in await quiet_for(ws, 1.0) if f["type"] == "typing"], [])
        # Nothing stored.
        for c in (channel, secret):
            info = alice.call("GET", "/api/channels/%s" % c).json()["channel"]
            self.assertEqual(info["message_count"], 0, info)
            self.assertEqual(alice.call("GET", "/api/channels/%s/messages" % c).json()["messages"], [])
        # A bad frame is a clear error.
        await alice_ws.send(json.dumps({"type": "typing"}))
        answer = [f for f in await quiet_for(alice_ws, 1.0) if f["type"] == "error"]
        self.assertEqual(answer[0]["code"], "invalid_argument", answer)
        for ws in (alice_ws, bob_ws, eve_ws):
            await ws.close()


if __name__ == "__main__":
    unittest.main()
