#!/usr/bin/python3
"""Interoperability with the user's notebook, both ways, on one shared store.

1. The notebook (tests/integration/seed/chat_notebook.py, unmodified) runs
   against `townhall dynamodb` and writes users, a channel, memberships and
   messages.
2. `townhall chat --store dynamodb` (Townhall's chat service, through its
   remote client) reads all of it back: users (AP6), the channel with its
   counts (AP2, AP4, AP7), members (AP5), a user's channels (AP1), messages (AP3).
3. Townhall's chat service writes a user, a channel, joins and messages.
4. The notebook's own functions (its cells' function definitions, executed
   against the same endpoint) read what Townhall wrote.
"""
import ast
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402

NOTEBOOK = os.path.join(os.path.dirname(__file__), "seed", "chat_notebook.py")
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="dummy", AWS_SECRET_ACCESS_KEY="dummy", AWS_REGION="eu-central-1")

try:
    import boto3  # noqa: F401
    HAVE_BOTO3 = True
except ImportError:
    HAVE_BOTO3 = False


def chat(endpoint, *args):
    """Runs `townhall chat` against the endpoint; returns its JSON output."""
    command = [townhall.binary(), "chat", "--store", "dynamodb", "--endpoint", endpoint.url, *args]
    done = subprocess.run(command, capture_output=True, text=True, env=ENV, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return json.loads(done.stdout)


def notebook_functions(endpoint):
    """The notebook's function definitions (not its cells' side effects), bound to a client."""
    tree = ast.parse(open(NOTEBOOK).read())
    keep = [node for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.Import, ast.ImportFrom))
            or (isinstance(node, ast.Assign) and any(getattr(t, "id", "") in ("client",) for t in node.targets))]
    namespace = {"ENDPOINT": endpoint.url, "aws_access_key_id": "dummy", "aws_secret_access_key": "dummy"}
    code = compile(ast.Module(body=keep, type_ignores=[]), NOTEBOOK, "exec")
    exec(code, namespace)  # noqa: S102 - the user's own notebook code
    return namespace


class InteropTest(unittest.TestCase):
    def test_notebook_and_townhall_read_each_other(self):
        townhall.require("python3-boto3", HAVE_BOTO3)
        with townhall.dynamodb(in_memory=False) as endpoint:
            # 1. The notebook writes.
            run = subprocess.run(["/usr/bin/python3", NOTEBOOK, endpoint.url], capture_output=True, text=True,
                                 timeout=120)
            self.assertEqual(run.returncode, 0, run.stderr)

            # 2. Townhall reads everything the notebook wrote.
            alice = chat(endpoint, "find-user", "USER#12")
            self.assertEqual((alice["id"], alice["name"], alice["email"]), ("12", "Alice", "alice@mail.com"))
            town = chat(endpoint, "find-channel", "CHAN#7")
            self.assertEqual((town["name"], town["user_count"], town["message_count"]), ("Town Hall", 2, 3))
            members = chat(endpoint, "users-in-channel", "7")["members"]
            self.assertEqual(sorted(m["user_name"] for m in members), ["Alice", "Bob"])
            alices = chat(endpoint, "channels-for-user", "12")["channels"]
            self.assertEqual([(c["channel_id"], c["channel_name"]) for c in alices], [("7", "Town Hall")])
            messages = chat(endpoint, "messages", "7")["messages"]
            self.assertEqual(sorted(m["text"] for m in messages), ["Hello Bob!", "Hey there!", "How are you?"])
            self.assertTrue(all(m["user_name"] in ("Alice", "Bob") for m in messages))
            with self.assertRaises(AssertionError):  # typed lookups: a channel key is not a user
                chat(endpoint, "find-user", "CHAN#7")

            # 3. Townhall writes: a new user joins the notebook's channel and posts; a new channel.
            # Sort keys order messages by their second first (the notebook's MSG#<seconds>#<uuid>):
            # within the notebook's second, its uuids and our ids interleave arbitrarily, so
            # ours go into a later second to make the order below well defined.
            time.sleep(1.1)
            eve = chat(endpoint, "create-user", "--name", "Eve", "--email", "eve@mail.com", "--id", "44")
            self.assertEqual(eve["id"], "44")
            self.assertEqual(chat(endpoint, "join", "--user", "44", "--channel", "7"), {"joined": True})
            self.assertEqual(chat(endpoint, "join", "--user", "44", "--channel", "7"), {"joined": False})
            sent = [chat(endpoint, "send", "--user", "44", "--channel", "7", "--text", f"eve {i}")["message"]
                    for i in range(3)]
            news = chat(endpoint, "create-channel", "--name", "News", "--description", "Fresh", "--as", "44")

            # 4. The notebook's functions read what Townhall wrote.
            nb = notebook_functions(endpoint)
            self.assertEqual(nb["find_user"]("USER#44")["Name"], {"S": "Eve"})
            channel = nb["find_channel"]("CHAN#7")
            self.assertEqual(nb["user_count_for_channel"](channel), 3)
            self.assertEqual(nb["message_count_for_channel"](channel), 6)
            users = nb["users_in_channel"]({"S": "CHAN#7"})
            self.assertEqual(sorted(u["Name"]["S"] for u in users), ["Alice", "Bob", "Eve"])
            eves = nb["channels_for_user"]({"S": "USER#44"})
            self.assertEqual(sorted(c["ChanName"]["S"] for c in eves), ["News", "Town Hall"])
            texts = [m["Msg"]["S"] for m in nb["messages_in_channel"]({"S": "CHAN#7"})]
            # The notebook reads oldest first; ours come after its three, in send order.
            self.assertEqual(texts[3:], ["eve 0", "eve 1", "eve 2"])
            self.assertEqual(sorted(texts[:3]), ["Hello Bob!", "Hey there!", "How are you?"])
            news_item = nb["find_channel"]("CHAN#" + news["id"])
            self.assertEqual((news_item["Name"]["S"], news_item["Desc"]["S"]), ("News", "Fresh"))
            self.assertEqual(nb["user_count_for_channel"](news_item), 1)
            self.assertEqual([m["id"] for m in sent], sorted(m["id"] for m in sent))


if __name__ == "__main__":
    townhall.main()
