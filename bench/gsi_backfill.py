#!/usr/bin/python3
"""What adding a GSI to a loaded table costs the writes meanwhile.

Loads N items (~200 bytes) into a table over the DynamoDB endpoint, starts a
writer that puts items one at a time and records each PutItem's latency,
adds a GSI with UpdateTable and waits until DescribeTable shows it ACTIVE.
Prints the time to ACTIVE and the writer's latencies during the copy.

Usage: bench/gsi_backfill.py [--endpoint http://127.0.0.1:8000] [--items 100000]
Against: townhall serve --dynamodb-listen 127.0.0.1:8000 --data-dir DIR ...
"""
import argparse
import statistics
import threading
import time

import boto3
import botocore.config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", default="http://127.0.0.1:8000")
    parser.add_argument("--items", type=int, default=100000)
    args = parser.parse_args()
    client = boto3.client("dynamodb", endpoint_url=args.endpoint, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x",
                          config=botocore.config.Config(max_pool_connections=4))
    table = "Backfill%d" % int(time.time())
    client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}])
    payload = "x" * 150
    started = time.time()
    for start in range(0, args.items, 25):
        requests = [{"PutRequest": {"Item": {"PK": {"S": "U#%d" % i}, "G": {"S": "G%d" % (i % 100)},
                                             "Data": {"S": payload}}}}
                    for i in range(start, min(start + 25, args.items))]
        pending = {table: requests}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")
    print("loaded %d items in %.1f s" % (args.items, time.time() - started))

    latencies = []  # (start time, seconds)
    stop = threading.Event()

    def writer():
        i = 0
        while not stop.is_set():
            t = time.perf_counter()
            client.put_item(TableName=table, Item={"PK": {"S": "W#%d" % i}, "G": {"S": "G1"},
                                                   "Data": {"S": payload}})
            latencies.append((t, time.perf_counter() - t))
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(1)
    copy_start = time.perf_counter()
    answer = client.update_table(
        TableName=table, AttributeDefinitions=[{"AttributeName": "G", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "ByG", "KeySchema": [
            {"AttributeName": "G", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}}])
    answered = time.perf_counter()
    status = answer["TableDescription"]["GlobalSecondaryIndexes"][0]["IndexStatus"]
    while status != "ACTIVE":
        time.sleep(0.01)
        status = client.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"]
    active = time.perf_counter()
    time.sleep(0.5)
    stop.set()
    thread.join()
    during = sorted(s for t, s in latencies if copy_start <= t <= active)
    before = sorted(s for t, s in latencies if t < copy_start)
    count = client.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"][0]["ItemCount"]
    print("UpdateTable answered in %.3f s (%s); ACTIVE after %.3f s; index ItemCount %d"
          % (answered - copy_start, answer["TableDescription"]["GlobalSecondaryIndexes"][0]["IndexStatus"],
             active - copy_start, count))

    def describe(name, values):
        if not values:
            print("%s: no writes" % name)
            return
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print("%s: %d puts, median %.2f ms, p99 %.2f ms, max %.2f ms" % (
            name, len(values), statistics.median(values) * 1e3, p99 * 1e3, values[-1] * 1e3))

    describe("writes before the copy", before)
    describe("writes during the copy", during)


if __name__ == "__main__":
    main()
