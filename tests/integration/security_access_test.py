#!/usr/bin/python3
"""Who may see and do what, from the outsider's side, on one node
(docs/security.md). The same over three nodes: scaleout_test.py.

- leaving a private channel ends the leaver's live subscription at once;
- logging out closes the session's WebSockets, and the token is dead on
  REST and WebSocket alike;
- a private channel answers an outsider 404 on every route, exactly as a
  channel that does not exist;
- logins are throttled per account (Retry-After), across addresses; an
  X-Forwarded-For is believed from --trusted-proxy only;
- user names are normalized and unique; sign-up does not reveal e-mails;
- WebSocket error frames carry no internal detail;
- /metrics is for local clients (or the metrics token) only.
"""
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

import requests
import websockets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402

SERVER = None


def signup(name, url=None, status=201):
    r = requests.post((url or SERVER.chat) + "/api/signup", timeout=30, json={
        "name": name, "email": "%s-%d-%d@access.example" % (name.lower().replace(" ", "."), os.getpid(),
                                                             time.monotonic_ns()),
        "password": "12345678"})
    assert r.status_code == status, r.text
    return (r.json()["token"], r.json()["user"]) if status == 201 else r


def rest(token, method, path, url=None, **kwargs):
    return requests.request(method, (url or SERVER.chat) + path, headers={"Authorization": "Bearer " + token},
                            timeout=30, **kwargs)


class Socket:
    """A WebSocket whose frames a task collects."""

    def __init__(self, token, url=None):
        self.token, self.url, self.frames, self.closed = token, url or SERVER.chat, [], None

    async def __aenter__(self):
        self.ws = await websockets.connect(self.url.replace("http", "ws") + "/ws",
                                           extra_headers={"Authorization": "Bearer " + self.token})
        self.reader = asyncio.get_running_loop().create_task(self._read())
        await self.wait_for(lambda f: f["type"] == "ready")
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()
        await self.reader

    async def _read(self):
        try:
            async for text in self.ws:
                self.frames.append(json.loads(text))
        except websockets.exceptions.ConnectionClosed:
            pass
        self.closed = self.ws.close_code

    async def wait_for(self, predicate, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for frame in self.frames:
                if predicate(frame):
                    return frame
            if self.closed is not None:
                break
            await asyncio.sleep(0.02)
        raise AssertionError("no such frame; got %s (closed: %s)" % (self.frames[-5:], self.closed))

    async def wait_closed(self, timeout=10):
        deadline = time.monotonic() + timeout
        while self.closed is None and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.closed


def setUpModule():
    global SERVER
    SERVER = townhall.Serve(["--in-memory", "--rate-ip", "0", "--rate-user", "0", "--rate-auth", "0",
                             "--rate-login-account", "0.05", "--rate-login-account-burst", "4",
                             "--trusted-proxy", "127.0.0.9", "--log-level", "warn"])


def tearDownModule():
    SERVER.close()


class LeaveAndLogoutTest(unittest.TestCase):
    def test_leaving_a_private_channel_ends_live_delivery(self):
        alice, _ = signup("Alice")
        bob, bob_user = signup("Bob")
        channel = rest(alice, "POST", "/api/channels", json={"name": "inner circle", "private": True}).json()["channel"]["id"]
        self.assertEqual(rest(alice, "POST", "/api/channels/%s/members" % channel,
                              json={"user_id": bob_user["id"]}).status_code, 200)

        async def scenario():
            async with Socket(bob) as ws:
                await ws.ws.send(json.dumps({"type": "subscribe", "channels": [{"id": channel}]}))
                await ws.wait_for(lambda f: f["type"] == "subscribed")
                rest(alice, "POST", "/api/channels/%s/messages" % channel, json={"text": "before"})
                await ws.wait_for(lambda f: f["type"] == "message.created" and f["message"]["text"] == "before")
                self.assertEqual(rest(bob, "POST", "/api/channels/%s/leave" % channel).json(), {"left": True, "archived": False})
                await ws.wait_for(lambda f: f["type"] == "unsubscribed" and f["channels"] == [channel])
                rest(alice, "POST", "/api/channels/%s/messages" % channel, json={"text": "after"})
                await asyncio.sleep(0.5)
                self.assertFalse([f for f in ws.frames if f.get("message", {}).get("text") == "after"])
                # Subscribing again is refused like for any outsider.
                await ws.ws.send(json.dumps({"type": "subscribe", "channels": [{"id": channel}]}))
                error = await ws.wait_for(lambda f: f["type"] == "error")
                self.assertEqual(error["code"], "not_found")
        asyncio.run(scenario())

    def test_logout_closes_the_sessions_websockets(self):
        token, _ = signup("Leaver")
        other_token, _ = signup("Stayer")
        # Same user, another session: it stays open.
        r = requests.post(SERVER.chat + "/api/login", timeout=10, json={"email": rest(token, "GET", "/api/me").json()["user"]["email"], "password": "12345678"})
        second = r.json()["token"]
        channel = rest(token, "POST", "/api/channels", json={"name": "logout test"}).json()["channel"]["id"]

        async def scenario():
            async with Socket(token) as ws, Socket(second) as kept, Socket(other_token) as other:
                self.assertEqual(rest(token, "POST", "/api/logout").status_code, 204)
                self.assertEqual(await ws.wait_closed(), 4003)
                await asyncio.sleep(0.2)
                self.assertIsNone(kept.closed)
                self.assertIsNone(other.closed)
                # Nothing is accepted with the token any more.
                self.assertEqual(rest(token, "GET", "/api/me").status_code, 401)
                with self.assertRaises(websockets.exceptions.InvalidStatusCode):
                    await websockets.connect(SERVER.chat.replace("http", "ws") + "/ws",
                                             extra_headers={"Authorization": "Bearer " + token})
                await kept.ws.send(json.dumps({"type": "send", "channel": channel, "text": "still me"}))
                await kept.wait_for(lambda f: f["type"] == "ack")
        asyncio.run(scenario())


class ExistenceOracleTest(unittest.TestCase):
    def test_a_private_channel_answers_outsiders_as_if_it_did_not_exist(self):
        owner, _ = signup("Owner")
        outsider, _ = signup("Outsider")
        private = rest(owner, "POST", "/api/channels", json={"name": "hidden", "private": True}).json()["channel"]["id"]
        message = rest(owner, "POST", "/api/channels/%s/messages" % private, json={"text": "x"}).json()["message"]["id"]
        quoted = urllib.parse.quote(message, safe="")
        missing = "nosuchchan01"
        calls = [("GET", "/api/channels/{c}", None), ("POST", "/api/channels/{c}/join", None),
                 ("POST", "/api/channels/{c}/leave", None), ("GET", "/api/channels/{c}/members", None),
                 ("POST", "/api/channels/{c}/members", {"user_id": "USER#x"}),
                 ("GET", "/api/channels/{c}/messages", None), ("POST", "/api/channels/{c}/messages", {"text": "hi"}),
                 ("PATCH", "/api/channels/{c}/messages/" + quoted, {"text": "mine now"}),
                 ("DELETE", "/api/channels/{c}/messages/" + quoted, None),
                 ("POST", "/api/channels/{c}/read", {"message_id": message}), ("GET", "/api/channels/{c}/unread", None)]
        for method, path, body in calls:
            hidden = rest(outsider, method, path.format(c=private), json=body)
            absent = rest(outsider, method, path.format(c=missing), json=body)
            self.assertEqual(hidden.status_code, 404, (method, path, hidden.text))
            self.assertEqual(absent.status_code, 404, (method, path, absent.text))
            self.assertEqual(hidden.json()["error"]["message"].replace(private, "ID"),
                             absent.json()["error"]["message"].replace(missing, "ID"), (method, path))
        # Nothing changed.
        page = rest(owner, "GET", "/api/channels/%s/messages" % private).json()["messages"]
        self.assertEqual([(m["text"], m["deleted"]) for m in page], [("x", False)])


class AccountsTest(unittest.TestCase):
    def test_names_are_normalized_and_unique(self):
        token, user = signup("  Zoe\u0301 Quinn ")
        self.assertEqual(user["name"], "Zo\u00e9 Quinn")
        for taken in ("zoé quinn", "ZOE\u0301 QUINN", "Zoé Quinn\u00a0"):
            r = signup(taken, status=409)
            self.assertEqual(r.json()["error"]["code"], "already_exists")
        for bad in ("evil\u202egnp.exe", "a\u2066b", "line\nbreak", "   "):
            self.assertEqual(signup(bad, status=400).json()["error"]["code"], "invalid_argument")

    def test_signup_does_not_reveal_emails(self):
        token, user = signup("Known Person")
        email = rest(token, "GET", "/api/me").json()["user"]["email"]
        taken_email = requests.post(SERVER.chat + "/api/signup", timeout=10,
                                    json={"name": "Fresh Name", "email": email, "password": "12345678"})
        taken_name = requests.post(SERVER.chat + "/api/signup", timeout=10,
                                   json={"name": "Known Person", "email": "fresh@access.example", "password": "12345678"})
        self.assertEqual(taken_email.status_code, 409)
        self.assertEqual(taken_email.json(), taken_name.json())
        self.assertNotIn("email", taken_email.json()["error"]["message"].replace("e-mail", ""))

    def test_logins_are_throttled_per_account_across_addresses(self):
        token, _ = signup("Target")
        email = rest(token, "GET", "/api/me").json()["user"]["email"]
        bystander, _ = signup("Bystander")
        bystander_email = rest(bystander, "GET", "/api/me").json()["user"]["email"]

        def login(address, who, password):
            # Through the trusted proxy (127.0.0.9), which names the client.
            session = requests.Session()
            session.mount("http://", SourceAdapter("127.0.0.9"))
            return session.post(SERVER.chat + "/api/login", headers={"X-Forwarded-For": address}, timeout=10,
                                json={"email": who, "password": password})
        statuses = [login("198.51.100.%d" % i, email, "wrong password").status_code for i in range(6)]
        self.assertEqual(statuses[:4], [401] * 4)
        self.assertEqual(statuses[4:], [429, 429])
        locked = login("203.0.113.1", email, "12345678")
        self.assertEqual(locked.status_code, 429)
        self.assertGreaterEqual(int(locked.headers["Retry-After"]), 1)
        self.assertEqual(login("198.51.100.1", bystander_email, "12345678").status_code, 200)


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connects from a given loopback address (another machine, for the server)."""

    def __init__(self, source, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class ForwardedForTest(unittest.TestCase):
    def test_forwarded_for_is_believed_only_from_trusted_proxies(self):
        with tempfile.TemporaryDirectory() as tmp, townhall.Serve(
                ["--data", tmp, "--rate-auth", "1", "--rate-auth-burst", "2", "--rate-ip", "0",
                 "--log-level", "warn"]) as serve:
            # No proxy trusted: a client cannot pick a fresh address per request.
            statuses = [requests.post(serve.chat + "/api/login", headers={"X-Forwarded-For": "192.0.2.%d" % i},
                                      json={"email": "x@y.example", "password": "whatever1"}, timeout=10).status_code
                        for i in range(4)]
            self.assertEqual(statuses[-1], 429)


class ErrorDetailTest(unittest.TestCase):
    def test_websocket_errors_carry_no_internal_detail(self):
        with tempfile.TemporaryDirectory() as tmp, townhall.dynamodb(in_memory=True) as store:
            env = {"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "us-east-1",
                   "AWS_MAX_ATTEMPTS": "1"}
            with townhall.Serve(["--store", "dynamodb", "--endpoint", store.url, "--log-level", "warn",
                                 "--rate-ip", "0"], env=env) as serve:
                token, _ = signup("Errors", url=serve.chat)
                channel = rest(token, "POST", "/api/channels", url=serve.chat,
                               json={"name": "doomed"}).json()["channel"]["id"]

                async def scenario():
                    async with Socket(token, url=serve.chat) as ws:
                        store.process.send_signal(signal.SIGSTOP)  # the store stops answering
                        try:
                            await ws.ws.send(json.dumps({"type": "send", "channel": channel, "text": "lost"}))
                            error = await ws.wait_for(lambda f: f["type"] == "error", timeout=60)
                        finally:
                            store.process.send_signal(signal.SIGCONT)
                        text = json.dumps(error)
                        self.assertIn("error id", error["message"])
                        for detail in ("127.0.0.1", str(store.port), "/", "chat", "Exception", ".cc"):
                            self.assertNotIn(detail, error["message"], text)
                        error_id = error["message"].split("error id ")[1].rstrip(")")
                        self.assertIn(error_id, serve.log())  # the operator can find it
                asyncio.run(scenario())


class MetricsTest(unittest.TestCase):
    def test_metrics_are_for_local_clients_only(self):
        self.assertEqual(requests.get(SERVER.chat + "/metrics", timeout=10).status_code, 200)
        proxied = requests.get(SERVER.chat + "/metrics", headers={"X-Forwarded-For": "203.0.113.5"}, timeout=10)
        self.assertEqual(proxied.status_code, 403)
        with tempfile.TemporaryDirectory() as tmp, townhall.Serve(
                ["--data", tmp, "--metrics-token", "s3cret-metrics", "--log-level", "warn"]) as serve:
            self.assertEqual(requests.get(serve.chat + "/metrics", timeout=10).status_code, 403)
            ok = requests.get(serve.chat + "/metrics", headers={"Authorization": "Bearer s3cret-metrics"}, timeout=10)
            self.assertEqual(ok.status_code, 200)
            self.assertIn("townhall_http_requests_total", ok.text)

    def test_plain_http_beyond_loopback_is_warned_about(self):
        with tempfile.TemporaryDirectory() as tmp:
            serve = townhall.Serve(["--data", tmp, "--listen", "0.0.0.0:0"])
            try:
                self.assertIn("plain HTTP without --secure-cookies", serve.log())
            finally:
                serve.close()


if __name__ == "__main__":
    townhall.main()
