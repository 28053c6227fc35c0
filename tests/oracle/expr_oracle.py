#!/usr/bin/python3
"""Asks DynamoDB Local how it answers expressions, to compare with ours.

Usage: expr_oracle.py [PORT] < cases.txt
Each input line is a JSON object: {"op": "update"|"put"|"query"|"scan"|"get"|"delete",
"item": {...} (stored first, low-level JSON), "args": {... request parameters ...}}.
Prints one line per case: the error type and message, or the response.
Table "expr": hash key pk (S), range key sk (S).
"""
import json
import sys

import boto3
import botocore
import botocore.config

port = sys.argv[1] if len(sys.argv) > 1 else "8101"
client = boto3.client("dynamodb", endpoint_url=f"http://localhost:{port}", region_name="us-east-1",
                      aws_access_key_id="x", aws_secret_access_key="x",
                      config=botocore.config.Config(parameter_validation=False))
try:
    client.create_table(TableName="expr", BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                   {"AttributeName": "sk", "KeyType": "RANGE"}])
except client.exceptions.ResourceInUseException:
    pass

KEY = {"pk": {"S": "k"}, "sk": {"S": "s"}}
OPS = {"update": client.update_item, "put": client.put_item, "query": client.query,
       "scan": client.scan, "get": client.get_item, "delete": client.delete_item}

for line in sys.stdin:
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    case = json.loads(line)
    client.delete_item(TableName="expr", Key=KEY)
    if "item" in case:
        item = dict(case["item"])
        item.update(KEY)
        client.put_item(TableName="expr", Item=item)
    args = dict(case.get("args", {}))
    args["TableName"] = "expr"
    op = case.get("op", "update")
    if op in ("update", "get", "delete") and "Key" not in args:
        args["Key"] = KEY
    if op == "put" and "Item" not in args:
        args["Item"] = KEY
    try:
        r = OPS[op](**args)
        r.pop("ResponseMetadata", None)
        after = client.get_item(TableName="expr", Key=KEY).get("Item")
        if after:
            for k in KEY:
                after.pop(k, None)
        print("OK", json.dumps(r, default=str), "ITEM", json.dumps(after, default=str))
    except botocore.exceptions.ClientError as e:
        print(e.response["Error"]["Code"], "|", e.response["Error"]["Message"])
    except botocore.exceptions.ParamValidationError as e:
        print("ParamValidation |", str(e).replace("\n", " "))
    sys.stdout.flush()
