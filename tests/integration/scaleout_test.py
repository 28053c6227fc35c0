"""Scale-out: three `townhall serve` nodes on one shared DynamoDB-compatible
store with Redis fan-out, driven over WebSocket and REST like clients would.

- clients connected to different nodes chat live;
- a node is killed with kill -9: its client reconnects to another node and
  resumes (subscribe with `after`) while messages keep coming: nothing lost,
  nothing twice;
- Redis is killed and restarted: sends keep working (stored), live delivery
  recovers by itself, and the subscribers catch up on what Redis missed.
- direct and group conversations: two people racing to open their DM from two
  nodes land in one conversation (made once); channel.added reaches a
  participant's socket on another node, and so do the conversation's messages
  once subscribed, exactly once; an outsider gets none of it on any node.

The shared store is `townhall dynamodb --data DIR` and DynamoDB Local (both by
default; TOWNHALL_SCALEOUT_STORE=townhall or =dynamodb-local picks one, as the
two ctest entries scaleout and scaleout_dynamodb_local do)."""
import asyncio
import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import requests
import websockets

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402

AWS_ENV = {"AWS_ACCESS_KEY_ID": "scaleout", "AWS_SECRET_ACCESS_KEY": "scaleout", "AWS_REGION": "us-east-1"}


def wait_for_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Redis:
    """redis-server on a fixed free port; restart() keeps the port."""

    def __init__(self):
        townhall.require("redis-server", shutil.which("redis-server"))
        self.port = townhall.free_port()
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for_port(self.port), "redis-server did not start"

    def kill(self):
        self.process.kill()
        self.process.wait()

    @property
    def url(self):
        return "redis://127.0.0.1:%d" % self.port


# Short, so that a killed node's users turn offline within 3 x 0.5 + 1 s.
PRESENCE_INTERVAL = 0.5


class SharedStore:
    """The store every node shares: townhall dynamodb on disk, or DynamoDB Local."""

    def __init__(self, kind):
        self.kind = kind
        self.tmp = tempfile.mkdtemp(prefix="townhall-scaleout-")
        if kind == "dynamodb-local":
            townhall.require("java (openjdk-17-jre-headless)", shutil.which("java"))
            self.local = townhall.DynamoDBLocal()
            self.endpoint = self.local.endpoint
            self.process = None
            return
        self.local = None
        self.log = open(os.path.join(self.tmp, "store.log"), "wb")
        self.process = subprocess.Popen(
            [townhall.binary(), "dynamodb", "--listen", "127.0.0.1:0", "--data", os.path.join(self.tmp, "data")],
            stdout=subprocess.PIPE, stderr=self.log)
        host, port, seen = townhall._wait_for_listening(self.process, time.monotonic() + 20)
        assert host, "townhall dynamodb did not start: %r" % seen
        self.endpoint = "http://%s:%d" % (host, port)

    def stop(self):
        if self.local:
            self.local.stop()
        if self.process:
            self.process.send_signal(signal.SIGTERM)
            self.assert_exit(self.process.wait(timeout=20))
            self.process.stdout.close()
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_exit(self, code):
        assert code == 0, "townhall dynamodb exited with %s" % code


class Node:
    """One `townhall serve` on the shared store, with Redis fan-out."""

    def __init__(self, node_id, store, redis):
        self.node_id = node_id
        self.log_path = os.path.join(store.tmp, "node%d.log" % node_id)
        self.log = open(self.log_path, "wb")
        args = [townhall.binary(), "serve", "--listen", "127.0.0.1:0", "--store", "dynamodb", "--endpoint",
                store.endpoint, "--pubsub", redis.url, "--node-id", str(node_id), "--dynamodb-listen", "off",
                "--password-cost", "minimum", "--rate-ip", "0", "--rate-user", "0", "--rate-auth", "0",
                "--log-level", "info", "--no-access-log", "--drain-seconds", "2",
                "--presence-interval", str(PRESENCE_INTERVAL)]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log,
                                        env=dict(os.environ, **AWS_ENV))
        sel = selectors.DefaultSelector()
        sel.register(self.process.stdout, selectors.EVENT_READ)
        seen = b""
        deadline = time.monotonic() + 60
        self.port = None
        while time.monotonic() < deadline and self.process.poll() is None:
            if sel.select(timeout=0.1):
                seen += os.read(self.process.stdout.fileno(), 4096)
                match = re.search(rb"listening on \S+:(\d+) \(chat", seen)
                if match:
                    self.port = int(match.group(1))
                    break
        sel.close()
        assert self.port, "node %d did not start: %r\n%s" % (node_id, seen, self.read_log())

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def ws_url(self):
        return "ws://127.0.0.1:%d/ws" % self.port

    def read_log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def metric(self, name):
        text = requests.get(self.url + "/metrics", timeout=10).text
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        raise AssertionError("no metric %s in:\n%s" % (name, text))

    def kill9(self):
        self.process.kill()
        self.process.wait()
        self._release()

    def _release(self):
        self.process.stdout.close()
        self.process = None
        self.log.close()

    def stop(self):
        if not self.process:
            return
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self._release()
        assert code == 0, "node %d exited with %s:\n%s" % (self.node_id, code, self.read_log())


class Client:
    """A user with a token, and at most one WebSocket whose frames a reader task collects."""

    def __init__(self, node, name):
        self.name = name
        r = requests.post(node.url + "/api/signup", timeout=30, json={
            "name": name, "email": "%s-%d-%d@scaleout.example" % (name.lower(), os.getpid(), time.monotonic_ns()),
            "password": "12345678"})
        assert r.status_code == 201, r.text
        self.token = r.json()["token"]
        self.ws = None
        self.frames = []
        self.arrived = {}  # message id -> time.monotonic() when its frame came in
        self.reader = None
        self.close_code = None

    def another_socket(self):
        """The same user and session, for a second WebSocket (on another node)."""
        twin = Client.__new__(Client)
        twin.name, twin.token = self.name + "'", self.token
        twin.ws, twin.frames, twin.arrived, twin.reader, twin.close_code = None, [], {}, None, None
        return twin

    def rest(self, node, method, path, **kwargs):
        return requests.request(method, node.url + path, headers={"Authorization": "Bearer " + self.token},
                                timeout=30, **kwargs)

    def send_rest(self, node, channel, text):
        r = self.rest(node, "POST", "/api/channels/%s/messages" % channel, json={"text": text})
        assert r.status_code == 201, r.text
        return r.json()["message"]["id"]

    async def connect(self, node):
        self.ws = await websockets.connect(node.ws_url, extra_headers={"Authorization": "Bearer " + self.token},
                                           max_size=2 ** 22)
        ready = json.loads(await asyncio.wait_for(self.ws.recv(), 10))
        assert ready["type"] == "ready", ready
        self.reader = asyncio.get_running_loop().create_task(self._read(self.ws))

    async def _read(self, ws):
        try:
            async for text in ws:
                frame = json.loads(text)
                if frame["type"] == "message.created":
                    self.arrived.setdefault(frame["message"]["id"], time.monotonic())
                self.frames.append(frame)
        except websockets.exceptions.ConnectionClosed:
            pass
        self.close_code = ws.close_code

    async def subscribe(self, channel, after=None):
        entry = {"id": channel}
        if after is not None:
            entry["after"] = after
        count = len(self.frames)
        await self.ws.send(json.dumps({"type": "subscribe", "channels": [entry]}))
        await self.wait_for(lambda: any(f["type"] in ("subscribed", "error") for f in self.frames[count:]),
                            "subscribed to %s" % channel)
        done = [f for f in self.frames[count:] if f["type"] in ("subscribed", "error")][0]
        assert done["type"] == "subscribed", done
        return done

    async def send_ws(self, channel, text):
        count = len(self.frames)
        await self.ws.send(json.dumps({"type": "send", "channel": channel, "text": text,
                                       "client_message_id": "c-%d" % time.monotonic_ns()}))
        await self.wait_for(lambda: any(f["type"] in ("ack", "error") for f in self.frames[count:]), "ack")
        ack = [f for f in self.frames[count:] if f["type"] in ("ack", "error")][0]
        assert ack["type"] == "ack", ack
        return ack["message"]["id"]

    def message_ids(self):
        return [f["message"]["id"] for f in self.frames if f["type"] == "message.created"]

    async def wait_for(self, predicate, what, timeout=30):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("%s: timed out waiting for %s; frames: %s" % (self.name, what, self.frames[-10:]))
            await asyncio.sleep(0.02)

    async def wait_for_ids(self, ids, timeout=30):
        await self.wait_for(lambda: set(ids) <= set(self.message_ids()), "%d messages" % len(ids), timeout)

    async def close(self):
        if self.ws:
            await self.ws.close()
        if self.reader:
            await self.reader


def history(client, node, channel):
    """Every message id of the channel, oldest first, through REST."""
    ids, after = [], ""
    while True:
        page = client.rest(node, "GET", "/api/channels/%s/messages" % channel,
                           params={"after": after, "limit": 100}).json()
        ids += [m["id"] for m in page["messages"]]
        if not page["next_cursor"]:
            return ids
        after = page["next_cursor"]


class ScaleoutScenario:
    store_kind = None

    def setUp(self):
        wanted = os.environ.get("TOWNHALL_SCALEOUT_STORE")
        if wanted and wanted != self.store_kind:
            self.skipTest("TOWNHALL_SCALEOUT_STORE=%s" % wanted)
        self.store = SharedStore(self.store_kind)
        self.addCleanup(self.store.stop)
        self.redis = Redis()
        self.addCleanup(self.redis.kill)
        self.nodes = []
        for node_id in (1, 2, 3):
            node = Node(node_id, self.store, self.redis)
            self.nodes.append(node)
            self.addCleanup(node.stop)

    def test_three_nodes_chat_survive_a_node_kill_and_a_redis_restart(self):
        asyncio.run(self.scenario())

    def test_leave_and_logout_end_live_delivery_on_every_node(self):
        asyncio.run(self.access_scenario())

    def test_presence_is_the_same_on_every_node_and_a_killed_nodes_users_turn_offline(self):
        asyncio.run(self.presence_scenario())

    async def presence_scenario(self):
        n1, n2, n3 = self.nodes
        alice, bob, carol = Client(n1, "Alice"), Client(n2, "Bob"), Client(n3, "Carol")
        ids = {c.name: c.rest(n1, "GET", "/api/me").json()["user"]["id"] for c in (alice, bob, carol)}
        await alice.connect(n1)
        await bob.connect(n2)
        await carol.connect(n3)
        watched = [ids["Alice"], ids["Bob"], "nobody-at-all"]

        def state(client, user):
            """The latest state client was told for user (None before any)."""
            told = [f["users"][user] for f in client.frames if f["type"] == "presence" and user in f["users"]]
            return told[-1] if told else None

        async def until(client, user, wanted, timeout=10):
            await client.wait_for(lambda: state(client, user) == wanted, "%s %s" % (user, wanted), timeout)

        await carol.ws.send(json.dumps({"type": "watch_presence", "users": watched}))
        await until(carol, ids["Alice"], "online")
        await until(carol, ids["Bob"], "online")  # Bob is on node 2: node 3 knows it
        self.assertEqual(state(carol, "nobody-at-all"), "offline")

        # Bob goes idle on node 2: Carol, on node 3, sees him away. A second
        # socket of his (node 1) makes him online; it closes: away again.
        await bob.ws.send(json.dumps({"type": "status", "away": True}))
        await until(carol, ids["Bob"], "away")
        bob_elsewhere = bob.another_socket()
        await bob_elsewhere.connect(n1)
        await until(carol, ids["Bob"], "online")
        await bob_elsewhere.close()
        await until(carol, ids["Bob"], "away")

        # Alice closes her socket: offline at once, everywhere.
        await alice.close()
        await until(carol, ids["Alice"], "offline")

        # kill -9 node 2: nobody says Bob left; node 3 forgets node 2 when it falls silent.
        killed_at = time.monotonic()
        self.nodes[1].kill9()
        await until(carol, ids["Bob"], "offline", timeout=3 * PRESENCE_INTERVAL + 6)
        took = time.monotonic() - killed_at
        self.assertLess(took, 3 * PRESENCE_INTERVAL + 1 + 2, "bound: 3 intervals + 1 s (+ slack for CI)")
        print("presence: a killed node's user turned offline after %.2f s" % took)

        # A node that starts now learns who is online elsewhere at once (it asks).
        await alice.connect(n1)
        n4 = Node(4, self.store, self.redis)
        self.nodes.append(n4)
        self.addCleanup(n4.stop)
        dave = Client(n4, "Dave")
        await dave.connect(n4)
        await dave.ws.send(json.dumps({"type": "watch_presence", "users": [ids["Alice"], ids["Bob"]]}))
        await until(dave, ids["Alice"], "online", timeout=10)  # within a round trip or an interval; slack for CI
        self.assertEqual(state(dave, ids["Bob"]), "offline")
        for client in (alice, carol, dave):
            await client.close()

    def test_conversations_open_once_and_reach_only_their_people_across_nodes(self):
        asyncio.run(self.conversation_scenario())

    async def access_scenario(self):
        n1, n2, n3 = self.nodes
        alice, bob, carol = Client(n1, "Alice"), Client(n2, "Bob"), Client(n3, "Carol")
        r = alice.rest(n1, "POST", "/api/channels", json={"name": "private across nodes", "private": True})
        self.assertEqual(r.status_code, 201, r.text)
        channel = r.json()["channel"]["id"]
        for client in (bob, carol):
            me = client.rest(n1, "GET", "/api/me").json()["user"]["id"]
            r = alice.rest(n1, "POST", "/api/channels/%s/members" % channel, json={"user_id": me})
            self.assertEqual(r.status_code, 200, r.text)

        # Bob listens on nodes 2 and 3; he leaves through node 1.
        bob_elsewhere = bob.another_socket()
        await bob.connect(n2)
        await bob_elsewhere.connect(n3)
        for socket in (bob, bob_elsewhere):
            await socket.subscribe(channel, after="")
        before = alice.send_rest(n1, channel, "before leaving")
        for socket in (bob, bob_elsewhere):
            await socket.wait_for_ids([before], timeout=15)
        r = bob.rest(n1, "POST", "/api/channels/%s/leave" % channel)
        self.assertEqual(r.json(), {"left": True, "archived": False}, r.text)
        for socket in (bob, bob_elsewhere):
            await socket.wait_for(lambda s=socket: any(f["type"] == "unsubscribed" and f["channels"] == [channel]
                                                       for f in s.frames), "unsubscribed after leaving")
        after = alice.send_rest(n1, channel, "after leaving")
        await asyncio.sleep(1)
        for socket in (bob, bob_elsewhere):
            self.assertNotIn(after, socket.message_ids())

        # Carol listens on nodes 2 and 3, every node has her session cached,
        # and she logs out through node 1.
        carol_elsewhere = carol.another_socket()
        await carol.connect(n2)
        await carol_elsewhere.connect(n3)
        for node in self.nodes:
            self.assertEqual(carol.rest(node, "GET", "/api/me").status_code, 200)
        self.assertEqual(carol.rest(n1, "POST", "/api/logout").status_code, 204)
        for socket in (carol, carol_elsewhere):
            await socket.wait_for(lambda s=socket: s.close_code is not None, "closed by the logout", timeout=10)
            self.assertEqual(socket.close_code, 4003)
        for node in self.nodes:  # not after the 30 s cache: at once
            self.assertEqual(carol.rest(node, "GET", "/api/me").status_code, 401, node.node_id)
        for client in (alice, bob, bob_elsewhere, carol, carol_elsewhere):
            await client.close()

    async def scenario(self):
        n1, n2, n3 = self.nodes
        for node in self.nodes:
            self.assertEqual(node.metric("townhall_pubsub_connected"), 1, node.read_log())
        alice, bob, carol = Client(n1, "Alice"), Client(n2, "Bob"), Client(n3, "Carol")
        r = alice.rest(n1, "POST", "/api/channels", json={"name": "scaleout", "private": False})
        self.assertEqual(r.status_code, 201, r.text)
        channel = r.json()["channel"]["id"]
        for client, node in ((bob, n2), (carol, n3)):
            r = client.rest(node, "POST", "/api/channels/%s/join" % channel)
            self.assertIn(r.status_code, (200, 201), r.text)

        # 1. Live across nodes: each user on their own node.
        await alice.connect(n1)
        await bob.connect(n2)
        await carol.connect(n3)
        for client in (alice, bob, carol):
            await client.subscribe(channel, after="")
        sent = [await alice.send_ws(channel, "hello from node 1"),
                await bob.send_ws(channel, "hello from node 2"),
                carol.send_rest(n3, channel, "hello from node 3 over REST")]
        for client in (alice, bob, carol):
            await client.wait_for_ids(sent, timeout=15)
        # Ids minted on different nodes carry their node and sort by send order.
        self.assertEqual(sent, sorted(sent))
        self.assertEqual([i[-4:] for i in sent], ["0001", "0002", "0003"])
        self.assertGreaterEqual(n1.metric("townhall_pubsub_published_total"), 1)
        self.assertGreaterEqual(n2.metric("townhall_pubsub_received_total"), 2)

        # Cross-node delivery latency (REST send on node 1 -> frame on node 2
        # and node 3), reported rather than tuned for; a generous bound only.
        latencies = []
        for i in range(20):
            started = time.monotonic()
            message_id = alice.send_rest(n1, channel, "latency %d" % i)
            for client in (bob, carol):
                await client.wait_for_ids([message_id], timeout=10)
                latencies.append(client.arrived[message_id] - started)
        latencies.sort()
        print("\n%s: cross-node delivery after the REST send: median %.1f ms, max %.1f ms (n=%d)"
              % (self.store_kind, 1000 * latencies[len(latencies) // 2], 1000 * latencies[-1], len(latencies)),
              file=sys.stderr)
        self.assertLess(latencies[len(latencies) // 2], 1.0)

        # 2. kill -9 node 2: Bob reconnects to node 3 and resumes from the last
        # message he saw while Alice (node 1) and Carol (node 3) keep sending.
        n2.kill9()
        self.nodes.remove(n2)
        await bob.close()
        last_seen = bob.message_ids()[-1]
        missed = [await alice.send_ws(channel, "while bob is away %d" % i) for i in range(5)]
        stop = threading.Event()
        during = []

        def keep_sending(client, node):
            i = 0
            while not stop.is_set() and i < 300:
                during.append(client.send_rest(node, channel, "during resume %d" % i))
                i += 1

        senders = [threading.Thread(target=keep_sending, args=(alice, n1))]
        for sender in senders:
            sender.start()
        try:
            await asyncio.sleep(0.3)
            bob.frames = []
            await bob.connect(n3)
            await bob.subscribe(channel, after=last_seen)
            await asyncio.sleep(1.0)
        finally:
            stop.set()
            for sender in senders:
                sender.join()
        await bob.wait_for_ids(missed + during, timeout=20)
        await asyncio.sleep(0.5)  # anything doubled would have arrived by now
        expected = [i for i in history(alice, n1, channel) if i > last_seen]
        got = bob.message_ids()
        self.assertEqual(len(got), len(set(got)), "duplicates after the resume")
        self.assertEqual(sorted(got), expected, "gap or extra after the resume")
        self.assertGreater(len(during), 0)

        # 3. Redis goes away: sends are still acknowledged and stored; node 3's
        # clients miss the live events from node 1 until Redis is back, then
        # catch up from the table without reconnecting; live delivery resumes.
        self.redis.kill()
        down = [await alice.send_ws(channel, "redis is down %d" % i) for i in range(5)]
        down.append(carol.send_rest(n3, channel, "carol, redis down"))
        # Longer than an event may wait for Redis (2 s): node 1 drops them and
        # owes the others a gap notice, besides their own resubscribe resync.
        await asyncio.sleep(2.5)
        dropped_before = n1.metric("townhall_pubsub_dropped_total")
        self.redis.start()
        for node in self.nodes:
            deadline = time.monotonic() + 30
            while node.metric("townhall_pubsub_connected") != 1:
                self.assertLess(time.monotonic(), deadline, "node %d did not reconnect to redis:\n%s"
                                % (node.node_id, node.read_log()))
                await asyncio.sleep(0.2)
        await bob.wait_for_ids(down, timeout=20)
        await carol.wait_for_ids(down, timeout=20)
        await alice.wait_for_ids(down, timeout=20)
        self.assertGreaterEqual(n3.metric("townhall_pubsub_resyncs_total"), 2)
        self.assertGreaterEqual(dropped_before, 1, "node 1 dropped nothing while Redis was down")
        after_restart = [await alice.send_ws(channel, "redis is back"), carol.send_rest(n3, channel, "and again")]
        for client in (alice, bob, carol):
            await client.wait_for_ids(after_restart, timeout=20)
        await asyncio.sleep(0.5)

        # Nothing lost, nothing twice, for everyone, over the whole run.
        full = history(alice, n1, channel)
        for client, since in ((alice, ""), (carol, ""), (bob, last_seen)):
            got = client.message_ids()
            self.assertEqual(len(got), len(set(got)), "%s got duplicates" % client.name)
            self.assertEqual(sorted(got), [i for i in full if i > since], "%s: gap or extra" % client.name)
        for client in (alice, bob, carol):
            await client.close()

    async def conversation_scenario(self):
        n1, n2, n3 = self.nodes
        for node in self.nodes:
            self.assertEqual(node.metric("townhall_pubsub_connected"), 1, node.read_log())
        alice, bob, carol, eve = Client(n1, "Alice"), Client(n2, "Bob"), Client(n3, "Carol"), Client(n2, "Eve")
        ids = {c.name: c.rest(n1, "GET", "/api/me").json()["user"]["id"] for c in (alice, bob, carol, eve)}
        # Everyone listens before anything is opened: Alice on node 1, Bob and
        # Eve (who is in nothing) on node 2, Carol on node 3.
        await alice.connect(n1)
        await bob.connect(n2)
        await eve.connect(n2)
        await carol.connect(n3)

        def added(client, channel):
            return [f for f in client.frames if f["type"] == "channel.added" and f["channel"] == channel]

        # 1. Alice (node 1, by id) and Bob (node 2, by name) open their DM at the
        # same moment, several times each: one conversation, made once.
        attempts = 4
        start = threading.Barrier(2 * attempts, timeout=30)
        answers = []

        def open_dm(client, node, body):
            start.wait()
            r = client.rest(node, "POST", "/api/conversations", json=body)
            answers.append((client.name, node.node_id, r.status_code, r.text))

        openers = [threading.Thread(target=open_dm, args=(alice, n1, {"user_ids": [ids["Bob"]]}))
                   for _ in range(attempts)]
        openers += [threading.Thread(target=open_dm, args=(bob, n2, {"user_names": ["Alice"]}))
                    for _ in range(attempts)]
        for opener in openers:
            opener.start()
        for opener in openers:
            await asyncio.to_thread(opener.join)
        self.assertEqual(len(answers), 2 * attempts, answers)
        for who, node_id, status, text in answers:
            self.assertIn(status, (200, 201), "%s on node %d: %d %s" % (who, node_id, status, text))
            self.assertEqual(json.loads(text)["created"], status == 201, text)
        opened = [json.loads(text) for _, _, _, text in answers]
        dm_ids = {o["channel"]["id"] for o in opened}
        self.assertEqual(len(dm_ids), 1, answers)
        dm = dm_ids.pop()
        self.assertEqual([o["created"] for o in opened].count(True), 1, answers)
        for o in opened:
            self.assertEqual(o["channel"]["kind"], "dm", o)
            self.assertEqual(sorted(p["user_id"] for p in o["channel"]["participants"]),
                             sorted([ids["Alice"], ids["Bob"]]), o)
        for client in (alice, bob):  # read on the node that took no part
            r = client.rest(n3, "GET", "/api/channels/%s" % dm)
            self.assertEqual(r.status_code, 200, r.text)
            self.assertEqual(r.json()["channel"]["user_count"], 2, r.text)
        for client, node in ((alice, n2), (bob, n1)):
            mine, cursor = [], ""
            while True:
                page = client.rest(node, "GET", "/api/me/channels", params={"cursor": cursor, "limit": 100}).json()
                mine += [c for c in page["channels"] if c["channel_id"] == dm]
                if not page["next_cursor"]:
                    break
                cursor = page["next_cursor"]
            self.assertEqual(len(mine), 1, "%s's memberships of %s: %s" % (client.name, dm, mine))
            self.assertEqual(mine[0]["kind"], "dm", mine)
        # Announced to each of them on their own node (once: counted at the end).
        for client in (alice, bob):
            await client.wait_for(lambda c=client: added(c, dm), "channel.added for the DM", timeout=15)

        # 2. Carol (node 3) is in a group Alice opens on node 1: it is announced
        # on her socket, and once she subscribes there, Alice's message from
        # node 1 arrives on it exactly once.
        r = alice.rest(n1, "POST", "/api/conversations", json={"user_names": ["Bob", "Carol"]})
        self.assertEqual(r.status_code, 201, r.text)
        self.assertTrue(r.json()["created"], r.text)
        group = r.json()["channel"]["id"]
        self.assertNotEqual(group, dm)
        await carol.wait_for(lambda: added(carol, group), "channel.added for the group", timeout=15)
        info = added(carol, group)[0]["info"]
        self.assertEqual(info["kind"], "group", info)
        self.assertEqual(info["id"], group, info)
        self.assertEqual(sorted(p["user_id"] for p in info["participants"]),
                         sorted([ids["Alice"], ids["Bob"], ids["Carol"]]), info)
        for client in (alice, bob):
            await client.wait_for(lambda c=client: added(c, group), "channel.added for the group", timeout=15)
        await carol.subscribe(group)
        hello = await alice.send_ws(group, "hello group, from node 1")
        await carol.wait_for_ids([hello], timeout=15)

        # A 1:1 from node 1 reaches its other person live on node 3.
        r = alice.rest(n1, "POST", "/api/conversations", json={"user_ids": [ids["Carol"]]})
        self.assertEqual(r.status_code, 201, r.text)
        with_carol = r.json()["channel"]["id"]
        await carol.wait_for(lambda: added(carol, with_carol), "channel.added for Alice's DM", timeout=15)
        await carol.subscribe(with_carol)
        note = await alice.send_ws(with_carol, "a DM from node 1")
        await carol.wait_for_ids([note], timeout=15)

        # The DM's messages reach Alice on node 1 from Bob on node 2, where Eve is.
        await alice.subscribe(dm)
        psst = bob.send_rest(n2, dm, "just between us, from node 2")
        await alice.wait_for_ids([psst], timeout=15)

        # 3. Eve asks for the DM on her socket and over REST on every node: it
        # does not exist for her.
        count = len(eve.frames)
        await eve.ws.send(json.dumps({"type": "subscribe", "channels": [{"id": dm, "after": ""}]}))
        await eve.wait_for(lambda: any(f["type"] in ("subscribed", "error") for f in eve.frames[count:]),
                           "an answer to subscribing to the DM")
        answer = [f for f in eve.frames[count:] if f["type"] in ("subscribed", "error")][0]
        self.assertEqual((answer["type"], answer.get("code"), answer.get("channel")), ("error", "not_found", dm),
                         answer)
        for node in self.nodes:
            for channel in (dm, group):
                r = eve.rest(node, "GET", "/api/channels/%s/messages" % channel)
                self.assertEqual(r.status_code, 404, "node %d, %s: %s" % (node.node_id, channel, r.text))

        await asyncio.sleep(0.5)  # anything doubled or misdelivered would have arrived by now
        self.assertEqual(carol.message_ids().count(hello), 1, carol.frames)
        self.assertEqual(carol.message_ids().count(note), 1, carol.frames)
        self.assertEqual(alice.message_ids().count(psst), 1, alice.frames)
        for client in (alice, bob):
            self.assertEqual(len(added(client, dm)), 1, "%s: %s" % (client.name, added(client, dm)))
            self.assertEqual(len(added(client, group)), 1, "%s: %s" % (client.name, added(client, group)))
        self.assertEqual(added(carol, dm), [])
        self.assertEqual(len(added(carol, group)), 1, added(carol, group))
        self.assertEqual([f for f in eve.frames if f["type"] in ("channel.added", "message.created")], [])
        self.assertEqual([f for f in eve.frames if f.get("channel") in (dm, group) and f is not answer], [])
        for client in (alice, bob, carol, eve):
            await client.close()


class OnTownhallDynamodb(ScaleoutScenario, unittest.TestCase):
    store_kind = "townhall"


class OnDynamoDBLocal(ScaleoutScenario, unittest.TestCase):
    store_kind = "dynamodb-local"


if __name__ == "__main__":
    townhall.main()
