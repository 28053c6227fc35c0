// End-to-end test of the web page over HTTPS and WSS, in Chromium against a
// private `townhall serve --tls-cert --tls-key` whose certificate (for
// 127.0.0.1) this test makes with the openssl command line from a CA of its
// own. Chromium is told to accept that certificate's key and nothing else
// (--ignore-certificate-errors-spki-list; see runBrowserTest), so any other
// certificate problem still fails the page. Two people sign up over HTTPS
// (their cookies Secure), and a message one sends arrives at the other live
// over the page's wss:// socket.
//
//   TOWNHALL_BIN=build/townhall node tests/e2e/web_tls.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  channelLink,
  createChannel,
  openUser,
  runBrowserTest,
  screenshot,
  seesOnce,
  send,
  signUp,
  unavailable,
  until,
  useArtifacts,
} from '../support/browser.mjs';

useArtifacts('web-tls');

const dir = mkdtempSync(path.join(os.tmpdir(), 'townhall-web-tls-'));
const file = (name) => path.join(dir, name);
function openssl(args, input = undefined) {
  try {
    return execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    if (err.code === 'ENOENT') unavailable('the openssl command is missing (apt-get install openssl)');
    throw err;
  }
}

// A CA, and a certificate for 127.0.0.1 it signs; the base64 SHA-256 of the
// certificate's public key (SPKI) for Chromium.
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Townhall web TLS test CA']);
openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '0x3001', '-days', '1',
  '-extfile', 'ext.cnf', '-out', 'server.pem']);
const publicKey = openssl(['pkey', '-in', 'server.key', '-pubout', '-outform', 'DER']);
const spki = openssl(['dgst', '-sha256', '-binary'], publicKey).toString('base64');

// Every WebSocket the page opens (only watched), to see its URL.
function recordSockets() {
  const Native = window.WebSocket;
  window.__socketUrls = [];
  window.WebSocket = class extends Native {
    constructor(url, ...rest) {
      super(url, ...rest);
      window.__socketUrls.push(String(url));
    }
  };
}

try {
  await runBrowserTest('web tls e2e', async (browser, base) => {
    assert.match(base, /^https:\/\//);
    const alice = await openUser(browser, base, 'Alice');
    const bob = await openUser(browser, base, 'Bob');
    for (const user of [alice, bob]) await user.context.addInitScript(recordSockets);

    await signUp(alice, base);
    await signUp(bob, base);
    await screenshot(alice, 'signed-in-over-https');
    assert.equal(await alice.page.evaluate(() => location.protocol), 'https:');
    assert.equal(await alice.page.evaluate(() => window.isSecureContext), true);
    for (const user of [alice, bob]) {
      const cookies = await user.context.cookies(base);
      assert.ok(cookies.length > 0, `${user.name} has cookies`);
      for (const cookie of cookies) assert.equal(cookie.secure, true, `${user.name}'s ${cookie.name} is Secure`);
    }

    await createChannel(alice, 'over-tls');
    await bob.page.getByRole('button', { name: 'Browse channels' }).click();
    await bob.page.getByLabel('Search by name').fill('over-tls');
    await bob.page.getByRole('button', { name: 'Join #over-tls' }).click();
    await channelLink(bob, 'over-tls').waitFor();
    await until('Bob in #over-tls', async () => (await bob.page.locator('#channel-name').textContent()) === '#over-tls');

    await send(alice, 'Hello over WSS');
    await seesOnce(bob, 'Hello over WSS');
    await screenshot(bob, 'message-over-wss');
    for (const user of [alice, bob]) {
      const urls = await user.page.evaluate(() => window.__socketUrls);
      assert.ok(urls.length > 0, `${user.name}'s page opened a socket`);
      for (const url of urls) assert.match(url, /^wss:\/\/127\.0\.0\.1:\d+\/ws/, `${user.name}'s socket`);
    }
  }, {
    serveArgs: ['--tls-cert', file('server.pem'), '--tls-key', file('server.key')],
    tls: { ca: file('ca.pem'), spki },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
