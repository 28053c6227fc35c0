"""The WebSocket protocol driven like a client would: live delivery between
two users, authentication, authorization on subscribe, resume across a
server restart with no gap and no duplicate, heartbeats, and the slow
consumer cut-off."""
import asyncio
import base64
import json
import os
import socket
import struct
import sys
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

import requests
import websockets

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from chat_client import receive, receive_until, subscribe  # noqa: E402
from townhall import ChatServer  # noqa: E402

SERVER = None


def setUpModule():
    global SERVER
    SERVER = ChatServer(extra_args=["--rate-ip", "0", "--rate-user", "0", "--rate-auth", "0",
                                    "--ws-queue-frames", "100", "--drain-seconds", "5"]).__enter__()


def tearDownModule():
    SERVER.__exit__(None, None, None)


COUNTER = [0]


def signup(name):
    COUNTER[0] += 1
    r = requests.post(SERVER.url + "/api/signup", json={
        "name": "%s %d" % (name, COUNTER[0]),  # names are unique per server
        "email": "%s%d-%d@ws.example" % (name.lower(), COUNTER[0], os.getpid()),
        "password": "12345678"})
    assert r.status_code == 201, r.text
    return r.json()["token"], r.json()["user"]


def rest(token, method, path, **kwargs):
    return requests.request(method, SERVER.url + path, headers={"Authorization": "Bearer " + token}, timeout=30,
                            **kwargs)


def new_channel(token, name="room", private=False):
    r = rest(token, "POST", "/api/channels", json={"name": name, "private": private})
    assert r.status_code == 201, r.text
    return r.json()["channel"]["id"]


async def connect(token=None, **kwargs):
    headers = {"Authorization": "Bearer " + token} if token else {}
    return await websockets.connect(SERVER.ws_url, extra_headers=headers, max_size=2 ** 20, **kwargs)


def run(coroutine):
    return asyncio.run(coroutine)


class LiveTest(unittest.TestCase):
    def test_two_users_chat_live(self):
        alice_token, alice = signup("Alice")
        bob_token, bob = signup("Bob")
        channel = new_channel(alice_token, "live")
        rest(bob_token, "POST", "/api/channels/%s/join" % channel)

        async def scenario():
            a = await connect(alice_token)
            b = await connect(bob_token)
            self.assertEqual((await receive(a))["type"], "ready")
            self.assertEqual((await receive(b))["user"]["id"], bob["id"])
            await subscribe(a, channel)
            await subscribe(b, channel)
            await a.send(json.dumps({"type": "send", "channel": channel, "text": "Hello Bob!",
                                     "client_message_id": "c1"}))
            frames = await receive_until(a, lambda f: f["type"] == "ack")
            ack = frames[-1]
            self.assertEqual(ack["client_message_id"], "c1")
            self.assertFalse(ack["duplicate"])
            event = await receive_until(b, lambda f: f["type"] == "message.created")
            self.assertEqual(event[-1]["message"]["text"], "Hello Bob!")
            self.assertEqual(event[-1]["message"]["id"], ack["message"]["id"])
            self.assertEqual(event[-1]["channel"], channel)
            # A REST send reaches WebSocket subscribers too; an edit follows as message.edited.
            sent = rest(bob_token, "POST", "/api/channels/%s/messages" % channel, json={"text": "Hey Alice"}).json()
            got = await receive_until(a, lambda f: f["type"] == "message.created")
            self.assertEqual(got[-1]["message"]["user_id"], bob["id"])
            rest(bob_token, "PATCH", "/api/channels/%s/messages/%s" % (channel, sent["message"]["id"].replace("#", "%23")),
                 json={"text": "Hey Alice!"})
            edited = await receive_until(a, lambda f: f["type"] == "message.edited")
            self.assertEqual(edited[-1]["message"]["text"], "Hey Alice!")
            # Retrying a send with the same client id is acknowledged as a duplicate, not delivered twice.
            await a.send(json.dumps({"type": "send", "channel": channel, "text": "Hello Bob!",
                                     "client_message_id": "c1"}))
            again = (await receive_until(a, lambda f: f["type"] == "ack"))[-1]
            self.assertTrue(again["duplicate"])
            self.assertEqual(again["message"]["id"], ack["message"]["id"])
            # Members joining show up as events.
            carol_token, carol = signup("Carol")
            rest(carol_token, "POST", "/api/channels/%s/join" % channel)
            joined = await receive_until(b, lambda f: f["type"] == "member.joined")
            self.assertEqual(joined[-1]["member"]["user_id"], carol["id"])
            await a.send(json.dumps({"type": "ping"}))
            self.assertEqual((await receive_until(a, lambda f: f["type"] == "pong"))[-1], {"type": "pong"})
            await a.close()
            await b.close()
        run(scenario())

    def test_send_errors_carry_the_client_message_id(self):
        token, _ = signup("Dave")
        other_token, _ = signup("Erin")
        channel = new_channel(other_token, "not-dave")

        async def scenario():
            ws = await connect(token)
            await receive(ws)
            await ws.send(json.dumps({"type": "send", "channel": channel, "text": "hi", "client_message_id": "x9"}))
            error = await receive(ws)
            self.assertEqual(error["type"], "error")
            self.assertEqual(error["code"], "permission_denied")
            self.assertEqual(error["client_message_id"], "x9")
            await ws.send(json.dumps({"type": "send", "channel": channel, "text": "x" * 5000}))
            self.assertEqual((await receive(ws))["code"], "invalid_argument")
            await ws.send("not json")
            self.assertEqual((await receive(ws))["code"], "invalid_argument")
            await ws.send(json.dumps({"type": "dance"}))
            self.assertEqual((await receive(ws))["code"], "invalid_argument")
            await ws.close()
        run(scenario())


class AuthTest(unittest.TestCase):
    def test_auth_by_first_message(self):
        token, user = signup("Frank")

        async def scenario():
            ws = await connect()
            await ws.send(json.dumps({"type": "subscribe", "channels": ["x"]}))
            self.assertEqual((await receive(ws))["code"], "unauthenticated")
            await ws.send(json.dumps({"type": "auth", "token": "wrong"}))
            self.assertEqual((await receive(ws))["code"], "unauthenticated")
            await ws.send(json.dumps({"type": "auth", "token": token}))
            ready = await receive(ws)
            self.assertEqual(ready["type"], "ready")
            self.assertEqual(ready["user"]["id"], user["id"])
            await ws.close()
        run(scenario())

    def test_bad_token_refused_at_upgrade(self):
        async def scenario():
            with self.assertRaises(websockets.exceptions.InvalidStatusCode) as refused:
                await connect("not-a-token")
            self.assertEqual(refused.exception.status_code, 401)
        run(scenario())

    def test_cookie_auth_and_cross_origin(self):
        r = requests.post(SERVER.url + "/api/signup", json={"name": "Gina", "email": "gina%d@ws.example" % os.getpid(),
                                                              "password": "12345678"})
        cookie = "th_session=" + r.cookies["th_session"]

        async def scenario():
            ws = await websockets.connect(SERVER.ws_url, extra_headers={"Cookie": cookie},
                                          origin="http://127.0.0.1:%d" % SERVER.port)
            self.assertEqual((await receive(ws))["type"], "ready")
            await ws.close()
            with self.assertRaises(websockets.exceptions.InvalidStatusCode) as refused:
                await websockets.connect(SERVER.ws_url, extra_headers={"Cookie": cookie}, origin="http://evil.example")
            self.assertEqual(refused.exception.status_code, 403)
        run(scenario())

    def test_private_channel_subscribe_refused_to_outsiders(self):
        owner, _ = signup("Hank")
        outsider, _ = signup("Ivy")
        channel = new_channel(owner, "hidden", private=True)

        async def scenario():
            ws = await connect(outsider)
            await receive(ws)
            frames = await subscribe(ws, channel, after="")
            self.assertEqual(frames[-1]["type"], "error")
            self.assertEqual(frames[-1]["code"], "not_found")
            # And nothing from it arrives later.
            rest(owner, "POST", "/api/channels/%s/messages" % channel, json={"text": "secret"})
            with self.assertRaises(asyncio.TimeoutError):
                await receive(ws, timeout=1)
            await ws.close()
        run(scenario())


class ResumeTest(unittest.TestCase):
    def test_resume_across_restart_has_no_gap_and_no_duplicate(self):
        alice_token, _ = signup("Alice")
        bob_token, _ = signup("Bob")
        channel = new_channel(alice_token, "resume")
        rest(bob_token, "POST", "/api/channels/%s/join" % channel)

        def send(text):
            r = rest(alice_token, "POST", "/api/channels/%s/messages" % channel, json={"text": text})
            assert r.status_code == 201, r.text
            return r.json()["message"]["id"]

        async def first_session():
            ws = await connect(bob_token)
            await receive(ws)
            await subscribe(ws, channel, after="")
            for i in range(3):
                send("m%d" % i)
            seen = []
            while len(seen) < 3:
                frame = await receive(ws)
                if frame["type"] == "message.created":
                    seen.append(frame["message"])
            # A graceful restart closes this socket with 1001.
            restart = threading.Thread(target=SERVER.restart)
            restart.start()
            with self.assertRaises(websockets.exceptions.ConnectionClosed) as closed:
                while True:
                    await receive(ws, timeout=30)
            self.assertEqual(closed.exception.code, 1001)
            restart.join()
            return seen

        seen = run(first_session())
        last_seen = seen[-1]["id"]
        missed = [send("m%d" % i) for i in range(3, 8)]

        async def second_session():
            ws = await connect(bob_token)
            await receive(ws)
            frames = await subscribe(ws, channel, after=last_seen)
            replayed = [f["message"]["id"] for f in frames if f["type"] == "message.created"]
            self.assertEqual(frames[-1]["type"], "subscribed")
            self.assertEqual(frames[-1]["replayed"], 5)
            self.assertEqual(replayed, missed)
            live = send("m8")
            frame = await receive_until(ws, lambda f: f["type"] == "message.created")
            self.assertEqual(frame[-1]["message"]["id"], live)
            with self.assertRaises(asyncio.TimeoutError):
                await receive(ws, timeout=1)  # nothing twice
            await ws.close()
        run(second_session())

    def test_resume_while_messages_keep_coming(self):
        """Messages committed during the catch-up read arrive exactly once."""
        alice_token, _ = signup("Alice")
        bob_token, _ = signup("Bob")
        channel = new_channel(alice_token, "busy")
        rest(bob_token, "POST", "/api/channels/%s/join" % channel)
        first = rest(alice_token, "POST", "/api/channels/%s/messages" % channel, json={"text": "start"}).json()
        for i in range(150):  # more than one replay page
            rest(alice_token, "POST", "/api/channels/%s/messages" % channel, json={"text": "backlog %d" % i})
        stop = threading.Event()

        def keep_sending():
            i = 0
            while not stop.is_set():
                rest(alice_token, "POST", "/api/channels/%s/messages" % channel, json={"text": "during %d" % i})
                i += 1

        async def scenario():
            ws = await connect(bob_token)
            await receive(ws)
            with ThreadPoolExecutor(3) as pool:
                try:
                    for _ in range(3):
                        pool.submit(keep_sending)
                    await asyncio.sleep(0.2)
                    frames = await subscribe(ws, channel, after=first["message"]["id"])
                    await asyncio.sleep(1)
                finally:
                    stop.set()
            got = [f["message"]["id"] for f in frames if f["type"] == "message.created"]
            self.assertGreaterEqual(len(got), 150)
            try:
                while True:
                    frame = await receive(ws, timeout=2)
                    if frame["type"] == "message.created":
                        got.append(frame["message"]["id"])
            except asyncio.TimeoutError:
                pass
            await ws.close()
            return got

        seen_live = run(scenario())
        history = []
        after = first["message"]["id"]
        while True:
            page = rest(bob_token, "GET", "/api/channels/%s/messages" % channel,
                        params={"after": after, "limit": 100}).json()
            history += [m["id"] for m in page["messages"]]
            if not page["next_cursor"]:
                break
            after = page["next_cursor"]
        # Frames collected after subscribe include the replay and everything live.
        subscribed_ids = [i for i in seen_live]
        self.assertEqual(len(subscribed_ids), len(set(subscribed_ids)), "duplicates delivered")
        self.assertEqual(sorted(subscribed_ids), sorted(history), "gap or extra")


def raw_websocket(port, token, rcvbuf=4096, path="/ws"):
    """A WebSocket that never reads after the handshake: the slowest consumer."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n"
                  % (path, key, token)).encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert b" 101 " in response.split(b"\r\n")[0], response
    return sock


def masked_text_frame(text):
    payload = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def read_text_frame(sock):
    """One unmasked server frame's text (control frames skipped)."""
    while True:
        first, second = read_exactly(sock, 2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", read_exactly(sock, 2))[0]
        elif length == 127:
            length = struct.unpack("!Q", read_exactly(sock, 8))[0]
        payload = read_exactly(sock, length)
        if first & 0x0F == 1:
            return payload.decode()


def raw_reader(channel_name, path):
    """Alice's new channel, joined by a reader on a raw WebSocket at path that
    has asked to subscribe to it. Returns (alice's token, channel, socket)."""
    alice_token, _ = signup("Alice")
    reader_token, _ = signup("Reader")
    channel = new_channel(alice_token, channel_name)
    rest(reader_token, "POST", "/api/channels/%s/join" % channel)
    sock = raw_websocket(SERVER.port, reader_token, path=path)
    sock.settimeout(10)
    sock.sendall(masked_text_frame(json.dumps({"type": "subscribe", "channels": [channel]})))
    return alice_token, channel, sock


class BatchingTest(unittest.TestCase):
    def test_batched_frames_carry_every_event_in_order(self):
        """With /ws?batch=1, events queued behind a write in flight share a frame,
        one JSON object per line, in order, none lost or repeated."""
        alice_token, channel, sock = raw_reader("batched", "/ws?batch=1")
        events = []
        while not any(e["type"] == "subscribed" for e in events):
            events += [json.loads(line) for line in read_text_frame(sock).split("\n")]
        # Not reading while 80 messages of ~4 KB go out: the kernel buffers
        # fill, the server's write stays in flight and the rest queue up.
        sent = [rest(alice_token, "POST", "/api/channels/%s/messages" % channel,
                     json={"text": "%03d " % i + "y" * 3900}).json()["message"]["id"] for i in range(80)]
        received, lines_per_frame = [], []
        while len(received) < len(sent):
            lines = read_text_frame(sock).split("\n")
            lines_per_frame.append(len(lines))
            for line in lines:
                event = json.loads(line)
                if event["type"] == "message.created":
                    received.append(event["message"]["id"])
        self.assertEqual(received, sent)
        self.assertGreater(max(lines_per_frame), 1, lines_per_frame)
        self.assertLessEqual(len(lines_per_frame), len(sent))
        sock.close()

    def test_without_batch_every_frame_is_one_event(self):
        alice_token, channel, sock = raw_reader("unbatched", "/ws")
        frames = []
        while not frames or frames[-1]["type"] != "subscribed":
            frames.append(json.loads(read_text_frame(sock)))  # one object, no newline
        for i in range(30):
            rest(alice_token, "POST", "/api/channels/%s/messages" % channel, json={"text": "%03d " % i + "z" * 1000})
        received = [json.loads(read_text_frame(sock))["message"]["text"][:3] for _ in range(30)]
        self.assertEqual(received, ["%03d" % i for i in range(30)])
        sock.close()


class SlowConsumerTest(unittest.TestCase):
    def test_slow_consumer_is_cut_off_without_slowing_others(self):
        alice_token, _ = signup("Alice")
        slow_token, _ = signup("Slow")
        channel = new_channel(alice_token, "firehose")
        rest(slow_token, "POST", "/api/channels/%s/join" % channel)
        slow = raw_websocket(SERVER.port, slow_token)
        slow.sendall(masked_text_frame(json.dumps({"type": "subscribe", "channels": [channel]})))
        time.sleep(0.5)

        async def scenario():
            fast = await connect(alice_token)
            await receive(fast)
            await subscribe(fast, channel)
            text = "x" * 4000
            # Paced by one sender: a reading client keeps up; the one that never reads
            # fills its kernel buffers and its 100-frame queue and is cut off.
            async def read_all():
                received = 0
                while received < 300:
                    frame = await receive(fast, timeout=10)
                    received += frame["type"] == "message.created"
                return received
            reader = asyncio.create_task(read_all())
            loop = asyncio.get_running_loop()
            results = await loop.run_in_executor(None, lambda: [
                rest(alice_token, "POST", "/api/channels/%s/messages" % channel, json={"text": text}).status_code
                for _ in range(300)])
            self.assertEqual(set(results), {201})
            self.assertEqual(await reader, 300)
            await fast.close()
        run(scenario())
        metrics = requests.get(SERVER.url + "/metrics").text
        closes = [line for line in metrics.splitlines()
                  if line.startswith("townhall_websocket_slow_consumer_closes_total ")]
        self.assertGreaterEqual(int(closes[0].split()[1]), 1, metrics)
        slow.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
