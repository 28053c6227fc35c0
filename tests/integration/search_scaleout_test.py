#!/usr/bin/python3
"""Search on three `townhall serve` nodes sharing one DynamoDB-compatible
store (docs/deploy.md): each node keeps its own index, fed from the chat
table's stream, so

- every node answers the same query the same way, whichever node took the
  writes;
- a node started after the messages were sent builds its index from the
  table by itself, and a node killed with kill -9 rebuilds it on restart;
- an edit or a delete through one node is reflected by the others within a
  second (each search catches up with the stream first);
- an outsider finds nothing private on any node.

The store is `townhall dynamodb` (TOWNHALL_SCALEOUT_STORE=townhall, the
default) or DynamoDB Local (=dynamodb-local: the ctest entry
search_scaleout_dynamodb_local)."""
import os
import sys
import time
import unittest

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402
from scaleout_test import Node, Redis, SharedStore  # noqa: E402


class User:
    def __init__(self, node, name):
        r = requests.post(node.url + "/api/signup", timeout=30, json={
            "name": name, "email": "%s-%d@search.example" % (name.lower(), os.getpid()), "password": "12345678"})
        assert r.status_code == 201, r.text
        self.token = r.json()["token"]
        self.id = r.json()["user"]["id"]
        self.name = name

    def call(self, node, method, path, **kwargs):
        return requests.request(method, node.url + path, headers={"Authorization": "Bearer " + self.token},
                                timeout=30, **kwargs)

    def search(self, node, q, **params):
        params["q"] = q
        r = self.call(node, "GET", "/api/search", params=params)
        assert r.status_code == 200, "%s on node %d: %s" % (q, node.node_id, r.text)
        return [(hit["message"]["id"], hit["message"]["text"]) for hit in r.json()["results"]]


def until(what, condition, timeout):
    """Seconds until condition() held; fails after timeout."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError("not within %.0f s: %s" % (timeout, what))
        time.sleep(0.02)


class SearchScaleoutTest(unittest.TestCase):
    def test_three_nodes_answer_the_same(self):
        kind = os.environ.get("TOWNHALL_SCALEOUT_STORE", "townhall")
        redis = Redis()
        store = SharedStore(kind)
        nodes = []
        try:
            nodes.append(Node(1, store, redis))
            nodes.append(Node(2, store, redis))
            n1, n2 = nodes
            alice, bob, eve = User(n1, "Alice"), User(n2, "Bob"), User(n1, "Eve")
            r = alice.call(n1, "POST", "/api/channels", json={"name": "lobby"})
            self.assertEqual(r.status_code, 201, r.text)
            lobby = r.json()["channel"]["id"]
            r = alice.call(n2, "POST", "/api/channels", json={"name": "vault", "private": True})
            self.assertEqual(r.status_code, 201, r.text)
            vault = r.json()["channel"]["id"]
            for who in (bob, eve):
                self.assertEqual(who.call(n2, "POST", "/api/channels/%s/join" % lobby).status_code, 200)
            self.assertIn(alice.call(n1, "POST", "/api/channels/%s/members" % vault,
                                     json={"user_id": bob.id}).status_code, (200, 201))
            sent = {}
            for i in range(30):
                node = nodes[i % 2]
                channel = vault if i % 3 == 0 else lobby
                r = alice.call(node, "POST", "/api/channels/%s/messages" % channel,
                               json={"text": "gazelle report %d %s" % (i, "secret" if channel == vault else "open")})
                self.assertEqual(r.status_code, 201, r.text)
                sent[r.json()["message"]["id"]] = channel

            # Both nodes answer at once, the same way, whoever took each write.
            expected = bob.search(n1, "gazelle", limit=100)
            self.assertEqual(len(expected), 30)
            self.assertEqual(bob.search(n2, "gazelle", limit=100), expected)
            self.assertEqual(sorted(i for i, _ in expected), sorted(sent))

            # A node started later builds its index from the table by itself.
            nodes.append(Node(3, store, redis))
            n3 = nodes[2]
            until("node 3 ready", lambda: bob.call(n3, "GET", "/api/search", params={"q": "gazelle"}).status_code
                  == 200, 30)
            self.assertEqual(bob.search(n3, "gazelle", limit=100), expected)
            for node in nodes:
                self.assertEqual(bob.search(node, "gazelle secret", limit=100),
                                 [hit for hit in expected if "secret" in hit[1]])

            # An outsider of the private channel finds none of it on any node.
            for node in nodes:
                found = eve.search(node, "gazelle", limit=100)
                self.assertEqual(len(found), 20)
                self.assertTrue(all(sent[i] == lobby for i, _ in found))
                self.assertEqual(eve.search(node, "secret"), [])
                r = eve.call(node, "GET", "/api/search", params={"q": "gazelle", "channel_id": vault})
                self.assertEqual(r.status_code, 404, r.text)

            # An edit through node 2 and a delete through node 3 reach every node within a second.
            target = next(i for i, channel in sent.items() if channel == lobby)
            r = alice.call(n2, "PATCH", "/api/channels/%s/messages/%s" % (lobby, target),
                           json={"text": "gazelle report renamed okapi"})
            self.assertEqual(r.status_code, 200, r.text)
            for node in nodes:
                seconds = until("node %d sees the edit" % node.node_id,
                                lambda node=node: [t for _, t in bob.search(node, "okapi")] ==
                                ["gazelle report renamed okapi"], 5)
                self.assertLess(seconds, 1.0, "node %d took %.2f s" % (node.node_id, seconds))
            r = alice.call(n3, "DELETE", "/api/channels/%s/messages/%s" % (lobby, target))
            self.assertEqual(r.status_code, 200, r.text)
            for node in nodes:
                seconds = until("node %d forgets the deleted message" % node.node_id,
                                lambda node=node: bob.search(node, "okapi") == [], 5)
                self.assertLess(seconds, 1.0, "node %d took %.2f s" % (node.node_id, seconds))

            # kill -9 a node: on restart it rebuilds its (in-memory) index and answers as the others.
            n2.kill9()
            nodes[1] = n2 = Node(2, store, redis)
            until("node 2 ready", lambda: bob.call(n2, "GET", "/api/search", params={"q": "gazelle"}).status_code
                  == 200, 30)
            answers = [bob.search(node, "gazelle", limit=100) for node in nodes]
            self.assertEqual(len(answers[0]), 29)
            self.assertEqual(answers[1], answers[0])
            self.assertEqual(answers[2], answers[0])
        finally:
            for node in nodes:
                node.stop() if node.process else None
            store.stop()
            redis.kill()


if __name__ == "__main__":
    townhall.main()
