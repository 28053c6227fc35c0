"""PartiQL (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction)
through boto3 and the AWS CLI, unmodified, against `townhall dynamodb`.

Differential: the same statements, in the same order, go to townhall and to
DynamoDB Local, and each answer (items, or error code and message) must be
equal, except where DynamoDB Local departs from DynamoDB's documentation
(listed in DEVIATIONS with the reason; townhall follows the documentation) or
where it answers with details that cannot be the same (a Scan's order: items
are compared as sets unless the statement has ORDER BY or names the
partition key)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
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

# Statements, one per line, run in order: `P <statement> ;; <parameters JSON>`
# with parameters, `L <statement> ;; <limit>` paged with that Limit to the end.
STATEMENTS = r"""
INSERT INTO "tab" VALUE {'pk': 'a', 'sk': 1, 'v': 'x', 'n': 5, 'l': [1, 'two', TRUE], 'm': {'k': NULL}, 's': <<'p', 'q'>>, 'g': 'G1'}
INSERT INTO "tab" VALUE {'pk': 'a', 'sk': 1}
INSERT INTO tab VALUE {'pk': 'a', 'sk': 2, 'g': 'G1', 'n': 7}
P INSERT INTO "tab" VALUE {'pk': ?, 'sk': ?, 'b': ?} ;; [{"S": "b"}, {"N": "1"}, {"B": "AAE="}]
INSERT INTO "tab" VALUE {'pk': 'c'}
INSERT INTO "tab" VALUE {'pk': 'c', 'sk': 'x'}
INSERT INTO "tab" VALUE {'pk': 'neg', 'sk': -5, 'x': -1.5e3, 'ns': <<1, 2.5>>}
P INSERT INTO "tab" VALUE ? ;; [{"M": {"pk": {"S": "p"}, "sk": {"N": "1"}}}]
INSERT INTO "nope" VALUE {'pk': 'c', 'sk': 1}
SELECT * FROM "tab"
SELECT * FROM "tab" WHERE pk = 'a'
SELECT pk, sk, n FROM "tab" WHERE pk = 'a' AND sk > 1
SELECT * FROM "tab" WHERE pk = 'a' AND sk BETWEEN 1 AND 1
SELECT * FROM "tab" WHERE pk = 'a' ORDER BY sk DESC
SELECT * FROM "tab" WHERE pk = 'a' ORDER BY sk
SELECT * FROM "tab" WHERE n > 5
SELECT * FROM "tab" WHERE begins_with(pk, 'a')
SELECT * FROM "tab" WHERE pk IN ['a', 'b']
SELECT pk, sk FROM "tab" WHERE pk = 'a' AND sk IN [1, 2]
SELECT * FROM "tab"."byg" WHERE g = 'G1'
SELECT l[1], m.k, s FROM "tab" WHERE pk = 'a' AND sk = 1
SELECT * FROM "tab" WHERE v IS MISSING
SELECT * FROM "tab" WHERE v IS NOT MISSING
SELECT pk FROM "tab" WHERE x IS NOT NULL AND pk = 'neg'
SELECT * FROM "tab" WHERE pk = 'neg' AND sk = -5
SELECT * FROM "tab" WHERE contains(s, 'p')
SELECT * FROM "tab" WHERE attribute_type(n, 'N')
SELECT * FROM "tab" WHERE size(l) = 3
L SELECT * FROM "tab" ;; 1
L SELECT * FROM "tab" WHERE pk = 'a' ;; 1
SELECT * FROM "tab" WHERE pk = 'zzz'
SELECT * FROM "tab" WHERE n = 5 OR n = 7
SELECT * FROM "tab" WHERE NOT n = 5
SELECT * FROM "tab" WHERE n <> 5
SELECT * FROM "tab" WHERE "pk" = 'a' AND "sk" = 1
SELECT "pk" FROM "tab" WHERE sk >= 1 AND pk = 'a'
SELECT * FROM "tab" WHERE pk = "a"
SELECT * FROM "tab" WHERE foo(pk)
SELECT * FROM "tab"."nope"
P SELECT * FROM tab WHERE pk = ? ;; [{"S": "a"}]
SELECT * FROM tab WHERE pk = ?
UPDATE "tab" SET v = 'y' WHERE pk = 'a' AND sk = 1
UPDATE "tab" SET n = n + 1 SET v = 'z' WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *
UPDATE "tab" REMOVE v WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *
UPDATE "tab" SET l = list_append(l, [4]) WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED NEW *
UPDATE "tab" SET s = set_add(s, <<'r'>>) WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *
UPDATE "tab" SET s = set_delete(s, <<'p'>>) WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED OLD *
UPDATE "tab" SET v = 'q' WHERE pk = 'missing' AND sk = 1
UPDATE "tab" SET v = 'q' WHERE pk = 'a'
UPDATE "tab" SET v = 'q' WHERE pk = 'a' AND sk = 1 AND n = 100
UPDATE "tab" SET m.k = 'deep' WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *
UPDATE "tab" SET sk = 3 WHERE pk = 'a' AND sk = 1
DELETE FROM "tab" WHERE pk = 'a' AND sk = 2 RETURNING ALL OLD *
DELETE FROM "tab" WHERE pk = 'a' AND sk = 2
DELETE FROM "tab" WHERE pk = 'a'
DELETE FROM "tab" WHERE pk = 'a' AND sk = 1 AND n = 1000
SELEC * FROM tab
SELECT * FROM "tab" WHERE pk = 'a' AND
SELECT * FROM "tab" WHERE pk = 'a' ORDER BY n
SELECT * FROM "tab" ORDER BY sk
SELECT * FROM "tab" WHERE n = 2 ORDER BY sk
EXISTS(SELECT * FROM tab WHERE pk = 'a' AND sk = 1)
SELECT * FROM "tab"
"""

# Where DynamoDB Local departs from the documentation, per statement: what
# townhall answers instead, and why.
DEVIATIONS = {
    # ExecuteStatement's documented error is DuplicateItemException; DynamoDB Local names it DuplicateItem.
    """INSERT INTO "tab" VALUE {'pk': 'a', 'sk': 1}""":
        {"error": "DuplicateItemException", "message": "Duplicate primary key exists in table"},
    # The service's and the Developer Guide's words (as for every operation, tests/conformance).
    """INSERT INTO "nope" VALUE {'pk': 'c', 'sk': 1}""":
        {"error": "ResourceNotFoundException", "message": "Requested resource not found"},
    # DynamoDB Local appends a position ("at 1:23:1") that belongs to its parser.
    """INSERT INTO "tab" VALUE ?""":
        {"error": "ValidationException", "message": "Unsupported format in item expression. Please use struct "
                                                    "format {...} to express item values for insert statement."},
}


def clients(url):
    kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="dummy", aws_secret_access_key="dummy",
              config=Config(retries={"max_attempts": 1}, parameter_validation=False))
    return boto3.client("dynamodb", **kw)


def canonical(value):
    return json.dumps(value, sort_keys=True, default=lambda b: b.hex() if isinstance(b, bytes) else str(b))


def outcome(call, ordered=True):
    try:
        answer = call()
    except botocore.exceptions.ClientError as e:
        error = e.response["Error"]
        reasons = e.response.get("CancellationReasons")
        result = {"error": error["Code"], "message": error["Message"]}
        if reasons:
            result["reasons"] = [r["Code"] for r in reasons]
        return result
    answer.pop("ResponseMetadata", None)
    answer.pop("NextToken", None)
    answer.pop("LastEvaluatedKey", None)
    for key in ("Items", "Responses"):
        if key in answer and not ordered:
            answer[key] = sorted(answer[key], key=canonical)
    return json.loads(canonical(answer))


def run_statements(db):
    seen = {}
    for line in STATEMENTS.strip().split("\n"):
        kind, parameters, limit = "", None, None
        if line[:2] in ("P ", "L "):
            kind, line = line[0], line[2:]
            line, extra = line.split(" ;; ")
            if kind == "P":
                parameters = json.loads(extra)
                for p in parameters:
                    if "B" in p:
                        p["B"] = bytes.fromhex("0001")
            else:
                limit = int(extra)
        ordered = "ORDER BY" in line
        args = {"Statement": line}
        if parameters is not None:
            args["Parameters"] = parameters
        if limit:
            def paged(args=args, limit=limit):
                items, token = [], None
                while True:
                    page = db.execute_statement(**args, Limit=limit, **({"NextToken": token} if token else {}))
                    items += page["Items"]
                    token = page.get("NextToken")
                    if not token:
                        return {"Items": items}
            seen[kind + line] = outcome(paged, ordered)
        else:
            seen[line] = outcome(lambda: db.execute_statement(**args), ordered)
    return seen


def create_table(db):
    db.create_table(TableName="tab", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                                {"AttributeName": "sk", "KeyType": "RANGE"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                          {"AttributeName": "sk", "AttributeType": "N"},
                                          {"AttributeName": "g", "AttributeType": "S"}],
                    ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                    GlobalSecondaryIndexes=[{"IndexName": "byg",
                                             "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                             "Projection": {"ProjectionType": "ALL"},
                                             "ProvisionedThroughput": {"ReadCapacityUnits": 5,
                                                                       "WriteCapacityUnits": 5}}])


def S(statement, parameters=None):
    return dict(Statement=statement, **({"Parameters": parameters} if parameters else {}))


def run_batches_and_transactions(db):
    seen = {}
    db.execute_statement(Statement="INSERT INTO tab VALUE {'pk': 'base', 'sk': 1, 'n': 1}")
    seen["batch writes"] = outcome(lambda: db.batch_execute_statement(Statements=[
        S("INSERT INTO tab VALUE {'pk':'w','sk':1,'n':1}"), S("INSERT INTO tab VALUE {'pk':'base','sk':1}"),
        S("UPDATE tab SET n = 5 WHERE pk='zz' AND sk=1"), S("SELEC x"),
        S("DELETE FROM tab WHERE pk='base' AND sk=9")]))
    seen["batch duplicate keys"] = outcome(lambda: db.batch_execute_statement(Statements=[
        S("INSERT INTO tab VALUE {'pk':'d','sk':1}"), S("UPDATE tab SET n = 1 WHERE pk='d' AND sk=1")]))
    seen["batch reads"] = outcome(lambda: db.batch_execute_statement(Statements=[
        S("SELECT * FROM tab WHERE pk='base' AND sk=1"), S("SELECT absent FROM tab WHERE pk='w' AND sk=1"),
        S("SELECT * FROM tab WHERE pk='none' AND sk=2"), S("SELECT * FROM tab WHERE pk='base'")]))
    seen["batch mixed"] = outcome(lambda: db.batch_execute_statement(Statements=[
        S("SELECT * FROM tab WHERE pk='base' AND sk=1"), S("INSERT INTO tab VALUE {'pk':'c','sk':1}")]))
    seen["batch empty"] = outcome(lambda: db.batch_execute_statement(Statements=[]))
    seen["batch 26 reads"] = outcome(lambda: db.batch_execute_statement(
        Statements=[S("SELECT * FROM tab WHERE pk='k%d' AND sk=1" % i) for i in range(26)]))
    seen["transaction writes"] = outcome(lambda: db.execute_transaction(TransactStatements=[
        S("INSERT INTO tab VALUE {'pk':'t','sk':1}"), S("UPDATE tab SET n = n + 1 WHERE pk='base' AND sk=1"),
        S("DELETE FROM tab WHERE pk='w' AND sk=1")]))
    seen["after"] = outcome(lambda: db.execute_statement(Statement="SELECT * FROM tab WHERE pk IN ['t', 'base', 'w']"),
                            ordered=False)
    seen["duplicate insert cancels"] = outcome(lambda: db.execute_transaction(TransactStatements=[
        S("INSERT INTO tab VALUE {'pk':'t','sk':1}"), S("INSERT INTO tab VALUE {'pk':'u','sk':1}")]))
    seen["exists fails"] = outcome(lambda: db.execute_transaction(TransactStatements=[
        S("EXISTS(SELECT * FROM tab WHERE pk='base' AND sk=1 AND n = 99)"),
        S("INSERT INTO tab VALUE {'pk':'v','sk':1}")]))
    seen["exists holds"] = outcome(lambda: db.execute_transaction(TransactStatements=[
        S("EXISTS(SELECT * FROM tab WHERE pk='base' AND sk=1 AND n = 2)"),
        S("INSERT INTO tab VALUE {'pk':'v','sk':1}")]))
    seen["nothing of a cancelled transaction"] = outcome(
        lambda: db.execute_statement(Statement="SELECT * FROM tab WHERE pk = 'u'"))
    seen["transaction reads"] = outcome(lambda: db.execute_transaction(TransactStatements=[
        S("SELECT * FROM tab WHERE pk='base' AND sk=1"), S("SELECT pk FROM tab WHERE pk='nope' AND sk=1"),
        S("SELECT * FROM tab WHERE pk=? AND sk=?", [{"S": "v"}, {"N": "1"}])]))
    seen["transaction mixed"] = outcome(lambda: db.execute_transaction(TransactStatements=[
        S("SELECT * FROM tab WHERE pk='base' AND sk=1"), S("INSERT INTO tab VALUE {'pk':'x','sk':1}")]))
    seen["transaction malformed"] = outcome(lambda: db.execute_transaction(TransactStatements=[
        S("SELEC * FROM tab"), S("INSERT INTO tab VALUE {'pk':'x','sk':1}")]))
    seen["transaction select without key"] = outcome(lambda: db.execute_transaction(TransactStatements=[
        S("SELECT * FROM tab WHERE pk='base'")]))
    seen["transaction update of nothing"] = outcome(lambda: db.execute_transaction(TransactStatements=[
        S("UPDATE tab SET n = 1 WHERE pk='nope' AND sk=1")]))
    seen["transaction empty"] = outcome(lambda: db.execute_transaction(TransactStatements=[]))
    seen["limit 0"] = outcome(lambda: db.execute_statement(Statement="SELECT * FROM tab", Limit=0))
    seen["bad token"] = outcome(lambda: db.execute_statement(Statement="SELECT * FROM tab", NextToken="xyz"))
    return seen


class PartiqlTest(unittest.TestCase):
    def setUp(self):
        townhall.require("python3-boto3", boto3 is not None)

    def test_same_answers_as_dynamodb_local(self):
        results = {}
        local = townhall.DynamoDBLocal()
        try:
            db = clients(local.endpoint)
            create_table(db)
            results["theirs"] = (run_statements(db), run_batches_and_transactions(db))
        finally:
            local.stop()
        with townhall.dynamodb() as endpoint:
            db = clients(endpoint.url)
            create_table(db)
            results["ours"] = (run_statements(db), run_batches_and_transactions(db))
        self.maxDiff = None
        ours, theirs = results["ours"][0], results["theirs"][0]
        for statement, expected in theirs.items():
            if statement in DEVIATIONS:
                self.assertNotEqual(expected, DEVIATIONS[statement], "DynamoDB Local now agrees: drop the deviation")
                expected = DEVIATIONS[statement]
            self.assertEqual(ours[statement], expected, statement)
        ours, theirs = results["ours"][1], results["theirs"][1]
        for case, expected in theirs.items():
            if case == "exists fails":
                # DynamoDB Local ends this one reason's message with a period; the codes must agree.
                self.assertEqual(ours[case]["reasons"], expected["reasons"], case)
                continue
            self.assertEqual(ours[case], expected, case)

    def test_extra_parameters_are_refused(self):
        # DynamoDB Local runs a statement given more parameters than it has `?`s;
        # its own message says they must match, as DynamoDB's documentation does.
        with townhall.dynamodb() as endpoint:
            db = clients(endpoint.url)
            create_table(db)
            answer = outcome(lambda: db.execute_statement(Statement="SELECT * FROM tab WHERE pk = ?",
                                                          Parameters=[{"S": "a"}, {"S": "b"}]))
            self.assertEqual(answer, {"error": "ValidationException",
                                      "message": "Number of parameters in request and statement don't match."})

    def test_aws_cli(self):
        townhall.require("awscli (/usr/bin/aws)", shutil.which(AWS) is not None)
        with townhall.dynamodb() as endpoint, tempfile.TemporaryDirectory() as home:
            create_table(clients(endpoint.url))
            env = dict(os.environ, AWS_ACCESS_KEY_ID="dummy", AWS_SECRET_ACCESS_KEY="dummy",
                       AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="", HOME=home, AWS_EC2_METADATA_DISABLED="true",
                       AWS_CONFIG_FILE=os.path.join(home, "config"),
                       AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "credentials"))

            def aws(*args):
                result = subprocess.run([AWS, "dynamodb", *args, "--endpoint-url", endpoint.url, "--output", "json"],
                                        capture_output=True, text=True, env=env, timeout=60)
                self.assertEqual(result.returncode, 0, result.stderr)
                return json.loads(result.stdout) if result.stdout.strip() else {}

            aws("execute-statement", "--statement", "INSERT INTO tab VALUE {'pk': 'cli', 'sk': 1, 'from': 'shell'}")
            items = aws("execute-statement", "--statement", "SELECT * FROM tab WHERE pk = ?",
                        "--parameters", '[{"S": "cli"}]')["Items"]
            self.assertEqual(items, [{"pk": {"S": "cli"}, "sk": {"N": "1"}, "from": {"S": "shell"}}])


if __name__ == "__main__":
    unittest.main()
