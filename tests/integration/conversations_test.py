#!/usr/bin/python3
"""Conversations as users have them (issue 18), over REST and WebSocket, as
two and three users: reactions (idempotent both ways, live to everyone
watching, refused on deleted messages, invisible to outsiders of private
channels) and URL-safe message ids (both forms accepted)."""
import asyncio
import json
import os
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402
from chat_client import ChatUser, connect, subscribe, unlimited_server  # noqa: E402
from openapi_check import OpenApiChecker  # noqa: E402

SERVER = None
CHECKER = None


def setUpModule():
    global SERVER, CHECKER
    SERVER = unlimited_server()
    CHECKER = OpenApiChecker()


def tearDownModule():
    SERVER.__exit__(None, None, None)


class User(ChatUser):
    """Someone who signed up on this module's server; every answer is checked against openapi.json."""

    def __init__(self, name):
        super().__init__(SERVER, name, check=CHECKER.check)


def reaction_path(channel, message_id, emoji):
    return "/api/channels/%s/messages/%s/reactions/%s" % (channel, message_id, urllib.parse.quote(emoji, safe=""))


async def listen(user, channel):
    ws = await connect(SERVER, user)
    await subscribe(ws, channel)
    return ws


async def next_of(ws, kind, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
        if frame["type"] == kind:
            return frame


class ReactionsTest(unittest.TestCase):
    def test_react_and_unreact_live_and_idempotent(self):
        alice, bob, carol = User("Alice"), User("Bob"), User("Carol")
        channel = alice.channel("reactions")
        for user in (bob, carol):
            self.assertEqual(user.call("POST", "/api/channels/%s/join" % channel).status_code, 200)
        message = alice.send(channel, "ship it?")
        self.assertNotIn("reactions", message)

        async def scenario():
            watching = await listen(carol, channel)
            r = bob.call("PUT", reaction_path(channel, message["id"], "👍"))
            self.assertEqual(r.status_code, 200, r.text)
            self.assertEqual(r.json()["message"]["reactions"], [{"emoji": "👍", "count": 1, "user_ids": [bob.id]}])
            event = await next_of(watching, "message.reactions")
            self.assertEqual(event["message"]["id"], message["id"])
            self.assertEqual(event["message"]["reactions"][0]["count"], 1)
            # A retry counts once and announces nothing new.
            again = bob.call("PUT", reaction_path(channel, message["id"], "👍")).json()["message"]
            self.assertEqual(again["reactions"][0]["count"], 1)
            alice.call("PUT", reaction_path(channel, message["id"], "👍"))
            alice.call("PUT", reaction_path(channel, message["id"], ":shipit:"))
            event = await next_of(watching, "message.reactions")
            self.assertEqual(event["message"]["reactions"][0]["count"], 2)
            event = await next_of(watching, "message.reactions")
            self.assertEqual(sorted(r["emoji"] for r in event["message"]["reactions"]), [":shipit:", "👍"])
            # Un-react, twice: the second changes nothing.
            r = bob.call("DELETE", reaction_path(channel, message["id"], "👍"))
            self.assertEqual(r.json()["message"]["reactions"][1]["user_ids"], [alice.id])
            self.assertEqual(bob.call("DELETE", reaction_path(channel, message["id"], "👍")).status_code, 200)
            event = await next_of(watching, "message.reactions")
            self.assertEqual([r["count"] for r in event["message"]["reactions"]], [1, 1])
            await watching.close()
        asyncio.run(scenario())

        # History shows them.
        page = bob.call("GET", "/api/channels/%s/messages" % channel).json()["messages"]
        self.assertEqual(len(page[0]["reactions"]), 2)

    def test_bad_reactions_and_deleted_messages_write_nothing(self):
        alice = User("Dana")
        channel = alice.channel("refusals")
        message = alice.send(channel, "soon gone")
        for bad in ("thumbs up", "👍👍", ":NoCaps:", "<b>x</b>"):
            r = alice.call("PUT", reaction_path(channel, message["id"], bad))
            self.assertEqual(r.status_code, 400, (bad, r.text))
        r = alice.call("PUT", reaction_path(channel, "1700000000_000000000000000000-0000", "👍"))
        self.assertEqual(r.status_code, 404)
        self.assertEqual(alice.call("DELETE", "/api/channels/%s/messages/%s" % (channel, message["id"])).status_code, 200)
        r = alice.call("PUT", reaction_path(channel, message["id"], "👍"))
        self.assertEqual(r.status_code, 409, r.text)
        self.assertIn("deleted", r.json()["error"]["message"])
        page = alice.call("GET", "/api/channels/%s/messages" % channel).json()["messages"]
        self.assertNotIn("reactions", page[0])

    def test_outsiders_cannot_react_or_learn_anything(self):
        owner, outsider = User("Owner"), User("Outsider")
        secret = owner.channel("secret reactions", private=True)
        message = owner.send(secret, "hush")
        r = outsider.call("PUT", reaction_path(secret, message["id"], "👍"))
        absent = outsider.call("PUT", reaction_path("nosuchchan01", message["id"], "👍"))
        self.assertEqual((r.status_code, absent.status_code), (404, 404))
        self.assertEqual(r.json()["error"]["message"].replace(secret, "ID"),
                         absent.json()["error"]["message"].replace("nosuchchan01", "ID"))
        page = owner.call("GET", "/api/channels/%s/messages" % secret).json()["messages"]
        self.assertNotIn("reactions", page[0])


    def test_reacting_in_a_public_channel_takes_joining(self):
        owner, reader = User("Opener"), User("Reader")
        channel = owner.channel("open reactions")
        message = owner.send(channel, "anyone?")
        r = reader.call("PUT", reaction_path(channel, message["id"], "👀"))
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("join", r.json()["error"]["message"])
        self.assertEqual(reader.call("POST", "/api/channels/%s/join" % channel).status_code, 200)
        r = reader.call("PUT", reaction_path(channel, message["id"], "👀"))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["message"]["reactions"][0]["user_ids"], [reader.id])


class CliTest(unittest.TestCase):
    def test_react_from_the_command_line(self):
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as data:
            def chat(*args, ok=True):
                run = subprocess.run([townhall.binary(), "chat", "--data", data] + list(args), capture_output=True,
                                     text=True, timeout=60)
                self.assertEqual(run.returncode == 0, ok, run.stderr)
                return json.loads(run.stdout if ok else run.stderr)
            chat("create-user", "--name", "Cli", "--id", "90")
            channel = chat("create-channel", "--name", "cli", "--as", "90")
            channel = channel.get("id") or channel["channel"]["id"]
            message = chat("send", "--user", "90", "--channel", channel, "--text", "hi")["message"]
            reacted = chat("react", "--user", "90", "--channel", channel, "--message", message["id"], "--emoji", "👍")
            self.assertEqual(reacted["reactions"], [{"emoji": "👍", "count": 1, "user_ids": ["90"]}])
            taken_back = chat("react", "--user", "90", "--channel", channel, "--message", message["id"], "--emoji", "👍",
                              "--remove")
            self.assertNotIn("reactions", taken_back)
            error = chat("react", "--user", "90", "--channel", channel, "--message", message["id"], "--emoji", "nope",
                         ok=False)
            self.assertEqual(error["error"]["code"], "invalid_argument")


class MessageIdTest(unittest.TestCase):
    def test_ids_fit_in_a_url_and_the_old_form_still_works(self):
        alice = User("Erin")
        channel = alice.channel("ids")
        message = alice.send(channel, "id")
        self.assertRegex(message["id"], r"^[0-9]{10}_[0-9]{19}-[0-9a-f]{4}$")
        old_form = urllib.parse.quote(message["id"].replace("_", "#", 1), safe="")
        r = alice.call("PATCH", "/api/channels/%s/messages/%s" % (channel, old_form), json={"text": "edited"})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["message"]["id"], message["id"])
        r = alice.call("PUT", reaction_path(channel, old_form, "🎉"))
        self.assertEqual(r.status_code, 200, r.text)
        after = alice.call("GET", "/api/channels/%s/messages" % channel, params={"after": "0000000000_0"})
        self.assertEqual(after.status_code, 200, after.text)


if __name__ == "__main__":
    townhall.main()
