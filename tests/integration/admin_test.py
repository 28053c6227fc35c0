#!/usr/bin/python3
"""Roles, moderation and who may sign up, driven as people would: over REST,
over real WebSockets, and with `townhall admin` on the command line (through
the running server's admin socket, on the stopped embedded store, and on a
DynamoDB endpoint). Every admin route is tried from the outside (signed out,
a made-up token, a member) and nothing changes; every answer is checked
against src/api/openapi.json. Each test has its own server and store, so
that "the first account owns the team" is this test's first sign-up."""
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import unittest

import requests
import websockets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402
from chat_client import UNLIMITED, ChatUser, connect, receive_until, subscribe  # noqa: E402
from openapi_check import OpenApiChecker  # noqa: E402

CHECKER = OpenApiChecker()


def anonymous(server, method, path, token=None, **kwargs):
    headers = {"Authorization": "Bearer " + token} if token else {}
    r = requests.request(method, server.url + path, headers=headers, timeout=30, **kwargs)
    CHECKER.check(r)
    return r


def signup(server, name, email, invite=None):
    body = {"name": name, "email": email, "password": "12345678"}
    if invite:
        body["invite"] = invite
    return anonymous(server, "POST", "/api/signup", json=body)


def admin_cli(*args, store=None):
    """`townhall admin` with store options; (exit code, parsed JSON of stdout or stderr)."""
    done = subprocess.run([townhall.binary(), "admin"] + list(store or []) + list(args), capture_output=True,
                          text=True, timeout=60)
    text = done.stdout if done.returncode == 0 else done.stderr
    try:
        return done.returncode, json.loads(text)
    except ValueError:
        return done.returncode, text


class Team(unittest.TestCase):
    """A fresh server per test: its first sign-up is the owner."""
    extra_args = []

    def setUp(self):
        self.server = townhall.ChatServer(extra_args=UNLIMITED + self.extra_args).__enter__()
        self.addCleanup(self.server.__exit__, None, None, None)

    def user(self, name):
        return ChatUser(self.server, name, check=CHECKER.check)

    def assert_status(self, r, status, code=None):
        self.assertEqual(r.status_code, status, r.text)
        if code:
            self.assertEqual(r.json()["error"]["code"], code, r.text)

    def audit_actions(self, admin):
        r = admin.call("GET", "/api/admin/audit")
        self.assert_status(r, 200)
        return [entry["action"] for entry in r.json()["entries"]]


class RolesTest(Team):
    def test_first_account_owns_the_team_and_roles_show_everywhere(self):
        owner, ann = self.user("Owner"), self.user("Ann")
        self.assertEqual(owner.call("GET", "/api/me").json()["user"]["role"], "owner")
        self.assertEqual(ann.call("GET", "/api/me").json()["user"]["role"], "member")
        channel = owner.channel("general")
        self.assert_status(ann.call("POST", "/api/channels/%s/join" % channel), 200)
        members = {m["user_id"]: m["role"] for m in owner.call("GET", "/api/channels/%s/members" % channel)
                   .json()["members"]}
        self.assertEqual(members, {owner.id: "owner", ann.id: "member"})

        async def promoted_while_connected():
            ws = await connect(self.server, ann)
            r = owner.call("PUT", "/api/admin/users/%s/role" % ann.id, json={"role": "admin"})
            self.assert_status(r, 200)
            frames = await receive_until(ws, lambda f: f.get("type") == "user.updated")
            self.assertEqual(frames[-1]["user"]["role"], "admin")
            await ws.close()

        asyncio.run(promoted_while_connected())
        self.assertEqual(ann.call("GET", "/api/me").json()["user"]["role"], "admin")
        users = {u["id"]: u["role"] for u in owner.call("GET", "/api/admin/users").json()["users"]}
        self.assertEqual(users, {owner.id: "owner", ann.id: "admin"})
        self.assertEqual(self.audit_actions(owner), ["role.set"])

    def test_outsiders_and_members_cannot_administer_and_nothing_changes(self):
        owner, member = self.user("Owner"), self.user("Member")
        invite = owner.call("POST", "/api/admin/invites", json={"max_uses": 2}).json()["invite"]
        before_audit = self.audit_actions(owner)
        routes = [("GET", "/api/admin/users", None),
                  ("PUT", "/api/admin/users/%s/role" % member.id, {"role": "admin"}),
                  ("PUT", "/api/admin/users/%s/role" % owner.id, {"role": "member"}),
                  ("POST", "/api/admin/users/%s/deactivate" % owner.id, None),
                  ("POST", "/api/admin/users/%s/reactivate" % owner.id, None),
                  ("POST", "/api/admin/users/%s/reset-link" % owner.id, None),
                  ("GET", "/api/admin/invites", None),
                  ("POST", "/api/admin/invites", {"max_uses": 0}),
                  ("DELETE", "/api/admin/invites/%s" % invite["id"], None),
                  ("GET", "/api/admin/audit", None),
                  ("PUT", "/api/team/signup", {"signup": "open"})]
        for method, path, body in routes:
            with self.subTest(who="signed out", route=path, method=method):
                self.assert_status(anonymous(self.server, method, path, json=body), 401)
            with self.subTest(who="made-up token", route=path, method=method):
                self.assert_status(anonymous(self.server, method, path, token="x" * 43, json=body), 401)
            with self.subTest(who="member", route=path, method=method):
                r = member.call(method, path, json=body)
                self.assert_status(r, 403, "permission_denied")
        # Read back as the owner: nothing changed.
        self.assertEqual(self.audit_actions(owner), before_audit)
        roles = {u["id"]: (u["role"], "deactivated_at" in u)
                 for u in owner.call("GET", "/api/admin/users").json()["users"]}
        self.assertEqual(roles, {owner.id: ("owner", False), member.id: ("member", False)})
        invites = owner.call("GET", "/api/admin/invites").json()["invites"]
        self.assertEqual([(i["id"], i["revoked"]) for i in invites], [(invite["id"], False)])
        self.assertEqual(anonymous(self.server, "GET", "/api/team").json()["signup"], "open")

    def test_owner_hands_over_the_team(self):
        owner, ann = self.user("Owner"), self.user("Ann")
        self.assert_status(owner.call("PUT", "/api/admin/users/%s/role" % owner.id, json={"role": "member"}),
                           409)
        self.assert_status(owner.call("PUT", "/api/admin/users/%s/role" % ann.id, json={"role": "owner"}), 200)
        self.assertEqual(ann.call("GET", "/api/me").json()["user"]["role"], "owner")
        self.assertEqual(owner.call("GET", "/api/me").json()["user"]["role"], "admin")
        # The old owner is an admin now: no more policy changes.
        self.assert_status(owner.call("PUT", "/api/team/signup", json={"signup": "invite"}), 403)
        self.assert_status(ann.call("PUT", "/api/team/signup", json={"signup": "invite"}), 200)


class ModerationTest(Team):
    def test_admin_deletes_a_message_and_it_disappears_live_for_everyone(self):
        owner, ann, bob = self.user("Owner"), self.user("Ann"), self.user("Bob")
        channel = ann.channel("general")
        for user in (owner, bob):
            self.assert_status(user.call("POST", "/api/channels/%s/join" % channel), 200)
        spam = ann.send(channel, "buy cheap watches")

        async def scenario():
            ws = await connect(self.server, bob)
            await subscribe(ws, channel)
            # A member may not; the owner may.
            self.assert_status(bob.call("DELETE", "/api/channels/%s/messages/%s" % (channel, spam["id"])), 403)
            r = owner.call("DELETE", "/api/channels/%s/messages/%s" % (channel, spam["id"]))
            self.assert_status(r, 200)
            frames = await receive_until(ws, lambda f: f.get("type") == "message.deleted")
            self.assertEqual(frames[-1]["message"]["id"], spam["id"])
            await ws.close()

        asyncio.run(scenario())
        history = bob.call("GET", "/api/channels/%s/messages" % channel).json()["messages"]
        self.assertTrue(history[0]["deleted"])
        self.assertEqual(self.audit_actions(owner), ["message.delete"])

    def test_admin_removes_renames_and_archives_but_not_in_private_channels_they_cannot_read(self):
        owner, ann, bob = self.user("Owner"), self.user("Ann"), self.user("Bob")
        channel = ann.channel("general")
        self.assert_status(bob.call("POST", "/api/channels/%s/join" % channel), 200)
        self.assert_status(owner.call("DELETE", "/api/channels/%s/members/%s" % (channel, bob.id)), 200)
        members = [m["user_id"] for m in ann.call("GET", "/api/channels/%s/members" % channel).json()["members"]]
        self.assertEqual(members, [ann.id])
        self.assert_status(owner.call("PATCH", "/api/channels/%s" % channel, json={"name": "renamed %d" % ann.number}),
                           200)
        r = owner.call("PATCH", "/api/channels/%s" % channel, json={"archived": True})
        self.assert_status(r, 200)
        self.assertIn("archived_at", r.json()["channel"])
        self.assert_status(ann.call("POST", "/api/channels/%s/messages" % channel, json={"text": "hi"}), 409)
        self.assert_status(bob.call("PATCH", "/api/channels/%s" % channel, json={"archived": False}), 403)
        self.assert_status(owner.call("PATCH", "/api/channels/%s" % channel, json={"archived": False}), 200)
        ann.send(channel, "back again")
        # A private channel the owner is not in: as if it did not exist.
        secret = ann.channel("secret", private=True)
        hidden = ann.send(secret, "psst")
        for method, path, body in [("DELETE", "/api/channels/%s/messages/%s" % (secret, hidden["id"]), None),
                                   ("PATCH", "/api/channels/%s" % secret, {"archived": True}),
                                   ("PATCH", "/api/channels/%s" % secret, {"name": "mine"}),
                                   ("DELETE", "/api/channels/%s/members/%s" % (secret, ann.id), None)]:
            with self.subTest(route=path, method=method):
                self.assert_status(owner.call(method, path, json=body), 404, "not_found")
        self.assertFalse(ann.call("GET", "/api/channels/%s/messages" % secret).json()["messages"][0]["deleted"])
        self.assertEqual(self.audit_actions(owner), ["channel.unarchive", "channel.archive", "channel.update",
                                                     "channel.remove_member"])


class DeactivationTest(Team):
    def test_deactivation_closes_open_sockets_at_once_and_refuses_sign_in(self):
        owner, ann = self.user("Owner"), self.user("Ann")
        login = {"email": None, "password": "12345678"}
        login["email"] = ann.call("GET", "/api/me").json()["user"]["email"]

        async def scenario():
            ws = await connect(self.server, ann)
            started = time.monotonic()
            r = owner.call("POST", "/api/admin/users/%s/deactivate" % ann.id)
            self.assert_status(r, 200)
            self.assertIn("deactivated_at", r.json()["user"])
            with self.assertRaises(websockets.exceptions.ConnectionClosed):
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
            self.assertEqual(ws.close_code, 4003)
            self.assertLess(time.monotonic() - started, 3)

        asyncio.run(scenario())
        self.assert_status(ann.call("GET", "/api/me"), 401)
        self.assert_status(anonymous(self.server, "POST", "/api/login", json=login), 401)
        # Back again: sign-in works, the old token stays ended.
        self.assert_status(owner.call("POST", "/api/admin/users/%s/reactivate" % ann.id), 200)
        self.assert_status(ann.call("GET", "/api/me"), 401)
        self.assert_status(anonymous(self.server, "POST", "/api/login", json=login), 200)
        self.assertEqual(self.audit_actions(owner), ["user.reactivate", "user.deactivate"])
        # Nobody deactivates the owner.
        self.assert_status(owner.call("POST", "/api/admin/users/%s/deactivate" % owner.id), 409)


class SignupPolicyTest(Team):
    def test_invite_only(self):
        owner = self.user("Owner")
        self.assert_status(owner.call("PUT", "/api/team/signup", json={"signup": "invite"}), 200)
        self.assertEqual(anonymous(self.server, "GET", "/api/team").json(), {"signup": "invite", "domains": []})
        r = signup(self.server, "Eve", "eve@example.com")
        self.assert_status(r, 403, "permission_denied")
        self.assertIn("invit", r.json()["error"]["message"])
        made = owner.call("POST", "/api/admin/invites", json={"max_uses": 1, "expires_in": 3600})
        self.assert_status(made, 201)
        token = made.json()["invite"]["token"]
        self.assertTrue(made.json()["path"].endswith(token))
        self.assert_status(signup(self.server, "Ann", "ann@example.com", invite=token), 201)
        self.assert_status(signup(self.server, "Bob", "bob@example.com", invite=token), 403)  # used up
        revoked = owner.call("POST", "/api/admin/invites", json={"max_uses": 0}).json()["invite"]
        self.assert_status(owner.call("DELETE", "/api/admin/invites/%s" % revoked["id"]), 204)
        self.assert_status(signup(self.server, "Bob", "bob@example.com", invite=revoked["token"]), 403)
        self.assert_status(signup(self.server, "Bob", "bob@example.com", invite="not-a-token"), 403)
        listed = owner.call("GET", "/api/admin/invites").json()["invites"]
        self.assertTrue(all("token" not in i for i in listed))
        self.assertEqual(sorted((i["uses"], i["revoked"]) for i in listed), [(0, True), (1, False)])

    def test_domains(self):
        owner = self.user("Owner")
        r = owner.call("PUT", "/api/team/signup", json={"signup": "domain", "domains": ["Example.com"]})
        self.assertEqual(r.json(), {"signup": "domain", "domains": ["example.com"]})
        self.assert_status(signup(self.server, "Ann", "ann@example.com"), 201)
        r = signup(self.server, "Eve", "eve@example.com.evil.test")
        self.assert_status(r, 403)
        self.assertIn("example.com", r.json()["error"]["message"])
        self.assert_status(owner.call("PUT", "/api/team/signup", json={"signup": "domain", "domains": []}), 400)


class ServeSignupFlagTest(Team):
    extra_args = ["--signup", "invite"]

    def test_the_flag_sets_the_policy_and_the_first_account_still_owns_the_team(self):
        self.assertEqual(anonymous(self.server, "GET", "/api/team").json()["signup"], "invite")
        self.assert_status(signup(self.server, "Owner", "owner@example.com"), 201)
        self.assert_status(signup(self.server, "Eve", "eve@example.com"), 403)


class PublicAddressDefaultTest(unittest.TestCase):
    def test_a_new_team_on_a_public_address_starts_invite_only(self):
        import tempfile
        with tempfile.TemporaryDirectory(prefix="townhall-public-") as data, \
                townhall.Serve(["--data", data, "--listen", "0.0.0.0:0",
                                "--log-level", "info"] + UNLIMITED) as server:
            self.assertIn("sign-up: invite", server.log() + server.stdout)
            team = requests.get(server.chat + "/api/team", timeout=10).json()
            self.assertEqual(team["signup"], "invite")
            # Whoever reaches a fresh server first does not own it: the first
            # account brings an invite link made on the machine.
            owner = {"name": "Owner", "email": "owner@public.example", "password": "12345678"}
            refused = requests.post(server.chat + "/api/signup", timeout=10, json=owner)
            self.assertEqual(refused.status_code, 403)
            self.assertIn("townhall admin invite", refused.json()["error"]["message"])
            code, made = admin_cli("invite", store=["--data", data])
            self.assertEqual(code, 0, made)
            first = requests.post(server.chat + "/api/signup", timeout=10,
                                  json=dict(owner, invite=made["invite"]["token"]))
            self.assertEqual((first.status_code, first.json()["user"]["role"]), (201, "owner"))
            second = requests.post(server.chat + "/api/signup", timeout=10, json={
                "name": "Eve", "email": "eve@public.example", "password": "12345678"})
            self.assertEqual(second.status_code, 403)
            # The owner may open it.
            token = first.json()["token"]
            r = requests.put(server.chat + "/api/team/signup", json={"signup": "open"}, timeout=10,
                             headers={"Authorization": "Bearer " + token})
            self.assertEqual(r.status_code, 200, r.text)


class PasswordTest(Team):
    def test_reset_link_works_once_and_ends_old_sessions(self):
        owner, ann = self.user("Owner"), self.user("Ann")
        email = ann.call("GET", "/api/me").json()["user"]["email"]
        self.assert_status(ann.call("POST", "/api/admin/users/%s/reset-link" % owner.id), 403)
        made = owner.call("POST", "/api/admin/users/%s/reset-link" % ann.id, json={"expires_in": 600})
        self.assert_status(made, 201)
        token = made.json()["token"]
        r = anonymous(self.server, "POST", "/api/password-reset", json={"token": token, "password": "new password 1"})
        self.assert_status(r, 200)
        self.assertEqual(r.json()["user"]["id"], ann.id)
        self.assert_status(ann.call("GET", "/api/me"), 401)  # the old session ended
        self.assert_status(anonymous(self.server, "POST", "/api/password-reset",
                                     json={"token": token, "password": "new password 2"}), 403)
        self.assert_status(anonymous(self.server, "POST", "/api/login",
                                     json={"email": email, "password": "12345678"}), 401)
        self.assert_status(anonymous(self.server, "POST", "/api/login",
                                     json={"email": email, "password": "new password 1"}), 200)
        self.assertEqual(self.audit_actions(owner), ["password.reset_link"])

    def test_password_routes_from_outside(self):
        owner, ann = self.user("Owner"), self.user("Ann")
        email = ann.call("GET", "/api/me").json()["user"]["email"]
        change = {"current_password": "12345678", "password": "taken over 1"}
        self.assert_status(anonymous(self.server, "PUT", "/api/me/password", json=change), 401)
        self.assert_status(anonymous(self.server, "PUT", "/api/me/password", token="x" * 43, json=change), 401)
        # A reset link's id with a made-up secret, a malformed token, nothing: refused alike.
        link = owner.call("POST", "/api/admin/users/%s/reset-link" % ann.id).json()["token"]
        forged = link.split(".")[0] + "." + "A" * 43
        for token in (forged, "not-a-token", ""):
            with self.subTest(token=token):
                self.assert_status(anonymous(self.server, "POST", "/api/password-reset",
                                             json={"token": token, "password": "taken over 1"}), 403)
        # Nothing changed: the old password and session work, and the real link still does.
        self.assert_status(ann.call("GET", "/api/me"), 200)
        self.assert_status(anonymous(self.server, "POST", "/api/login",
                                     json={"email": email, "password": "12345678"}), 200)
        self.assert_status(anonymous(self.server, "POST", "/api/password-reset",
                                     json={"token": link, "password": "her own choice 1"}), 200)

    def test_change_password_needs_the_current_one(self):
        ann = self.user("Ann")
        email = ann.call("GET", "/api/me").json()["user"]["email"]
        self.assert_status(ann.call("PUT", "/api/me/password",
                                    json={"current_password": "wrong password", "password": "new password 1"}), 403)
        r = ann.call("PUT", "/api/me/password", json={"current_password": "12345678", "password": "new password 1"})
        self.assert_status(r, 200)
        self.assertNotEqual(r.json()["token"], ann.token)
        self.assert_status(ann.call("GET", "/api/me"), 401)
        ann.token = r.json()["token"]
        self.assert_status(ann.call("GET", "/api/me"), 200)
        self.assert_status(anonymous(self.server, "POST", "/api/login",
                                     json={"email": email, "password": "new password 1"}), 200)


class AdminCliTest(Team):
    def test_admin_commands_run_inside_the_running_server_and_on_the_stopped_store(self):
        store = ["--data", self.server.data_dir]
        owner, ann = self.user("Owner"), self.user("Ann")
        email = ann.call("GET", "/api/me").json()["user"]["email"]
        code, users = admin_cli("users", store=store)
        self.assertEqual(code, 0, users)
        self.assertEqual({u["id"]: u["role"] for u in users["users"]}, {owner.id: "owner", ann.id: "member"})
        code, made = admin_cli("set-role", email, "admin", store=store)
        self.assertEqual((code, made["user"]["role"]), (0, "admin"), made)
        self.assertEqual(ann.call("GET", "/api/me").json()["user"]["role"], "admin")  # at once

        async def deactivate_while_connected():
            ws = await connect(self.server, ann)
            code, done = admin_cli("deactivate", ann.id, store=store)
            self.assertEqual(code, 0, done)
            with self.assertRaises(websockets.exceptions.ConnectionClosed):
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
            self.assertEqual(ws.close_code, 4003)

        asyncio.run(deactivate_while_connected())
        code, link = admin_cli("reset-password", owner.id, "--url", "https://chat.example.com/", store=store)
        self.assertEqual(code, 0, link)
        self.assertTrue(link["url"].startswith("https://chat.example.com/#reset="), link)
        code, invite = admin_cli("invite", "--uses", "3", store=store)
        self.assertEqual((code, invite["invite"]["max_uses"]), (0, 3), invite)
        code, error = admin_cli("set-role", "nobody-at-all", "admin", store=store)
        self.assertEqual(code, 1)
        self.assertEqual(error["error"]["code"], "not_found")
        code, settings = admin_cli("signup", "domain", "--domain", "example.com", store=store)
        self.assertEqual((code, settings), (0, {"signup": "domain", "domains": ["example.com"]}))
        # With the server stopped, the same commands open the store themselves.
        self.server.stop()
        code, trail = admin_cli("audit", store=store)
        self.assertEqual(code, 0, trail)
        self.assertEqual([e["action"] for e in trail["entries"]],
                         ["signup.set", "invite.create", "password.reset_link", "user.deactivate", "role.set"])
        self.assertTrue(all(e["actor_id"] == "" for e in trail["entries"]))
        code, done = admin_cli("reactivate", email, store=store)
        self.assertEqual(code, 0, done)
        self.assertNotIn("deactivated_at", done["user"])
        code, usage = admin_cli("no-such-command", store=store)
        self.assertEqual(code, 1)


class AdminCliOnDynamoDbTest(unittest.TestCase):
    def test_admin_on_a_dynamodb_store(self):
        with contextlib.ExitStack() as stack:
            endpoint = stack.enter_context(townhall.dynamodb())
            url = "http://%s:%d" % (endpoint.host, endpoint.port)
            env_store = ["--store", "dynamodb", "--endpoint", url]
            os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
            os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
            os.environ.setdefault("AWS_REGION", "us-east-1")
            server = townhall.ChatServer(extra_args=UNLIMITED)
            server.store = type("Remote", (), {"endpoint": url})()  # serve --store dynamodb --endpoint url
            server.start()
            stack.callback(server.stop)
            owner = ChatUser(server, "Owner", check=CHECKER.check)
            ann = ChatUser(server, "Ann", check=CHECKER.check)
            code, made = admin_cli("set-role", ann.id, "admin", store=env_store)
            self.assertEqual((code, made["user"]["role"]), (0, "admin"), made)
            code, users = admin_cli("users", store=env_store)
            self.assertEqual({u["id"]: u["role"] for u in users["users"]}, {owner.id: "owner", ann.id: "admin"})
            # A new session reads the user afresh: the new role, on the server's routes.
            email = ann.call("GET", "/api/me").json()["user"]["email"]
            login = requests.post(server.url + "/api/login", json={"email": email, "password": "12345678"},
                                  timeout=30)
            self.assertEqual(login.json()["user"]["role"], "admin")


if __name__ == "__main__":
    townhall.main()
