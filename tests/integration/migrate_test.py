"""Moving a chat between stores, and backing up a running server.

A chat with 10,000 messages (made by `townhall serve` itself: users, a channel,
memberships and the first messages through the REST API; the rest written as
the same items through the server's DynamoDB endpoint with its counter
updated, so the table has the chat service's real shape) moves from the
embedded store to DynamoDB Local with `townhall migrate`, which is killed
with kill -9 midway and resumed with the same command, and back to a new
embedded store. After each move a server on the target reads the same
history, counters and memberships (and the old sessions still log in).

`townhall backup` copies the store while its server runs (through the
server's admin socket), and a server on the backup reads the same chat."""
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402

try:
    import boto3
except ImportError:  # reported by require() below
    boto3 = None

AWS_ENV = {"AWS_ACCESS_KEY_ID": "migrate", "AWS_SECRET_ACCESS_KEY": "migrate", "AWS_REGION": "us-east-1"}
MESSAGES = 10000
REST_MESSAGES = 100


class Serve:
    """townhall serve on a store spec's arguments; .url (chat) and .dynamodb (endpoint or None)."""

    def __init__(self, store_args, dynamodb=False):
        self.log = tempfile.TemporaryFile()
        args = [townhall.binary(), "serve", "--listen", "127.0.0.1:0", "--password-cost", "minimum",
                "--rate-ip", "0", "--rate-user", "0", "--rate-auth", "0", "--no-access-log",
                "--dynamodb-listen", "127.0.0.1:0" if dynamodb else "off"] + store_args
        if dynamodb:
            args += ["--dynamodb-credentials", "x:x"]  # the key the test's boto3 signs with
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log,
                                        env=dict(os.environ, **AWS_ENV))
        sel = selectors.DefaultSelector()
        sel.register(self.process.stdout, selectors.EVENT_READ)
        seen = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            if sel.select(timeout=0.1):
                seen += os.read(self.process.stdout.fileno(), 4096)
            chat = re.search(rb"listening on (\S+) \(chat", seen)
            endpoint = re.search(rb"listening on (\S+) \(DynamoDB", seen)
            if chat and (endpoint or not dynamodb):
                break
        sel.close()
        assert chat, "townhall serve did not start: %r\n%s" % (seen, self.stderr())
        self.url = "http://" + chat.group(1).decode()
        self.dynamodb = "http://" + endpoint.group(1).decode() if dynamodb else None

    def stderr(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        log = self.stderr()
        self.process.stdout.close()
        self.log.close()
        assert code == 0, "townhall serve exited with %s:\n%s" % (code, log)


def rest(server, token, method, path, **kwargs):
    r = requests.request(method, server.url + path, headers={"Authorization": "Bearer " + token}, timeout=60,
                         **kwargs)
    assert r.status_code in (200, 201), "%s %s: %s %s" % (method, path, r.status_code, r.text)
    return r.json()


def snapshot(server, token, channel):
    """What a user sees: the whole history (oldest first), the channel with its counters, the members."""
    messages, after = [], ""
    while True:
        page = rest(server, token, "GET", "/api/channels/%s/messages" % channel, params={"after": after, "limit": 100})
        messages += [(m["id"], m["text"], m["user_id"], m["created_at_ms"]) for m in page["messages"]]
        if not page["next_cursor"]:
            break
        after = page["next_cursor"]
    info = rest(server, token, "GET", "/api/channels/%s" % channel)
    members = rest(server, token, "GET", "/api/channels/%s/members" % channel)
    mine = rest(server, token, "GET", "/api/me/channels")
    return {"messages": messages, "channel": info, "members": members, "my_channels": mine}


def make_chat(data_dir):
    """A chat of MESSAGES messages in an embedded store; returns (token, channel, snapshot)."""
    server = Serve(["--data", data_dir], dynamodb=True)
    try:
        tokens = []
        for name in ("Alice", "Bob", "Carol"):
            r = requests.post(server.url + "/api/signup", timeout=30, json={
                "name": name, "email": "%s@migrate.example" % name.lower(), "password": "12345678"})
            assert r.status_code == 201, r.text
            tokens.append(r.json()["token"])
        channel = rest(server, tokens[0], "POST", "/api/channels", json={"name": "moving day"})["channel"]["id"]
        for token in tokens[1:]:
            rest(server, token, "POST", "/api/channels/%s/join" % channel)
        for i in range(REST_MESSAGES):
            rest(server, tokens[i % 3], "POST", "/api/channels/%s/messages" % channel, json={"text": "real %d" % i})

        # The rest: copies of a real message item, with fresh ids, through the
        # server's own DynamoDB endpoint; the channel's MessageCount follows.
        db = boto3.client("dynamodb", endpoint_url=server.dynamodb, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
        pk = "CHAN#" + channel
        template = db.query(TableName="chat", KeyConditionExpression="PK = :pk AND begins_with(SK, :m)",
                            ExpressionAttributeValues={":pk": {"S": pk}, ":m": {"S": "MSG#"}},
                            Limit=1)["Items"][0]
        base_ms = int(template["CreatedAtMs"]["N"]) + 1000
        batch = []
        for i in range(MESSAGES - REST_MESSAGES):
            ms = base_ms + i // 10
            message_id = "%010d#%013d%06d-%04x" % (ms // 1000, ms, i % 10, 9)
            item = dict(template)
            item.pop("ClientMsgId", None)
            item.update({"SK": {"S": "MSG#" + message_id}, "Msg": {"S": "bulk %d" % i},
                         "CreatedAt": {"N": str(ms // 1000)}, "CreatedAtMs": {"N": str(ms)}})
            batch.append({"PutRequest": {"Item": item}})
            if len(batch) == 25:
                pending = {"chat": batch}
                while pending:
                    pending = db.batch_write_item(RequestItems=pending)["UnprocessedItems"]
                batch = []
        assert not batch
        db.update_item(TableName="chat", Key={"PK": {"S": pk}, "SK": {"S": pk}},
                       UpdateExpression="ADD MessageCount :n",
                       ExpressionAttributeValues={":n": {"N": str(MESSAGES - REST_MESSAGES)}})
        before = snapshot(server, tokens[1], channel)
    finally:
        server.stop()
    assert len(before["messages"]) == MESSAGES, len(before["messages"])
    return tokens[1], channel, before


def table_count(endpoint):
    db = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x",
                      aws_secret_access_key="x")
    total, kwargs = 0, {}
    while True:
        page = db.scan(TableName="chat", Select="COUNT", **kwargs)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def migrate_command(source, target, state):
    return [townhall.binary(), "migrate", "--from", source, "--to", target, "--tables", "chat", "--segments", "4",
            "--state", state]


class MigrateTest(unittest.TestCase):
    def setUp(self):
        townhall.require("python3-boto3", boto3 is not None)
        townhall.require("java (openjdk-17-jre-headless)", shutil.which("java"))
        self.tmp = tempfile.mkdtemp(prefix="townhall-migrate-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_embedded_to_dynamodb_local_and_back_interrupted_once(self):
        source = os.path.join(self.tmp, "source")
        token, channel, before = make_chat(source)
        local = townhall.DynamoDBLocal()
        self.addCleanup(local.stop)
        state = os.path.join(self.tmp, "migrate.state")
        command = migrate_command("embedded:" + source, "dynamodb:" + local.endpoint, state)

        # Killed with kill -9 once some batches are in.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env=dict(os.environ, **AWS_ENV))
        copied = 0
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with open(state) as f:
                    match = re.search(r"^copied chat (\d+)$", f.read(), re.M)
                copied = int(match.group(1)) if match else 0
            except FileNotFoundError:
                pass
            if copied >= 2000:
                process.kill()
                break
            time.sleep(0.01)
        _, stderr = process.communicate()
        self.assertEqual(process.returncode, -signal.SIGKILL,
                         "migrate finished before it could be interrupted: %s" % stderr)
        partial = table_count(local.endpoint)
        self.assertGreaterEqual(partial, 2000)
        self.assertLess(partial, MESSAGES)

        # The same command continues where it stopped.
        resumed = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, **AWS_ENV),
                                 timeout=300)
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        self.assertIn("resuming from " + state, resumed.stderr)
        # Not a terminal: plain progress lines, no bar, no carriage returns.
        self.assertRegex(resumed.stderr, r"migrate: chat +\d+%  \d+ items")
        self.assertNotIn("\r", resumed.stderr)
        match = re.search(r"chat: (\d+) items, verified \(source (\d+) = target (\d+)\)", resumed.stdout)
        self.assertTrue(match, resumed.stdout)
        self.assertEqual(match.group(2), match.group(3))
        self.assertGreaterEqual(int(match.group(1)), MESSAGES)
        self.assertFalse(os.path.exists(state), "the state file is removed once the copy is verified")

        on_dynamodb = Serve(["--store", "dynamodb", "--endpoint", local.endpoint])
        try:
            after_first = snapshot(on_dynamodb, token, channel)  # the session moved too
        finally:
            on_dynamodb.stop()
        self.assertEqual(after_first, before)

        # And back, into a new embedded store.
        back = os.path.join(self.tmp, "back")
        started = time.monotonic()
        returned = subprocess.run(migrate_command("dynamodb:" + local.endpoint, "embedded:" + back, state),
                                  capture_output=True, text=True, env=dict(os.environ, **AWS_ENV), timeout=300)
        self.assertEqual(returned.returncode, 0, returned.stderr)
        match = re.search(r"chat: (\d+) items, verified", returned.stdout)
        self.assertTrue(match, returned.stdout)
        elapsed = time.monotonic() - started
        print("\nmigrate DynamoDB Local -> embedded: %s items in %.1f s (%.0f items/s, 4 segments)"
              % (match.group(1), elapsed, int(match.group(1)) / elapsed), file=sys.stderr)
        on_embedded = Serve(["--data", back])
        try:
            after_return = snapshot(on_embedded, token, channel)
        finally:
            on_embedded.stop()
        self.assertEqual(after_return, before)
        self.assertEqual(after_return["channel"]["channel"]["message_count"], MESSAGES)

    def test_backup_while_the_server_runs(self):
        data = os.path.join(self.tmp, "data")
        server = Serve(["--data", data])
        try:
            r = requests.post(server.url + "/api/signup", timeout=30, json={
                "name": "Dana", "email": "dana@backup.example", "password": "12345678"})
            token = r.json()["token"]
            channel = rest(server, token, "POST", "/api/channels", json={"name": "backed up"})["channel"]["id"]
            for i in range(50):
                rest(server, token, "POST", "/api/channels/%s/messages" % channel, json={"text": "m%d" % i})
            self.assertTrue(os.path.exists(os.path.join(data, "admin.sock")))
            backup = os.path.join(self.tmp, "backup")
            done = subprocess.run([townhall.binary(), "backup", backup, "--data", data], capture_output=True,
                                  text=True, timeout=120)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("by the running server", done.stdout)
            # The server keeps serving; what it writes now is not in the backup.
            rest(server, token, "POST", "/api/channels/%s/messages" % channel, json={"text": "after the backup"})
            live = snapshot(server, token, channel)
            # A second backup into the same directory is refused.
            again = subprocess.run([townhall.binary(), "backup", backup, "--data", data], capture_output=True,
                                   text=True, timeout=120)
            self.assertNotEqual(again.returncode, 0)
            self.assertIn("already exists", again.stderr)
        finally:
            server.stop()
        self.assertFalse(os.path.exists(os.path.join(data, "admin.sock")), "the socket goes with the server")
        restored = Serve(["--data", backup])
        try:
            from_backup = snapshot(restored, token, channel)
        finally:
            restored.stop()
        self.assertEqual(from_backup["messages"], live["messages"][:-1])
        self.assertEqual(from_backup["channel"]["channel"]["message_count"], 50)

        # With no server running, backup opens the store itself.
        offline = os.path.join(self.tmp, "offline")
        done = subprocess.run([townhall.binary(), "backup", offline, "--data", data], capture_output=True, text=True,
                              timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn("by the running server", done.stdout)
        self.assertTrue(os.path.isdir(offline))


if __name__ == "__main__":
    townhall.main()
