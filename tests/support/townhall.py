"""Runs the built townhall binary for an integration test.

    from townhall import dynamodb
    with dynamodb() as endpoint:          # townhall dynamodb --in-memory on a free loopback port
        boto3.client("dynamodb", endpoint_url=endpoint.url, ...)

The binary comes from $TOWNHALL_BIN (ctest sets it). With $TOWNHALL_TEST_ENDPOINT
set (e.g. http://127.0.0.1:8000 for a DynamoDB Local), tests run against that
endpoint instead, so the same test measures what the oracle does.

A server that crashed, or did not stop cleanly on SIGTERM, fails the test
loudly with its stderr.

`townhall serve` for chat tests (REST, WebSocket), with a store that outlives restarts:

    with ChatServer() as server:
        requests.get(server.url + "/healthz")
        server.restart()

TOWNHALL_TEST_STORE=embedded (default) gives serve a temporary data directory;
TOWNHALL_TEST_STORE=dynamodb-local runs it on DynamoDB Local from node_modules.
"""
import contextlib
import http.client
import os
import re
import selectors
import signal
import socket
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

_LISTENING = re.compile(rb"listening on (\S+):(\d+)")


class Endpoint:
    def __init__(self, host, port, process=None, log_path=None):
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        self.process = process
        self.log_path = log_path

    def log(self):
        if not self.log_path:
            return ""
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def alive(self):
        return self.process is None or self.process.poll() is None

    def kill(self):
        """kill -9, on purpose: the context manager then expects the process gone."""
        self.process.killed_on_purpose = True
        self.process.kill()
        self.process.wait()


def binary():
    path = os.environ.get("TOWNHALL_BIN")
    if not path:
        raise RuntimeError("TOWNHALL_BIN is not set: run through ctest, or point it at build/townhall")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"TOWNHALL_BIN={path} is not an executable")
    return path


def _wait_for_listening(process, deadline):
    sel = selectors.DefaultSelector()
    sel.register(process.stdout, selectors.EVENT_READ)
    seen = b""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        for _ in sel.select(timeout=0.05):
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            match = _LISTENING.search(seen)
            if match:
                sel.close()
                return match.group(1).decode(), int(match.group(2)), seen
    sel.close()
    return None, None, seen


def _answers(host, port):
    try:
        conn = http.client.HTTPConnection(host, port, timeout=2)
        conn.request("GET", "/")
        conn.getresponse().read()
        conn.close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def dynamodb(in_memory=True, args=(), env=None, start_timeout=10.0, data_dir=None):
    """Yields an Endpoint for a fresh `townhall dynamodb`; stops it afterwards.
    With data_dir, the store lives there (and outlives the endpoint)."""
    external = os.environ.get("TOWNHALL_TEST_ENDPOINT")
    if external:
        match = re.match(r"https?://([^:/]+):(\d+)", external)
        yield Endpoint(match.group(1), int(match.group(2)))
        return
    with tempfile.TemporaryDirectory(prefix="townhall-test-") as tmp:
        command = [binary(), "dynamodb", "--listen", "127.0.0.1:0"]
        if data_dir:
            command += ["--data", data_dir]
        else:
            command += ["--in-memory"] if in_memory else ["--data", os.path.join(tmp, "data")]
        command += list(args)
        log_path = os.path.join(tmp, "stderr.log")
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log,
                                       env=dict(os.environ, **(env or {})))
        endpoint = None
        try:
            host, port, seen = _wait_for_listening(process, time.monotonic() + start_timeout)
            if host is None:
                raise AssertionError(f"townhall did not start: {' '.join(command)}\nstdout: {seen!r}\n"
                                     f"stderr:\n{open(log_path, errors='replace').read()}")
            endpoint = Endpoint(host, port, process, log_path)
            if not _answers(host, port):
                raise AssertionError(f"townhall printed its address but does not answer:\n{endpoint.log()}")
            yield endpoint
        finally:
            _stop(process, log_path, command)


def _stop(process, log_path, command):
    crashed = process.poll()
    if getattr(process, "killed_on_purpose", False):
        return
    if crashed is None:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"townhall did not stop within 15 s of SIGTERM:\n{open(log_path, errors='replace').read()}")
        if code != 0:
            raise AssertionError(f"townhall exited with {code} on SIGTERM:\n{open(log_path, errors='replace').read()}")
    else:
        raise AssertionError(f"townhall died during the test (exit {crashed}): {' '.join(command)}\n"
                             f"{open(log_path, errors='replace').read()}")


def require(what, available):
    """A test peer (boto3, the AWS CLI, a node package) must be installed.

    Under CI=true a missing peer fails the test; elsewhere the test is skipped
    with a message saying what to install (never silently)."""
    if available:
        return
    message = f"test peer missing: {what} (scripts/install-deps installs it)"
    if os.environ.get("CI") == "true":
        raise AssertionError(message)
    raise unittest.SkipTest(message)


def main():
    """unittest.main() whose exit code tells ctest about skips (77)."""
    program = unittest.main(exit=False, verbosity=2)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)
    sys.exit(0)


# --- townhall serve for chat tests ------------------------------------------------

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_dynamodb_local():
    for root in (REPO,):
        path = os.path.join(root, "node_modules", "amplify-dynamodb-simulator", "emulator")
        if os.path.exists(os.path.join(path, "DynamoDBLocal.jar")):
            return path
    raise RuntimeError("DynamoDB Local not found: run scripts/install-deps (npm ci)")


class DynamoDBLocal:
    def __init__(self):
        # A free port can be taken by a parallel test before Java binds it
        # (it then logs "Address already in use" and hangs): try another.
        for _ in range(3):
            if self._start():
                return
            self.stop()
        raise RuntimeError("DynamoDB Local found no free port")

    def _start(self):
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
                return True
            except Exception:
                if self.process.poll() is not None:
                    raise RuntimeError("DynamoDB Local exited")
                # pread: the file's offset is shared with Java's stdout and must not move.
                if b"Address already in use" in os.pread(self.log.fileno(), 1 << 20, 0):
                    return False
                time.sleep(0.2)
        raise RuntimeError("DynamoDB Local did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def townhall_binary():
    return binary()


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
        args = [self.binary, "serve", "--listen", "127.0.0.1:%d" % port, "--dynamodb-listen", "off",
                "--password-cost", "minimum", "--log-level", "warn"]
        if self.store:
            args += ["--store", "dynamodb", "--endpoint", self.store.endpoint]
        else:
            args += ["--data", self.data_dir]
        args += self.extra_args
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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


class Serve:
    """`townhall serve ARGS` started raw (no defaults added but a free chat
    port and a quiet log), for tests of its flags: .chat (url), .dynamodb (url
    or None), .stdout (what it printed before listening), .log() (stderr).

        with Serve(["--data", d, "--dynamodb-listen", "127.0.0.1:0"]) as s: ...
    """

    def __init__(self, args, env=None, preexec_fn=None, expect_endpoint=None, timeout=60):
        self.tmp = tempfile.TemporaryDirectory(prefix="townhall-serve-")
        self.log_path = os.path.join(self.tmp.name, "stderr.log")
        command = [binary(), "serve", "--password-cost", "minimum"] + list(args)
        if "--listen" not in args:
            command[2:2] = ["--listen", "127.0.0.1:0"]
        if expect_endpoint is None:
            expect_endpoint = "--dynamodb-listen" in args and args[args.index("--dynamodb-listen") + 1] != "off"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, preexec_fn=preexec_fn,
                                            env=dict(os.environ, **(env or {})))
        sel = selectors.DefaultSelector()
        sel.register(self.process.stdout, selectors.EVENT_READ)
        seen = b""
        deadline = time.monotonic() + timeout
        chat = endpoint = None
        while time.monotonic() < deadline and self.process.poll() is None:
            if sel.select(timeout=0.05):
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
            chat = re.search(rb"listening on (\S+) \(chat", seen)
            endpoint = re.search(rb"listening on (\S+) \(DynamoDB", seen)
            if chat and (endpoint or not expect_endpoint):
                break
        sel.close()
        self.stdout = seen.decode(errors="replace")
        # serve logs to stdout: keep reading it (a full pipe would stall the
        # server) and keep it for log().
        self._later = []
        self._drain = threading.Thread(target=self._read_rest, daemon=True)
        self._drain.start()
        if not chat:
            code = self.process.poll()
            self.close()
            raise AssertionError("townhall serve did not start (exit %s): %s\nstdout: %s\nstderr: %s"
                                 % (code, " ".join(command), self.stdout, self.log()))
        self.chat = "http://" + chat.group(1).decode()
        self.dynamodb = "http://" + endpoint.group(1).decode() if endpoint else None

    def _read_rest(self):
        for chunk in iter(lambda: os.read(self.process.stdout.fileno(), 65536), b""):
            self._later.append(chunk)

    def log(self):
        """Everything the server logged so far (stdout after the start, and stderr)."""
        time.sleep(0.1)  # what was just logged reaches the pipe
        text = self.stdout + b"".join(self._later).decode(errors="replace")
        try:
            with open(self.log_path, errors="replace") as f:
                return text + f.read()
        except OSError:
            return text

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def close(self):
        self.stop()
        self._drain.join(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_serve_expecting_failure(args, timeout=30):
    """`townhall serve ARGS` that must refuse to start: (exit code, stdout + stderr)."""
    command = [binary(), "serve", "--listen", "127.0.0.1:0", "--password-cost", "minimum"] + list(args)
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout + result.stderr
