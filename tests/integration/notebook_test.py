#!/usr/bin/python3
"""The user's notebook (seed/chat_notebook.py, unmodified) against townhall dynamodb.

Runs the script with Debian's python3 and boto3 against a fresh
`townhall dynamodb --in-memory` and compares every step's output with what
DynamoDB Local printed for the same script (seed/chat_notebook.golden.txt).

Steps compare as values, so the order of an item's attributes (which
DynamoDB leaves unspecified) does not matter. Only what differs between runs
of the same store is normalized: creation
times, ARNs (DynamoDB Local puts region "ddblocal" and account 000000000000 in
them), message timestamps and uuids, the JoinedAt date, and the order of
messages sent within one second (which DynamoDB orders by their random uuid;
that the raw list is in sort-key order is checked separately).

Re-record the golden file against a fresh DynamoDB Local (java -jar DynamoDBLocal.jar
-inMemory -port 8000; it was recorded from DynamoDB Local 1.25.1):
    TOWNHALL_TEST_ENDPOINT=http://127.0.0.1:8000 tests/integration/notebook_test.py --record
"""
import ast
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import townhall  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "seed", "chat_notebook.py")
GOLDEN = os.path.join(HERE, "seed", "chat_notebook.golden.txt")
PYTHON = "/usr/bin/python3"

_DATETIME = re.compile(r"datetime\.datetime\([^()]*(?:\([^()]*\))?[^()]*\)")
_MESSAGE_KEY = re.compile(r"^MSG#(\d+)#[0-9a-f-]{36}$")
_ARN = re.compile(r"^arn:aws:dynamodb:[^:]*:[^:]*:(.*)$")


def _normalize_value(value, key=None):
    if isinstance(value, dict):
        return {k: _normalize_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normalize_value(v) for v in value]
        if items and all(isinstance(i, dict) and str(i.get("SK", {}).get("S", "")).startswith("MSG#") for i in items):
            items.sort(key=lambda i: json.dumps(i, sort_keys=True))
        return items
    if isinstance(value, str):
        if _MESSAGE_KEY.match(value):
            return "MSG#<TIMESTAMP>#<UUID>"
        if key in ("TableArn", "IndexArn", "LatestStreamArn"):
            match = _ARN.match(value)
            return f"arn:aws:dynamodb:<REGION>:<ACCOUNT>:{match.group(1)}" if match else value
        if key == "TableId":
            return "<TABLE-ID>"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return "<DATE>"
    return value


def _check_sort_keys_ordered(value, problems, title):
    if isinstance(value, list) and value and all(isinstance(i, dict) and "SK" in i for i in value):
        keys = [i["SK"].get("S", "") for i in value]
        if keys != sorted(keys, key=lambda s: s.encode()):
            problems.append(f"{title}: items not in sort-key order: {keys}")


def normalize(output):
    """The script's output as [(title, normalized value)], and problems found."""
    steps, problems = [], []
    blocks = re.split(r"^--- ", output, flags=re.M)
    for block in blocks[1:]:
        title, _, body = block.partition("\n")
        body = body.strip()
        if not body:
            steps.append((title, None))
            continue
        text = _DATETIME.sub("'<DATETIME>'", body)
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            steps.append((title, text))
            continue
        _check_sort_keys_ordered(value, problems, title)
        value = _normalize_value(value)
        value = _strip_created_at(value)
        steps.append((title, value))
    return steps, problems


def _strip_created_at(value):
    if isinstance(value, dict):
        return {k: ({"N": "<TIMESTAMP>"} if k == "CreatedAt" else _strip_created_at(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_created_at(v) for v in value]
    return value


def render(steps):
    import pprint
    out = []
    for title, value in steps:
        out.append(f"--- {title}")
        if value is not None:
            out.append(pprint.pformat(value, width=110, sort_dicts=False))
    return "\n".join(out) + "\n"


def run_notebook(endpoint_url):
    env = dict(os.environ, ENDPOINT=endpoint_url, AWS_EC2_METADATA_DISABLED="true")
    return subprocess.run([PYTHON, SCRIPT, endpoint_url], capture_output=True, text=True, env=env, timeout=120)


class NotebookTest(unittest.TestCase):
    def setUp(self):
        townhall.require("python3-boto3 (/usr/bin/python3 -c 'import boto3')",
                         subprocess.run([PYTHON, "-c", "import boto3"], capture_output=True).returncode == 0)

    def test_every_step_prints_what_dynamodb_local_prints(self):
        with townhall.dynamodb() as endpoint:
            result = run_notebook(endpoint.url)
            self.assertEqual(result.returncode, 0, f"the notebook failed:\n{result.stdout}\n{result.stderr}")
            self.assertTrue(endpoint.alive())
        self.assertIn("--- all cells ran", result.stdout)
        steps, problems = normalize(result.stdout)
        self.assertEqual(problems, [])
        with open(GOLDEN) as f:
            golden, _ = normalize(f.read())
        # Steps compare as values: DynamoDB promises no order among an
        # item's attributes (nor among a description's members), so neither
        # does a dict comparison. Lists (query results) keep their order.
        self.assertEqual([title for title, _ in steps], [title for title, _ in golden], render(steps))
        for (title, got), (_, want) in zip(steps, golden):
            self.assertEqual(got, want, f"step {title}:\n{render([(title, got)])}")


if __name__ == "__main__":
    if "--record" in sys.argv:
        sys.argv.remove("--record")
        with townhall.dynamodb() as endpoint:
            result = run_notebook(endpoint.url)
        if result.returncode != 0:
            sys.exit(f"the notebook failed:\n{result.stdout}\n{result.stderr}")
        steps, problems = normalize(result.stdout)
        if problems:
            sys.exit("\n".join(problems))
        with open(GOLDEN, "w") as f:
            f.write(render(steps))
        print(f"recorded {GOLDEN} from {endpoint.url}")
        sys.exit(0)
    townhall.main()
