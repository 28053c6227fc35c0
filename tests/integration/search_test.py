#!/usr/bin/python3
"""Message search as its users have it, over REST and the CLI, on the
embedded store (docs/search.md):

- words in any order, phrases, the last word as a prefix, filters;
- privacy from the outsider's side: a non-member never gets a hit, a snippet
  or a count from a private channel or a conversation, whatever the words,
  filters or channel_id (404 as on every route), and a member who leaves
  stops finding it;
- edits and deletes are reflected at once (the search catches up with the
  table's stream before answering); a deleted message is never found again;
- snippets are text pieces with the matched words marked, never HTML;
- kill -9 while messages are being sent, restart: every acknowledged message
  is found; an index file deleted while the server is down is rebuilt from the
  table at start; `townhall chat search` and `townhall search reindex` on the
  stopped store answer the same.
Every REST answer is validated against src/api/openapi.json."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import unittest

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402
from chat_client import UNLIMITED, ChatUser, chat_cli  # noqa: E402
from openapi_check import OpenApiChecker  # noqa: E402

CHECKER = OpenApiChecker()


def search(user, q, **params):
    params["q"] = q
    r = user.call("GET", "/api/search", params=params)
    return r


def texts(user, q, **params):
    r = search(user, q, **params)
    assert r.status_code == 200, r.text
    return [hit["message"]["text"] for hit in r.json()["results"]]


class SearchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = townhall.ChatServer(extra_args=UNLIMITED).__enter__()
        s = cls.server
        cls.alice = ChatUser(s, "Alice", CHECKER.check)
        cls.bob = ChatUser(s, "Bob", CHECKER.check)
        cls.eve = ChatUser(s, "Eve", CHECKER.check)  # the outsider
        cls.public = cls.alice.channel("town square")
        cls.private = cls.alice.channel("board room", private=True)
        r = cls.bob.call("POST", "/api/channels/%s/join" % cls.public)
        assert r.status_code == 200, r.text
        r = cls.eve.call("POST", "/api/channels/%s/join" % cls.public)
        assert r.status_code == 200, r.text
        r = cls.alice.call("POST", "/api/conversations", json={"user_ids": [cls.bob.id]})
        assert r.status_code in (200, 201), r.text
        cls.dm = r.json()["channel"]["id"]

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_words_phrases_prefix_and_filters(self):
        a = self.alice
        a.send(self.public, "Kangaroo migration starts Monday, see https://example.com/roos")
        a.send(self.public, "the migration of kangaroos is over")
        self.bob.send(self.dm, "kangaroo burgers tonight?")
        self.assertEqual(len(texts(a, "kangaroo migration")), 1)       # "kangaroos" is not "kangaroo" ...
        self.assertEqual(len(texts(a, "migration kangaroo")), 2)       # ... but the last word is a prefix
        self.assertEqual(texts(a, '"migration of kangaroos"'), ["the migration of kangaroos is over"])
        self.assertEqual(texts(a, "kangaroo has:link"),
                         ["Kangaroo migration starts Monday, see https://example.com/roos"])
        self.assertEqual(texts(a, 'kangaroo in:@"%s"' % self.bob.name), ["kangaroo burgers tonight?"])
        self.assertEqual(texts(a, 'kangaroo from:@"%s"' % self.bob.name), ["kangaroo burgers tonight?"])
        self.assertEqual(len(texts(a, 'kangaroo from:@"%s"' % a.name)), 2)
        self.assertEqual(search(a, 'kangaroo from:@"Nobody At All"').status_code, 400)
        self.assertEqual(len(texts(a, "kangaroo", channel_id=self.public)), 2)
        r = search(a, "kangaroo before:someday")
        self.assertEqual(r.status_code, 400)
        self.assertIn("YYYY-MM-DD", r.json()["error"]["message"])
        self.assertEqual(search(a, "").status_code, 400)
        self.assertEqual(requests.get(self.server.url + "/api/search?q=kangaroo").status_code, 401)
        # Newest first, and the best match first when asked.
        self.assertEqual(texts(a, "migration")[0], "the migration of kangaroos is over")
        r = search(a, "kangaroo", order="relevance")
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(search(a, "kangaroo", order="sideways").status_code, 400)

    def test_an_outsider_gets_no_hit_snippet_or_count(self):
        a, eve = self.alice, self.eve
        a.send(self.private, "platypus acquisition is confidential")
        a.send(self.dm, "platypus between us two")
        a.send(self.public, "platypus facts for everyone")
        self.assertEqual(len(texts(a, "platypus")), 3)
        self.assertEqual(sorted(texts(self.bob, "platypus")), ["platypus between us two", "platypus facts for everyone"])
        for q in ("platypus", "platypus acquisition", '"platypus acquisition"', "confidential", "confid",
                  'platypus from:@"%s"' % a.name, "has:link", "platypus after:2000-01-01"):
            r = search(eve, q)
            if r.status_code == 200:
                found = [hit["message"]["text"] for hit in r.json()["results"]]
                self.assertNotIn("platypus acquisition is confidential", found, q)
                self.assertNotIn("platypus between us two", found, q)
                self.assertTrue(all(hit["channel"]["id"] == self.public for hit in r.json()["results"]), q)
                self.assertNotIn("confidential", r.text, q)
        # Naming the private channel or the conversation answers as for one that does not exist.
        named = search(eve, 'platypus in:#"board room %d"' % a.number)
        self.assertEqual(named.status_code, 400)
        self.assertNotIn("confidential", named.text)
        self.assertEqual(search(eve, "platypus", channel_id=self.private).status_code, 404)
        self.assertEqual(search(eve, "platypus", channel_id=self.dm).status_code, 404)
        self.assertEqual(search(eve, "platypus", channel_id=self.private).text.replace(self.private, "X"),
                         search(eve, "platypus", channel_id="nosuchchan01").text.replace("nosuchchan01", "X"))

    def test_leaving_ends_the_hits(self):
        a = self.alice
        room = a.channel("war room", private=True)
        r = a.call("POST", "/api/channels/%s/members" % room, json={"user_id": self.bob.id})
        self.assertIn(r.status_code, (200, 201), r.text)
        a.send(room, "wombat strategy")
        self.assertEqual(texts(self.bob, "wombat"), ["wombat strategy"])
        r = self.bob.call("POST", "/api/channels/%s/leave" % room)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(texts(self.bob, "wombat"), [])

    def test_edits_and_deletes_are_reflected_at_once(self):
        a = self.alice
        message = a.send(self.public, "the quokka build is green")
        self.assertEqual(texts(a, "quokka green"), ["the quokka build is green"])
        r = a.call("PATCH", "/api/channels/%s/messages/%s" % (self.public, message["id"]),
                   json={"text": "the quokka build is red"})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(texts(a, "quokka green"), [])
        self.assertEqual(texts(a, "quokka red"), ["the quokka build is red"])
        r = a.call("DELETE", "/api/channels/%s/messages/%s" % (self.public, message["id"]))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(texts(a, "quokka"), [])
        self.assertEqual(texts(self.bob, "quokka"), [])

    def test_snippets_are_text_pieces(self):
        a = self.alice
        a.send(self.public, "<img src=x onerror=alert(1)> numbat <b>here</b>")
        r = search(a, "numbat")
        self.assertEqual(r.status_code, 200, r.text)
        hit = r.json()["results"][0]
        self.assertEqual("".join(part["text"] for part in hit["snippet"]),
                         "<img src=x onerror=alert(1)> numbat <b>here</b>")
        self.assertEqual([part["text"] for part in hit["snippet"] if part["match"]], ["numbat"])
        self.assertEqual(hit["channel"], {"id": self.public, "name": "town square %d" % a.number,
                                          "conversation": False})

    def test_paging_newest_first(self):
        a = self.alice
        sent = [a.send(self.public, "echidna note %d" % i)["id"] for i in range(23)]
        seen, cursor = [], None
        while True:
            params = {"limit": 10}
            if cursor:
                params["cursor"] = cursor
            r = search(a, "echidna", **params)
            self.assertEqual(r.status_code, 200, r.text)
            seen += [hit["message"]["id"] for hit in r.json()["results"]]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, list(reversed(sent)))
        # The message in its history: ?around= brings it with its neighbours.
        r = a.call("GET", "/api/channels/%s/messages" % self.public, params={"around": sent[5], "limit": 6})
        self.assertEqual(r.status_code, 200, r.text)
        ids = [m["id"] for m in r.json()["messages"]]
        self.assertEqual(ids, list(reversed(sent[2:9])))
        self.assertEqual(r.json()["newer_after"], sent[8])
        self.assertTrue(r.json()["next_cursor"])
        self.assertEqual(self.eve.call("GET", "/api/channels/%s/messages" % self.private,
                                       params={"around": sent[5]}).status_code, 404)


class DurabilityTest(unittest.TestCase):
    """kill -9 during sends; a lost index; the CLI on the stopped store."""

    def test_every_acknowledged_message_is_found_after_kill_9(self):
        with townhall.ChatServer(extra_args=UNLIMITED) as server:
            alice = ChatUser(server, "Alice")
            channel = alice.channel("firehose")
            acknowledged = []
            stop = threading.Event()

            def sender(worker):
                session = requests.Session()
                session.headers["Authorization"] = "Bearer " + alice.token
                n = 0
                while not stop.is_set():
                    text = "durable w%dn%d" % (worker, n)
                    try:
                        r = session.post(server.url + "/api/channels/%s/messages" % channel, json={"text": text},
                                         timeout=5)
                    except requests.RequestException:
                        return
                    if r.status_code == 201:
                        acknowledged.append(r.json()["message"]["id"])
                    n += 1

            workers = [threading.Thread(target=sender, args=(w,)) for w in range(4)]
            for w in workers:
                w.start()
            time.sleep(1.5)
            server.process.send_signal(signal.SIGKILL)
            server.process.wait()
            stop.set()
            for w in workers:
                w.join()
            server.process = None
            self.assertGreater(len(acknowledged), 50)
            server.start()
            found, cursor = set(), None
            while True:
                params = {"q": "durable", "limit": 100}
                if cursor:
                    params["cursor"] = cursor
                r = alice.call("GET", "/api/search", params=params)
                self.assertEqual(r.status_code, 200, r.text)
                found |= {hit["message"]["id"] for hit in r.json()["results"]}
                cursor = r.json()["next_cursor"]
                if not cursor:
                    break
            missing = set(acknowledged) - found
            self.assertFalse(missing, "%d of %d acknowledged messages not found" % (len(missing), len(acknowledged)))

            # The index file lost while the server is down: rebuilt from the table at start.
            self.assertEqual(server.stop(), 0)
            index = os.path.join(server.data_dir, "search.sqlite")
            self.assertTrue(os.path.exists(index))
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(index + suffix):
                    os.remove(index + suffix)
            server.start()
            deadline = time.monotonic() + 30
            while True:
                r = alice.call("GET", "/api/search", params={"q": "durable", "limit": 1})
                if r.status_code == 200 or time.monotonic() > deadline:
                    break
                self.assertEqual(r.status_code, 503, r.text)  # being built
                time.sleep(0.1)
            self.assertEqual(r.status_code, 200, r.text)
            # Newest first (a send the kill cut off before its answer may be newer than every acknowledged one).
            newest = r.json()["results"][0]["message"]["id"]
            self.assertGreaterEqual(newest, max(acknowledged))

            # The CLI on the stopped store: the same answer, as the reader.
            eve = ChatUser(server, "Eve")
            self.assertEqual(server.stop(), 0)
            cli = chat_cli(server, "search", "durable", "--as", alice.id, "--limit", "5")
            self.assertEqual(cli.returncode, 0, cli.stderr)
            self.assertEqual(len(json.loads(cli.stdout)["results"]), 5)
            cli = chat_cli(server, "search", "durable", "--as", eve.id)
            self.assertEqual(cli.returncode, 0, cli.stderr)
            self.assertEqual(json.loads(cli.stdout)["results"], [])
            reindex = subprocess.run([townhall.binary(), "search", "reindex", "--data", server.data_dir],
                                     capture_output=True, text=True, timeout=120)
            self.assertEqual(reindex.returncode, 0, reindex.stderr)
            self.assertGreaterEqual(json.loads(reindex.stdout)["messages"], len(acknowledged))
            cli = chat_cli(server, "search", "durable", "--as", alice.id, "--limit", "100")
            self.assertEqual(cli.returncode, 0, cli.stderr)
            self.assertEqual(json.loads(cli.stdout)["results"][0]["message"]["id"], newest)


if __name__ == "__main__":
    townhall.main()
