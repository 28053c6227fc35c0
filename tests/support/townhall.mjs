// Starts a private `townhall serve` for one integration test: free loopback
// ports, a fresh data directory, and a stop() that shuts it down and removes
// the directory. The binary comes from TOWNHALL_BIN (tests/CMakeLists.txt
// sets it to the built townhall).
//
//   const server = await startTownhall();
//   ... fetch(`${server.url}/api/me`) ...
//   await server.stop();

import { spawn } from 'node:child_process';
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
