// Starts a private townhall for one integration test, the Node twin of
// townhall.py. The binary comes from TOWNHALL_BIN (tests/CMakeLists.txt sets
// it to the built townhall).
//
//   startTownhall(): `townhall serve` on free loopback ports, a fresh data
//   directory, and a stop() that shuts it down and removes the directory.
//     const server = await startTownhall();
//     ... fetch(`${server.url}/api/me`) ...
//     await server.stop();
//
//   withDynamodb(body): `townhall dynamodb --in-memory --listen 127.0.0.1:0`,
//   passes {url, host, port} to body, stops it afterwards and fails loudly if
//   it crashed or did not stop cleanly on SIGTERM. $TOWNHALL_TEST_ENDPOINT
//   runs body against another endpoint (e.g. DynamoDB Local) instead.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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

// extraArgs go after the generated ones; env is added to the process environment.
export async function startTownhall({ extraArgs = [], env = {}, readyTimeoutMs = 30000 } = {}) {
  const bin = process.env.TOWNHALL_BIN;
  if (!bin) throw new Error('TOWNHALL_BIN is not set (run through ctest, or point it at build/townhall)');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'townhall-test-'));
  const port = await freePort();
  const dynamodbPort = await freePort();
  const args = [
    'serve',
    '--listen', `127.0.0.1:${port}`,
    '--dynamodb-listen', `127.0.0.1:${dynamodbPort}`,
    '--data-dir', dataDir,
    ...extraArgs,
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    if (output.length > 200000) output = output.slice(-100000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`townhall serve exited (${JSON.stringify(exited)}) before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exit;
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`townhall serve was not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    await sleep(100);
  }

  return {
    url,
    port,
    dynamodbPort,
    dataDir,
    output: () => output,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exit;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
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
