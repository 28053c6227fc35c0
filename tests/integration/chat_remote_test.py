#!/usr/bin/python3
"""The chat domain's unit suite (src/chat/*_test.cc) on remote stores.

The same GoogleTest binary that runs on the embedded engine runs again with
TOWNHALL_TEST_ENDPOINT set, so every ChatService call goes through the client
layer (HTTP, SigV4, retries) to:
  - `townhall dynamodb` (the engine behind the wire protocol), and
  - DynamoDB Local (AWS's own emulator, from npm's amplify-dynamodb-simulator).
A difference between the stores shows up as a failing chat test.
"""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402


def chat_tests():
    path = os.environ.get("TOWNHALL_CHAT_TESTS") or os.path.join(
        os.path.dirname(townhall.binary()), "src", "chat", "chat_tests")
    if not os.path.exists(path):
        raise AssertionError(f"chat_tests not built at {path}")
    return path


def run_suite(test, endpoint_url):
    done = subprocess.run([chat_tests(), "--gtest_brief=1"], capture_output=True, text=True, timeout=400,
                          env=dict(os.environ, TOWNHALL_TEST_ENDPOINT=endpoint_url))
    test.assertEqual(done.returncode, 0, f"chat suite on {endpoint_url} failed:\n{done.stdout[-6000:]}\n"
                                         f"{done.stderr[-3000:]}")
    test.assertIn("PASSED", done.stdout)


class ChatOnRemoteStores(unittest.TestCase):
    def test_on_townhall_dynamodb(self):
        with townhall.dynamodb() as endpoint:
            run_suite(self, endpoint.url)

    def test_on_dynamodb_local(self):
        townhall.require("Java 17 (openjdk-17-jre-headless)", shutil.which("java"))
        try:
            townhall.find_dynamodb_local()
        except RuntimeError as e:
            townhall.require(str(e), False)
        local = townhall.DynamoDBLocal()
        try:
            run_suite(self, local.endpoint)
        finally:
            local.stop()


if __name__ == "__main__":
    townhall.main()
