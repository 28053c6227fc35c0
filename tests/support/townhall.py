"""Test harness: start `townhall serve` (and the store it needs) on free
loopback ports, talk to it, stop and restart it.

    with ChatServer(binary) as server:
        requests.get(server.url + "/healthz")

The store: TOWNHALL_TEST_STORE=embedded (the default) passes --data-dir with
a temporary directory that survives restarts; TOWNHALL_TEST_STORE=dynamodb-local
starts DynamoDB Local from node_modules (kept across restarts of townhall) and
passes --store-endpoint with dummy credentials.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_dynamodb_local():
    for root in (REPO, "/work/main"):
        path = os.path.join(root, "node_modules", "amplify-dynamodb-simulator", "emulator")
        if os.path.exists(os.path.join(path, "DynamoDBLocal.jar")):
            return path
    raise RuntimeError("DynamoDB Local not found: run scripts/install-deps (npm ci)")


class DynamoDBLocal:
    def __init__(self):
        self.port = free_port()
        emulator = find_dynamodb_local()
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            ["java", "-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-inMemory",
             "-sharedDb", "-port", str(self.port)],
            cwd=emulator, stdout=self.log, stderr=subprocess.STDOUT)
        self.endpoint = "http://127.0.0.1:%d" % self.port
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                request = urllib.request.Request(self.endpoint, data=b"{}", headers={
                    "X-Amz-Target": "DynamoDB_20120810.ListTables",
                    "Content-Type": "application/x-amz-json-1.0",
                    "Authorization": "AWS4-HMAC-SHA256 Credential=t/20240101/us-east-1/dynamodb/aws4_request, "
                                     "SignedHeaders=host, Signature=0"})
                urllib.request.urlopen(request, timeout=2).read()
                return
            except Exception:
                if self.process.poll() is not None:
                    raise RuntimeError("DynamoDB Local exited")
                time.sleep(0.2)
        raise RuntimeError("DynamoDB Local did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def townhall_binary():
    binary = os.environ.get("TOWNHALL_BINARY") or os.path.join(REPO, "build", "townhall")
    if not os.path.exists(binary):
        raise RuntimeError("townhall binary not found at %s (set TOWNHALL_BINARY)" % binary)
    return binary


class ChatServer:
    """One `townhall serve` on a free port, with a store that outlives restarts."""

    def __init__(self, binary=None, extra_args=()):
        self.binary = binary or townhall_binary()
        self.extra_args = list(extra_args)
        self.store_kind = os.environ.get("TOWNHALL_TEST_STORE", "embedded")
        self.store = None
        self.data_dir = None
        self.process = None
        self.port = None
        self.output = []

    def __enter__(self):
        if os.environ.get("TOWNHALL_TEST_PORT"):  # debugging: use a server started by hand
            self.port = int(os.environ["TOWNHALL_TEST_PORT"])
            return self
        if self.store_kind == "embedded":
            self.data_dir = tempfile.mkdtemp(prefix="townhall-test-")
        else:
            self.store = DynamoDBLocal()
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        if self.store:
            self.store.stop()
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def ws_url(self):
        return "ws://127.0.0.1:%d/ws" % self.port

    def start(self, port=0):
        args = [self.binary, "serve", "--listen", "127.0.0.1:%d" % port, "--password-cost", "minimum",
                "--log-level", "warn"]
        if self.store:
            args += ["--store-endpoint", self.store.endpoint]
        else:
            args += ["--data-dir", self.data_dir]
        args += self.extra_args
        env = dict(os.environ, AWS_ACCESS_KEY_ID="townhall", AWS_SECRET_ACCESS_KEY="townhall",
                   AWS_REGION="us-east-1")
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("townhall serve exited:\n" + "".join(self.output))
            self.output.append(line)
            match = re.search(r"listening on \S+:(\d+) \(chat", line)
            if match:
                self.port = int(match.group(1))
                return self
        raise RuntimeError("townhall serve did not print its address")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if not self.process:
            return None
        self.process.send_signal(sig)
        try:
            rest, _ = self.process.communicate(timeout=timeout)
            self.output.append(rest or "")
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
        code = self.process.returncode
        self.process = None
        return code

    def restart(self):
        """Stops gracefully and starts again on the same port with the same store."""
        port = self.port
        self.stop()
        self.start(port)
        return self
