"""townhall serve's configuration file (docs/configuration.md): precedence
(flags > TOWNHALL_* > file > defaults), errors that name the key, a file that
reaches the running server, --print-config, and the packaged default file
(packaging/config/townhall.conf) generated from the flags, so it cannot drift."""
import os
import subprocess
import sys
import tempfile
import unittest

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402

REPO = townhall.REPO
PACKAGED = os.path.join(REPO, "packaging", "config", "townhall.conf")
GENERATOR = os.path.join(REPO, "packaging", "config", "generate-conf")


def serve(args, env=None, config=None):
    """`townhall serve ARGS` run to its end (for --print-config and refusals):
    (exit code, stdout, stderr). A clean environment: no TOWNHALL_* leaks in."""
    command = [townhall.binary(), "serve"] + (["--config", config] if config else []) + list(args)
    result = subprocess.run(command, capture_output=True, text=True, timeout=30,
                            env=dict({"PATH": os.environ.get("PATH", "")}, **(env or {})))
    return result.returncode, result.stdout, result.stderr


def printed(stdout):
    """--print-config's `key = value` lines as a dict."""
    values = {}
    for line in stdout.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition(" = ")
            values[key] = value
    return values


class ConfigFile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="townhall-config-")

    def tearDown(self):
        self.tmp.cleanup()

    def file(self, text, name="townhall.conf"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_flags_win_over_environment_which_wins_over_the_file(self):
        config = self.file('workers = 3\nrate-ip = 7\nrate-user = 11\nlisten = "127.0.0.1:9999"\n'
                           'dynamodb-allowed-host = ["a.example", "b.example"]\nsecure-cookies = true\n')
        code, out, err = serve(["--workers", "6", "--print-config"], config=config,
                               env={"TOWNHALL_WORKERS": "5", "TOWNHALL_RATE_IP": "8"})
        self.assertEqual(code, 0, err)
        values = printed(out)
        self.assertEqual(values["workers"], "6")  # flag > environment > file
        self.assertEqual(values["rate-ip"], "8")  # environment > file
        self.assertEqual(values["rate-user"], "11")  # file > default
        self.assertEqual(values["rate-auth"], "2")  # the default
        self.assertEqual(values["listen"], '"127.0.0.1:9999"')
        self.assertEqual(values["secure-cookies"], "true")
        self.assertIn("a.example", values["dynamodb-allowed-host"])
        self.assertIn("b.example", values["dynamodb-allowed-host"])

    def test_the_environment_can_name_the_file(self):
        config = self.file("rate-user = 12\n")
        code, out, err = serve(["--print-config"], env={"TOWNHALL_CONFIG": config})
        self.assertEqual(code, 0, err)
        self.assertEqual(printed(out)["rate-user"], "12")

    def test_a_negated_flag_reads_as_its_name_says(self):
        config = self.file("no-access-log = true\n")
        code, out, err = serve(["--print-config"], config=config)
        self.assertEqual(code, 0, err)
        self.assertEqual(printed(out)["no-access-log"], "true")
        code, out, err = serve(["--print-config"])
        self.assertEqual(printed(out)["no-access-log"], "false")

    def test_errors_name_the_file_and_the_key(self):
        cases = [
            ("listen = \"127.0.0.1:0\"\nwrokers = 3\n", "unknown key 'wrokers'"),
            ("max-file-mb = 0\n", "max-file-mb"),
            ("log-format = \"xml\"\n", "log-format"),
            ("[serve]\nworkers = 3\n", "no sections"),
            ("config = \"/etc/other.conf\"\n", "unknown key 'config'"),
        ]
        for text, expected in cases:
            config = self.file(text)
            code, out, err = serve(["--print-config"], config=config)
            self.assertNotEqual(code, 0, text)
            self.assertIn(config, err, text)
            self.assertIn(expected, err, text)

    def test_a_named_file_must_exist(self):
        missing = os.path.join(self.tmp.name, "absent.conf")
        code, out, err = serve(["--print-config"], config=missing)
        self.assertNotEqual(code, 0)
        self.assertIn(missing, err)
        code, out, err = serve(["--print-config"], env={"TOWNHALL_CONFIG": missing})
        self.assertNotEqual(code, 0)
        self.assertIn(missing, err)

    def test_secrets_are_not_printed(self):
        config = self.file('metrics-token = "s3cret-token"\ndynamodb-credentials = "id:s3cret-key"\n')
        code, out, err = serve(["--print-config"], config=config)
        self.assertEqual(code, 0, err)
        self.assertNotIn("s3cret", out)
        self.assertIn("# metrics-token = (set, not shown)", out)

    def test_the_running_server_takes_the_file(self):
        data = os.path.join(self.tmp.name, "data")
        config = self.file('max-body-bytes = 300\nrate-auth = 0\ndata = "%s"\n' % data)
        with townhall.Serve([], env={"TOWNHALL_CONFIG": config}) as server:
            r = requests.post(server.chat + "/api/signup", json={"name": "x" * 400}, timeout=10)
            self.assertEqual(r.status_code, 413, r.text)
            self.assertIn("300 bytes", r.text)
        self.assertTrue(os.path.isdir(data), "the store is where the file's data key says")


class PackagedConfigFile(unittest.TestCase):
    def test_it_is_generated_from_the_flags(self):
        generated = subprocess.run([sys.executable, GENERATOR, townhall.binary()], capture_output=True,
                                   text=True, check=True).stdout
        with open(PACKAGED) as f:
            packaged = f.read()
        self.assertEqual(packaged, generated,
                         "packaging/config/townhall.conf no longer matches serve's flags: run "
                         "packaging/config/generate-conf build/townhall > packaging/config/townhall.conf")

    def test_it_parses_and_changes_nothing(self):
        code, with_file, err = serve(["--print-config"], config=PACKAGED)
        self.assertEqual(code, 0, err)
        code, defaults, err = serve(["--print-config"], config="/dev/null")
        self.assertEqual(code, 0, err)
        self.assertEqual(with_file, defaults)
        # and uncommented, every default reads back as itself (keys without a
        # default, such as pubsub = "", stay template lines in both)
        keys = printed(defaults)
        with open(PACKAGED) as f:
            uncommented = "".join(line[2:] if line[2:].partition(" = ")[0] in keys else line for line in f)
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write(uncommented)
            f.flush()
            code, out, err = serve(["--print-config"], config=f.name)
        self.assertEqual(code, 0, err)
        self.assertEqual(printed(out), printed(defaults))


if __name__ == "__main__":
    townhall.main()
