#!/usr/bin/python3
"""How long `townhall dynamodb` (or, with --serve, `townhall serve`) takes to
answer on a store that holds data, or on an empty one.

With --load N, first fills DIR with N items of ~200 bytes in a table with an
ALL-projection GSI (through the endpoint, BatchWriteItem). Then starts the
binary on DIR --runs times and prints the time from exec to the first HTTP
answer.

With --serve, starts `townhall serve --data DIR` and waits for /healthz
instead (the chat's table is created on the first start).

Usage: bench/open_time.py --data DIR [--load 200000] [--runs 3] [--binary build/townhall] [--serve]
"""
import argparse
import subprocess
import time
import urllib.error
import urllib.request

PORT = 18791


SERVE = False


def start(binary, data):
    if SERVE:
        command = [binary, "serve", "--listen", "127.0.0.1:%d" % PORT, "--data", data, "--log-level", "warn"]
    else:
        command = [binary, "dynamodb", "--listen", "127.0.0.1:%d" % PORT, "--data", data]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def first_answer():
    if SERVE:
        request = urllib.request.Request("http://127.0.0.1:%d/healthz" % PORT)
    else:
        request = urllib.request.Request("http://127.0.0.1:%d/" % PORT, data=b"{}", headers={
            "X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"})
    while True:
        try:
            urllib.request.urlopen(request, timeout=1).read()
            return
        except urllib.error.HTTPError:  # an answer (unsigned: 400), which is all we wait for
            return
        except OSError:
            time.sleep(0.002)


def load(binary, data, count):
    import boto3
    process = start(binary, data)
    try:
        first_answer()
        client = boto3.client("dynamodb", endpoint_url="http://127.0.0.1:%d" % PORT, region_name="us-east-1",
                              aws_access_key_id="x", aws_secret_access_key="x")
        client.create_table(TableName="Loaded", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"},
                                                  {"AttributeName": "G", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
                            GlobalSecondaryIndexes=[{"IndexName": "ByG", "KeySchema": [
                                {"AttributeName": "G", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}])
        for s in range(0, count, 25):
            pending = {"Loaded": [{"PutRequest": {"Item": {"PK": {"S": "U#%d" % i}, "G": {"S": "G%d" % (i % 100)},
                                                           "Data": {"S": "x" * 150}}}}
                                  for i in range(s, min(s + 25, count))]}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")
    finally:
        process.terminate()
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--load", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary", default="build/townhall")
    parser.add_argument("--serve", action="store_true", help="time townhall serve (GET /healthz)")
    args = parser.parse_args()
    global SERVE
    SERVE = args.serve
    if args.load:
        load(args.binary, args.data, args.load)
    for _ in range(args.runs):
        started = time.perf_counter()
        process = start(args.binary, args.data)
        first_answer()
        print("first answer after %.3f s" % (time.perf_counter() - started))
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
