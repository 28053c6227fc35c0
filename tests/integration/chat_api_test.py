"""The chat REST API driven like a client would: accounts, channels,
messages, cookies and CSRF, errors, limits. Every response is validated
against src/api/openapi.json."""
import os
import sys
import unittest
import urllib.parse

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from openapi_check import OpenApiChecker  # noqa: E402
from chat_client import unlimited_server  # noqa: E402

SERVER = None
CHECKER = OpenApiChecker()


def setUpModule():
    global SERVER
    # Limits high enough for the tests' own pace; test_limits uses a server of its own.
    SERVER = unlimited_server()


def tearDownModule():
    process = SERVER.process
    SERVER.__exit__(None, None, None)
    if process and process.returncode not in (0, None):
        print("townhall serve exited with %s:\n%s" % (process.returncode, "".join(SERVER.output)[-5000:]))


def quote(segment):
    return urllib.parse.quote(segment, safe="")


class Client:
    """One user: a requests session with a bearer token, every response checked."""

    counter = 0

    def __init__(self, name="user", bearer=True):
        Client.counter += 1
        self.session = requests.Session()
        self.email = "%s%d-%d@example.com" % (name.lower(), Client.counter, os.getpid())
        self.password = "correct horse battery"
        self.name = "%s %d" % (name, Client.counter)  # names are unique per server
        r = self.call("POST", "/api/signup", json={"name": self.name, "email": self.email, "password": self.password})
        assert r.status_code == 201, r.text
        self.token = r.json()["token"]
        self.user = r.json()["user"]
        if bearer:
            self.session.headers["Authorization"] = "Bearer " + self.token
            self.session.cookies.clear()

    def call(self, method, path, **kwargs):
        r = self.session.request(method, SERVER.url + path, timeout=30, **kwargs)
        CHECKER.check(r)
        return r


class AccountTest(unittest.TestCase):
    def test_signup_login_me_logout(self):
        alice = Client("Alice")
        self.assertEqual(alice.call("GET", "/api/me").json()["user"]["email"], alice.email)
        r = requests.post(SERVER.url + "/api/login", json={"email": alice.email, "password": alice.password})
        CHECKER.check(r)
        self.assertEqual(r.status_code, 200)
        second = r.json()["token"]
        self.assertNotEqual(second, alice.token)
        headers = {"Authorization": "Bearer " + second}
        self.assertEqual(CHECKER.check(requests.post(SERVER.url + "/api/logout", headers=headers)).status_code, 204)
        r = CHECKER.check(requests.get(SERVER.url + "/api/me", headers=headers))
        self.assertEqual(r.status_code, 401)
        self.assertEqual(r.json()["error"]["code"], "unauthenticated")
        # The first session is untouched.
        self.assertEqual(alice.call("GET", "/api/me").status_code, 200)

    def test_wrong_password_and_duplicate_email(self):
        alice = Client("Alice")
        r = CHECKER.check(requests.post(SERVER.url + "/api/login", json={"email": alice.email, "password": "nope-nope"}))
        self.assertEqual(r.status_code, 401)
        r = CHECKER.check(requests.post(SERVER.url + "/api/signup",
                                        json={"name": "A", "email": alice.email, "password": "12345678"}))
        self.assertEqual(r.status_code, 409)
        self.assertEqual(r.json()["error"]["code"], "already_exists")

    def test_cookie_auth_needs_csrf_for_unsafe_methods(self):
        bob = Client("Bob", bearer=False)
        self.assertIn("th_session", bob.session.cookies)
        csrf = bob.session.cookies["th_csrf"]
        set_cookie = ",".join(v for k, v in bob.call("GET", "/api/me").headers.items() if k == "Set-Cookie")
        self.assertEqual(set_cookie, "")
        # GET works on the cookie alone.
        self.assertEqual(bob.call("GET", "/api/me").status_code, 200)
        # POST without the CSRF header is refused, with it accepted.
        r = bob.call("POST", "/api/channels", json={"name": "cookie-chan"})
        self.assertEqual(r.status_code, 403)
        r = bob.call("POST", "/api/channels", json={"name": "cookie-chan"}, headers={"X-CSRF-Token": "wrong"})
        self.assertEqual(r.status_code, 403)
        r = bob.call("POST", "/api/channels", json={"name": "cookie-chan"}, headers={"X-CSRF-Token": csrf})
        self.assertEqual(r.status_code, 201, r.text)
        # Logout clears the cookies.
        r = bob.call("POST", "/api/logout", headers={"X-CSRF-Token": csrf})
        self.assertEqual(r.status_code, 204)
        self.assertIn("Max-Age=0", r.headers["Set-Cookie"])
        self.assertEqual(bob.call("GET", "/api/me").status_code, 401)

    def test_session_cookie_flags(self):
        r = requests.post(SERVER.url + "/api/signup", json={"name": "C", "email": "flags%d@example.com" % os.getpid(),
                                                              "password": "12345678"})
        cookies = r.raw.headers.getlist("Set-Cookie")
        session = [c for c in cookies if c.startswith("th_session=")][0]
        csrf = [c for c in cookies if c.startswith("th_csrf=")][0]
        for flag in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(flag, session)
        self.assertNotIn("HttpOnly", csrf)
        self.assertIn("SameSite=Strict", csrf)


class ChannelTest(unittest.TestCase):
    def test_create_join_members_counts(self):
        alice, bob = Client("Alice"), Client("Bob")
        r = alice.call("POST", "/api/channels", json={"name": "Town Hall", "description": "General News"})
        self.assertEqual(r.status_code, 201)
        channel = r.json()["channel"]
        self.assertEqual(channel["user_count"], 1)
        r = bob.call("POST", "/api/channels/%s/join" % channel["id"])
        self.assertEqual(r.json()["joined"], True)
        self.assertEqual(r.json()["channel"]["user_count"], 2)
        self.assertEqual(bob.call("POST", "/api/channels/%s/join" % channel["id"]).json()["joined"], False)
        members = alice.call("GET", "/api/channels/%s/members" % channel["id"]).json()["members"]
        self.assertEqual(sorted(m["user_id"] for m in members), sorted([alice.user["id"], bob.user["id"]]))
        mine = bob.call("GET", "/api/me/channels").json()["channels"]
        self.assertIn(channel["id"], [c["channel_id"] for c in mine])
        self.assertEqual(bob.call("POST", "/api/channels/%s/leave" % channel["id"]).json(), {"left": True, "archived": False})
        self.assertEqual(alice.call("GET", "/api/channels/" + channel["id"]).json()["channel"]["user_count"], 1)

    def test_directory_and_rename(self):
        alice, bob = Client("Alice"), Client("Bob")
        prefix = "dir%d" % os.getpid()
        for name in ("alpha", "beta", "alps"):
            alice.call("POST", "/api/channels", json={"name": prefix + name})
        alice.call("POST", "/api/channels", json={"name": prefix + "alpine-secret", "private": True})
        names = [c["name"] for c in bob.call("GET", "/api/channels", params={"q": prefix + "al"}).json()["channels"]]
        self.assertEqual(names, [prefix + "alpha", prefix + "alps"])
        page = bob.call("GET", "/api/channels", params={"q": prefix, "limit": 2}).json()
        self.assertEqual(len(page["channels"]), 2)
        rest = bob.call("GET", "/api/channels", params={"q": prefix, "cursor": page["next_cursor"]}).json()
        self.assertEqual(len(rest["channels"]), 1)
        channel = alice.call("POST", "/api/channels", json={"name": prefix + "old"}).json()["channel"]
        r = bob.call("PATCH", "/api/channels/" + channel["id"], json={"name": "hijack"})
        self.assertEqual(r.status_code, 403)
        r = alice.call("PATCH", "/api/channels/" + channel["id"], json={"name": prefix + "new", "description": "d"})
        self.assertEqual(r.json()["channel"]["name"], prefix + "new")

    def test_private_channel_is_invisible_to_outsiders(self):
        alice, eve, bob = Client("Alice"), Client("Eve"), Client("Bob")
        channel = alice.call("POST", "/api/channels", json={"name": "secret", "private": True}).json()["channel"]
        for method, path in (("GET", ""), ("GET", "/messages"), ("GET", "/members"), ("POST", "/join")):
            r = eve.call(method, "/api/channels/%s%s" % (channel["id"], path))
            self.assertEqual(r.status_code, 404, (method, path, r.text))
        r = eve.call("POST", "/api/channels/%s/messages" % channel["id"], json={"text": "hi"})
        self.assertIn(r.status_code, (403, 404))
        r = alice.call("POST", "/api/channels/%s/members" % channel["id"], json={"user_id": bob.user["id"]})
        self.assertEqual(r.json(), {"added": True})
        self.assertEqual(bob.call("GET", "/api/channels/" + channel["id"]).status_code, 200)


class MessageTest(unittest.TestCase):
    def test_send_history_after_edit_delete_unread(self):
        alice, bob = Client("Alice"), Client("Bob")
        channel = alice.call("POST", "/api/channels", json={"name": "msgs"}).json()["channel"]
        bob.call("POST", "/api/channels/%s/join" % channel["id"])
        sent = []
        for i in range(5):
            r = alice.call("POST", "/api/channels/%s/messages" % channel["id"], json={"text": "m%d" % i})
            self.assertEqual(r.status_code, 201)
            sent.append(r.json()["message"])
        # Newest first, paged.
        page = bob.call("GET", "/api/channels/%s/messages" % channel["id"], params={"limit": 3}).json()
        self.assertEqual([m["text"] for m in page["messages"]], ["m4", "m3", "m2"])
        older = bob.call("GET", "/api/channels/%s/messages" % channel["id"],
                         params={"limit": 3, "cursor": page["next_cursor"]}).json()
        self.assertEqual([m["text"] for m in older["messages"]], ["m1", "m0"])
        # Catch-up: oldest first after an id.
        after = bob.call("GET", "/api/channels/%s/messages" % channel["id"], params={"after": sent[1]["id"]}).json()
        self.assertEqual([m["text"] for m in after["messages"]], ["m2", "m3", "m4"])
        # Unread, then read up to m3.
        self.assertEqual(bob.call("GET", "/api/channels/%s/unread" % channel["id"]).json(), {"count": 5})
        r = bob.call("POST", "/api/channels/%s/read" % channel["id"], json={"message_id": sent[3]["id"]})
        self.assertEqual(r.status_code, 204)
        self.assertEqual(bob.call("GET", "/api/channels/%s/unread" % channel["id"]).json(), {"count": 1})
        mine = bob.call("GET", "/api/me/channels").json()["channels"]
        self.assertEqual([c["unread"] for c in mine if c["channel_id"] == channel["id"]], [1])
        # Message ids fit in a URL as they are; the table's form ('#', percent-encoded) works too.
        self.assertRegex(sent[0]["id"], r"^[0-9]{10}_[0-9A-Za-z_.-]+$")
        path = "/api/channels/%s/messages/%s" % (channel["id"], sent[0]["id"])
        legacy = "/api/channels/%s/messages/%s" % (channel["id"], quote(sent[0]["id"].replace("_", "#", 1)))
        self.assertIn("%23", legacy)
        self.assertEqual(bob.call("PATCH", legacy, json={"text": "not mine"}).status_code, 403)
        self.assertEqual(bob.call("PATCH", path, json={"text": "not mine"}).status_code, 403)
        r = alice.call("PATCH", path, json={"text": "m0 edited"})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.json()["message"]["text"], "m0 edited")
        self.assertGreater(r.json()["message"]["edited_at_ms"], 0)
        r = alice.call("DELETE", path)
        self.assertEqual(r.json()["message"]["deleted"], True)
        self.assertEqual(alice.call("GET", "/api/channels/" + channel["id"]).json()["channel"]["message_count"], 4)
        self.assertEqual(alice.call("DELETE", path).status_code, 404)

    def test_idempotent_send(self):
        alice = Client("Alice")
        channel = alice.call("POST", "/api/channels", json={"name": "idem"}).json()["channel"]
        body = {"text": "once", "client_message_id": "retry-1"}
        first = alice.call("POST", "/api/channels/%s/messages" % channel["id"], json=body).json()
        second = alice.call("POST", "/api/channels/%s/messages" % channel["id"], json=body).json()
        self.assertFalse(first["duplicate"])
        self.assertTrue(second["duplicate"])
        self.assertEqual(first["message"]["id"], second["message"]["id"])
        self.assertEqual(alice.call("GET", "/api/channels/" + channel["id"]).json()["channel"]["message_count"], 1)

    def test_non_member_cannot_post(self):
        alice, bob = Client("Alice"), Client("Bob")
        channel = alice.call("POST", "/api/channels", json={"name": "members-only"}).json()["channel"]
        r = bob.call("POST", "/api/channels/%s/messages" % channel["id"], json={"text": "hi"})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(r.json()["error"]["code"], "permission_denied")


class ErrorTest(unittest.TestCase):
    def setUp(self):
        self.alice = Client("Alice")
        self.channel = self.alice.call("POST", "/api/channels", json={"name": "errors-" + self._testMethodName}).json()["channel"]

    def expect(self, r, status, code):
        self.assertEqual(r.status_code, status, r.text)
        self.assertEqual(r.json()["error"]["code"], code)

    def test_unauthenticated(self):
        self.expect(CHECKER.check(requests.get(SERVER.url + "/api/me")), 401, "unauthenticated")
        r = CHECKER.check(requests.get(SERVER.url + "/api/me", headers={"Authorization": "Bearer bogus"}))
        self.expect(r, 401, "unauthenticated")

    def test_bad_json_and_content_type(self):
        path = "/api/channels/%s/messages" % self.channel["id"]
        self.expect(self.alice.call("POST", path, data="{not json", headers={"Content-Type": "application/json"}),
                    400, "invalid_argument")
        self.expect(self.alice.call("POST", path, data="[1,2]", headers={"Content-Type": "application/json"}),
                    400, "invalid_argument")
        self.expect(self.alice.call("POST", path, data="text=hi", headers={"Content-Type": "text/plain"}),
                    415, "unsupported_media_type")
        self.expect(self.alice.call("POST", path, json={"text": 5}), 400, "invalid_argument")
        self.expect(self.alice.call("POST", path, json={}), 400, "invalid_argument")

    def test_unknown_routes_and_methods(self):
        self.expect(self.alice.call("GET", "/api/nope"), 404, "not_found")
        r = self.alice.session.delete(SERVER.url + "/api/channels")
        self.expect(r, 405, "method_not_allowed")
        self.assertIn("POST", r.headers["Allow"])
        self.expect(self.alice.call("GET", "/api/channels/nonexistent"), 404, "not_found")

    def test_size_limits(self):
        path = "/api/channels/%s/messages" % self.channel["id"]
        self.expect(self.alice.call("POST", path, json={"text": "x" * 4097}), 400, "invalid_argument")
        self.assertEqual(self.alice.call("POST", path, json={"text": "x" * 4096}).status_code, 201)
        r = self.alice.session.post(SERVER.url + path, data=b'{"text":"' + b"x" * 70000 + b'"}',
                                    headers={"Content-Type": "application/json"})
        self.expect(r, 413, "payload_too_large")
        r = requests.get(SERVER.url + "/api/me", headers={"X-Big": "y" * 20000})
        self.assertEqual(r.status_code, 431)

    def test_security_headers(self):
        for path in ("/api/me", "/healthz", "/", "/nope"):
            r = self.alice.session.get(SERVER.url + path)
            self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff", path)
            self.assertIn("Referrer-Policy", r.headers)
            self.assertIn("frame-ancestors 'none'", r.headers["Content-Security-Policy"])
        page = requests.get(SERVER.url + "/")
        self.assertTrue(page.headers["Content-Type"].startswith("text/html"))
        self.assertIn("script-src 'self'", page.headers["Content-Security-Policy"])
        again = requests.get(SERVER.url + "/", headers={"If-None-Match": page.headers["ETag"]})
        self.assertEqual(again.status_code, 304)


class OperationsTest(unittest.TestCase):
    def test_health_ready_metrics_openapi(self):
        CHECKER.check(requests.get(SERVER.url + "/healthz"))
        self.assertEqual(CHECKER.check(requests.get(SERVER.url + "/readyz")).status_code, 200)
        Client("Metrics").call("GET", "/api/me")
        r = CHECKER.check(requests.get(SERVER.url + "/metrics"))
        self.assertIn('townhall_http_requests_total{route="/api/me",method="GET",status="200"}', r.text)
        self.assertIn('townhall_http_request_duration_seconds_bucket{route="/api/signup",le="0.1"}', r.text)
        self.assertIn('townhall_store_request_duration_seconds_count{operation="TransactWriteItems"}', r.text)
        self.assertIn("townhall_websockets_open 0", r.text)
        self.assertNotIn("/api/channels/", r.text.replace("/api/channels/{id}", ""))  # templates, not paths
        doc = requests.get(SERVER.url + "/openapi.json").json()
        self.assertEqual(doc["openapi"], "3.1.0")


if __name__ == "__main__":
    unittest.main(verbosity=2)
