#!/usr/bin/python3
"""The DynamoDB endpoints from an attacker's side (docs/security.md).

- `townhall serve` opens no DynamoDB endpoint unless asked; when asked it
  wants keys (given, or generated into a 0600 file and printed once), so a
  local process with a made-up key cannot read the chat's store or forge a
  session (the attack the review found: SESSION#sha256(token) written
  through the endpoint, then /api/me as the victim);
- `--dynamodb-credentials dummy:dummy` keeps the notebook one flag away;
- a listener beyond loopback with no key or a guessable one is refused
  unless --insecure-public-dynamodb;
- a foreign Host header (DNS rebinding) is refused on both endpoints;
- X-Amz-Target must be signed (a captured GetItem cannot be replayed as a
  DeleteItem);
- the store's directory is 0700 and its files 0600: another local user
  (nobody) reads nothing.
"""
import hashlib
import http.client
import json
import os
import pwd
import stat
import subprocess
import sys
import tempfile
import time
import unittest

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import sigv4  # noqa: E402
import townhall  # noqa: E402

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:
    boto3 = None


def client(url, key_id, secret, region="eu-central-1"):
    return boto3.client("dynamodb", endpoint_url=url, region_name=region, aws_access_key_id=key_id,
                        aws_secret_access_key=secret, config=botocore.config.Config(retries={"max_attempts": 1}))


def error_code(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    return None


def raw_post(url, target, body, headers=None):
    """A POST to a DynamoDB endpoint with exactly these headers: (status, JSON body)."""
    host, port = url.split("://")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    all_headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810." + target}
    all_headers.update(headers or {})
    conn.request("POST", "/", body=json.dumps(body).encode(), headers=all_headers)
    response = conn.getresponse()
    text = response.read()
    conn.close()
    return response.status, (json.loads(text) if text else None)


def sign(url, key_id, secret, target, body, signed=("content-type", "host", "x-amz-date", "x-amz-target")):
    """SigV4 headers for a request to url, signing only `signed`."""
    headers = sigv4.sign(url.split("://")[1], key_id, secret, target, json.dumps(body).encode(), signed=signed)
    return {"X-Amz-Date": headers["x-amz-date"], "Authorization": headers["authorization"]}


def signup(chat_url, name):
    r = requests.post(chat_url + "/api/signup", timeout=30, json={
        "name": name, "email": "%s-%d@security.example" % (name.lower(), os.getpid()), "password": "12345678"})
    assert r.status_code == 201, r.text
    return r.json()["token"], r.json()["user"]


def read_key_file(path):
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            key_id, secret = line.split()[:2]
            return key_id, secret
    raise AssertionError("no key in " + path)


class ServeEndpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        townhall.require("python3-boto3", boto3 is not None)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="townhall-security-")
        self.data = os.path.join(self.tmp.name, "data")

    def tearDown(self):
        self.tmp.cleanup()

    def test_no_endpoint_unless_asked(self):
        with townhall.Serve(["--data", self.data]) as serve:
            self.assertIsNone(serve.dynamodb)
            time.sleep(0.5)  # an endpoint would have said so by now
            self.assertNotIn("DynamoDB endpoint", serve.log())
            self.assertFalse(os.path.exists(os.path.join(self.data, "dynamodb-credentials")))

    def test_forged_session_and_takeover_are_refused_with_a_made_up_key(self):
        with townhall.Serve(["--data", self.data, "--dynamodb-listen", "127.0.0.1:0"]) as serve:
            key_file = os.path.join(self.data, "dynamodb-credentials")
            self.assertEqual(stat.S_IMODE(os.stat(key_file).st_mode), 0o600)
            key_id, secret = read_key_file(key_file)
            self.assertIn(secret, serve.stdout)  # printed once, on the first start
            victim_token, victim = signup(serve.chat, "Victim")

            # The attacker: any local process, with the notebook's dummy key or any other.
            for attacker in (client(serve.dynamodb, "dummy", "dummy"), client(serve.dynamodb, key_id, "guess")):
                self.assertIn(error_code(lambda: attacker.scan(TableName="chat")),
                              ("UnrecognizedClientException", "InvalidSignatureException"))
                forged = "forged-token-" + "x" * 30
                session_key = "SESSION#" + hashlib.sha256(forged.encode()).hexdigest()
                item = {"PK": {"S": session_key}, "SK": {"S": session_key}, "UserId": {"S": "USER#" + victim["id"]},
                        "CreatedAt": {"N": "0"}, "ExpiresAt": {"N": "9999999999"}}
                self.assertIsNotNone(error_code(lambda: attacker.put_item(TableName="chat", Item=item)))
                r = requests.get(serve.chat + "/api/me", headers={"Authorization": "Bearer " + forged}, timeout=10)
                self.assertEqual(r.status_code, 401, r.text)
                login = {"PK": {"S": "USER#" + victim["id"]}, "SK": {"S": "LOGIN"}}
                self.assertIsNotNone(error_code(lambda: attacker.get_item(TableName="chat", Key=login)))

            # The owner of the key reads the live store, as the notebook would.
            owner = client(serve.dynamodb, key_id, secret)
            self.assertIn("chat", owner.list_tables()["TableNames"])
            self.assertEqual(requests.get(serve.chat + "/api/me", timeout=10,
                                          headers={"Authorization": "Bearer " + victim_token}).status_code, 200)

        # The second start reads the saved key and does not print it again.
        with townhall.Serve(["--data", self.data, "--dynamodb-listen", "127.0.0.1:0"]) as serve:
            self.assertNotIn(secret, serve.stdout)
            self.assertIn("chat", client(serve.dynamodb, key_id, secret).list_tables()["TableNames"])

    def test_the_notebook_is_one_flag_away(self):
        with townhall.Serve(["--data", self.data, "--dynamodb-listen", "127.0.0.1:0",
                             "--dynamodb-credentials", "dummy:dummy"]) as serve:
            self.assertIn("chat", client(serve.dynamodb, "dummy", "dummy").list_tables()["TableNames"])
            self.assertEqual(error_code(lambda: client(serve.dynamodb, "other", "dummy").list_tables()),
                             "UnrecognizedClientException")

    def test_public_listener_needs_a_real_key(self):
        code, output = townhall.run_serve_expecting_failure(
            ["--data", self.data, "--dynamodb-listen", "0.0.0.0:0", "--dynamodb-credentials", "dummy:dummy"])
        self.assertNotEqual(code, 0)
        self.assertIn("--insecure-public-dynamodb", output)
        with townhall.Serve(["--data", self.data, "--dynamodb-listen", "0.0.0.0:0", "--dynamodb-credentials",
                             "dummy:dummy", "--insecure-public-dynamodb"]) as serve:
            self.assertIn("INSECURE", serve.log())
        # A generated key is a real one: no flag needed.
        with townhall.Serve(["--data", self.data, "--dynamodb-listen", "0.0.0.0:0"]) as serve:
            self.assertIsNotNone(serve.dynamodb)
            self.assertNotIn("INSECURE", serve.log())

    def test_foreign_host_is_refused(self):
        with townhall.Serve(["--data", self.data, "--dynamodb-listen", "127.0.0.1:0", "--dynamodb-credentials",
                             "dummy:dummy", "--dynamodb-allowed-host", "db.internal.example"]) as serve:
            port = serve.dynamodb.rsplit(":", 1)[1]
            for host, allowed in (("attacker.example:" + port, False), ("127.0.0.1:" + port, True),
                                  ("localhost:" + port, True), ("db.internal.example:" + port, True)):
                status, body = raw_post(serve.dynamodb, "ListTables", {}, {"Host": host})
                if allowed:
                    self.assertEqual(body["__type"], "com.amazon.coral.service#MissingAuthenticationTokenException")
                else:
                    self.assertEqual((status, body["__type"]),
                                     (400, "com.amazon.coral.service#AccessDeniedException"), body)

    def test_the_operation_must_be_signed(self):
        with townhall.Serve(["--data", self.data, "--dynamodb-listen", "127.0.0.1:0", "--dynamodb-credentials",
                             "AKIDREPLAY:replay-secret-0123456789"]) as serve:
            owner = client(serve.dynamodb, "AKIDREPLAY", "replay-secret-0123456789")
            key = {"PK": {"S": "KEEP"}, "SK": {"S": "KEEP"}}
            owner.put_item(TableName="chat", Item=key)
            body = {"TableName": "chat", "Key": key}
            # Signed as a GetItem, over the headers an SDK signs: answered.
            headers = sign(serve.dynamodb, "AKIDREPLAY", "replay-secret-0123456789", "GetItem", body)
            self.assertEqual(raw_post(serve.dynamodb, "GetItem", body, headers)[0], 200)
            # A signature that leaves X-Amz-Target out, replayed as DeleteItem: refused.
            headers = sign(serve.dynamodb, "AKIDREPLAY", "replay-secret-0123456789", "GetItem", body,
                           signed=("content-type", "host", "x-amz-date"))
            status, answer = raw_post(serve.dynamodb, "DeleteItem", body, headers)
            self.assertEqual(status, 400)
            self.assertEqual(answer["__type"], "com.amazon.coral.service#InvalidSignatureException")
            self.assertIn("X-Amz-Target", answer["message"])
            self.assertIn("Item", owner.get_item(TableName="chat", Key=key))

    def test_store_files_are_private(self):
        os.umask(0o022)  # what a default shell leaves
        with townhall.Serve(["--data", self.data, "--dynamodb-listen", "127.0.0.1:0"]) as serve:
            token, _ = signup(serve.chat, "Private")
            channel = requests.post(serve.chat + "/api/channels", json={"name": "secrets", "private": True},
                                    headers={"Authorization": "Bearer " + token}, timeout=10).json()["channel"]["id"]
            requests.post(serve.chat + "/api/channels/%s/messages" % channel, json={"text": "the plan"},
                          headers={"Authorization": "Bearer " + token}, timeout=10)
        self.assertEqual(stat.S_IMODE(os.stat(self.data).st_mode), 0o700)
        files = []
        for root, dirs, names in os.walk(self.data):
            for d in dirs:
                self.assertEqual(stat.S_IMODE(os.stat(os.path.join(root, d)).st_mode), 0o700, d)
            for name in names:
                path = os.path.join(root, name)
                if not os.path.islink(path) and not stat.S_ISSOCK(os.stat(path).st_mode):
                    self.assertEqual(stat.S_IMODE(os.stat(path).st_mode) & 0o077, 0, path)
                    files.append(path)
        self.assertTrue(files)
        if os.geteuid() == 0:  # as another local user: nothing readable
            nobody = pwd.getpwnam("nobody")
            os.chmod(self.tmp.name, 0o755)
            for path in files[:5]:
                result = subprocess.run(["setpriv", "--reuid", str(nobody.pw_uid), "--regid", str(nobody.pw_gid),
                                         "--clear-groups", "cat", path], capture_output=True)
                self.assertNotEqual(result.returncode, 0, path)
        # An existing directory that others can read is reported.
        os.chmod(self.data, 0o755)
        with townhall.Serve(["--data", self.data]) as serve:
            self.assertIn("open to other users", serve.log())


class StandaloneEndpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        townhall.require("python3-boto3", boto3 is not None)

    def test_loopback_accepts_any_key_like_dynamodb_local_but_checks_host(self):
        with townhall.dynamodb() as endpoint:
            self.assertEqual(client(endpoint.url, "whoever", "whatever").list_tables()["TableNames"], [])
            status, body = raw_post(endpoint.url, "ListTables", {}, {"Host": "rebind.attacker.example"})
            self.assertEqual((status, body["__type"]), (400, "com.amazon.coral.service#AccessDeniedException"))

    def test_public_listener_without_credentials_is_refused(self):
        result = subprocess.run([townhall.binary(), "dynamodb", "--in-memory", "--listen", "0.0.0.0:0"],
                                capture_output=True, text=True, timeout=20)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--insecure-public-dynamodb", result.stderr)
        with tempfile.TemporaryFile() as log:
            process = subprocess.Popen([townhall.binary(), "dynamodb", "--in-memory", "--listen", "0.0.0.0:0",
                                        "--insecure-public-dynamodb"], stdout=subprocess.PIPE, stderr=log)
            try:
                self.assertIn(b"listening on", process.stdout.readline())
            finally:
                process.terminate()
                self.assertEqual(process.wait(timeout=20), 0)
                process.stdout.close()
            log.seek(0)
            self.assertIn(b"INSECURE", log.read())


if __name__ == "__main__":
    townhall.main()
