#!/usr/bin/python3
"""SigV4 verification end to end: townhall dynamodb --credentials FILE against
boto3 (which signs as every AWS SDK does) and a hand-written signer for the
cases an SDK will not produce (a stale clock)."""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import sigv4  # noqa: E402
import townhall  # noqa: E402

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:  # reported by require() in setUpClass
    boto3 = None


def client(endpoint, key_id, secret, token=None, service="dynamodb"):
    return boto3.client(service, endpoint_url=endpoint.url, region_name="eu-central-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def signed_request(endpoint, key_id, secret, when, body=b"{}"):
    """A ListTables request signed at `when`, by an independent SigV4 implementation."""
    headers = sigv4.sign(f"{endpoint.host}:{endpoint.port}", key_id, secret, "ListTables", body, when=when)
    import http.client
    conn = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=10)
    conn.request("POST", "/", body=body, headers=headers)
    response = conn.getresponse()
    result = response.status, json.loads(response.read())
    conn.close()
    return result


class WireAuthTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        townhall.require("python3-boto3", boto3 is not None)
        cls.tmp = tempfile.TemporaryDirectory()
        cls.keys = os.path.join(cls.tmp.name, "keys")
        with open(cls.keys, "w") as f:
            f.write("# test keys\nAKIDALICE alice-secret\nAKIDTEMP temp-secret temp-token\n")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def assert_error(self, call, name):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call()
        self.assertEqual(caught.exception.response["Error"]["Code"], name)
        return caught.exception.response["Error"]["Message"]

    def test_listed_keys_only(self):
        with townhall.dynamodb(args=["--credentials", self.keys]) as endpoint:
            self.assertEqual(client(endpoint, "AKIDALICE", "alice-secret").list_tables()["TableNames"], [])
            self.assertEqual(client(endpoint, "AKIDTEMP", "temp-secret", "temp-token").list_tables()["TableNames"], [])
            message = self.assert_error(lambda: client(endpoint, "AKIDALICE", "wrong").list_tables(),
                                        "InvalidSignatureException")
            self.assertIn("The request signature we calculated does not match", message)
            self.assert_error(lambda: client(endpoint, "AKIDMALLORY", "alice-secret").list_tables(),
                              "UnrecognizedClientException")
            self.assert_error(lambda: client(endpoint, "AKIDTEMP", "temp-secret", "other").list_tables(),
                              "UnrecognizedClientException")

            now = datetime.datetime.now(datetime.timezone.utc)
            status, body = signed_request(endpoint, "AKIDALICE", "alice-secret", now)
            self.assertEqual((status, body), (200, {"TableNames": []}))
            status, body = signed_request(endpoint, "AKIDALICE", "alice-secret", now - datetime.timedelta(minutes=20))
            self.assertEqual(status, 400)
            self.assertEqual(body["__type"], "com.amazon.coral.service#InvalidSignatureException")
            self.assertTrue(body["message"].startswith("Signature expired: "), body)
            self.assertTrue(body["message"].endswith(" - 15 min.)"), body)
            status, body = signed_request(endpoint, "AKIDALICE", "alice-secret", now + datetime.timedelta(minutes=20))
            self.assertEqual(status, 400)
            self.assertTrue(body["message"].startswith("Signature not yet current: "), body)

            import http.client
            conn = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=10)
            conn.request("POST", "/", body=b"{}", headers={"Content-Type": "application/x-amz-json-1.0",
                                                          "X-Amz-Target": "DynamoDB_20120810.ListTables"})
            response = conn.getresponse()
            self.assertEqual(response.status, 400)
            self.assertEqual(json.loads(response.read())["__type"],
                             "com.amazon.coral.service#MissingAuthenticationTokenException")
            conn.close()

    def test_key_from_the_environment(self):
        env = {"TOWNHALL_ACCESS_KEY_ID": "AKIDENV", "TOWNHALL_SECRET_ACCESS_KEY": "env-secret"}
        with townhall.dynamodb(env=env) as endpoint:
            self.assertEqual(client(endpoint, "AKIDENV", "env-secret").list_tables()["TableNames"], [])
            self.assert_error(lambda: client(endpoint, "dummy", "dummy").list_tables(), "UnrecognizedClientException")

    def test_any_key_by_default(self):
        with townhall.dynamodb() as endpoint:
            self.assertEqual(client(endpoint, "whoever", "whatever").list_tables()["TableNames"], [])

    def test_serve_endpoint_checks_keys_too(self):
        """townhall serve's own DynamoDB endpoint takes --dynamodb-credentials."""
        port = townhall.free_port()
        process = subprocess.Popen(
            [townhall.binary(), "serve", "--in-memory", "--listen", "127.0.0.1:0",
             "--dynamodb-listen", f"127.0.0.1:{port}", "--dynamodb-credentials", self.keys],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for line in process.stdout:
                if "(DynamoDB endpoint)" in line:
                    break
            else:
                self.fail("townhall serve did not open its DynamoDB endpoint")
            endpoint = townhall.Endpoint("127.0.0.1", port)
            self.assertIn("chat", client(endpoint, "AKIDALICE", "alice-secret").list_tables()["TableNames"])
            self.assert_error(lambda: client(endpoint, "dummy", "dummy").list_tables(), "UnrecognizedClientException")
            # PartiQL and the Streams API sit behind the same check: an outsider
            # can neither change the chat's data nor read its change log.
            outsider = client(endpoint, "dummy", "dummy")
            self.assert_error(lambda: outsider.execute_statement(
                Statement="DELETE FROM \"chat\" WHERE PK = 'USER#x' AND SK = 'USER#x'"), "UnrecognizedClientException")
            self.assert_error(lambda: outsider.execute_transaction(TransactStatements=[
                {"Statement": "INSERT INTO \"chat\" VALUE {'PK': 'x', 'SK': 'y'}"}]), "UnrecognizedClientException")
            self.assert_error(lambda: client(endpoint, "dummy", "dummy", service="dynamodbstreams").list_streams(),
                              "UnrecognizedClientException")
            # The key's owner reads it: serve follows the chat table's stream for search.
            streams = client(endpoint, "AKIDALICE", "alice-secret", service="dynamodbstreams") \
                .list_streams(TableName="chat")["Streams"]
            self.assertEqual([s["TableName"] for s in streams], ["chat"])
        finally:
            process.terminate()
            self.assertEqual(process.wait(timeout=20), 0)

    def test_unreadable_credentials_file_is_a_startup_error(self):
        result = subprocess.run([townhall.binary(), "dynamodb", "--in-memory", "--listen", "127.0.0.1:0",
                                 "--credentials", os.path.join(self.tmp.name, "missing")],
                                capture_output=True, text=True, timeout=10)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("cannot read credentials file", result.stderr)


if __name__ == "__main__":
    townhall.main()
