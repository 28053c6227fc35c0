#!/usr/bin/python3
"""HTTPS and WSS on the chat port (`serve --tls-cert --tls-key`,
docs/deploy.md#https), with a CA and certificates made here by the openssl
command line, as an operator would:

- curl verifies the certificate against the test CA (and refuses it without
  the CA); every answer carries Strict-Transport-Security;
- sign-up and login over HTTPS, their cookies Secure;
- a WSS socket gets a message live;
- plain HTTP to the TLS port is answered 400 and the server stays up; a
  client that never finishes its handshake is cut off at the deadline;
- SIGHUP with a renewed certificate: a WSS socket opened before keeps
  working, a new handshake presents the new certificate; a broken one on
  SIGHUP is refused and the current one stays;
- --redirect-http answers 308 to https:// on the same host name;
- bad flags or files stop serve before it listens (exit 2), from flags,
  environment or the config file.
"""
import asyncio
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

import requests
import websockets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402

TMP = None     # the CA, certificates and the store
SERVER = None  # townhall.Serve with TLS and the redirect
PORT = None
REDIRECT_PORT = None


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, cwd=TMP)


def make_ca():
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Townhall TLS test CA")


def make_certificate(name, serial):
    """name.pem (signed by the CA, for localhost and 127.0.0.1) and name.key; the DER's SHA-256."""
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
            "-out", name + ".csr", "-subj", "/CN=localhost")
    with open(os.path.join(TMP, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", serial,
            "-days", "1", "-extfile", "ext.cnf", "-out", name + ".pem")
    return fingerprint_of_file(path(name + ".pem"))


def path(name):
    return os.path.join(TMP, name)


def fingerprint_of_file(pem_path):
    with open(pem_path) as f:
        return hashlib.sha256(ssl.PEM_cert_to_DER_cert(f.read())).hexdigest()


def client_context():
    context = ssl.create_default_context(cafile=path("ca.pem"))
    return context


def presented_fingerprint():
    """The SHA-256 of the certificate a new handshake presents (verified against the CA)."""
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as raw:
        with client_context().wrap_socket(raw, server_hostname="localhost") as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def base():
    return "https://127.0.0.1:%d" % PORT


def signup(name):
    r = requests.post(base() + "/api/signup", verify=path("ca.pem"), timeout=30, json={
        "name": "%s %d" % (name, time.monotonic_ns() % 10**9),
        "email": "%s-%d@tls.example" % (name.lower(), time.monotonic_ns()), "password": "12345678"})
    assert r.status_code == 201, r.text
    return r


def rest(token, method, route, **kwargs):
    return requests.request(method, base() + route, verify=path("ca.pem"), timeout=30,
                            headers={"Authorization": "Bearer " + token}, **kwargs)


async def receive_until(ws, predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
        if predicate(frame):
            return frame


async def open_wss(token, channel):
    """A signed-in WSS socket subscribed to channel."""
    ws = await websockets.connect("wss://localhost:%d/ws" % PORT, ssl=client_context(),
                                  extra_headers={"Authorization": "Bearer " + token})
    await receive_until(ws, lambda f: f["type"] == "ready")
    await ws.send(json.dumps({"type": "subscribe", "channels": [{"id": channel}]}))
    await receive_until(ws, lambda f: f["type"] == "subscribed")
    return ws


def setUpModule():
    global TMP, SERVER, PORT, REDIRECT_PORT
    townhall.require("the openssl command (apt-get install openssl)", shutil.which("openssl"))
    townhall.require("curl (apt-get install curl)", shutil.which("curl"))
    TMP = tempfile.mkdtemp(prefix="townhall-tls-")
    make_ca()
    make_certificate("first", "0x1001")
    shutil.copy(path("first.pem"), path("live.pem"))
    shutil.copy(path("first.key"), path("live.key"))
    SERVER = townhall.Serve(["--data", path("data"), "--tls-cert", path("live.pem"), "--tls-key", path("live.key"),
                             "--redirect-http", "127.0.0.1:0", "--first-request-seconds", "2",
                             "--rate-ip", "0", "--rate-auth", "0", "--rate-user", "0"])
    PORT = int(SERVER.chat.rsplit(":", 1)[1])
    deadline = time.monotonic() + 10
    while REDIRECT_PORT is None and time.monotonic() < deadline:
        match = re.search(r"listening on \S+:(\d+) \(HTTP redirect to HTTPS\)", SERVER.log())
        REDIRECT_PORT = int(match.group(1)) if match else None
    assert REDIRECT_PORT, SERVER.log()


def tearDownModule():
    if SERVER:
        code = SERVER.stop()
        SERVER.close()
        assert code == 0, "serve exited with %s" % code
    if TMP:
        shutil.rmtree(TMP, ignore_errors=True)


class Https(unittest.TestCase):
    def test_curl_verifies_the_certificate_and_every_answer_has_hsts(self):
        for url in (base() + "/healthz", "https://localhost:%d/" % PORT):
            result = subprocess.run(["curl", "-sS", "--cacert", path("ca.pem"), "-D", "-", "-o", "/dev/null", url],
                                    capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertRegex(result.stdout, r"^HTTP/1.1 200")
            self.assertIn("strict-transport-security: max-age=31536000\n", result.stdout.lower())
        # A 404 too: every answer.
        r = requests.get(base() + "/api/nowhere", verify=path("ca.pem"), timeout=30)
        self.assertEqual(r.headers.get("Strict-Transport-Security"), "max-age=31536000")
        # Without the CA, the handshake is checked and refused: a real certificate check.
        result = subprocess.run(["curl", "-sS", base() + "/healthz"], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 60, result.stderr)
        # TLS 1.1 is refused.
        result = subprocess.run(["curl", "-sS", "--cacert", path("ca.pem"), "--tlsv1.1", "--tls-max", "1.1",
                                 base() + "/healthz"], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)

    def test_signup_and_login_over_https_with_secure_cookies(self):
        r = signup("Ada")
        self.assertIn("Secure", r.headers["Set-Cookie"])
        email = json.loads(r.request.body)["email"]
        session = requests.Session()  # (verify per call: requests lets the environment override a session's)
        r = session.post(base() + "/api/login", json={"email": email, "password": "12345678"},
                         verify=path("ca.pem"), timeout=30)
        self.assertEqual(r.status_code, 200, r.text)
        cookies = [c for c in session.cookies]
        self.assertTrue(cookies)
        for cookie in cookies:
            self.assertTrue(cookie.secure, cookie.name)
        self.assertEqual(session.get(base() + "/api/me", verify=path("ca.pem"), timeout=30).status_code, 200)

    def test_a_wss_socket_gets_messages_live(self):
        token = signup("Wes").json()["token"]
        channel = rest(token, "POST", "/api/channels", json={"name": "wss-%d" % time.monotonic_ns()})
        self.assertEqual(channel.status_code, 201, channel.text)
        channel = channel.json()["channel"]["id"]

        async def scenario():
            ws = await open_wss(token, channel)
            self.assertEqual(ws.response_headers.get("Strict-Transport-Security"), "max-age=31536000")  # the 101 too
            self.assertEqual(rest(token, "POST", "/api/channels/%s/messages" % channel,
                                  json={"text": "over wss"}).status_code, 201)
            event = await receive_until(ws, lambda f: f["type"] == "message.created")
            self.assertEqual(event["message"]["text"], "over wss")
            await ws.close()
        asyncio.run(scenario())

    def test_plain_http_to_the_tls_port_is_refused_cleanly(self):
        r = requests.get("http://127.0.0.1:%d/healthz" % PORT, timeout=30)
        self.assertEqual(r.status_code, 400)
        self.assertIn("https://", r.text)
        # Garbage that is neither: the connection just ends.
        with socket.create_connection(("127.0.0.1", PORT), timeout=10) as s:
            s.sendall(b"\x16\x03\x01\x00\x05hello")
            s.settimeout(10)
            try:
                s.recv(100)
            except ConnectionResetError:
                pass
        self.assertEqual(requests.get(base() + "/healthz", verify=path("ca.pem"), timeout=30).status_code, 200)
        self.assertTrue(SERVER.process.poll() is None)

    def test_a_handshake_that_never_ends_is_cut_off(self):
        # --first-request-seconds 2: the handshake has as long as a first request.
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", PORT), timeout=15) as s:
            s.sendall(b"\x16\x03\x01")  # the start of a ClientHello, and then nothing
            self.assertIn(s.recv(100), (b"",))
        self.assertLess(time.monotonic() - started, 8)

    def test_redirect_http_to_https(self):
        plain = "http://127.0.0.1:%d" % REDIRECT_PORT
        for host, target, expected in (
                ("chat.example.com", "/c/general?x=1", "https://chat.example.com:%d/c/general?x=1" % PORT),
                ("LocalHost:%d" % REDIRECT_PORT, "/", "https://localhost:%d/" % PORT),
                ("[::1]", "/api/me", "https://[::1]:%d/api/me" % PORT)):
            r = requests.get(plain + target, headers={"Host": host}, allow_redirects=False, timeout=30)
            self.assertEqual(r.status_code, 308, host)
            self.assertEqual(r.headers["Location"], expected)
            self.assertNotIn("Strict-Transport-Security", r.headers)  # meaningless over plain HTTP
        r = requests.post(plain + "/api/login", json={}, allow_redirects=False, timeout=30)
        self.assertEqual(r.status_code, 308)
        self.assertEqual(r.headers["Location"], "https://127.0.0.1:%d/api/login" % PORT)
        for host in ("evil.example/@chat.example.com", "a b", "chat.example.com:http"):
            r = requests.get(plain + "/", headers={"Host": host}, allow_redirects=False, timeout=30)
            self.assertEqual(r.status_code, 400, host)
            self.assertNotIn("Location", r.headers)
        # Followed by a client: it lands on the TLS port.
        r = requests.get(plain + "/healthz", verify=path("ca.pem"), timeout=30)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.url, base() + "/healthz")


class Reload(unittest.TestCase):
    def test_sighup_swaps_the_certificate_for_new_connections_only(self):
        first = fingerprint_of_file(path("live.pem"))
        self.assertEqual(presented_fingerprint(), first)
        token = signup("Rita").json()["token"]
        channel = rest(token, "POST", "/api/channels", json={"name": "reload-%d" % time.monotonic_ns()})
        channel = channel.json()["channel"]["id"]

        async def scenario():
            ws = await open_wss(token, channel)
            second = make_certificate("second", "0x1002")
            shutil.copy(path("second.pem"), path("live.pem"))
            shutil.copy(path("second.key"), path("live.key"))
            SERVER.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while presented_fingerprint() != second:
                self.assertLess(time.monotonic(), deadline, SERVER.log())
                await asyncio.sleep(0.1)
            self.assertIn("serial 1002", SERVER.log())
            # The socket opened with the first certificate still works, both ways.
            await ws.send(json.dumps({"type": "send", "channel": channel, "text": "after the reload",
                                      "client_message_id": "r1"}))
            await receive_until(ws, lambda f: f["type"] == "ack")
            self.assertEqual(rest(token, "POST", "/api/channels/%s/messages" % channel,
                                  json={"text": "pushed"}).status_code, 201)
            event = await receive_until(ws, lambda f: f["type"] == "message.created" and
                                        f["message"]["text"] == "pushed")
            self.assertEqual(event["message"]["text"], "pushed")

            # A broken certificate on SIGHUP: refused, logged, the second stays.
            with open(path("live.pem"), "w") as f:
                f.write("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
            SERVER.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while "was not reloaded" not in SERVER.log():
                self.assertLess(time.monotonic(), deadline, SERVER.log())
                await asyncio.sleep(0.1)
            self.assertEqual(presented_fingerprint(), second)
            await ws.send(json.dumps({"type": "ping"}))
            await receive_until(ws, lambda f: f["type"] == "pong")
            await ws.close()
            # Put the second back, for the other tests.
            shutil.copy(path("second.pem"), path("live.pem"))
        asyncio.run(scenario())
        self.assertTrue(SERVER.process.poll() is None)


def serve_fails(args, env=None):
    command = [townhall.binary(), "serve", "--listen", "127.0.0.1:0", "--data", path("never"),
               "--password-cost", "minimum"] + list(args)
    result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, **(env or {})))
    return result.returncode, result.stdout + result.stderr


class StartupChecks(unittest.TestCase):
    def test_sighup_without_tls_reloads_nothing_and_ends_nothing(self):
        # `systemctl reload` sends SIGHUP whatever the configuration.
        plain = townhall.Serve(["--data", path("plain-data"), "--log-level", "info"])
        try:
            plain.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while "nothing to reload" not in plain.log() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIn("nothing to reload", plain.log())
            r = requests.get(plain.chat + "/healthz", timeout=10)
            self.assertEqual(r.status_code, 200)
            self.assertEqual(plain.stop(), 0)
        finally:
            plain.close()

    def test_bad_flags_and_files_exit_2_before_listening(self):
        make_certificate("other", "0x2001")
        cases = [
            (["--tls-cert", path("first.pem")], "--tls-cert needs --tls-key"),
            (["--tls-key", path("first.key")], "--tls-key needs --tls-cert"),
            (["--tls-cert", path("missing.pem"), "--tls-key", path("first.key")], "missing.pem"),
            (["--tls-cert", path("first.pem"), "--tls-key", TMP], "cannot read the key file"),
            (["--tls-cert", path("first.key"), "--tls-key", path("first.key")], "no PEM certificate"),
            (["--tls-cert", path("first.pem"), "--tls-key", path("other.key")], "does not belong to the certificate"),
            (["--redirect-http", "127.0.0.1:0"], "--redirect-http redirects to HTTPS"),
        ]
        for args, message in cases:
            code, output = serve_fails(args)
            self.assertEqual(code, 2, "%s\n%s" % (args, output))
            self.assertIn(message, output, args)
            self.assertNotIn("listening on", output)
        # The same from the environment and from the config file.
        code, output = serve_fails([], env={"TOWNHALL_TLS_CERT": path("first.pem")})
        self.assertEqual(code, 2, output)
        self.assertIn("--tls-cert needs --tls-key", output)
        with open(path("townhall.toml"), "w") as f:
            f.write('tls-cert = "%s"\ntls-key = "%s"\n' % (path("first.pem"), path("other.key")))
        code, output = serve_fails(["--config", path("townhall.toml")])
        self.assertEqual(code, 2, output)
        self.assertIn("does not belong to the certificate", output)


if __name__ == "__main__":
    townhall.main()
