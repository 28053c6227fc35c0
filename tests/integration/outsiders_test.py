#!/usr/bin/python3
"""Every REST route added for conversations, threads, mentions and muting,
tried from the outside: signed out (or with a made-up token), as someone who
is not a member, and as a member naming another user's id. Each refusal is
the documented status with nothing of the channel in its body, and nothing
changes: the members, mutes and mentions are read back afterwards. Every
answer is checked against src/api/openapi.json."""
import os
import sys
import unittest

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402
from chat_client import ChatUser, unlimited_server  # noqa: E402
from openapi_check import OpenApiChecker  # noqa: E402

SERVER = None
CHECKER = None
ABSENT_MESSAGE = "1700000000_0000000000000000000-0000"


def setUpModule():
    global SERVER, CHECKER
    SERVER = unlimited_server()
    CHECKER = OpenApiChecker()


def tearDownModule():
    SERVER.__exit__(None, None, None)


class User(ChatUser):
    def __init__(self, name):
        super().__init__(SERVER, name, check=CHECKER.check)

    def mention(self, channel, text, *people):
        r = self.call("POST", "/api/channels/%s/messages" % channel,
                      json={"text": text, "mentions": [p.id for p in people]})
        assert r.status_code == 201, r.text
        return r.json()["message"]

    def mentions(self, **params):
        r = self.call("GET", "/api/me/mentions", params=params)
        assert r.status_code == 200, r.text
        return r.json()

    def my_channel(self, channel):
        r = self.call("GET", "/api/me/channels", params={"limit": 100})
        assert r.status_code == 200, r.text
        return {c["channel_id"]: c for c in r.json()["channels"]}.get(channel)

    def member_ids(self, channel):
        r = self.call("GET", "/api/channels/%s/members" % channel)
        assert r.status_code == 200, r.text
        return sorted(m["user_id"] for m in r.json()["members"])


def anonymous(method, path, token=None, **kwargs):
    headers = {"Authorization": "Bearer " + token} if token else {}
    r = requests.request(method, SERVER.url + path, headers=headers, timeout=30, **kwargs)
    CHECKER.check(r)
    return r


class OutsidersTest(unittest.TestCase):
    def setUp(self):
        self.alice, self.bob, self.carol, self.eve = User("Alice"), User("Bob"), User("Carol"), User("Eve")
        self.secret = self.alice.channel("secret", private=True)
        for user in (self.bob, self.carol):
            r = self.alice.call("POST", "/api/channels/%s/members" % self.secret, json={"user_id": user.id})
            self.assertEqual(r.status_code, 200, r.text)
        self.public = self.alice.channel("open")
        for user in (self.bob, self.carol):
            self.assertEqual(user.call("POST", "/api/channels/%s/join" % self.public).status_code, 200)
        self.root = self.alice.mention(self.secret, "@%s the plan is secret" % self.bob.name, self.bob)

    def assert_refused(self, r, status, code):
        self.assertEqual((r.status_code, r.json()["error"]["code"]), (status, code), r.text)
        for secret in ("the plan is secret", self.alice.name, self.bob.name, "secret %d" % self.alice.number):
            self.assertNotIn(secret, r.text)

    def test_signed_out_or_with_a_made_up_token_every_new_route_answers_401(self):
        routes = [
            ("POST", "/api/conversations", {"user_ids": [self.bob.id]}),
            ("GET", "/api/me/mentions", None),
            ("DELETE", "/api/channels/%s/members/%s" % (self.secret, self.bob.id), None),
            ("PUT", "/api/channels/%s/mute" % self.secret, {"muted": True}),
            ("GET", "/api/channels/%s/messages/%s/thread" % (self.secret, self.root["id"]), None),
            ("POST", "/api/channels/%s/messages" % self.secret, {"text": "x", "mentions": [self.bob.id]}),
        ]
        for token in (None, "made-up-token"):
            for method, path, body in routes:
                r = anonymous(method, path, token=token, json=body)
                self.assert_refused(r, 401, "unauthenticated")
        self.assertEqual(self.alice.member_ids(self.secret), sorted([self.alice.id, self.bob.id, self.carol.id]))
        self.assertFalse(self.alice.my_channel(self.secret)["muted"])

    def test_removing_a_member_is_for_the_creator_only(self):
        before = self.alice.member_ids(self.secret)
        # Eve is not in the private channel: it does not exist for her.
        r = self.eve.call("DELETE", "/api/channels/%s/members/%s" % (self.secret, self.bob.id))
        self.assert_refused(r, 404, "not_found")
        # Carol is a member, not its creator, naming another member's id.
        r = self.carol.call("DELETE", "/api/channels/%s/members/%s" % (self.secret, self.bob.id))
        self.assert_refused(r, 403, "permission_denied")
        # Eve sees the public channel but did not make it.
        r = self.eve.call("DELETE", "/api/channels/%s/members/%s" % (self.public, self.bob.id))
        self.assertEqual((r.status_code, r.json()["error"]["code"]), (403, "permission_denied"), r.text)
        # A user id nobody has.
        r = self.alice.call("DELETE", "/api/channels/%s/members/%s" % (self.secret, "nosuchuser01"))
        self.assertEqual(r.status_code, 404, r.text)
        self.assertEqual(self.alice.member_ids(self.secret), before)
        self.assertEqual(self.alice.member_ids(self.public), sorted([self.alice.id, self.bob.id, self.carol.id]))
        # The creator may; anyone may remove themselves (a leave).
        r = self.alice.call("DELETE", "/api/channels/%s/members/%s" % (self.secret, self.bob.id))
        self.assertEqual((r.status_code, r.json()), (200, {"removed": True}), r.text)
        r = self.carol.call("DELETE", "/api/channels/%s/members/%s" % (self.secret, self.carol.id))
        self.assertEqual((r.status_code, r.json()), (200, {"removed": True}), r.text)
        self.assertEqual(self.alice.member_ids(self.secret), [self.alice.id])
        # Bob, removed, is an outsider now: the channel and his mention from it are gone for him.
        self.assert_refused(self.bob.call("GET", "/api/channels/%s" % self.secret), 404, "not_found")
        self.assertEqual(self.bob.mentions()["messages"], [])
        # People in a conversation are fixed, whoever asks.
        dm = self.alice.call("POST", "/api/conversations", json={"user_ids": [self.bob.id]}).json()["channel"]["id"]
        r = self.alice.call("DELETE", "/api/channels/%s/members/%s" % (dm, self.bob.id))
        self.assertEqual((r.status_code, r.json()["error"]["code"]), (409, "failed_precondition"), r.text)
        self.assert_refused(self.eve.call("DELETE", "/api/channels/%s/members/%s" % (dm, self.bob.id)),
                            404, "not_found")

    def test_muting_is_ones_own_and_for_members(self):
        self.assert_refused(self.eve.call("PUT", "/api/channels/%s/mute" % self.secret, json={"muted": True}),
                            404, "not_found")
        r = self.eve.call("PUT", "/api/channels/%s/mute" % self.public, json={"muted": True})
        self.assertEqual((r.status_code, r.json()["error"]["code"]), (403, "permission_denied"), r.text)
        for bad in ({}, {"muted": "yes"}):
            r = self.alice.call("PUT", "/api/channels/%s/mute" % self.secret, json=bad)
            self.assertEqual((r.status_code, r.json()["error"]["code"]), (400, "invalid_argument"), r.text)
        r = self.alice.call("PUT", "/api/channels/%s/mute" % self.secret, json={"muted": True})
        self.assertEqual(r.status_code, 204, r.text)
        self.assertTrue(self.alice.my_channel(self.secret)["muted"])
        # Alice's mute is hers: Bob's and Carol's are untouched.
        self.assertFalse(self.bob.my_channel(self.secret)["muted"])
        self.assertFalse(self.carol.my_channel(self.secret)["muted"])
        self.assertIsNone(self.eve.my_channel(self.secret))

    def test_mentions_reach_members_only_and_stay_theirs(self):
        # Mentioning Eve, who is not in the private channel, tells her nothing.
        message = self.alice.mention(self.secret, "ask @%s maybe" % self.eve.name, self.eve, self.carol)
        self.assertEqual([m["user_id"] for m in message["mentions"]], [self.carol.id])
        self.assertEqual(self.eve.mentions()["messages"], [])
        # Eve cannot post (or mention) into it at all.
        r = self.eve.call("POST", "/api/channels/%s/messages" % self.secret,
                          json={"text": "@Bob", "mentions": [self.bob.id]})
        self.assert_refused(r, 404, "not_found")
        # Nor "@here" into it (404) or into the public channel she has not joined (403); signed out: 401.
        here = {"text": "@here", "mention_here": True}
        r = self.eve.call("POST", "/api/channels/%s/messages" % self.secret, json=here)
        self.assert_refused(r, 404, "not_found")
        r = self.eve.call("POST", "/api/channels/%s/messages" % self.public, json=here)
        self.assertEqual((r.status_code, r.json()["error"]["code"]), (403, "permission_denied"), r.text)
        r = anonymous("POST", "/api/channels/%s/messages" % self.public, json=here)
        self.assertEqual(r.status_code, 401, r.text)
        # Bob's list, paged; his cursor gets Eve only her own (none).
        for i in range(3):
            self.alice.mention(self.public, "@%s number %d" % (self.bob.name, i), self.bob)
        page = self.bob.mentions(limit=1)
        self.assertEqual(len(page["messages"]), 1)
        self.assertTrue(page["next_cursor"])
        self.assertEqual(self.eve.mentions(cursor=page["next_cursor"])["messages"], [])
        r = self.eve.call("GET", "/api/me/mentions", params={"cursor": "not-a-cursor"})
        self.assertEqual((r.status_code, r.json()["error"]["code"]), (400, "invalid_argument"), r.text)
        # Counts are one's own: Eve's channels list has none of it.
        self.assertIsNone(self.eve.my_channel(self.secret))
        self.assertEqual(self.bob.my_channel(self.public)["mentions"], 3)
        self.assertEqual(self.carol.my_channel(self.public)["mentions"], 0)

    def test_a_thread_is_not_there_for_outsiders(self):
        path = "/api/channels/%s/messages/%s/thread" % (self.secret, self.root["id"])
        self.assert_refused(self.eve.call("GET", path), 404, "not_found")
        r = self.eve.call("GET", "/api/channels/%s/messages/%s/thread" % (self.secret, ABSENT_MESSAGE))
        self.assert_refused(r, 404, "not_found")
        r = self.eve.call("POST", "/api/conversations", json={"user_ids": ["nosuchuser01"]})
        self.assertEqual((r.status_code, r.json()["error"]["code"]), (404, "not_found"), r.text)


if __name__ == "__main__":
    townhall.main()
