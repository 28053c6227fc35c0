#!/usr/bin/python3
"""Hostile and malformed HTTP against townhall dynamodb, over raw sockets.

Each case gets the answer DynamoDB gives (the error type, the status), and
the server keeps serving: after every case a well-formed ListTables must
still succeed on a fresh connection. Where DynamoDB Local answers
differently from the service (it returns 500 InternalFailure for malformed
JSON, a missing X-Amz-Target or an empty body, and accepts any content
type), we follow the service, as dynalite (verified against the service)
records it.
"""
import json
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402

AUTH = ("AWS4-HMAC-SHA256 Credential=dummy/20240101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef")


def request_bytes(body, target="DynamoDB_20120810.ListTables", content_type="application/x-amz-json-1.0",
                  auth=AUTH, method="POST", extra=""):
    if isinstance(body, str):
        body = body.encode()
    head = f"{method} / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Date: 20240101T000000Z\r\n"
    if content_type is not None:
        head += f"Content-Type: {content_type}\r\n"
    if target is not None:
        head += f"X-Amz-Target: {target}\r\n"
    if auth is not None:
        head += f"Authorization: {auth}\r\n"
    head += f"Content-Length: {len(body)}\r\n{extra}\r\n"
    return head.encode() + body


_pending = {}  # bytes read past the previous response, per socket


def read_response(sock, timeout=10):
    """(status, headers, body) of one response, or None if the server closed the connection."""
    sock.settimeout(timeout)
    data = _pending.pop(sock.fileno(), b"")
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    if len(rest) > length:
        _pending[sock.fileno()] = rest[length:]
    return status, headers, rest[:length]


def exchange(endpoint, raw, timeout=10):
    with socket.create_connection((endpoint.host, endpoint.port), timeout=timeout) as sock:
        sock.sendall(raw)
        try:
            return read_response(sock, timeout)
        finally:
            _pending.pop(sock.fileno(), None)


def error_type(body):
    return json.loads(body)["__type"].split("#")[-1]


class WireErrorsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._server = townhall.dynamodb(args=["--read-timeout", "1"])
        cls.endpoint = cls._server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls._server.__exit__(None, None, None)

    def tearDown(self):
        self.assertTrue(self.endpoint.alive(), f"townhall died:\n{self.endpoint.log()}")
        status, _, body = exchange(self.endpoint, request_bytes("{}"))
        self.assertEqual((status, json.loads(body)), (200, {"TableNames": []}), "the server stopped serving")

    def assert_error(self, response, status, name):
        self.assertIsNotNone(response, "the server closed the connection instead of answering")
        self.assertEqual(response[0], status, response)
        self.assertEqual(error_type(response[2]), name, response)
        self.assertEqual(len(response[1].get("x-amzn-requestid", "")), 52)
        self.assertIn("x-amz-crc32", response[1])

    def test_malformed_json_is_serialization_exception(self):
        for body in ['{"Limit":', "{]", "not json", '{"TableName":"\xff"}'.encode("latin-1"), "{}{}"]:
            self.assert_error(exchange(self.endpoint, request_bytes(body)), 400, "SerializationException")

    def test_empty_body_is_serialization_exception(self):
        self.assert_error(exchange(self.endpoint, request_bytes("")), 400, "SerializationException")

    def test_wrong_json_types_are_serialization_exception(self):
        self.assert_error(exchange(self.endpoint, request_bytes('{"Limit":"ten"}')), 400, "SerializationException")
        self.assert_error(exchange(self.endpoint, request_bytes("[1,2]")), 400, "SerializationException")

    def test_unknown_or_missing_target_is_unknown_operation(self):
        for target in ["DynamoDB_20120810.DropEverything", "Foo.ListTables", "DynamoDB_20120810", None]:
            self.assert_error(exchange(self.endpoint, request_bytes("{}", target=target)), 400,
                              "UnknownOperationException")

    def test_wrong_content_type_or_method_is_a_bare_404(self):
        for raw in [request_bytes("{}", content_type="text/plain"), request_bytes("{}", content_type=None),
                    request_bytes("{}", content_type="application/xml"), request_bytes("{}", method="PUT")]:
            status, headers, body = exchange(self.endpoint, raw)
            self.assertEqual((status, body), (404, b"<UnknownOperationException/>\n"))
            self.assertEqual(headers["x-amz-crc32"], "3552371480")

    def test_missing_authorization_is_missing_authentication_token(self):
        self.assert_error(exchange(self.endpoint, request_bytes("{}", auth=None)), 400,
                          "MissingAuthenticationTokenException")
        self.assert_error(exchange(self.endpoint, request_bytes("{}", auth="Basic Zm9vOmJhcg==")), 400,
                          "MissingAuthenticationTokenException")
        self.assert_error(exchange(self.endpoint, request_bytes("{}", auth="AWS4-HMAC-SHA256 Credential=x")), 400,
                          "IncompleteSignatureException")

    def test_get_answers_like_dynamodb_local_for_health_probes(self):
        status, _, body = exchange(self.endpoint, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertEqual(status, 400)
        self.assertEqual(error_type(body), "MissingAuthenticationTokenException")

    def test_body_over_16_megabytes_is_413(self):
        body = b"x" * (17 * 1024 * 1024)
        with socket.create_connection((self.endpoint.host, self.endpoint.port), timeout=10) as sock:
            sock.sendall(request_bytes(b"")[:-2].replace(b"Content-Length: 0", f"Content-Length: {len(body)}".encode())
                         + b"\r\n")
            try:
                sock.sendall(body)  # the server may answer before reading it all
            except (BrokenPipeError, ConnectionResetError):
                pass
            response = read_response(sock)
        self.assertIsNotNone(response)
        self.assertEqual(response[0], 413)

    def test_deep_nesting_is_rejected(self):
        # 40 nested lists of attribute values: DynamoDB's limit is 32.
        value = {"S": "leaf"}
        for _ in range(40):
            value = {"L": [value]}
        body = json.dumps({"TableName": "t", "Item": {"PK": {"S": "k"}, "Deep": value}})
        response = exchange(self.endpoint, request_bytes(body, target="DynamoDB_20120810.PutItem"))
        self.assert_error(response, 400, "ValidationException")
        self.assertIn("Nesting Levels have exceeded supported limits", json.loads(response[2])["message"])
        # Raw JSON nesting far deeper than any parser stack should take.
        for body in ["[" * 200000 + "]" * 200000, '{"a":' * 100000 + "1" + "}" * 100000]:
            status, _, _ = exchange(self.endpoint, request_bytes(body))
            self.assertEqual(status, 400)

    def test_malformed_http_is_400(self):
        for raw in [b"THIS IS NOT HTTP\r\n\r\n", b"POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
                    b"POST / HTTP/1.1\r\nBad Header Line\r\n\r\n"]:
            response = exchange(self.endpoint, raw)
            self.assertIsNotNone(response)
            self.assertEqual(response[0], 400, raw)

    def test_huge_headers_are_rejected(self):
        response = exchange(self.endpoint, request_bytes("{}", extra="X-Junk: " + "j" * 100000 + "\r\n"))
        self.assertIsNotNone(response)
        self.assertEqual(response[0], 431)

    def test_pipelined_requests_are_answered_in_order(self):
        raw = request_bytes("{}") + request_bytes("{") + request_bytes("{}", target="DynamoDB_20120810.Nope")
        with socket.create_connection((self.endpoint.host, self.endpoint.port), timeout=10) as sock:
            sock.sendall(raw)
            statuses = [read_response(sock) for _ in range(3)]
            _pending.pop(sock.fileno(), None)
        self.assertEqual([s[0] for s in statuses], [200, 400, 400])
        self.assertEqual(error_type(statuses[1][2]), "SerializationException")
        self.assertEqual(error_type(statuses[2][2]), "UnknownOperationException")

    def test_slow_clients_are_dropped_and_do_not_hold_the_server(self):
        # Slowloris: many connections trickling a header byte at a time. The
        # server (--read-timeout 1) drops each within about a second, and
        # answers others meanwhile.
        partial = request_bytes("{}")[:40]
        slow = [socket.create_connection((self.endpoint.host, self.endpoint.port)) for _ in range(50)]
        dropped = [False] * len(slow)

        def trickle(i, sock):
            try:
                for byte in partial:
                    sock.sendall(bytes([byte]))
                    time.sleep(0.1)
            except OSError:
                dropped[i] = True
                return
            sock.settimeout(3)
            try:
                dropped[i] = sock.recv(1) == b""
            except (ConnectionResetError, socket.timeout):
                dropped[i] = isinstance(sys.exc_info()[1], ConnectionResetError)

        started = time.monotonic()
        threads = [threading.Thread(target=trickle, args=(i, s)) for i, s in enumerate(slow)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        status, _, _ = exchange(self.endpoint, request_bytes("{}"), timeout=2)
        self.assertEqual(status, 200)
        for t in threads:
            t.join()
        for s in slow:
            s.close()
        self.assertTrue(all(dropped), dropped)
        self.assertLess(time.monotonic() - started, 8)


if __name__ == "__main__":
    townhall.main()
