"""Seeds table "bench" on a DynamoDB endpoint for bench/peers/workload.lua.

    /usr/bin/python3 seed.py http://127.0.0.1:PORT
"""
import sys

import boto3

client = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1",
                      aws_access_key_id="dummy", aws_secret_access_key="dummy")
if "bench" not in client.list_tables()["TableNames"]:
    client.create_table(
        TableName="bench",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"},
                              {"AttributeName": "SK", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST")
    client.get_waiter("table_exists").wait(TableName="bench", WaiterConfig={"Delay": 1})
client.put_item(TableName="bench", Item={
    "PK": {"S": "USER#1"}, "SK": {"S": "PROFILE"}, "Name": {"S": "Alice"}, "Email": {"S": "alice@mail.com"},
    "Bio": {"S": "x" * 40}})
client.put_item(TableName="bench", Item={"PK": {"S": "CHAN#1"}, "SK": {"S": "META"}, "MessageCount": {"N": "0"}})
with_items = [{"PutRequest": {"Item": {
    "PK": {"S": "CHAN#1"}, "SK": {"S": f"MSG#{i:04d}"}, "Author": {"S": "USER#1"},
    "Msg": {"S": f"message {i} of the channel, about as long as a chat line"}}}} for i in range(50)]
for start in range(0, 50, 25):
    client.batch_write_item(RequestItems={"bench": with_items[start:start + 25]})
page = client.query(TableName="bench", KeyConditionExpression="PK = :p AND begins_with(SK, :m)",
                    ExpressionAttributeValues={":p": {"S": "CHAN#1"}, ":m": {"S": "MSG#"}})
assert page["Count"] == 50, page["Count"]
assert client.get_item(TableName="bench", Key={"PK": {"S": "USER#1"}, "SK": {"S": "PROFILE"}})["Item"]
