"""serve --log-format json (docs/configuration.md#logs): every line on stdout
is one JSON object; each request is one line with its X-Request-Id (the
client's when well-formed, else a fresh one, echoed in the response), route
template, status, bytes and user; no token, password or id from a path
reaches the log. The text format carries the same id."""
import asyncio
import json
import os
import re
import sys
import tempfile
import time
import unittest

import requests
import websockets

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402

PASSWORD = "correct horse battery"


def json_lines(text):
    """Every non-empty line, parsed; fails on the first that is not a JSON object."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            raise AssertionError("not a JSON line: %r" % line)
        if not isinstance(value, dict):
            raise AssertionError("not a JSON object: %r" % line)
        lines.append(value)
    return lines


def wait_for(server, predicate, timeout=5):
    deadline = time.time() + timeout
    while True:
        log = server.log()
        if predicate(log) or time.time() > deadline:
            return log


async def upgrade_request_id(url, token):
    """The X-Request-Id of a WebSocket upgrade's 101 answer."""
    async with websockets.connect(url, extra_headers={"Authorization": "Bearer " + token,
                                                      "X-Request-Id": "socket-id-7"}) as ws:
        return ws.response_headers.get("X-Request-Id")


class JsonLogs(unittest.TestCase):
    def test_requests_are_json_lines_with_their_id(self):
        with tempfile.TemporaryDirectory(prefix="townhall-logs-") as data, \
                townhall.Serve(["--data", data, "--log-format", "json", "--log-level", "info"]) as server:
            self.assertEqual(json_lines(server.stdout)[-1]["level"], "info")  # the start lines too
            signup = requests.post(server.chat + "/api/signup", timeout=10, json={
                "name": "Logged", "email": "logged@test.example", "password": PASSWORD})
            self.assertEqual(signup.status_code, 201, signup.text)
            token, user_id = signup.json()["token"], signup.json()["user"]["id"]
            auth = {"Authorization": "Bearer " + token}

            created = requests.post(server.chat + "/api/channels", json={"name": "logs"}, timeout=10,
                                    headers=dict(auth, **{"X-Request-Id": "client-id.42"}))
            self.assertEqual(created.status_code, 201, created.text)
            self.assertEqual(created.headers["X-Request-Id"], "client-id.42")
            channel = created.json()["channel"]["id"]

            # Malformed or too long ids are replaced, not logged.
            for bad in ("has space", "x" * 65, 'quote"s', "semi;colon"):
                r = requests.get(server.chat + "/api/channels/" + channel, headers=dict(auth, **{"X-Request-Id": bad}),
                                 timeout=10)
                self.assertEqual(r.status_code, 200)
                self.assertRegex(r.headers["X-Request-Id"], r"^[0-9a-f]{24}$")
            generated = r.headers["X-Request-Id"]
            # Every answer of the chat port has one, static files and errors too.
            for path in ("/healthz", "/", "/api/nowhere"):
                self.assertRegex(requests.get(server.chat + path, timeout=10).headers.get("X-Request-Id", ""),
                                 r"^[0-9a-f]{24}$", path)

            # A WebSocket's 101 carries the id its log line has.
            ws_id = asyncio.run(upgrade_request_id(server.chat.replace("http://", "ws://") + "/ws", token))
            self.assertEqual(ws_id, "socket-id-7")

            log = wait_for(server, lambda text: generated in text and "/api/nowhere" in text and ws_id in text)
            lines = json_lines(log)
            by_id = {line.get("request_id"): line for line in lines if "request_id" in line}
            line = by_id["client-id.42"]
            self.assertEqual(line["method"], "POST")
            self.assertEqual(line["route"], "/api/channels")
            self.assertEqual(line["status"], 201)
            self.assertEqual(line["user"], user_id)
            self.assertEqual(line["ip"], "127.0.0.1")
            self.assertEqual(line["bytes"], len(created.content))
            self.assertIsInstance(line["duration_ms"], (int, float))
            self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertEqual(line["level"], "info")

            self.assertEqual((by_id["socket-id-7"]["route"], by_id["socket-id-7"]["status"]), ("/ws", 101))
            fetched = by_id[generated]
            self.assertEqual(fetched["route"], "/api/channels/{id}")  # the template, not the id
            signed_up = [entry for entry in lines if entry.get("route") == "/api/signup"]
            self.assertEqual(len(signed_up), 1)
            self.assertNotIn("user", signed_up[0])  # nobody was signed in yet
            self.assertEqual([entry["status"] for entry in lines if entry.get("route") == "(unmatched)"], [404])
            for secret in (token, PASSWORD, channel, "has space"):
                self.assertNotIn(secret, log)
            self.assertTrue(any("msg" in entry and "listening on" in entry["msg"] for entry in lines))

    def test_text_lines_carry_the_id_too(self):
        with tempfile.TemporaryDirectory(prefix="townhall-logs-") as data, \
                townhall.Serve(["--data", data, "--log-level", "info"]) as server:
            r = requests.get(server.chat + "/healthz", headers={"X-Request-Id": "text-id-7"}, timeout=10)
            self.assertEqual(r.headers["X-Request-Id"], "text-id-7")
            log = wait_for(server, lambda text: "text-id-7" in text)
            self.assertRegex(log, r"\[info\] http GET /healthz 200 [0-9.]+ms \d+B ip=127\.0\.0\.1 id=text-id-7")


if __name__ == "__main__":
    townhall.main()
