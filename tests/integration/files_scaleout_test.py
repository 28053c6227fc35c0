#!/usr/bin/python3
"""Files on three `townhall serve` nodes sharing one store (`townhall
dynamodb`) and one S3-compatible bucket (s3rver behind a proxy that checks
every request's SigV4 signature as S3 does; s3_blob_store_test.py):

- a file uploaded through node 1 is shared in a message sent through node 2
  and downloaded (bytes and thumbnail) through node 3;
- an outsider of the private channel gets 404 for it on every node;
- deleting the message through node 2 makes it 404 everywhere, and a node's
  sweep removes its object from the bucket;
- a node killed with kill -9 right after acknowledging a message with a file
  loses nothing: the file downloads from the others and from it once restarted.
Every request that reached the bucket carried a valid signature."""
import hashlib
import os
import re
import selectors
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402
from s3_blob_store_test import BUCKET, KEY_ID, SECRET, S3rver, VerifyingProxy, boto3  # noqa: E402
from scaleout_test import Redis, SharedStore  # noqa: E402

ENV = {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": "us-east-1"}


def png(width, height):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xffffffff)
    rows = b"".join(b"\x00" + bytes(((x * 5 + y) % 256) for x in range(width * 3)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class FileNode:
    def __init__(self, node_id, store, redis, bucket_endpoint, tmp, sweep=False):
        self.node_id = node_id
        self.log_path = os.path.join(tmp, "node%d.log" % node_id)
        args = [townhall.binary(), "serve", "--listen", "127.0.0.1:0", "--store", "dynamodb", "--endpoint",
                store.endpoint, "--pubsub", redis.url, "--node-id", str(node_id), "--password-cost", "minimum",
                "--rate-ip", "0", "--rate-user", "0", "--rate-auth", "0", "--no-access-log", "--drain-seconds",
                "1", "--files", "s3://%s/files" % BUCKET, "--files-endpoint", bucket_endpoint,
                "--search-index", "off"]
        if sweep:
            args += ["--files-sweep-seconds", "0.5", "--files-grace-seconds", "0"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(ENV, HOME=tmp)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, env=env)
        sel = selectors.DefaultSelector()
        sel.register(self.process.stdout, selectors.EVENT_READ)
        seen, deadline, self.port = b"", time.monotonic() + 60, None
        while time.monotonic() < deadline and self.process.poll() is None:
            if sel.select(timeout=0.1):
                seen += os.read(self.process.stdout.fileno(), 4096)
                match = re.search(rb"listening on \S+:(\d+) \(chat", seen)
                if match:
                    self.port = int(match.group(1))
                    break
        sel.close()
        assert self.port, "node %d did not start: %r %s" % (node_id, seen, open(self.log_path).read())
        self.url = "http://127.0.0.1:%d" % self.port

    def stop(self, sig=signal.SIGTERM):
        if self.process:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)
            self.process.stdout.close()
            self.process = None


class User:
    def __init__(self, node, name):
        r = requests.post(node.url + "/api/signup", timeout=30, json={
            "name": name, "email": "%s-%d@files.example" % (name.lower(), os.getpid()), "password": "12345678"})
        assert r.status_code == 201, r.text
        self.token, self.id = r.json()["token"], r.json()["user"]["id"]

    def call(self, node, method, path, **kwargs):
        return requests.request(method, node.url + path, headers={"Authorization": "Bearer " + self.token},
                                timeout=60, **kwargs)


class FilesScaleoutTest(unittest.TestCase):
    def test_three_nodes_share_one_bucket(self):
        townhall.require("python3-boto3", boto3 is not None)
        townhall.require("node (nodejs)", shutil.which("node"))
        tmp = tempfile.mkdtemp(prefix="townhall-files-scaleout-")
        s3 = S3rver(os.path.join(tmp, "s3"))
        proxy = VerifyingProxy(s3.port)
        redis = Redis()
        store = SharedStore("townhall")
        nodes = []
        try:
            nodes = [FileNode(1, store, redis, proxy.url, tmp), FileNode(2, store, redis, proxy.url, tmp),
                     FileNode(3, store, redis, proxy.url, tmp, sweep=True)]
            n1, n2, n3 = nodes
            alice, bob, eve = User(n1, "Alice"), User(n2, "Bob"), User(n3, "Eve")
            r = alice.call(n1, "POST", "/api/channels", json={"name": "design", "private": True})
            self.assertEqual(r.status_code, 201, r.text)
            room = r.json()["channel"]["id"]
            self.assertIn(alice.call(n2, "POST", "/api/channels/%s/members" % room,
                                     json={"user_id": bob.id}).status_code, (200, 201))
            picture = png(800, 500)
            r = alice.call(n1, "POST", "/api/channels/%s/files" % room, params={"name": "mock.png"}, data=picture)
            self.assertEqual(r.status_code, 201, r.text)
            file = r.json()["file"]
            r = alice.call(n2, "POST", "/api/channels/%s/messages" % room, json={"text": "v2", "files": [file["id"]]})
            self.assertEqual(r.status_code, 201, r.text)
            message = r.json()["message"]
            for node in nodes:
                got = bob.call(node, "GET", file["url"])
                self.assertEqual(got.status_code, 200, "node %d" % node.node_id)
                self.assertEqual(got.content, picture)
                thumb = bob.call(node, "GET", file["thumbnail_url"])
                self.assertEqual(thumb.status_code, 200)
                self.assertEqual(thumb.content[8:12], b"WEBP")
                self.assertEqual(eve.call(node, "GET", file["url"]).status_code, 404)
                self.assertEqual(eve.call(node, "GET", file["thumbnail_url"]).status_code, 404)
            bucket = boto3.client("s3", endpoint_url=s3.url, aws_access_key_id=KEY_ID,
                                  aws_secret_access_key=SECRET, region_name="us-east-1")
            key = "files/" + hashlib.sha256(picture).hexdigest()
            self.assertEqual(bucket.head_object(Bucket=BUCKET, Key=key)["ContentLength"], len(picture))

            # kill -9 right after an acknowledged send: nothing is lost.
            data = os.urandom(300_000)
            r = alice.call(n1, "POST", "/api/channels/%s/files" % room, params={"name": "dump.bin"}, data=data)
            kept = r.json()["file"]
            r = alice.call(n1, "POST", "/api/channels/%s/messages" % room, json={"text": "", "files": [kept["id"]]})
            self.assertEqual(r.status_code, 201, r.text)
            n1.stop(signal.SIGKILL)
            self.assertEqual(bob.call(n2, "GET", kept["url"]).content, data)
            nodes[0] = n1 = FileNode(1, store, redis, proxy.url, tmp)
            self.assertEqual(bob.call(n1, "GET", kept["url"]).content, data)

            # Deleted through node 2: gone everywhere, and node 3's sweep removes the object.
            r = alice.call(n2, "DELETE", "/api/channels/%s/messages/%s" % (room, message["id"]))
            self.assertEqual(r.status_code, 200, r.text)
            for node in nodes:
                self.assertEqual(bob.call(node, "GET", file["url"]).status_code, 404)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                listed = bucket.list_objects_v2(Bucket=BUCKET, Prefix="files/").get("Contents", [])
                if key not in [o["Key"] for o in listed]:
                    break
                time.sleep(0.2)
            self.assertNotIn(key, [o["Key"] for o in listed], "the deleted file's object stays in the bucket")
            self.assertIn("files/" + hashlib.sha256(data).hexdigest(), [o["Key"] for o in listed])
            problems = [r for r in proxy.requests if r[2]]
            self.assertFalse(problems, problems[:3])
            self.assertGreater(len(proxy.requests), 5)
        finally:
            for node in nodes:
                node.stop()
            store.stop()
            redis.kill()
            proxy.stop()
            s3.stop()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    townhall.main()
