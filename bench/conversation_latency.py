#!/usr/bin/python3
"""Latency of the conversation features through `townhall serve`'s REST API,
one client on a keep-alive connection (so it measures the server, not the
connection setup):

  thread-open   GET .../messages/{root}/thread?limit=100 on a root with 100 replies
  react-toggle  PUT then DELETE .../reactions/{emoji} on one message (each call timed)
  dm-open       POST /api/conversations for an existing 1:1 (the idempotent re-open)
  send-reply    POST .../messages with thread_root (durable, fsynced)

Starts its own server on a fresh data directory (or uses --url), prints
p50/p99/max per operation. Usage:

  bench/conversation_latency.py [--binary build/townhall] [--runs 1000]
"""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import time

PORT = 18793


class Client:
    def __init__(self, host, port):
        self.connection = http.client.HTTPConnection(host, port, timeout=30)
        self.token = ""

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        self.connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError("%s %s: %d %s" % (method, path, response.status, data[:200]))
        return json.loads(data) if data else None


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def timed(runs, action):
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - started) * 1000.0)
    return samples


def report(name, samples):
    print("%-13s n=%-5d p50 %6.2f ms   p99 %6.2f ms   max %6.2f ms" % (
        name, len(samples), percentile(samples, 50), percentile(samples, 99), max(samples)))


def run(host, port, runs):
    stamp = str(int(time.time() * 1000))
    alice, bob = Client(host, port), Client(host, port)
    for client, name in ((alice, "alice"), (bob, "bob")):
        answer = client.call("POST", "/api/signup", {
            "name": name + stamp, "email": "%s%s@bench.example" % (name, stamp), "password": "correct horse battery"})
        client.token = answer["token"]
        client.user = answer["user"]
    channel = alice.call("POST", "/api/channels", {"name": "bench-" + stamp})["channel"]["id"]
    bob.call("POST", "/api/channels/%s/join" % channel)
    root = alice.call("POST", "/api/channels/%s/messages" % channel, {"text": "root"})["message"]["id"]
    for i in range(100):
        (alice if i % 2 else bob).call("POST", "/api/channels/%s/messages" % channel,
                                       {"text": "reply %d" % i, "thread_root": root})
    thread = alice.call("GET", "/api/channels/%s/messages/%s/thread?limit=100" % (channel, root))
    assert len(thread["replies"]) == 100 and thread["root"]["reply_count"] == 100, thread["root"]
    alice.call("POST", "/api/conversations", {"user_ids": [bob.user["id"]]})

    report("thread-open", timed(runs, lambda i: alice.call(
        "GET", "/api/channels/%s/messages/%s/thread?limit=100" % (channel, root))))
    report("react-toggle", timed(runs, lambda i: bob.call(
        "PUT" if i % 2 == 0 else "DELETE", "/api/channels/%s/messages/%s/reactions/%%F0%%9F%%91%%8D" % (channel, root))))
    report("dm-open", timed(runs, lambda i: alice.call("POST", "/api/conversations", {"user_ids": [bob.user["id"]]})))
    report("send-reply", timed(runs, lambda i: bob.call(
        "POST", "/api/channels/%s/messages" % channel, {"text": "more %d" % i, "thread_root": root})))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="build/townhall")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--url", default="", help="host:port of a running server (rate limits off)")
    args = parser.parse_args()
    if args.url:
        host, port = args.url.rsplit(":", 1)
        run(host, int(port), args.runs)
        return
    data = tempfile.mkdtemp(prefix="th-bench-")
    server = subprocess.Popen([args.binary, "serve", "--listen", "127.0.0.1:%d" % PORT, "--data", data,
                               "--password-cost", "minimum", "--rate-ip", "0", "--rate-user", "0", "--rate-auth", "0",
                               "--no-access-log", "--log-level", "warn"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
                probe.request("GET", "/healthz")
                probe.getresponse().read()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        run("127.0.0.1", PORT, args.runs)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
