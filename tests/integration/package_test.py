"""The Debian package (make package; packaging/): built with cpack from this
build tree, its contents and control files checked with dpkg-deb, then
extracted with dpkg -x into a scratch root and run the way systemd would run
it: the unit's ExecStart and Environment lines, with paths moved into the
scratch root, a temporary state directory and a free port (no systemd
needed). Two people sign up, talk in a channel, and SIGTERM stops it cleanly.
Also: the unit passes `systemd-analyze verify`, every man page renders
without groff warnings, and the packaged configuration file parses.

Needs cpack, dpkg-deb, dpkg-shlibdeps, groff and systemd-analyze
(scripts/install-deps); under CI=true a missing one fails the test."""
import glob
import gzip
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import townhall  # noqa: E402

UNIT = "lib/systemd/system/townhall.service"
CONFIG = "etc/townhall/townhall.conf"
HARDENING = ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
             "PrivateDevices=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
             "ProtectControlGroups=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
             "RestrictNamespaces=yes", "LockPersonality=yes", "MemoryDenyWriteExecute=yes",
             "SystemCallFilter=@system-service", "CapabilityBoundingSet=", "User=townhall",
             "StateDirectory=townhall", "Restart=on-failure"]


def run(*command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, check=True, **kwargs).stdout


def unit_settings(text):
    """[Service] and the other sections' Key=Value lines: {key: [values]}."""
    settings = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        settings.setdefault(key, []).append(value)
    return settings


def walkthrough():
    """docs/deploy.md, "A server for your team": its configuration lines (the
    heredoc) and its townhall admin command, as written."""
    with open(os.path.join(townhall.REPO, "docs", "deploy.md")) as f:
        doc = f.read()
    section = doc[doc.index("## A server for your team"):]
    section = section[:section.index("\n## ", 5)]
    conf = re.search(r"<<'CONF'\n(.*?)\nCONF\n", section, re.S).group(1)
    admin = re.search(r"^(sudo -u townhall townhall admin .*)$", section, re.M).group(1)
    hook = re.search(r"--deploy-hook (\S+)", section).group(1)
    dropin = re.search(r"sudo install -D -m 0644 (\S+) (\S+)", section).groups()
    return section, conf, admin, hook, dropin


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("cpack", "dpkg-deb", "dpkg", "dpkg-shlibdeps", "groff", "systemd-analyze"):
            townhall.require(tool, shutil.which(tool))
        build = os.path.dirname(townhall.binary())
        config = os.path.join(build, "CPackConfig.cmake")
        if not os.path.exists(config):
            raise AssertionError(f"{config} is missing: the build tree has no packaging (packaging/CMakeLists.txt)")
        cls.tmp = tempfile.TemporaryDirectory(prefix="townhall-package-")
        out = os.path.join(cls.tmp.name, "out")
        started = time.monotonic()
        done = subprocess.run(["cpack", "--config", config, "-B", out], capture_output=True, text=True)
        if done.returncode != 0:
            raise AssertionError("cpack failed (did the build make the man pages? cmake --build BUILD):\n"
                                 + done.stdout + done.stderr)
        debs = glob.glob(os.path.join(out, "townhall_*.deb"))
        assert len(debs) == 1, os.listdir(out)
        cls.deb = debs[0]
        print(f"{os.path.basename(cls.deb)}: {os.path.getsize(cls.deb)} bytes, built in "
              f"{time.monotonic() - started:.1f} s", file=sys.stderr)
        cls.root = os.path.join(cls.tmp.name, "root")
        run("dpkg", "-x", cls.deb, cls.root)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, relative):
        return os.path.join(self.root, relative)

    def test_contents_and_control(self):
        files = run("dpkg-deb", "-c", self.deb)
        for expected in ("./usr/bin/townhall", "./" + UNIT, "./" + CONFIG, "./usr/share/man/man1/townhall.1.gz",
                         "./usr/share/man/man1/townhall-serve.1.gz", "./usr/share/doc/townhall/README.md",
                         "./usr/share/doc/townhall/copyright", "./usr/share/doc/townhall/docs/configuration.md",
                         "./usr/share/doc/townhall/docs/deploy.md"):
            self.assertRegex(files, r"\s%s\n" % re.escape(expected))
        self.assertRegex(files, r"-rwxr-xr-x root/root .* \./usr/bin/townhall\n")
        self.assertEqual(run("dpkg-deb", "-f", self.deb, "Package").strip(), "townhall")
        depends = run("dpkg-deb", "-f", self.deb, "Depends")
        for library in ("adduser", "libc6", "libsodium23", "libvips42", "libssl3", "libstdc++6"):
            self.assertIn(library, depends)  # computed by dpkg-shlibdeps, plus what postinst calls
        control = os.path.join(self.tmp.name, "control")
        run("dpkg-deb", "-e", self.deb, control)
        with open(os.path.join(control, "conffiles")) as f:
            self.assertEqual(f.read().split(), ["/" + CONFIG])
        with open(os.path.join(control, "postinst")) as f:
            postinst = f.read()
        self.assertIn("adduser --system --group --home /var/lib/townhall", postinst)
        # Nothing surprising: a first install neither enables nor starts the service.
        commands = "\n".join(line for line in postinst.splitlines() if not line.lstrip().startswith("#"))
        self.assertNotRegex(commands, r"systemctl (enable|start|restart)|deb-systemd-invoke start")
        for script in ("postinst", "prerm", "postrm"):
            self.assertTrue(os.access(os.path.join(control, script), os.X_OK), script)
            run("sh", "-n", os.path.join(control, script))
        # Stripped: the build's line tables stay in the build tree.
        self.assertNotIn("debug_line", run("readelf", "-S", self.path("usr/bin/townhall")))

    def test_the_unit_is_hardened_and_verifies(self):
        with open(self.path(UNIT)) as f:
            text = f.read()
        for line in HARDENING:
            self.assertRegex(text, r"(?m)^%s$" % re.escape(line))
        self.assertRegex(text, r"(?m)^ExecReload=/bin/kill -HUP \$MAINPID$")
        self.assertRegex(text, r"(?m)^LimitNOFILE=\d{5,}$")
        # systemd-analyze verify checks ExecStart's binary and the Documentation
        # man page: both from the scratch root.
        unit = os.path.join(self.tmp.name, "verify", "townhall.service")
        os.makedirs(os.path.dirname(unit), exist_ok=True)
        with open(unit, "w") as f:
            f.write(text.replace("/usr/bin/townhall", self.path("usr/bin/townhall")))
        done = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True,
                              env=dict(os.environ, MANPATH=self.path("usr/share/man")))
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertEqual(done.stdout + done.stderr, "")

    def test_man_pages_render(self):
        pages = glob.glob(self.path("usr/share/man/man1/*.1.gz"))
        names = {os.path.basename(page) for page in pages}
        self.assertTrue({"townhall.1.gz", "townhall-serve.1.gz", "townhall-chat.1.gz"} <= names, names)
        for page in pages:
            with gzip.open(page, "rb") as f:
                source = f.read()
            done = subprocess.run(["groff", "-man", "-Tutf8", "-ww"], input=source, capture_output=True)
            self.assertEqual(done.stderr.decode(), "", page)  # -ww: every warning shows
            text = re.sub(r".\x08", "", done.stdout.decode())  # grotty's overstrike bold
            self.assertIn("NAME", text, page)
            self.assertIn("townhall", text, page)
        with gzip.open(self.path("usr/share/man/man1/townhall-serve.1.gz"), "rb") as f:
            serve_page = subprocess.run(["groff", "-man", "-Tascii"], input=f.read(), capture_output=True,
                                        check=True).stdout.decode()
        for text in ("--listen", "--log-format", "TOWNHALL_CONFIG", "/etc/townhall/townhall.conf"):
            self.assertIn(text, re.sub(r".\x08", "", serve_page))

    def test_the_service_runs_from_the_package(self):
        with open(self.path(UNIT)) as f:
            unit = unit_settings(f.read())
        state = os.path.join(self.tmp.name, "state")
        os.makedirs(state, mode=0o700)
        [exec_start] = unit["ExecStart"]
        command = [word.replace("/var/lib/townhall", state) for word in shlex.split(exec_start)]
        self.assertEqual(command[0], "/usr/bin/townhall")
        command[0] = self.path("usr/bin/townhall")
        port = townhall.free_port()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        for assignment in unit.get("Environment", []):
            for word in shlex.split(assignment):
                key, _, value = word.partition("=")
                env[key] = value
        # The packaged file, parsed for real; the port through the environment
        # (ExecStart names none); a cheap password hash for the test.
        env.update(TOWNHALL_CONFIG=self.path(CONFIG), TOWNHALL_LISTEN="127.0.0.1:%d" % port,
                   TOWNHALL_PASSWORD_COST="minimum", TOWNHALL_RATE_AUTH="0")
        if "--listen" in command:
            command[command.index("--listen") + 1] = "127.0.0.1:%d" % port
        log = open(os.path.join(self.tmp.name, "serve.log"), "w+")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   cwd=unit.get("WorkingDirectory", [state])[0].replace("/var/lib/townhall", state))
        try:
            url = "http://127.0.0.1:%d" % port
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                log.seek(0)
                if "listening on 127.0.0.1:%d" % port in log.read():
                    break
                time.sleep(0.1)
            log.seek(0)
            self.assertIsNone(process.poll(), "the packaged townhall did not start:\n" + log.read())

            def signup(name):
                r = requests.post(url + "/api/signup", timeout=30, json={
                    "name": name, "email": name.lower() + "@package.example", "password": "package test 1"})
                self.assertEqual(r.status_code, 201, r.text)
                return {"Authorization": "Bearer " + r.json()["token"]}

            alice, bob = signup("Alice"), signup("Bob")
            r = requests.post(url + "/api/channels", json={"name": "packaged"}, headers=alice, timeout=30)
            self.assertEqual(r.status_code, 201, r.text)
            channel = r.json()["channel"]["id"]
            r = requests.post(url + "/api/channels/%s/join" % channel, headers=bob, timeout=30)
            self.assertIn(r.status_code, (200, 201, 204), r.text)
            r = requests.post(url + "/api/channels/%s/messages" % channel, json={"text": "from the .deb"},
                              headers=alice, timeout=30)
            self.assertEqual(r.status_code, 201, r.text)
            r = requests.get(url + "/api/channels/%s/messages" % channel, headers=bob, timeout=30)
            self.assertEqual(r.status_code, 200, r.text)
            self.assertIn("from the .deb", [m["text"] for m in r.json()["messages"]])
            self.assertTrue(os.listdir(state), "the store is in the state directory ExecStart names")
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                code = "killed after 30 s"
            log.seek(0)
            output = log.read()
            log.close()
        self.assertEqual(code, 0, "SIGTERM did not stop it cleanly:\n" + output)
        self.assertIn("stopped", output)




    # docs/deploy.md, "A server for your team", on the package as built: the
    # certbot hook on a certificate made here (no certbot, no DNS), the
    # configuration lines appended to the packaged file as `tee -a` does,
    # the unit's ExecStart, the first account owning the team over HTTPS,
    # sign-up by invitation, and the admin command through the running
    # server's admin socket.
    def test_the_walkthrough_as_written(self):
        townhall.require("openssl", shutil.which("openssl"))
        section, conf, admin, hook, (dropin_source, dropin_target) = walkthrough()
        self.assertTrue(os.access(self.path(hook.lstrip("/")), os.X_OK), hook)
        with open(self.path(dropin_source.lstrip("/"))) as f:
            self.assertIn("AmbientCapabilities=CAP_NET_BIND_SERVICE", f.read())
        self.assertTrue(dropin_target.startswith("/etc/systemd/system/townhall.service.d/"), dropin_target)

        # certbot's lineage, and its deploy hook handing it to townhall.
        lineage = os.path.join(self.tmp.name, "lineage")
        tls_dir = os.path.join(self.tmp.name, "tls")
        os.makedirs(lineage)
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", os.path.join(lineage, "privkey.pem"), "-out", os.path.join(lineage, "fullchain.pem"),
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "2")
        run(self.path(hook.lstrip("/")), env=dict(os.environ, RENEWED_LINEAGE=lineage, TOWNHALL_TLS_DIR=tls_dir))
        self.assertEqual(sorted(os.listdir(tls_dir)), ["fullchain.pem", "privkey.pem"])
        self.assertEqual(os.stat(os.path.join(tls_dir, "privkey.pem")).st_mode & 0o777, 0o640)

        # /etc/townhall/townhall.conf with the walkthrough's lines appended.
        port = townhall.free_port()
        self.assertIn('listen = "0.0.0.0:443"', conf)
        lines = conf.replace('"0.0.0.0:443"', '"0.0.0.0:%d"' % port).replace("/etc/townhall/tls", tls_dir)
        config = os.path.join(self.tmp.name, "townhall.conf")
        with open(self.path(CONFIG)) as packaged, open(config, "w") as out:
            out.write(packaged.read() + lines + "\n")
        state = os.path.join(self.tmp.name, "walkthrough-state")
        os.makedirs(state, mode=0o700)
        with open(self.path(UNIT)) as f:
            unit = unit_settings(f.read())
        command = [word.replace("/var/lib/townhall", state) for word in shlex.split(unit["ExecStart"][0])]
        command[0] = self.path("usr/bin/townhall")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TOWNHALL_CONFIG": config,
               "TOWNHALL_PASSWORD_COST": "minimum", "TOWNHALL_RATE_AUTH": "0"}
        log = open(os.path.join(self.tmp.name, "walkthrough.log"), "w+")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=state)
        try:
            url = "https://localhost:%d" % port
            verify = os.path.join(tls_dir, "fullchain.pem")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                log.seek(0)
                if ":%d (chat" % port in log.read():
                    break
                time.sleep(0.1)
            log.seek(0)
            self.assertIsNone(process.poll(), "the walkthrough's server did not start:\n" + log.read())

            def signup(name, invite=None):
                body = {"name": name, "email": name.lower() + "@team.example", "password": "walkthrough 1"}
                if invite:
                    body["invite"] = invite
                return requests.post(url + "/api/signup", json=body, verify=verify, timeout=30)

            # Nobody owns the team yet, and a stranger who got here first cannot.
            self.assertEqual(signup("Stranger").status_code, 403)

            words = shlex.split(admin)
            self.assertEqual(words[:4], ["sudo", "-u", "townhall", "townhall"])
            admin_command = [self.path("usr/bin/townhall")] + [w.replace("/var/lib/townhall", state)
                                                                for w in words[4:]]

            def invite_link():
                made = subprocess.run(admin_command, capture_output=True, text=True, timeout=60, env=env)
                self.assertEqual(made.returncode, 0, made.stdout + made.stderr)
                link = json.loads(made.stdout)["url"]
                self.assertTrue(link.startswith("https://chat.example.com/#invite="), link)
                return link.split("#invite=", 1)[1]

            first = signup("Olive", invite=invite_link())
            self.assertEqual(first.status_code, 201, first.text)
            self.assertEqual(first.json()["user"]["role"], "owner")
            self.assertIn("max-age=", first.headers.get("Strict-Transport-Security", ""))
            self.assertEqual(signup("Stranger").status_code, 403)
            invited = signup("Ben", invite=invite_link())
            self.assertEqual(invited.status_code, 201, invited.text)
            self.assertEqual(invited.json()["user"]["role"], "member")
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=30)
            log.seek(0)
            output = log.read()
            log.close()
        self.assertEqual(code, 0, output)

if __name__ == "__main__":
    townhall.main()
