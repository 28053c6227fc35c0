// Runs the built townhall binary for a Node integration test (the Node twin
// of townhall.py): `await withDynamodb(async (endpoint) => { ... })` starts
// `townhall dynamodb --in-memory` on a free loopback port, passes
// {url, host, port}, and stops it afterwards, failing loudly if it crashed
// or did not stop cleanly. $TOWNHALL_BIN names the binary (ctest sets it);
// $TOWNHALL_TEST_ENDPOINT runs the test against another endpoint instead.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function withDynamodb(body, { inMemory = true, args = [], startTimeoutMs = 10000 } = {}) {
  const external = process.env.TOWNHALL_TEST_ENDPOINT;
  if (external) {
    const url = new URL(external);
    return body({ url: external, host: url.hostname, port: Number(url.port) });
  }
  const bin = process.env.TOWNHALL_BIN;
  if (!bin) throw new Error('TOWNHALL_BIN is not set: run through ctest, or point it at build/townhall');
  const dir = mkdtempSync(join(tmpdir(), 'townhall-test-'));
  const command = ['dynamodb', '--listen', '127.0.0.1:0', ...(inMemory ? ['--in-memory'] : ['--data', join(dir, 'data')]), ...args];
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
