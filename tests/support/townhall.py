"""Runs the built townhall binary for an integration test.

    from townhall import dynamodb
    with dynamodb() as endpoint:          # townhall dynamodb --in-memory on a free loopback port
        boto3.client("dynamodb", endpoint_url=endpoint.url, ...)

The binary comes from $TOWNHALL_BIN (ctest sets it). With $TOWNHALL_TEST_ENDPOINT
set (e.g. http://127.0.0.1:8000 for a DynamoDB Local), tests run against that
endpoint instead, so the same test measures what the oracle does.

A server that crashed, or did not stop cleanly on SIGTERM, fails the test
loudly with its stderr.
"""
import contextlib
import http.client
import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import unittest

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
def dynamodb(in_memory=True, args=(), env=None, start_timeout=10.0):
    """Yields an Endpoint for a fresh `townhall dynamodb`; stops it afterwards."""
    external = os.environ.get("TOWNHALL_TEST_ENDPOINT")
    if external:
        match = re.match(r"https?://([^:/]+):(\d+)", external)
        yield Endpoint(match.group(1), int(match.group(2)))
        return
    with tempfile.TemporaryDirectory(prefix="townhall-test-") as tmp:
        command = [binary(), "dynamodb", "--listen", "127.0.0.1:0"]
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
