#!/usr/bin/python3
"""Files shared in channels, over REST, on the embedded store (docs/files.md):

- upload (the body is the file), share it in a message, download it; an
  image gets its size and a WebP thumbnail (libvips) and is shown inline;
- the type is sniffed from the bytes, never taken from the client: an HTML
  page and an SVG with script come back as attachments, text/plain, nosniff,
  sandboxed; a file that claims to be a PNG and is not is a plain download;
- only who may read the channel downloads (checked on every request); an
  upload not sent yet is its owner's alone; an outsider of a private channel
  gets 404 from every route; a non-member of a public one cannot upload;
- limits: a file over --max-file-mb and an upload over the quota get 413
  with the limit; a file is shared once; another's upload cannot be sent;
- a deleted message's file is gone at once and its bytes are collected by
  the sweep; an upload never sent is collected with its quota given back;
- a file whose message was acknowledged survives kill -9.
Every JSON answer is validated against src/api/openapi.json."""
import os
import signal
import struct
import sys
import time
import unittest
import zlib

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402
from chat_client import UNLIMITED, ChatUser  # noqa: E402
from openapi_check import OpenApiChecker  # noqa: E402

CHECKER = OpenApiChecker()


def png(width, height, seed=0):
    """A real RGB PNG."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xffffffff)
    rows = b"".join(b"\x00" + bytes(((x * 7 + y * 3 + seed) % 256) for x in range(width * 3)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def upload(user, channel, data, name, content_type="application/octet-stream"):
    return requests.post(user.server.url + "/api/channels/%s/files" % channel, params={"name": name}, data=data,
                         headers={"Authorization": "Bearer " + user.token, "Content-Type": content_type},
                         timeout=60)


def download(user, url):
    return requests.get(user.server.url + url, headers={"Authorization": "Bearer " + user.token}, timeout=60)


def send(user, channel, text, files):
    return user.call("POST", "/api/channels/%s/messages" % channel, json={"text": text, "files": files})


class FilesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = townhall.ChatServer(extra_args=UNLIMITED + [
            "--max-file-mb", "2", "--files-quota-mb", "5", "--files-sweep-seconds", "0.3",
            "--files-grace-seconds", "1", "--files-orphan-seconds", "3"]).__enter__()
        s = cls.server
        cls.alice = ChatUser(s, "Alice", CHECKER.check)
        cls.bob = ChatUser(s, "Bob", CHECKER.check)
        cls.eve = ChatUser(s, "Eve", CHECKER.check)
        cls.public = cls.alice.channel("photos")
        cls.private = cls.alice.channel("secret photos", private=True)
        assert cls.bob.call("POST", "/api/channels/%s/join" % cls.public).status_code == 200
        r = cls.alice.call("POST", "/api/channels/%s/members" % cls.private, json={"user_id": cls.bob.id})
        assert r.status_code in (200, 201), r.text

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def shared(self, user, channel, data, name, text="look", content_type="application/octet-stream"):
        r = upload(user, channel, data, name, content_type)
        self.assertEqual(r.status_code, 201, r.text)
        CHECKER.check(r)
        file = r.json()["file"]
        r = send(user, channel, text, [file["id"]])
        self.assertEqual(r.status_code, 201, r.text)
        message = r.json()["message"]
        self.assertEqual([f["id"] for f in message["files"]], [file["id"]])
        return file, message

    def test_an_image_is_shown_inline_with_a_thumbnail(self):
        picture = png(1200, 600)
        file, message = self.shared(self.alice, self.public, picture, "../../holiday.png", content_type="text/html")
        self.assertEqual(file["name"], "holiday.png")
        self.assertEqual(file["type"], "image/png")
        self.assertEqual((file["width"], file["height"], file["size"]), (1200, 600, len(picture)))
        r = download(self.bob, file["url"])
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.content, picture)
        self.assertEqual(r.headers["Content-Type"], "image/png")
        self.assertTrue(r.headers["Content-Disposition"].startswith("inline"))
        self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", r.headers["Content-Security-Policy"])
        thumb = download(self.bob, file["thumbnail_url"])
        self.assertEqual(thumb.status_code, 200)
        self.assertEqual(thumb.headers["Content-Type"], "image/webp")
        self.assertEqual(thumb.content[:4], b"RIFF")
        self.assertEqual(thumb.content[8:12], b"WEBP")
        self.assertLess(len(thumb.content), 60000)
        # In the history too, with the message.
        history = self.bob.call("GET", "/api/channels/%s/messages" % self.public).json()["messages"]
        self.assertEqual(next(m for m in history if m["id"] == message["id"])["files"][0]["id"], file["id"])
        # Search finds it by its files.
        r = self.bob.call("GET", "/api/search", params={"q": "has:file", "channel_id": self.public})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertIn(message["id"], [hit["message"]["id"] for hit in r.json()["results"]])
        # A message of only files needs no text.
        r = upload(self.alice, self.public, png(10, 10, seed=3), "tiny.png")
        r = send(self.alice, self.public, "", [r.json()["file"]["id"]])
        self.assertEqual(r.status_code, 201, r.text)
        self.assertEqual(send(self.alice, self.public, "", []).status_code, 400)

    def test_types_come_from_the_bytes_and_nothing_runs(self):
        for name, data, claimed in [
                ("page.html", b"<html><script>alert(document.cookie)</script></html>", "text/html"),
                ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                 "image/svg+xml"),
                ("fake.png", b"\x89PNG\r\n\x1a\n" + os.urandom(200), "image/png"),
                ("notes.bin", os.urandom(1000), "image/jpeg")]:
            file, _ = self.shared(self.alice, self.public, data, name, content_type=claimed)
            self.assertNotIn("thumbnail_url", file, name)
            r = download(self.bob, file["url"])
            self.assertEqual(r.status_code, 200, name)
            self.assertEqual(r.content, data, name)
            self.assertTrue(r.headers["Content-Disposition"].startswith("attachment"), name)
            self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
            self.assertIn("sandbox", r.headers["Content-Security-Policy"])
            self.assertNotIn("html", r.headers["Content-Type"], name)
            self.assertNotIn("svg", r.headers["Content-Type"], name)
            if name.endswith((".html", ".svg")):
                self.assertEqual(r.headers["Content-Type"], "text/plain; charset=utf-8")
            else:
                self.assertEqual(r.headers["Content-Type"], "application/octet-stream")
        r = download(self.bob, "/api/channels/%s/files/%s?thumbnail=1" % (self.public, file["id"]))
        self.assertEqual(r.status_code, 404)

    def test_who_may_download_and_upload(self):
        secret, _ = self.shared(self.alice, self.private, b"private minutes", "minutes.txt")
        self.assertEqual(download(self.bob, secret["url"]).status_code, 200)
        for url in (secret["url"], secret["url"] + "?thumbnail=1",
                    "/api/channels/%s/files/nosuchfile01" % self.private):
            r = download(self.eve, url)
            self.assertEqual(r.status_code, 404, url)
            self.assertNotIn("minutes", r.text)
        self.assertEqual(upload(self.eve, self.private, b"x", "x.txt").status_code, 404)
        self.assertEqual(upload(self.eve, self.public, b"x", "x.txt").status_code, 403)  # not a member
        self.assertEqual(requests.get(self.server.url + secret["url"]).status_code, 401)
        # Logged out, nothing is stored either.
        r = requests.post(self.server.url + "/api/channels/%s/files" % self.public, params={"name": "x.txt"},
                          data=b"anonymous", headers={"Content-Type": "application/octet-stream"}, timeout=30)
        self.assertEqual(r.status_code, 401, r.text)
        # Not sent yet: its owner's alone.
        r = upload(self.alice, self.public, b"draft", "draft.txt")
        draft = r.json()["file"]
        self.assertEqual(download(self.alice, draft["url"]).status_code, 200)
        self.assertEqual(download(self.bob, draft["url"]).status_code, 404)
        # Another's upload cannot be sent; a file is shared once.
        self.assertEqual(send(self.bob, self.public, "mine now", [draft["id"]]).status_code, 404)
        self.assertEqual(send(self.alice, self.public, "once", [draft["id"]]).status_code, 201)
        self.assertEqual(send(self.alice, self.public, "twice", [draft["id"]]).status_code, 409)
        # A member who leaves downloads no more.
        room = self.alice.channel("short stay", private=True)
        self.alice.call("POST", "/api/channels/%s/members" % room, json={"user_id": self.bob.id})
        kept, _ = self.shared(self.alice, room, b"for a while", "while.txt")
        self.assertEqual(download(self.bob, kept["url"]).status_code, 200)
        self.assertEqual(self.bob.call("POST", "/api/channels/%s/leave" % room).status_code, 200)
        self.assertEqual(download(self.bob, kept["url"]).status_code, 404)

    def test_limits_answer_413_with_the_limit(self):
        carol = ChatUser(self.server, "Carol", CHECKER.check)
        self.assertEqual(carol.call("POST", "/api/channels/%s/join" % self.public).status_code, 200)
        r = upload(carol, self.public, os.urandom(2 * 1024 * 1024 + 1), "big.bin")
        self.assertEqual(r.status_code, 413, r.text)
        self.assertEqual(r.json()["error"], {"code": "payload_too_large", "message": "a file is at most 2 MB"})
        self.assertEqual(upload(carol, self.public, b"", "empty.txt").status_code, 400)
        for _ in range(2):
            self.assertEqual(upload(carol, self.public, os.urandom(2 * 1024 * 1024), "part.bin").status_code, 201)
        r = upload(carol, self.public, os.urandom(1024 * 1024 + 1), "over.bin")
        self.assertEqual(r.status_code, 413, r.text)
        self.assertIn("5 MB", r.json()["error"]["message"])
        # Unsent uploads are collected after --files-orphan-seconds, and the quota comes back.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = upload(carol, self.public, os.urandom(1024 * 1024 + 1), "over.bin")
            if r.status_code == 201:
                break
            time.sleep(0.3)
        self.assertEqual(r.status_code, 201, r.text)

    def test_a_deleted_messages_file_is_gone_and_collected(self):
        data = os.urandom(5000)
        file, message = self.shared(self.alice, self.public, data, "gone.bin")
        import hashlib
        blob = os.path.join(self.server.data_dir, "files", hashlib.sha256(data).hexdigest()[:2],
                            hashlib.sha256(data).hexdigest())
        self.assertTrue(os.path.exists(blob))
        r = self.alice.call("DELETE", "/api/channels/%s/messages/%s" % (self.public, message["id"]))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertNotIn("files", r.json()["message"])
        self.assertEqual(download(self.bob, file["url"]).status_code, 404)
        deadline = time.monotonic() + 10
        while os.path.exists(blob) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertFalse(os.path.exists(blob), "the bytes of a deleted file stay")


class FilesDurabilityTest(unittest.TestCase):
    def test_an_acknowledged_file_survives_kill_9(self):
        with townhall.ChatServer(extra_args=UNLIMITED) as server:
            alice = ChatUser(server, "Alice")
            channel = alice.channel("vault")
            data = os.urandom(3 * 1024 * 1024)
            r = upload(alice, channel, data, "backup.tar")
            self.assertEqual(r.status_code, 201, r.text)
            file = r.json()["file"]
            self.assertEqual(send(alice, channel, "the backup", [file["id"]]).status_code, 201)
            server.process.send_signal(signal.SIGKILL)
            server.process.wait()
            server.process = None
            server.start()
            r = download(alice, file["url"])
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r.content, data)
            history = alice.call("GET", "/api/channels/%s/messages" % channel).json()["messages"]
            self.assertEqual(history[0]["files"][0]["id"], file["id"])


class FilesCopiesTest(unittest.TestCase):
    def test_backup_and_migrate_carry_the_files(self):
        import shutil
        import subprocess
        import tempfile
        with townhall.ChatServer(extra_args=UNLIMITED) as server:
            alice = ChatUser(server, "Alice")
            channel = alice.channel("archive")
            data = os.urandom(100_000)
            file = upload(alice, channel, data, "report.pdf").json()["file"]
            self.assertEqual(send(alice, channel, "report", [file["id"]]).status_code, 201)
            work = tempfile.mkdtemp(prefix="townhall-files-copies-")
            try:
                backup = os.path.join(work, "backup")
                done = subprocess.run([townhall.binary(), "backup", "--data", server.data_dir, backup],
                                      capture_output=True, text=True, timeout=60)  # online: through the server
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertEqual(server.stop(), 0)
                migrated = os.path.join(work, "migrated")
                done = subprocess.run([townhall.binary(), "migrate", "--from", "embedded:" + server.data_dir,
                                       "--to", "embedded:" + migrated], capture_output=True, text=True, timeout=120)
                self.assertEqual(done.returncode, 0, done.stderr)
                self.assertIn("files: ", done.stdout)
                for copy in (backup, migrated):
                    server.data_dir, original = copy, server.data_dir
                    server.start()
                    r = download(alice, file["url"])
                    self.assertEqual(r.status_code, 200, copy)
                    self.assertEqual(r.content, data)
                    self.assertEqual(server.stop(), 0)
                    server.data_dir = original
            finally:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    townhall.main()
