"""DynamoDB Streams through the boto3 `dynamodbstreams` client and the AWS
CLI, unmodified, against `townhall dynamodb`.

The main case is differential: one scenario (enable a stream, write through
every kind of write, read the shard every way, disable, enable again, delete
the table, and a list of invalid requests) runs against townhall and against
DynamoDB Local, and what each answers is compared after naming what must
differ (ARNs carry creation times, sequence numbers are only ordered). Where
DynamoDB Local departs from DynamoDB's documentation, townhall follows the
documentation and the case says so.

Then what only townhall can show here: Time to Live deletions as REMOVE
records from the service; concurrent writers, each acknowledged write exactly
one record, in item order, with a reader polling meanwhile that misses none;
records surviving kill -9."""
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402

try:
    import boto3
    import botocore
    from botocore.config import Config
except ImportError:  # fails under CI=true, reports skipped elsewhere
    boto3 = None

AWS = "/usr/bin/aws"
THROUGHPUT = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}


def clients(url):
    kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="dummy", aws_secret_access_key="dummy",
              config=Config(retries={"max_attempts": 1}, parameter_validation=False))
    return boto3.client("dynamodb", **kw), boto3.client("dynamodbstreams", **kw)


def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return {"error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}
    return {"error": None}


def create(db, name, view=None, range_key=True, enabled=True):
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}]
    if range_key:
        keys.append({"AttributeName": "sk", "KeyType": "RANGE"})
        definitions.append({"AttributeName": "sk", "AttributeType": "N"})
    spec = {"StreamEnabled": enabled}
    if view:
        spec["StreamViewType"] = view
    return db.create_table(TableName=name, KeySchema=keys, AttributeDefinitions=definitions,
                           ProvisionedThroughput=THROUGHPUT, StreamSpecification=spec)


def read_all(streams, iterator, limit=None):
    """Every record from iterator on, page by page, and the last NextShardIterator."""
    records = []
    while iterator:
        page = streams.get_records(ShardIterator=iterator, **({"Limit": limit} if limit else {}))
        records += page["Records"]
        iterator = page.get("NextShardIterator")
        if not page["Records"]:
            break
    return records, iterator


def shard_of(streams, arn):
    return streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]


def iterator(streams, arn, kind, sequence=None):
    shard = shard_of(streams, arn)["ShardId"]
    extra = {"SequenceNumber": sequence} if sequence else {}
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind, **extra)["ShardIterator"]


class Names:
    """Replaces what must differ between peers (ARNs, labels, shard ids) by
    the order in which the scenario first saw them."""

    def __init__(self):
        self.seen = {}

    def __call__(self, value, kind):
        return self.seen.setdefault((kind, value), "%s#%d" % (kind, len([k for k in self.seen if k[0] == kind])))


def records_view(test, records, started):
    """The records with eventID, the time and sequence numbers checked here and
    taken out (they differ by design); what stays must be equal."""
    ids = [r["eventID"] for r in records]
    test.assertEqual(len(ids), len(set(ids)), "eventIDs are unique")
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    test.assertEqual(numbers, sorted(set(numbers)), "sequence numbers increase")
    out = []
    for r in records:
        r = dict(r, dynamodb=dict(r["dynamodb"]))
        data = r["dynamodb"]
        # boto3 reads it as a datetime. The documentation rounds it down to the
        # second, as townhall does; DynamoDB Local rounds down to the minute.
        created = data.pop("ApproximateCreationDateTime").timestamp()
        test.assertTrue(started - 61 <= created <= time.time(), r)
        test.assertGreaterEqual(len(data.pop("SequenceNumber")), 21)
        r.pop("eventID")
        out.append(r)
    return out


def scenario(test, url, prefix):
    """Runs the scenario on one endpoint; returns what it saw, normalized."""
    db, streams = clients(url)
    names = Names()
    started = time.time()
    seen = {}

    def arn_name(arn):
        return names(arn, "ARN")

    table = prefix + "main"
    described = create(db, table, "NEW_AND_OLD_IMAGES")["TableDescription"]
    arn = described["LatestStreamArn"]
    test.assertEqual(arn, described["TableArn"] + "/stream/" + described["LatestStreamLabel"])
    seen["create"] = {"spec": described["StreamSpecification"], "arn": arn_name(arn)}
    listed = streams.list_streams(TableName=table)
    seen["list"] = [{"arn": arn_name(s["StreamArn"]), "table": s["TableName"]} for s in listed["Streams"]]
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    seen["describe"] = {k: description[k] for k in ("StreamStatus", "StreamViewType", "TableName", "KeySchema")}
    seen["describe_shards"] = [sorted(s["SequenceNumberRange"]) for s in description["Shards"]]
    latest = iterator(streams, arn, "LATEST")

    item = {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "x"}}
    db.put_item(TableName=table, Item=item)
    db.put_item(TableName=table, Item=item)  # the same item again: changes nothing, no record
    db.put_item(TableName=table, Item=dict(item, v={"S": "y"}, n={"N": "5"}))
    db.update_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}}, UpdateExpression="SET n = :n",
                   ExpressionAttributeValues={":n": {"N": "5"}})  # no change: no record
    db.update_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}}, UpdateExpression="ADD n :n",
                   ExpressionAttributeValues={":n": {"N": "1"}})
    seen["failed condition"] = error_of(lambda: db.put_item(TableName=table, Item=item,
                                                            ConditionExpression="attribute_not_exists(pk)"))
    db.delete_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})
    db.delete_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})  # nothing there: no record
    db.batch_write_item(RequestItems={table: [
        {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "1"}, "bin": {"B": b"\x00\x01"}}}},
        {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "2"}, "set": {"SS": ["p", "q"]}}}}]})
    db.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": {"S": "t"}, "sk": {"N": "1"}, "m": {"M": {"k": {"L": []}}}}}},
        {"Update": {"TableName": table, "Key": {"pk": {"S": "b"}, "sk": {"N": "1"}}, "UpdateExpression": "REMOVE bin"}},
        {"Delete": {"TableName": table, "Key": {"pk": {"S": "b"}, "sk": {"N": "2"}}}}])
    seen["cancelled transaction"] = error_of(lambda: db.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": {"S": "never"}, "sk": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "t"}, "sk": {"N": "1"}},
                            "ConditionExpression": "attribute_not_exists(pk)"}}]))["error"]
    db.update_item(TableName=table, Key={"pk": {"S": "u"}, "sk": {"N": "0"}}, UpdateExpression="REMOVE nothing")

    everything, after_all = read_all(streams, iterator(streams, arn, "TRIM_HORIZON"))
    seen["records"] = records_view(test, everything, started)
    paged, _ = read_all(streams, iterator(streams, arn, "TRIM_HORIZON"), limit=2)
    test.assertEqual([r["eventID"] for r in paged], [r["eventID"] for r in everything], "pages of 2 read the same")
    from_latest, _ = read_all(streams, latest)
    test.assertEqual([r["eventID"] for r in from_latest], [r["eventID"] for r in everything],
                     "an iterator taken before the writes reads them all")
    second = everything[1]["dynamodb"]["SequenceNumber"]
    at, _ = read_all(streams, iterator(streams, arn, "AT_SEQUENCE_NUMBER", second))
    after, _ = read_all(streams, iterator(streams, arn, "AFTER_SEQUENCE_NUMBER", second))
    seen["at second"] = len(at)
    seen["after second"] = len(after)
    test.assertEqual(at[0]["eventID"], everything[1]["eventID"])
    seen["empty read keeps an iterator"] = streams.get_records(ShardIterator=after_all).get("NextShardIterator") is not None

    # A LATEST iterator sees what comes after it, and nothing before.
    latest = iterator(streams, arn, "LATEST")
    db.put_item(TableName=table, Item={"pk": {"S": "late"}, "sk": {"N": "9"}})
    late, _ = read_all(streams, latest)
    seen["after latest"] = [r["dynamodb"]["Keys"] for r in late]

    seen["errors"] = {
        "bad iterator": error_of(lambda: streams.get_records(ShardIterator="garbage" * 4)),
        "empty iterator": error_of(lambda: streams.get_records(ShardIterator="")),
        "records limit 0": error_of(lambda: streams.get_records(ShardIterator=after_all, Limit=0)),
        "records limit 1001": error_of(lambda: streams.get_records(ShardIterator=after_all, Limit=1001)),
        "iterator type": error_of(lambda: streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard_of(streams, arn)["ShardId"], ShardIteratorType="BOGUS")),
        "unknown shard": error_of(lambda: streams.get_shard_iterator(
            StreamArn=arn, ShardId="shardId-00000001796666675405-00000000", ShardIteratorType="LATEST")),
        "unknown stream": error_of(lambda: streams.get_shard_iterator(
            StreamArn=arn + "0", ShardId=shard_of(streams, arn)["ShardId"], ShardIteratorType="LATEST")),
        "short sequence": error_of(lambda: iterator(streams, arn, "AT_SEQUENCE_NUMBER", "12")),
        "no sequence": error_of(lambda: iterator(streams, arn, "AFTER_SEQUENCE_NUMBER")),
        "sequence with LATEST": error_of(lambda: iterator(streams, arn, "LATEST", second)),
        "list limit 0": error_of(lambda: streams.list_streams(Limit=0)),
        "list limit 101": error_of(lambda: streams.list_streams(Limit=101)),
        "describe limit 0": error_of(lambda: streams.describe_stream(StreamArn=arn, Limit=0)),
        "describe limit 101": error_of(lambda: streams.describe_stream(StreamArn=arn, Limit=101)),
        "describe unknown": error_of(lambda: streams.describe_stream(StreamArn="arn:aws:dynamodb:ddblocal:000000000000:table/x/stream/y")),
        "enable twice": error_of(lambda: db.update_table(
            TableName=table, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})),
        "enable without view": error_of(lambda: create(db, prefix + "noview")),
        "disabled with view": error_of(lambda: create(db, prefix + "withview", "KEYS_ONLY", enabled=False)),
        "bogus view": error_of(lambda: create(db, prefix + "bogus", "BOGUS")),
    }
    seen["list unknown table"] = streams.list_streams(TableName=prefix + "nothing")["Streams"]
    seen["describe past the shard"] = streams.describe_stream(
        StreamArn=arn, ExclusiveStartShardId=shard_of(streams, arn)["ShardId"])["StreamDescription"]["Shards"]

    # Disabled: the shard closes at its last record and reads to its end.
    disabled = db.update_table(TableName=table, StreamSpecification={"StreamEnabled": False})["TableDescription"]
    seen["disabled table"] = {"spec": disabled.get("StreamSpecification"), "latest": arn_name(disabled["LatestStreamArn"])}
    closed = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    seen["closed"] = closed["StreamStatus"]
    ending = closed["Shards"][0]["SequenceNumberRange"]["EndingSequenceNumber"]
    seen["ends at the last record"] = int(ending) == int(late[-1]["dynamodb"]["SequenceNumber"])
    closed_read, next_iterator = read_all(streams, iterator(streams, arn, "TRIM_HORIZON"))
    seen["closed read"] = {"records": len(closed_read), "next": next_iterator}
    seen["disable twice"] = error_of(lambda: db.update_table(TableName=table, StreamSpecification={"StreamEnabled": False}))

    # Enabled again: a new stream (a new ARN); the old one stays readable.
    again = db.update_table(TableName=table, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    new_arn = again["TableDescription"]["LatestStreamArn"]
    test.assertNotEqual(new_arn, arn)
    seen["enabled again"] = arn_name(new_arn)
    seen["both listed, newest first"] = [arn_name(s["StreamArn"]) for s in streams.list_streams(TableName=table)["Streams"]]
    page = streams.list_streams(TableName=table, Limit=1)
    seen["list page"] = {"streams": [arn_name(s["StreamArn"]) for s in page["Streams"]],
                         "last": arn_name(page["LastEvaluatedStreamArn"])}
    rest = streams.list_streams(TableName=table, ExclusiveStartStreamArn=page["LastEvaluatedStreamArn"])
    seen["list rest"] = [arn_name(s["StreamArn"]) for s in rest["Streams"]]
    db.put_item(TableName=table, Item={"pk": {"S": "keys"}, "sk": {"N": "1"}, "other": {"S": "dropped by KEYS_ONLY"}})
    seen["keys only"] = records_view(test, read_all(streams, iterator(streams, new_arn, "TRIM_HORIZON"))[0], started)
    seen["old stream still readable"] = len(read_all(streams, iterator(streams, arn, "TRIM_HORIZON"))[0])

    # The other views, on a table without a sort key.
    for view in ("NEW_IMAGE", "OLD_IMAGE"):
        name = prefix + view.lower()
        view_arn = create(db, name, view, range_key=False)["TableDescription"]["LatestStreamArn"]
        db.put_item(TableName=name, Item={"pk": {"S": "k"}, "a": {"N": "1"}})
        db.put_item(TableName=name, Item={"pk": {"S": "k"}, "a": {"N": "2"}})
        db.delete_item(TableName=name, Key={"pk": {"S": "k"}})
        seen[view] = records_view(test, read_all(streams, iterator(streams, view_arn, "TRIM_HORIZON"))[0], started)

    # A deleted table's stream stays, closed.
    db.delete_table(TableName=table)
    seen["after delete"] = [(arn_name(s["StreamArn"]), streams.describe_stream(StreamArn=s["StreamArn"])
                             ["StreamDescription"]["StreamStatus"]) for s in streams.list_streams(TableName=table)["Streams"]]
    return seen


class StreamsTest(unittest.TestCase):
    def setUp(self):
        townhall.require("python3-boto3", boto3 is not None)

    def test_same_answers_as_dynamodb_local(self):
        with townhall.dynamodb() as endpoint:
            ours = scenario(self, endpoint.url, "s")
        local = townhall.DynamoDBLocal()
        try:
            theirs = scenario(self, local.endpoint, "s")
        finally:
            local.stop()
        self.maxDiff = None
        for key in theirs:
            self.assertEqual(ours[key], theirs[key], key)
        self.assertEqual(sorted(ours), sorted(theirs))

    def test_time_to_live_deletions_are_records_from_the_service(self):
        with townhall.dynamodb() as endpoint:
            db, streams = clients(endpoint.url)
            arn = create(db, "ttl", "OLD_IMAGE", range_key=False)["TableDescription"]["LatestStreamArn"]
            db.update_time_to_live(TableName="ttl", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
            expired = str(int(time.time()) - 10)
            db.put_item(TableName="ttl", Item={"pk": {"S": "gone"}, "exp": {"N": expired}})
            db.put_item(TableName="ttl", Item={"pk": {"S": "mine"}})
            db.delete_item(TableName="ttl", Key={"pk": {"S": "mine"}})
            deadline = time.monotonic() + 10
            removed = []
            while time.monotonic() < deadline and len(removed) < 2:
                records = read_all(streams, iterator(streams, arn, "TRIM_HORIZON"))[0]
                removed = [r for r in records if r["eventName"] == "REMOVE"]
                time.sleep(0.1)
            self.assertEqual(len(removed), 2, removed)
            by_key = {r["dynamodb"]["Keys"]["pk"]["S"]: r for r in removed}
            self.assertEqual(by_key["gone"]["userIdentity"], {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"})
            self.assertEqual(by_key["gone"]["dynamodb"]["OldImage"], {"pk": {"S": "gone"}, "exp": {"N": expired}})
            self.assertNotIn("userIdentity", by_key["mine"], "a client's delete names nobody")

    def test_concurrent_writers_one_record_each_in_item_order(self):
        writers, per_writer, keys = 8, 150, 10
        with townhall.dynamodb() as endpoint:
            db, streams = clients(endpoint.url)
            arn = create(db, "busy", "NEW_IMAGE", range_key=False)["TableDescription"]["LatestStreamArn"]
            polled, stop = [], threading.Event()
            start_iterator = iterator(streams, arn, "TRIM_HORIZON")

            def poll():
                _, reader = clients(endpoint.url)
                position = start_iterator
                while True:
                    done = stop.is_set()
                    page = reader.get_records(ShardIterator=position)
                    polled.extend(page["Records"])
                    position = page["NextShardIterator"]
                    if done and not page["Records"]:
                        return

            def write(n):
                client, _ = clients(endpoint.url)
                for i in range(per_writer):
                    client.update_item(TableName="busy", Key={"pk": {"S": "k%d" % ((n + i) % keys)}},
                                       UpdateExpression="ADD c :one", ExpressionAttributeValues={":one": {"N": "1"}})

            reader = threading.Thread(target=poll)
            reader.start()
            with concurrent.futures.ThreadPoolExecutor(writers) as pool:
                list(pool.map(write, range(writers)))
            stop.set()
            reader.join(60)
            final = read_all(streams, iterator(streams, arn, "TRIM_HORIZON"))[0]
            self.assertEqual(len(final), writers * per_writer)
            self.assertEqual([r["eventID"] for r in polled], [r["eventID"] for r in final],
                             "a reader polling during the writes saw every record, once, in order")
            counts = {}
            for r in final:
                key = r["dynamodb"]["Keys"]["pk"]["S"]
                counts[key] = counts.get(key, 0) + 1
                self.assertEqual(r["dynamodb"]["NewImage"]["c"]["N"], str(counts[key]), "each item's records in order")

    def test_records_survive_kill_9(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            with townhall.dynamodb(data_dir=data) as endpoint:
                db, streams = clients(endpoint.url)
                arn = create(db, "durable", "KEYS_ONLY", range_key=False)["TableDescription"]["LatestStreamArn"]
                for i in range(200):
                    db.put_item(TableName="durable", Item={"pk": {"S": "k%03d" % i}})
                before = read_all(streams, iterator(streams, arn, "TRIM_HORIZON"))[0]
                endpoint.kill()
            with townhall.dynamodb(data_dir=data) as endpoint:
                db, streams = clients(endpoint.url)
                after = read_all(streams, iterator(streams, arn, "TRIM_HORIZON"))[0]
                self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in after], ["k%03d" % i for i in range(200)])
                self.assertEqual([r["eventID"] for r in after], [r["eventID"] for r in before])
                db.put_item(TableName="durable", Item={"pk": {"S": "new"}})
                newest = read_all(streams, iterator(streams, arn, "TRIM_HORIZON"))[0][-1]
                self.assertGreater(int(newest["dynamodb"]["SequenceNumber"]),
                                   int(after[-1]["dynamodb"]["SequenceNumber"]))

    def test_aws_cli(self):
        townhall.require("awscli (/usr/bin/aws)", shutil.which(AWS) is not None)
        with townhall.dynamodb() as endpoint, tempfile.TemporaryDirectory() as home:
            db, _ = clients(endpoint.url)
            create(db, "cli", "NEW_IMAGE", range_key=False)
            db.put_item(TableName="cli", Item={"pk": {"S": "from boto3"}})
            env = dict(os.environ, AWS_ACCESS_KEY_ID="dummy", AWS_SECRET_ACCESS_KEY="dummy",
                       AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", HOME=home, AWS_EC2_METADATA_DISABLED="true",
                       AWS_CONFIG_FILE=os.path.join(home, "config"),
                       AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "credentials"))

            def aws(*args):
                result = subprocess.run([AWS, "dynamodbstreams", *args, "--endpoint-url", endpoint.url, "--output",
                                         "json"], capture_output=True, text=True, env=env, timeout=60)
                self.assertEqual(result.returncode, 0, result.stderr)
                return json.loads(result.stdout)

            arn = aws("list-streams", "--table-name", "cli")["Streams"][0]["StreamArn"]
            shard = aws("describe-stream", "--stream-arn", arn)["StreamDescription"]["Shards"][0]["ShardId"]
            it = aws("get-shard-iterator", "--stream-arn", arn, "--shard-id", shard,
                     "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
            records = aws("get-records", "--shard-iterator", it)["Records"]
            self.assertEqual([r["dynamodb"]["NewImage"] for r in records], [{"pk": {"S": "from boto3"}}])


if __name__ == "__main__":
    unittest.main()
