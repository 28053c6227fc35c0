// How fast the web page is usable: a signed-in user with 50 channels opens
// the page on a channel holding 10,000 messages, in Chromium on loopback.
// Reports, per run, from the page's own clock (Performance API): the
// navigation's domContentLoaded, and the time until the newest messages are
// on screen with the composer focused (the page is usable), from navigation start.
//
//   TOWNHALL_BIN=build/townhall node bench/page_load.mjs [--messages 10000] [--channels 50] [--runs 5]
import { parseArgs } from 'node:util';

import { chromium, chromiumPath, CHROMIUM_ARGS } from '../tests/support/browser.mjs';
import { startTownhall } from '../tests/support/townhall.mjs';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '10000' },
  channels: { type: 'string', default: '50' }, runs: { type: 'string', default: '5' } } });
const server = await startTownhall({ extraArgs: ['--rate-ip', '0', '--rate-user', '0', '--rate-auth', '0'] });
const base = server.url;

async function call(token, method, path, body) {
  const response = await fetch(base + path, {
    method, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

try {
  const signup = await (await fetch(`${base}/api/signup`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Reader', email: 'reader@bench.example', password: 'correct horse battery' }) })).json();
  const token = signup.token;
  let busy = '';
  for (let i = 0; i < Number(values.channels); i++) {
    const { channel } = await call(token, 'POST', '/api/channels', { name: `channel-${String(i).padStart(2, '0')}` });
    if (i === 0) busy = channel.id;
  }
  const started = Date.now();
  const total = Number(values.messages);
  for (let sent = 0; sent < total;) {
    const batch = [];
    for (let j = 0; j < 50 && sent < total; j++, sent++) {
      batch.push(call(token, 'POST', `/api/channels/${busy}/messages`, { text: `message ${sent}: **some** text with a link https://example.com/${sent}` }));
    }
    await Promise.all(batch);
  }
  console.log(`setup: ${values.channels} channels, ${total} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The session as the page keeps it: the cookies of a sign-in through the page itself.
  const page = await context.newPage();
  await page.goto(base);
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  await page.getByLabel('E-mail').fill('reader@bench.example');
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#chat-view').waitFor();
  const figures = [];
  for (let run = 0; run < Number(values.runs); run++) {
    await page.goto(`${base}/?run=${run}#/c/${busy}`); // a new document each time
    await page.waitForFunction(() => document.querySelectorAll('#message-list li.msg').length > 0 &&
      document.activeElement && document.activeElement.id === 'composer-input');
    const figure = await page.evaluate(() => {
      const navigation = performance.getEntriesByType('navigation')[0];
      return { dcl: navigation.domContentLoadedEventEnd, usable: performance.now() };
    });
    figures.push(figure);
    if (process.env.DETAIL) {
      console.log(await page.evaluate(() => performance.getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/') || e.name.includes('/ws'))
        .map((e) => `${e.name.replace(location.origin, '')} ${e.startTime.toFixed(0)}..${e.responseEnd.toFixed(0)}`).join('\n')));
    }
    console.log(`run ${run + 1}: domContentLoaded ${figure.dcl.toFixed(0)} ms, newest messages shown and composer focused by ${figure.usable.toFixed(0)} ms`);
  }
  const usable = figures.map((f) => f.usable).sort((a, b) => a - b);
  console.log(`usable: median ${usable[Math.floor(usable.length / 2)].toFixed(0)} ms, worst ${usable[usable.length - 1].toFixed(0)} ms (goal < 300 ms)`);
  await browser.close();
} finally {
  await server.stop();
}
