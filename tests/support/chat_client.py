"""A chat client for the integration tests: people who sign up on a running
ChatServer (townhall.py) and use its REST API, and the WebSocket steps a
client takes (connect, subscribe, wait for frames).

    alice = ChatUser(server, "Alice", check=checker.check)   # every answer checked against openapi.json
    ws = await connect(server, alice)
    await subscribe(ws, channel)
"""
import asyncio
import itertools
import json
import os
import subprocess
import time

import requests
import websockets

import townhall

_numbers = itertools.count(1)

# These tests sign up and send faster than a person: no rate limits.
UNLIMITED = ["--rate-ip", "0", "--rate-user", "0", "--rate-auth", "0"]


def unlimited_server():
    """A started ChatServer without rate limits (for setUpModule; __exit__ it in tearDownModule)."""
    return townhall.ChatServer(extra_args=UNLIMITED).__enter__()


class ChatUser:
    """Someone who signed up on server. Names are unique per server, so each
    gets a number ("Alice 3"); check, if given, sees every REST answer."""

    def __init__(self, server, name, check=None):
        self.server = server
        self.check = check
        self.number = next(_numbers)
        self.name = "%s %d" % (name, self.number)
        r = requests.post(server.url + "/api/signup", timeout=30, json={
            "name": self.name, "email": "%s%d-%d@test.example" % (name.lower(), self.number, os.getpid()),
            "password": "12345678"})
        assert r.status_code == 201, r.text
        assert r.json()["user"]["name"] == self.name, r.text
        self.token = r.json()["token"]
        self.id = r.json()["user"]["id"]

    def call(self, method, path, **kwargs):
        r = requests.request(method, self.server.url + path, headers={"Authorization": "Bearer " + self.token},
                             timeout=30, **kwargs)
        if self.check:
            self.check(r)
        return r

    def channel(self, name, private=False):
        """A new channel; public names are unique per server, so the name gets this user's number."""
        r = self.call("POST", "/api/channels", json={"name": "%s %d" % (name, self.number), "private": private})
        assert r.status_code == 201, r.text
        return r.json()["channel"]["id"]

    def send(self, channel, text):
        r = self.call("POST", "/api/channels/%s/messages" % channel, json={"text": text})
        assert r.status_code == 201, r.text
        return r.json()["message"]


async def connect(server, user, max_size=2 ** 22):
    """A signed-in socket (its ready frame read)."""
    ws = await websockets.connect(server.ws_url, extra_headers={"Authorization": "Bearer " + user.token},
                                  max_size=max_size)
    ready = await receive(ws)
    assert ready["type"] == "ready" and ready["user"]["id"] == user.id, ready
    return ws


async def receive(ws, timeout=10):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def receive_until(ws, predicate, timeout=10):
    """Frames up to and including the first one matching predicate."""
    frames = []
    deadline = time.monotonic() + timeout
    while True:
        frame = await receive(ws, max(0.1, deadline - time.monotonic()))
        frames.append(frame)
        if predicate(frame):
            return frames


async def quiet_for(ws, seconds=1.0):
    """Every frame ws receives within seconds (an idle socket: [])."""
    frames = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            frames.append(await receive(ws, max(0.05, deadline - time.monotonic())))
        except asyncio.TimeoutError:
            break
    return frames


async def subscribe(ws, channel, after=None):
    """The frames up to the channel's subscribed (or error) answer."""
    entry = {"id": channel}
    if after is not None:
        entry["after"] = after
    await ws.send(json.dumps({"type": "subscribe", "channels": [entry]}))
    return await receive_until(ws, lambda f: f["type"] in ("subscribed", "error") and f.get("channel") == channel)


def chat_cli(server, *args):
    """`townhall chat ARGS` on the store of server, which must be stopped
    (the embedded store is one process's): the finished process."""
    if server.data_dir:
        store = ["--data", server.data_dir]
    else:
        store = ["--store", "dynamodb", "--endpoint", server.store.endpoint]
    return subprocess.run([townhall.binary(), "chat"] + store + list(args), capture_output=True, text=True,
                          timeout=60)
