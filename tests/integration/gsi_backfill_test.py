#!/usr/bin/python3
"""Adding a GSI to a table that already has items, through boto3.

A table over townhall's copy threshold (10,000 items) answers UpdateTable at
once with the index CREATING and Backfilling, refuses to read the index
until the copy is done, takes writes meanwhile (and indexes them), and ends
with an ACTIVE index that holds every item with the key attribute. A small
table's index is ACTIVE when UpdateTable answers, as in DynamoDB Local.
"""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402

try:
    import boto3
    import botocore.config
    import botocore.exceptions
    HAVE_BOTO3 = True
except ImportError:
    HAVE_BOTO3 = False

ITEMS = 20000


def client_for(endpoint):
    return boto3.client("dynamodb", endpoint_url=endpoint.url, region_name="us-east-1",
                        aws_access_key_id="dummy", aws_secret_access_key="dummy",
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def load(client, table, count):
    client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}])
    for start in range(0, count, 25):
        # Every fourth item has no G: it stays out of the index.
        requests = [{"PutRequest": {"Item": dict({"PK": {"S": "U#%d" % i}, "Data": {"S": "x" * 100}},
                                                 **({"G": {"S": "G%d" % (i % 10)}} if i % 4 else {}))}}
                    for i in range(start, min(start + 25, count))]
        pending = {table: requests}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")


def add_index(client, table):
    return client.update_table(
        TableName=table, AttributeDefinitions=[{"AttributeName": "G", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "ByG", "KeySchema": [{"AttributeName": "G", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])["TableDescription"]["GlobalSecondaryIndexes"][0]


def query_all(client, table, group):
    keys, start = [], None
    while True:
        args = dict(TableName=table, IndexName="ByG", KeyConditionExpression="G = :g",
                    ExpressionAttributeValues={":g": {"S": group}})
        if start:
            args["ExclusiveStartKey"] = start
        page = client.query(**args)
        keys += [item["PK"]["S"] for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return keys


class GsiBackfillTest(unittest.TestCase):
    def setUp(self):
        townhall.require("python3-boto3", HAVE_BOTO3)

    def test_large_table_copies_in_the_background_while_writes_go_on(self):
        with townhall.dynamodb() as endpoint:
            client = client_for(endpoint)
            load(client, "Big", ITEMS)
            stop = threading.Event()
            written = []

            def writer():
                own = client_for(endpoint)
                i = 0
                while not stop.is_set():
                    own.put_item(TableName="Big", Item={"PK": {"S": "W#%d" % i}, "G": {"S": "G3"}})
                    written.append(i)
                    i += 1

            thread = threading.Thread(target=writer)
            thread.start()
            try:
                index = add_index(client, "Big")
                self.assertEqual(index["IndexStatus"], "CREATING")
                self.assertTrue(index["Backfilling"])
                writes_at_start = len(written)
                with self.assertRaises(botocore.exceptions.ClientError) as refused:
                    client.query(TableName="Big", IndexName="ByG", KeyConditionExpression="G = :g",
                                 ExpressionAttributeValues={":g": {"S": "G1"}})
                self.assertEqual(refused.exception.response["Error"]["Code"], "ValidationException")
                self.assertEqual(refused.exception.response["Error"]["Message"],
                                 "Cannot read from backfilling global secondary index: ByG")
                deadline = time.monotonic() + 120
                while True:
                    index = client.describe_table(TableName="Big")["Table"]["GlobalSecondaryIndexes"][0]
                    if index["IndexStatus"] == "ACTIVE":
                        break
                    self.assertLess(time.monotonic(), deadline, "the index never became ACTIVE")
                    time.sleep(0.05)
                self.assertGreater(len(written), writes_at_start, "no write went through during the copy")
            finally:
                stop.set()
                thread.join()
            self.assertFalse(index.get("Backfilling", False))
            group3 = query_all(client, "Big", "G3")
            expected = {"U#%d" % i for i in range(ITEMS) if i % 4 and i % 10 == 3}
            expected |= {"W#%d" % i for i in written}
            self.assertEqual(sorted(group3), sorted(expected))
            index = client.describe_table(TableName="Big")["Table"]["GlobalSecondaryIndexes"][0]
            self.assertEqual(index["ItemCount"], ITEMS - (ITEMS + 3) // 4 + len(written))

    def test_small_table_index_is_active_when_update_table_answers(self):
        with townhall.dynamodb() as endpoint:
            client = client_for(endpoint)
            load(client, "Small", 200)
            index = add_index(client, "Small")
            self.assertEqual(index["IndexStatus"], "ACTIVE")
            self.assertEqual(index["ItemCount"], sum(1 for i in range(200) if i % 4))
            self.assertEqual(sorted(query_all(client, "Small", "G2")),
                             sorted("U#%d" % i for i in range(200) if i % 4 and i % 10 == 2))


if __name__ == "__main__":
    townhall.main()
