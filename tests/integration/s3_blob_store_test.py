"""The S3 blob store against a real S3 implementation: s3rver (node_modules).

`townhall files check` puts three blobs (3 MB of random bytes, an empty one,
a small one), reads them back, lists them, removes one; boto3 then checks on
its own that exactly the two others are in the bucket under the prefix, with
their sizes and SHA-256 names.

s3rver accepts any well-formed SigV4 signature without computing it, so the
test puts a small proxy between townhall and s3rver that verifies every
request's signature the way S3 does (botocore's S3 signer over the request
as S3 canonicalizes it, the payload hash against the body, the clock) and
answers SignatureDoesNotMatch otherwise. A run with a wrong secret key must
then fail. A bucket of more than 1000 objects makes the listing page through
continuation tokens."""
import calendar
import concurrent.futures
import hashlib
import hmac
import http.client
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402

try:
    import boto3
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:  # reported by require() below
    boto3 = None

S3RVER = os.path.join(townhall.REPO, "node_modules", "s3rver", "bin", "s3rver.js")
KEY_ID = SECRET = "S3RVER"  # s3rver's default account
BUCKET = "townhall"


class S3rver:
    """s3rver on a free loopback port with one bucket, data in a temporary directory."""

    def __init__(self, directory):
        # s3rver makes its continuation tokens with DES, which Node 17+ (OpenSSL 3)
        # offers only through the legacy provider: without it a second page is a 500.
        version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
        legacy = ["--openssl-legacy-provider"] if int(version.lstrip("v").split(".")[0]) >= 17 else []
        self.log_path = directory + ".log"
        with open(self.log_path, "wb") as log:  # a file, not a pipe: s3rver never blocks on it
            self.process = subprocess.Popen(
                ["node", *legacy, S3RVER, "-d", directory, "-a", "127.0.0.1", "-p", "0", "--silent",
                 "--configure-bucket", BUCKET],
                stdout=log, stderr=subprocess.STDOUT, cwd=townhall.REPO)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            match = re.search(rb"listening on ([\d.]+):(\d+)", self.log())
            if match:
                self.port = int(match.group(2))
                self.url = f"http://127.0.0.1:{self.port}"
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("s3rver did not start: " + self.log().decode(errors="replace"))

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def s3_canonical(target):
    """The path and query as S3 canonicalizes them: decoded, then each part encoded once."""
    parts = urllib.parse.urlsplit(target)
    path = urllib.parse.quote(urllib.parse.unquote(parts.path), safe="/~")
    pairs = []
    for pair in filter(None, parts.query.split("&")):
        key, _, value = pair.partition("=")
        pairs.append((urllib.parse.quote(urllib.parse.unquote(key), safe="-_.~"),
                      urllib.parse.quote(urllib.parse.unquote(value), safe="-_.~")))
    query = "&".join(f"{k}={v}" for k, v in sorted(pairs))
    return path + ("?" + query if query else "")


def signature_problem(method, target, headers, body):
    """None when the request is signed as S3 requires; otherwise what is wrong."""
    auth = headers.get("Authorization", "")
    match = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/s3/aws4_request, "
                         r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})", auth)
    if not match:
        return f"malformed Authorization: {auth!r}"
    key_id, date, region, signed, signature = match.groups()
    names = signed.split(";")
    for required in ("host", "x-amz-content-sha256", "x-amz-date"):
        if required not in names:
            return f"{required} is not signed"
    if names != sorted(names):
        return "SignedHeaders are not sorted"
    if headers["x-amz-content-sha256"] != hashlib.sha256(body).hexdigest():
        return "x-amz-content-sha256 is not the body's SHA-256"
    amz_date = headers["x-amz-date"]
    skew = abs(time.time() - calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ")))
    if not amz_date.startswith(date) or skew > 900:
        return f"x-amz-date {amz_date} is not now or not the scope's day"
    request = AWSRequest(method=method, url="http://" + headers["Host"] + s3_canonical(target),
                         headers={name: headers[name] for name in names}, data=body)
    request.context["timestamp"] = amz_date
    signer = S3SigV4Auth(Credentials(key_id, SECRET), "s3", region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, signature):
        return "signature mismatch; S3's canonical request:\n" + canonical
    return None


class VerifyingProxy:
    """Checks each request's SigV4 signature as S3 does, then forwards it to s3rver."""

    def __init__(self, upstream_port):
        self.requests = []  # (method, target, problem or None)
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as townhall's connections expect

            def log_message(self, *args):
                pass

            def handle_any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                problem = signature_problem(self.command, self.path, self.headers, body)
                with proxy.lock:
                    proxy.requests.append((self.command, self.path, problem))
                if problem:
                    self.answer(403, [("Content-Type", "application/xml")],
                                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch"
                                b"</Code><Message>The request signature we calculated does not match the "
                                b"signature you provided.</Message></Error>")
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
                try:
                    upstream.request(self.command, self.path, body=body, headers=dict(self.headers))
                    response = upstream.getresponse()
                    data = response.read()
                    headers = [(k, v) for k, v in response.getheaders()
                               if k.lower() not in ("content-length", "transfer-encoding", "connection")]
                    self.answer(response.status, headers, data)
                finally:
                    upstream.close()

            def answer(self, status, headers, data):
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_DELETE = do_HEAD = do_POST = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def files_check(files, endpoint, home, secret=SECRET):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=secret, HOME=home)
    return subprocess.run([townhall.binary(), "files", "check", "--files", files, "--files-endpoint", endpoint],
                          capture_output=True, text=True, env=env, timeout=180)


class S3BlobStoreTest(unittest.TestCase):
    def setUp(self):
        townhall.require("python3-boto3", boto3 is not None)
        townhall.require("node (nodejs)", shutil.which("node"))
        townhall.require("s3rver (npm ci)", os.path.exists(S3RVER))
        self.tmp = tempfile.mkdtemp(prefix="townhall-s3-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.s3rver = S3rver(os.path.join(self.tmp, "s3rver"))
        self.addCleanup(self.s3rver.stop)
        self.proxy = VerifyingProxy(self.s3rver.port)
        self.addCleanup(self.proxy.stop)
        self.s3 = boto3.client("s3", endpoint_url=self.s3rver.url, aws_access_key_id=KEY_ID,
                               aws_secret_access_key=SECRET, region_name="us-east-1")
        if hasattr(self.s3, "close"):
            self.addCleanup(self.s3.close)

    def explain(self, result):
        return result.stderr + "\ns3rver's log:\n" + self.s3rver.log()[-3000:].decode(errors="replace")

    def objects(self, prefix):
        found = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = item["Size"]
        return found

    def test_check_round_trip_then_boto3_sees_the_two_blobs_left(self):
        result = files_check(f"s3://{BUCKET}/files", self.proxy.url, self.tmp)
        self.assertEqual(result.returncode, 0, self.explain(result))
        lines = result.stdout.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stdout)
        report = json.loads(lines[0])
        self.assertTrue(report["ok"])
        self.assertEqual(len(report["blobs"]), 2)

        bad = [(m, t, p) for m, t, p in self.proxy.requests if p]
        self.assertEqual(bad, [], "requests S3 would refuse")
        methods = [m for m, _, _ in self.proxy.requests]
        self.assertEqual(methods.count("PUT"), 3)
        self.assertEqual(methods.count("DELETE"), 2)  # the removal, and removing it again

        objects = self.objects("files/")
        self.assertEqual(set(objects), {"files/" + key for key in report["blobs"]})
        self.assertNotIn("files/" + report["removed"], objects)
        self.assertEqual(sorted(objects.values()), [0, 3 * 1024 * 1024])
        for key in report["blobs"]:
            body = self.s3.get_object(Bucket=BUCKET, Key="files/" + key)["Body"].read()
            self.assertEqual(hashlib.sha256(body).hexdigest(), key)
        with self.assertRaises(self.s3.exceptions.ClientError):
            self.s3.head_object(Bucket=BUCKET, Key="files/" + report["removed"])

    def test_a_wrong_secret_is_refused_and_reported(self):
        result = files_check(f"s3://{BUCKET}/files", self.proxy.url, self.tmp, secret="not-the-secret")
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertEqual(result.stdout, "")
        error = json.loads(result.stderr.strip().splitlines()[-1])
        self.assertFalse(error["ok"])
        self.assertEqual(error["step"], "put")
        self.assertIn("SignatureDoesNotMatch", error["error"])
        self.assertEqual(self.objects("files/"), {})

    def test_listing_pages_through_a_large_bucket(self):
        # More than S3's 1000 keys a page, plus names that are not blobs.
        names = [f"paged/{hashlib.sha256(str(i).encode()).hexdigest()}" for i in range(1100)]
        names += ["paged/README", "paged/sub/" + "a" * 64]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda name: self.s3.put_object(Bucket=BUCKET, Key=name, Body=b"x"), names))
        result = files_check(f"s3://{BUCKET}/paged/", self.proxy.url, self.tmp)
        self.assertEqual(result.returncode, 0, self.explain(result))
        self.assertTrue(json.loads(result.stdout)["ok"])
        self.assertEqual([p for _, _, p in self.proxy.requests if p], [])
        continued = [t for m, t, _ in self.proxy.requests if m == "GET" and "continuation-token=" in t]
        self.assertGreaterEqual(len(continued), 2, "two listings of two pages each")
        self.assertEqual(len(self.objects("paged/")), len(names) + 2)


if __name__ == "__main__":
    townhall.main()
