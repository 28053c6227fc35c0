#!/usr/bin/python3
"""Connection floods from an attacker's side (docs/security.md, docs/configuration.md).

- One address opening hundreds of idle connections to the chat or to the
  DynamoDB endpoint holds at most its per-address share, and only until the
  first-request deadline; a normal client (another address) still chats.
- Exhausting the process's descriptors is impossible: the sockets' budget
  leaves the store its reserve, so a checkpoint (which opens files) still
  succeeds during the flood, writes stay acknowledged, and everything
  acknowledged is there after kill -9 and a restart.
- WebSockets are capped per user and per address.

Other loopback addresses (127.0.0.2, ...) stand in for other machines.
"""
import asyncio
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import requests
import websockets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402

try:
    import boto3
    import botocore.config
except ImportError:
    boto3 = None


def port_of(url):
    return int(url.rsplit(":", 1)[1])


def open_idle(port, source, count):
    """count connections from source that send nothing."""
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind((source, 0))
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        sockets.append(s)
    return sockets


def count_open(sockets, settle=0.5):
    """How many the server still holds (it closes refused ones at once)."""
    time.sleep(settle)
    alive = 0
    for s in sockets:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                continue
        except BlockingIOError:
            alive += 1
        except OSError:
            continue
    return alive


def close_all(sockets):
    for s in sockets:
        s.close()


def signup(url, name):
    r = requests.post(url + "/api/signup", timeout=30, json={
        "name": name, "email": "%s-%d-%d@limits.example" % (name.lower(), os.getpid(), time.monotonic_ns()),
        "password": "12345678"})
    assert r.status_code == 201, r.text
    return r.json()["token"]


class ChatFloodTest(unittest.TestCase):
    def test_one_address_cannot_hold_the_chat(self):
        with tempfile.TemporaryDirectory() as tmp, townhall.Serve(
                ["--data", tmp, "--max-connections-per-ip", "20", "--first-request-seconds", "2",
                 "--rate-ip", "0", "--log-level", "warn"]) as serve:
            flood = open_idle(port_of(serve.chat), "127.0.0.2", 200)
            try:
                self.assertLessEqual(count_open(flood), 20)
                # Someone else is served meanwhile, over REST and WebSocket.
                token = signup(serve.chat, "Normal")
                headers = {"Authorization": "Bearer " + token}
                channel = requests.post(serve.chat + "/api/channels", json={"name": "still here"}, headers=headers,
                                        timeout=10).json()["channel"]["id"]
                r = requests.post(serve.chat + "/api/channels/%s/messages" % channel, json={"text": "hi"},
                                  headers=headers, timeout=10)
                self.assertEqual(r.status_code, 201, r.text)

                async def chat():
                    async with websockets.connect(serve.chat.replace("http", "ws") + "/ws",
                                                  extra_headers=headers) as ws:
                        self.assertEqual(json.loads(await ws.recv())["type"], "ready")
                asyncio.run(chat())
                # The held ones never sent a request: closed at the first-request deadline.
                self.assertEqual(count_open(flood, settle=3), 0)
            finally:
                close_all(flood)
            self.assertIn("refusing connections", serve.log())
            metrics = requests.get(serve.chat + "/metrics", timeout=10).text
            self.assertRegex(metrics, r"townhall_connections_refused_total [1-9]")

    def test_websockets_are_capped_per_user_and_per_address(self):
        with tempfile.TemporaryDirectory() as tmp, townhall.Serve(
                ["--data", tmp, "--ws-per-user", "3", "--ws-per-ip", "5", "--rate-ip", "0",
                 "--rate-auth", "0", "--log-level", "warn"]) as serve:
            url = serve.chat.replace("http", "ws") + "/ws"

            async def scenario():
                alice = {"Authorization": "Bearer " + signup(serve.chat, "Alice")}
                held = [await websockets.connect(url, extra_headers=alice) for _ in range(3)]
                with self.assertRaises(websockets.exceptions.InvalidStatusCode) as caught:
                    await websockets.connect(url, extra_headers=alice)
                self.assertEqual(caught.exception.status_code, 429)
                # Per address: 127.0.0.3 may open 5, whoever they are.
                others = []
                for i in range(5):
                    headers = {"Authorization": "Bearer " + signup(serve.chat, "Other%d" % i)}
                    others.append(await websockets.connect(url, extra_headers=headers, local_addr=("127.0.0.3", 0)))
                headers = {"Authorization": "Bearer " + signup(serve.chat, "Sixth")}
                with self.assertRaises(websockets.exceptions.InvalidStatusCode):
                    await websockets.connect(url, extra_headers=headers, local_addr=("127.0.0.3", 0))
                # Closing one frees its place.
                await held[0].close()
                await asyncio.sleep(0.3)
                replacement = await websockets.connect(url, extra_headers=alice)
                for ws in held[1:] + others + [replacement]:
                    await ws.close()
            asyncio.run(scenario())


class DescriptorExhaustionTest(unittest.TestCase):
    def test_a_flood_cannot_take_the_stores_descriptors(self):
        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512))

        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            args = ["--data", data, "--rate-ip", "0", "--rate-user", "0", "--log-level", "warn"]
            serve = townhall.Serve(args, preexec_fn=low_limit)
            try:
                token = signup(serve.chat, "Writer")
                session = requests.Session()  # one keep-alive connection, opened before the flood
                session.headers["Authorization"] = "Bearer " + token
                channel = session.post(serve.chat + "/api/channels", json={"name": "flooded"},
                                       timeout=10).json()["channel"]["id"]
                flood = []
                for source in ("127.0.0.4", "127.0.0.5", "127.0.0.6"):
                    flood += open_idle(port_of(serve.chat), source, 200)
                try:
                    self.assertLessEqual(count_open(flood), 512 - 256)  # the sockets get what the store does not need
                    acknowledged = []
                    for i in range(20):
                        r = session.post(serve.chat + "/api/channels/%s/messages" % channel,
                                         json={"text": "during the flood %d" % i}, timeout=10)
                        self.assertEqual(r.status_code, 201, r.text)
                        acknowledged.append(r.json()["message"]["id"])
                    # A checkpoint flushes and opens files: it needs the reserve.
                    backup = subprocess.run([townhall.binary(), "backup", os.path.join(tmp, "backup"), "--data", data],
                                            capture_output=True, text=True, timeout=60)
                    self.assertEqual(backup.returncode, 0, backup.stderr)
                    self.assertEqual(session.get(serve.chat + "/readyz", timeout=10).status_code, 200)
                finally:
                    close_all(flood)
                session.close()
            finally:
                serve.stop(signal.SIGKILL)
                serve.close()
            # Every acknowledged message survives kill -9.
            with townhall.Serve(args) as again:
                r = requests.get(again.chat + "/api/channels/%s/messages" % channel, params={"limit": 100},
                                 headers={"Authorization": "Bearer " + token}, timeout=10)
                self.assertEqual(r.status_code, 200, r.text)
                self.assertEqual(sorted(m["id"] for m in r.json()["messages"]), sorted(acknowledged))
            # The backup opens as a store of its own.
            with townhall.Serve(["--data", os.path.join(tmp, "backup")]) as restored:
                self.assertEqual(requests.get(restored.chat + "/readyz", timeout=10).status_code, 200)


class EndpointFloodTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        townhall.require("python3-boto3", boto3 is not None)

    def test_one_address_cannot_hold_the_endpoint(self):
        with townhall.dynamodb(args=["--max-connections-per-ip", "5", "--header-timeout", "1"]) as endpoint:
            flood = open_idle(endpoint.port, "127.0.0.7", 50)
            try:
                self.assertLessEqual(count_open(flood), 5)
                db = boto3.client("dynamodb", endpoint_url=endpoint.url, region_name="us-east-1",
                                  aws_access_key_id="k", aws_secret_access_key="s",
                                  config=botocore.config.Config(retries={"max_attempts": 1}))
                self.assertEqual(db.list_tables()["TableNames"], [])
                self.assertEqual(count_open(flood, settle=1.5), 0)  # the header deadline
            finally:
                close_all(flood)


if __name__ == "__main__":
    townhall.main()
