#!/usr/bin/python3
"""The Debian AWS CLI (`aws dynamodb ... --endpoint-url`) against townhall dynamodb:
tables are created, described, listed and deleted; items are put, read,
updated, queried, scanned and deleted, as a user would from a shell."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402

AWS = "/usr/bin/aws"


class AwsCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        townhall.require("awscli (/usr/bin/aws)", shutil.which(AWS) is not None)
        cls.home = tempfile.TemporaryDirectory()
        cls.env = dict(os.environ, AWS_ACCESS_KEY_ID="dummy", AWS_SECRET_ACCESS_KEY="dummy",
                       AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", HOME=cls.home.name,
                       AWS_CONFIG_FILE=os.path.join(cls.home.name, "config"),
                       AWS_SHARED_CREDENTIALS_FILE=os.path.join(cls.home.name, "credentials"),
                       AWS_EC2_METADATA_DISABLED="true")

    @classmethod
    def tearDownClass(cls):
        cls.home.cleanup()

    def aws(self, *args, check=True):
        result = subprocess.run([AWS, "dynamodb", *args, "--endpoint-url", self.endpoint.url, "--output", "json"],
                                capture_output=True, text=True, env=self.env, timeout=60)
        if check:
            self.assertEqual(result.returncode, 0, f"aws dynamodb {' '.join(args)}:\n{result.stderr}")
            return json.loads(result.stdout) if result.stdout.strip() else {}
        return result

    def test_tables_and_items(self):
        with townhall.dynamodb() as self.endpoint:
            created = self.aws("create-table", "--table-name", "notes",
                               "--attribute-definitions", "AttributeName=PK,AttributeType=S",
                               "AttributeName=SK,AttributeType=S",
                               "--key-schema", "AttributeName=PK,KeyType=HASH", "AttributeName=SK,KeyType=RANGE",
                               "--billing-mode", "PAY_PER_REQUEST")
            self.assertEqual(created["TableDescription"]["TableName"], "notes")
            self.aws("wait", "table-exists", "--table-name", "notes")
            described = self.aws("describe-table", "--table-name", "notes")["Table"]
            self.assertEqual(described["TableStatus"], "ACTIVE")
            self.assertEqual(described["KeySchema"], [{"AttributeName": "PK", "KeyType": "HASH"},
                                                      {"AttributeName": "SK", "KeyType": "RANGE"}])
            self.assertEqual(self.aws("list-tables")["TableNames"], ["notes"])

            for i in range(1, 4):
                self.aws("put-item", "--table-name", "notes", "--item",
                         json.dumps({"PK": {"S": "USER#1"}, "SK": {"S": f"NOTE#{i}"}, "Text": {"S": f"note {i}"},
                                     "Views": {"N": "0"}}))
            self.aws("put-item", "--table-name", "notes", "--item",
                     json.dumps({"PK": {"S": "USER#2"}, "SK": {"S": "NOTE#1"}, "Text": {"S": "other"}}))

            got = self.aws("get-item", "--table-name", "notes", "--key",
                           json.dumps({"PK": {"S": "USER#1"}, "SK": {"S": "NOTE#2"}}))
            self.assertEqual(got["Item"]["Text"], {"S": "note 2"})

            updated = self.aws("update-item", "--table-name", "notes", "--key",
                               json.dumps({"PK": {"S": "USER#1"}, "SK": {"S": "NOTE#2"}}),
                               "--update-expression", "SET #views = #views + :one, #tags = :tags",
                               "--expression-attribute-names", json.dumps({"#views": "Views", "#tags": "Tags"}),
                               "--expression-attribute-values", json.dumps({":one": {"N": "1"},
                                                                            ":tags": {"SS": ["a", "b"]}}),
                               "--return-values", "UPDATED_NEW")
            self.assertEqual(updated["Attributes"]["Views"], {"N": "1"})
            self.assertEqual(sorted(updated["Attributes"]["Tags"]["SS"]), ["a", "b"])

            queried = self.aws("query", "--table-name", "notes",
                               "--key-condition-expression", "PK = :pk AND begins_with(SK, :prefix)",
                               "--expression-attribute-values",
                               json.dumps({":pk": {"S": "USER#1"}, ":prefix": {"S": "NOTE#"}}),
                               "--no-scan-index-forward")
            self.assertEqual([i["SK"]["S"] for i in queried["Items"]], ["NOTE#3", "NOTE#2", "NOTE#1"])
            self.assertEqual(queried["Count"], 3)

            # The CLI pages through a scan by itself (--page-size 1: one item per request).
            scanned = self.aws("scan", "--table-name", "notes", "--page-size", "1")
            self.assertEqual(scanned["Count"], 4)
            self.assertEqual(sorted((i["PK"]["S"], i["SK"]["S"]) for i in scanned["Items"]),
                             [("USER#1", "NOTE#1"), ("USER#1", "NOTE#2"), ("USER#1", "NOTE#3"),
                              ("USER#2", "NOTE#1")])
            filtered = self.aws("scan", "--table-name", "notes", "--filter-expression", "#views > :zero",
                                "--expression-attribute-names", json.dumps({"#views": "Views"}),
                                "--expression-attribute-values", json.dumps({":zero": {"N": "0"}}))
            self.assertEqual([i["SK"]["S"] for i in filtered["Items"]], ["NOTE#2"])

            self.aws("delete-item", "--table-name", "notes", "--key",
                     json.dumps({"PK": {"S": "USER#1"}, "SK": {"S": "NOTE#1"}}))
            gone = self.aws("get-item", "--table-name", "notes", "--key",
                            json.dumps({"PK": {"S": "USER#1"}, "SK": {"S": "NOTE#1"}}))
            self.assertNotIn("Item", gone)

            failed = self.aws("put-item", "--table-name", "notes", "--item",
                              json.dumps({"PK": {"S": "USER#1"}, "SK": {"S": "NOTE#2"}}),
                              "--condition-expression", "attribute_not_exists(PK)", check=False)
            self.assertNotEqual(failed.returncode, 0)
            self.assertIn("ConditionalCheckFailedException", failed.stderr)

            self.aws("delete-table", "--table-name", "notes")
            self.aws("wait", "table-not-exists", "--table-name", "notes")
            self.assertEqual(self.aws("list-tables")["TableNames"], [])
            missing = self.aws("describe-table", "--table-name", "notes", check=False)
            self.assertIn("ResourceNotFoundException", missing.stderr)


if __name__ == "__main__":
    townhall.main()
