"""Rate limits as a client meets them: a server with small budgets answers
429 with Retry-After, per address for signup/login and per user for
everything else, and recovers once the bucket refills."""
import json
import os
import sys
import time
import unittest

import requests
import websockets
import asyncio

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from townhall import ChatServer  # noqa: E402


class LimitsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ChatServer(extra_args=["--rate-auth", "1", "--rate-auth-burst", "3", "--rate-user", "2",
                                            "--rate-user-burst", "5", "--rate-ip", "0"]).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def test_signup_flood_is_limited_per_address(self):
        statuses = []
        for i in range(6):
            r = requests.post(self.server.url + "/api/signup",
                              json={"name": "F", "email": "flood%d-%d@x.example" % (i, os.getpid()),
                                    "password": "12345678"})
            statuses.append(r.status_code)
            if r.status_code == 429:
                self.assertEqual(r.json()["error"]["code"], "rate_limited")
                self.assertGreaterEqual(int(r.headers["Retry-After"]), 1)
        self.assertIn(429, statuses)
        self.assertEqual(statuses[0], 201)
        time.sleep(2.1)
        r = requests.post(self.server.url + "/api/login", json={"email": "flood0-%d@x.example" % os.getpid(),
                                                                   "password": "12345678"})
        self.assertEqual(r.status_code, 200, r.text)

    def test_per_user_limit_covers_rest_and_websocket_sends(self):
        time.sleep(3.1)  # let the auth bucket refill after the other test
        r = requests.post(self.server.url + "/api/signup",
                          json={"name": "U", "email": "user-%d@x.example" % os.getpid(), "password": "12345678"})
        self.assertEqual(r.status_code, 201, r.text)
        headers = {"Authorization": "Bearer " + r.json()["token"]}
        statuses = [requests.get(self.server.url + "/api/me", headers=headers).status_code for _ in range(8)]
        self.assertEqual(statuses[:5], [200] * 5)
        self.assertIn(429, statuses[5:])
        time.sleep(3)

        async def scenario():
            ws = await websockets.connect(self.server.ws_url, extra_headers=headers)
            await ws.recv()
            codes = []
            for i in range(10):
                await ws.send(json.dumps({"type": "send", "channel": "nowhere", "text": "hi"}))
                codes.append(json.loads(await ws.recv()).get("code"))
            await ws.close()
            return codes
        codes = asyncio.run(scenario())
        self.assertIn("rate_limited", codes)
        self.assertNotEqual(codes[0], "rate_limited")


if __name__ == "__main__":
    unittest.main(verbosity=2)
