// Starts a private townhall for one integration test, the Node twin of
// townhall.py. The binary comes from TOWNHALL_BIN (tests/CMakeLists.txt sets
// it to the built townhall).
//
//   startTownhall(): `townhall serve` on a free loopback port with a store of
//   its own, restart() (same port, same store, like a deploy) and stop().
//     const server = await startTownhall();
//     ... fetch(`${server.url}/api/me`) ...
//     await server.restart();
//     await server.stop();
//   The store is the embedded engine in a temporary directory, unless
//   TOWNHALL_TEST_STORE says otherwise:
//     dynamodb-local    a private in-memory DynamoDB Local (Java, from the
//                       amplify-dynamodb-simulator npm package) on a free port
//     http://host:port  an endpoint that is already running (a table of its own)
//
//   withDynamodb(body): `townhall dynamodb --in-memory --listen 127.0.0.1:0`,
//   passes {url, host, port} to body, stops it afterwards and fails loudly if
//   it crashed or did not stop cleanly on SIGTERM. $TOWNHALL_TEST_ENDPOINT
//   runs body against another endpoint (e.g. DynamoDB Local) instead.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Runs a child process, keeping the tail of its output for error messages.
function launch(command, args, options) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const proc = { child, output: '', exited: null };
  const collect = (chunk) => {
    proc.output += chunk;
    if (proc.output.length > 200000) proc.output = proc.output.slice(-100000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  proc.exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve((proc.exited = { code, signal })));
    child.on('error', (err) => resolve((proc.exited = { error: err.message })));
  });
  proc.stop = async () => {
    if (proc.exited) return proc.exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    await proc.exit;
    clearTimeout(timer);
    return proc.exited;
  };
  return proc;
}

async function waitUntil(what, proc, ready, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited) throw new Error(`${what} exited (${JSON.stringify(proc.exited)}) before it was ready:\n${proc.output}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${proc.output}`);
    await sleep(100);
  }
}

async function startDynamoDBLocal(timeoutMs) {
  const dir = path.join(repoRoot, 'node_modules/amplify-dynamodb-simulator/emulator');
  if (!existsSync(path.join(dir, 'DynamoDBLocal.jar'))) {
    throw new Error(`DynamoDB Local is missing (${dir}); run scripts/install-deps`);
  }
  const port = await freePort();
  const proc = launch('java', ['-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-inMemory', '-port', String(port)], { cwd: dir });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    // Any HTTP answer means it listens.
    await waitUntil('DynamoDB Local', proc, async () => Boolean(await fetch(endpoint)), timeoutMs);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { endpoint, stop: proc.stop };
}

// Whether GET url answers 200, over HTTPS trusting the CA in the PEM file ca.
function httpsOk(url, ca) {
  return new Promise((resolve) => {
    const request = https.get(url, { ca: readFileSync(ca), timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

// extraArgs go after the generated ones; env is added to the process environment.
// tls: {ca} when extraArgs make serve speak HTTPS (--tls-cert, --tls-key with a
// certificate for 127.0.0.1 from the CA in the PEM file ca): url is https://.
export async function startTownhall({ extraArgs = [], env = {}, readyTimeoutMs = 30000, tls = null } = {}) {
  const bin = process.env.TOWNHALL_BIN || process.env.TOWNHALL_BINARY; // the Python harness's name
  if (!bin) throw new Error('TOWNHALL_BIN is not set (run through ctest, or point it at build/townhall)');
  const storeChoice = process.env.TOWNHALL_TEST_STORE || 'embedded';
  const store = storeChoice === 'dynamodb-local' ? await startDynamoDBLocal(readyTimeoutMs) : null;
  const endpoint = store ? store.endpoint : storeChoice.startsWith('http') ? storeChoice : '';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'townhall-test-'));
  const port = await freePort();
  const args = [
    'serve',
    '--listen', `127.0.0.1:${port}`,
    '--dynamodb-listen', 'off',
    ...(endpoint ? ['--store', 'dynamodb', '--endpoint', endpoint] : ['--data', dataDir]),
    // A shared endpoint keeps its tables: give this run a table of its own.
    ...(endpoint && !store ? ['--table', `chat_test_${process.pid}_${Date.now()}`] : []),
    '--password-cost', 'minimum', // signups in milliseconds, not seconds
    ...extraArgs,
  ];
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let proc = null;
  let earlierOutput = '';
  const cleanup = async () => {
    if (proc) await proc.stop();
    if (store) await store.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  // DynamoDB Local takes any keys, but the client wants some.
  const storeEnv = endpoint ? { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' } : {};
  const launchServe = async () => {
    proc = launch(bin, args, { env: { ...storeEnv, ...process.env, ...env } });
    const ready = tls ? () => httpsOk(`${url}/healthz`, tls.ca) : async () => (await fetch(`${url}/healthz`)).ok;
    await waitUntil('townhall serve', proc, ready, readyTimeoutMs);
  };
  try {
    await launchServe();
  } catch (err) {
    await cleanup();
    throw err;
  }

  return {
    url,
    port,
    dataDir,
    output: () => earlierOutput + proc.output,
    exited: () => proc.exited, // {code, signal} once it has exited, else null
    // Stops townhall (SIGTERM: a graceful shutdown) and starts it again on the
    // same port over the same store, like a deploy.
    // whileDown: an async function run between the stop and the start.
    async restart(whileDown = null) {
      const exited = await proc.stop();
      earlierOutput += `${proc.output}--- restart (exited ${JSON.stringify(exited)}) ---\n`;
      if (whileDown) await whileDown();
      await launchServe();
      return exited;
    },
    async stop() {
      const exited = await proc.stop();
      earlierOutput += proc.output;
      proc.output = '';
      await cleanup();
      return exited;
    },
  };
}

export async function withDynamodb(body, { inMemory = true, args = [], startTimeoutMs = 10000 } = {}) {
  const external = process.env.TOWNHALL_TEST_ENDPOINT;
  if (external) {
    const url = new URL(external);
    return body({ url: external, host: url.hostname, port: Number(url.port) });
  }
  const bin = process.env.TOWNHALL_BIN;
  if (!bin) throw new Error('TOWNHALL_BIN is not set: run through ctest, or point it at build/townhall');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'townhall-test-'));
  const command = ['dynamodb', '--listen', '127.0.0.1:0', ...(inMemory ? ['--in-memory'] : ['--data', path.join(dir, 'data')]), ...args];
  const child = spawn(bin, command, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited = null;
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  try {
    const endpoint = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`townhall did not start within ${startTimeoutMs} ms\n${stderr}`)), startTimeoutMs);
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const match = /listening on (\S+):(\d+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve({ url: `http://${match[1]}:${match[2]}`, host: match[1], port: Number(match[2]) });
        }
      });
      exitPromise.then((e) => { clearTimeout(timer); reject(new Error(`townhall exited at start (${JSON.stringify(e)})\n${stderr}`)); });
    });
    return await body(endpoint);
  } finally {
    if (exited) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`townhall died during the test (${JSON.stringify(exited)}):\n${stderr}`);
    }
    child.kill('SIGTERM');
    const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 15000));
    const result = await Promise.race([exitPromise, timeout]);
    rmSync(dir, { recursive: true, force: true });
    if (result === null) {
      child.kill('SIGKILL');
      throw new Error(`townhall did not stop within 15 s of SIGTERM:\n${stderr}`);
    }
    if (result.code !== 0) throw new Error(`townhall exited with ${JSON.stringify(result)} on SIGTERM:\n${stderr}`);
  }
}
