"""Time to Live as applications use it, through boto3: UpdateTimeToLive on
`townhall dynamodb`, then expired items (a Number of epoch seconds in the
past) disappear by themselves within seconds, from the table and its index,
while items not yet expired, with a non-Number value, or without the
attribute stay. And the chat: `townhall serve` turns TTL on for its table
(ExpiresAt), so an expired session leaves the store."""
import os
import sys
import tempfile
import time
import unittest

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402

try:
    import boto3
    import botocore
except ImportError:  # fails under CI=true, reports skipped elsewhere
    boto3 = None


def client(url, key_id="dummy", secret="dummy"):
    return boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key_id,
                        aws_secret_access_key=secret, config=botocore.config.Config(retries={"max_attempts": 1}))


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return time.monotonic()
        time.sleep(0.05)
    return None


class TtlTest(unittest.TestCase):
    def setUp(self):
        townhall.require("python3-boto3", boto3 is not None)

    def test_expired_items_are_deleted_within_seconds(self):
        with townhall.dynamodb() as endpoint:
            db = client(endpoint.url)
            db.create_table(TableName="sessions", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                                  {"AttributeName": "owner", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                            GlobalSecondaryIndexes=[{"IndexName": "byOwner",
                                                     "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}],
                                                     "Projection": {"ProjectionType": "ALL"}}])
            self.assertEqual(db.describe_time_to_live(TableName="sessions")["TimeToLiveDescription"],
                             {"TimeToLiveStatus": "DISABLED"})
            answer = db.update_time_to_live(TableName="sessions", TimeToLiveSpecification={
                "Enabled": True, "AttributeName": "expires"})
            self.assertEqual(answer["TimeToLiveSpecification"], {"Enabled": True, "AttributeName": "expires"})
            self.assertEqual(db.describe_time_to_live(TableName="sessions")["TimeToLiveDescription"],
                             {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})
            with self.assertRaises(botocore.exceptions.ClientError) as again:
                db.update_time_to_live(TableName="sessions", TimeToLiveSpecification={
                    "Enabled": True, "AttributeName": "expires"})
            self.assertEqual(again.exception.response["Error"]["Code"], "ValidationException")

            now = int(time.time())
            items = {"expired": {"N": str(now - 60)}, "soon": {"N": str(now + 2)}, "later": {"N": str(now + 3600)},
                     "text": {"S": str(now - 60)}, "none": None}
            for key, expires in items.items():
                item = {"id": {"S": key}, "owner": {"S": "ann"}}
                if expires:
                    item["expires"] = expires
                db.put_item(TableName="sessions", Item=item)

            def ids():
                return sorted(i["id"]["S"] for i in db.scan(TableName="sessions")["Items"])

            start = time.monotonic()
            gone = wait_until(lambda: "expired" not in ids(), timeout=5)
            self.assertIsNotNone(gone, "the expired item is still there after 5 s")
            print("ttl: an expired item was deleted after %.2f s" % (gone - start))
            self.assertEqual(ids(), ["later", "none", "soon", "text"])
            # The one that expires in 2 s goes too, from the index as well.
            self.assertIsNotNone(wait_until(lambda: "soon" not in ids(), timeout=8))
            in_index = db.query(TableName="sessions", IndexName="byOwner", KeyConditionExpression="#o = :o",
                                ExpressionAttributeNames={"#o": "owner"},
                                ExpressionAttributeValues={":o": {"S": "ann"}})["Items"]
            self.assertEqual(sorted(i["id"]["S"] for i in in_index), ["later", "none", "text"])
            # Disabled: nothing more is deleted.
            db.update_time_to_live(TableName="sessions", TimeToLiveSpecification={
                "Enabled": False, "AttributeName": "expires"})
            db.put_item(TableName="sessions", Item={"id": {"S": "kept"}, "expires": {"N": str(now - 60)}})
            time.sleep(1.0)
            self.assertIn("kept", ids())

    def test_the_chat_turns_ttl_on_and_an_expired_session_leaves_the_store(self):
        with tempfile.TemporaryDirectory() as data:
            with townhall.Serve(["--data", data, "--dynamodb-listen", "127.0.0.1:0",
                                 "--dynamodb-credentials", "dummy:dummy"]) as serve:
                db = client(serve.dynamodb)
                self.assertEqual(db.describe_time_to_live(TableName="chat")["TimeToLiveDescription"],
                                 {"TimeToLiveStatus": "ENABLED", "AttributeName": "ExpiresAt"})
                r = requests.post(serve.chat + "/api/signup", timeout=30, json={
                    "name": "Tess", "email": "tess@ttl.example", "password": "12345678"})
                self.assertEqual(r.status_code, 201, r.text)
                token = r.json()["token"]
                headers = {"Authorization": "Bearer " + token}
                self.assertEqual(requests.get(serve.chat + "/api/me", headers=headers, timeout=10).status_code, 200)
                sessions = db.scan(TableName="chat", FilterExpression="begins_with(PK, :s)",
                                   ExpressionAttributeValues={":s": {"S": "SESSION#"}})["Items"]
                self.assertEqual(len(sessions), 1)
                key = {"PK": sessions[0]["PK"], "SK": sessions[0]["SK"]}
                # Its time comes (as it would after 30 days): the sweeper deletes it.
                db.update_item(TableName="chat", Key=key, UpdateExpression="SET ExpiresAt = :past",
                               ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}})
                self.assertIsNotNone(wait_until(lambda: "Item" not in db.get_item(TableName="chat", Key=key),
                                                timeout=5), "the expired session is still stored")
            # Restarted (no session cache): the token is refused.
            with townhall.Serve(["--data", data]) as serve:
                self.assertEqual(requests.get(serve.chat + "/api/me", headers=headers, timeout=10).status_code, 401)


if __name__ == "__main__":
    unittest.main()
