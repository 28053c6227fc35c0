// End-to-end test of file sharing in the web page, in Chromium against a
// private `townhall serve --max-file-mb 1`: Alice pastes a screenshot into
// the composer (a real paste event carrying a PNG), sees its chip upload and
// sends it; Bob sees the thumbnail arrive live, and it opens full size in
// the lightbox. Alice attaches an HTML page through the paperclip's file
// input; Bob sees a download card (name, size, type) and downloads the very
// bytes, served as an attachment that cannot run in the chat's origin. A
// file dropped on the conversation (its chip's progress, the send held back
// until it is uploaded), more than ten files at once, one over the size
// limit (the server's 413 on its chip), a send whose socket drops (the files
// go over REST) and a file in a thread reply complete it; the files show
// again from history after a reload.
//
//   TOWNHALL_BIN=build/townhall node tests/e2e/web_files.mjs

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';

import {
  activeChannelId,
  channelLink,
  createChannel,
  openUser,
  restAs,
  runBrowserTest,
  screenshot,
  signUp,
  until,
  useArtifacts,
} from '../support/browser.mjs';

useArtifacts('web-files');

const CHANNEL = 'design';
const MAX_FILE_MB = 1;
const PAGE_HTML = '<html><script>window.pwned=1</script></html>';

// --- a real PNG, made here: width × height, a colour gradient ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function makePng(width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // no filter
    for (let x = 0; x < width; x++) {
      const at = y * stride + 1 + x * 3;
      raw[at] = Math.round((x / width) * 255);
      raw[at + 1] = Math.round((y / height) * 255);
      raw[at + 2] = 160;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- the page ---

const heading = (user) => user.page.locator('#channel-name').textContent();
const chips = (user) => user.page.locator('#attachments li.attachment');
const chipStatuses = (user) => chips(user).evaluateAll((items) => items.map((li) => li.dataset.status));
const composerError = (user) => user.page.locator('#composer-error').textContent();
const messageWith = (user, selector) => user.page.locator('#message-list li.msg', { has: user.page.locator(selector) });

// A paste into the composer of a file made in the page from these bytes, as
// the system clipboard hands over a screenshot (a DataTransfer holding a File).
async function pasteFile(user, bytes, name, type) {
  await user.page.locator('#composer-input').focus();
  return user.page.evaluate(
    ({ data, fileName, fileType }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], fileName, { type: fileType }));
      const event = new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true });
      document.getElementById('composer-input').dispatchEvent(event);
      return event.defaultPrevented;
    },
    { data: [...bytes], fileName: name, fileType: type },
  );
}

// Drags a file over the conversation and drops it on the drop target that shows.
async function dropFile(user, text, name, type) {
  await user.page.evaluate(
    ({ content, fileName, fileType }) => {
      window.dropped = new DataTransfer();
      window.dropped.items.add(new File([content], fileName, { type: fileType }));
      document.getElementById('messages').dispatchEvent(
        new DragEvent('dragenter', { dataTransfer: window.dropped, bubbles: true, cancelable: true }),
      );
    },
    { content: text, fileName: name, fileType: type },
  );
  await until('the drop target shown', async () => user.page.locator('#drop-target').isVisible());
  assert.match(await user.page.locator('#drop-target').textContent(), /Drop files/);
  await screenshot(user, 'drop-target');
  await user.page.evaluate(() => {
    const target = document.getElementById('drop-target');
    for (const type of ['dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: window.dropped, bubbles: true, cancelable: true }));
    }
  });
  await until('the drop target gone', async () => !(await user.page.locator('#drop-target').isVisible()));
}

async function uploadsDone(user, count) {
  await until(`${user.name}'s ${count} upload(s) done`, async () => {
    const statuses = await chipStatuses(user);
    if (statuses.includes('failed')) throw new Error(`an upload failed: ${await chips(user).allTextContents()}`);
    return statuses.length === count && statuses.every((s) => s === 'done');
  });
}

async function sendComposer(user, text = '') {
  const box = user.page.locator('#composer-input');
  await box.fill(text);
  await box.press('Enter');
  // The chips stay, "Sending…", until the server has the message; then they go.
  await until(`${user.name}'s chips cleared by the ack`, async () => (await chips(user).count()) === 0);
  assert.equal(await user.page.locator('#attachments').isVisible(), false);
}

const imageLoaded = (img) => img.evaluate((node) => node.complete && node.naturalWidth > 0 && { w: node.naturalWidth, h: node.naturalHeight });

await runBrowserTest(
  'web files e2e',
  async (browser, base) => {
    const alice = await openUser(browser, base, 'Alice');
    const bob = await openUser(browser, base, 'Bob');
    await signUp(alice, base);
    await signUp(bob, base);
    await createChannel(alice, CHANNEL);
    const channelId = await activeChannelId(alice);
    await createChannel(bob, 'lobby');
    await restAs(bob, base, 'POST', `/api/channels/${channelId}/join`);
    await until(`#${CHANNEL} in Bob's sidebar`, async () => (await channelLink(bob, CHANNEL).count()) === 1);
    await channelLink(bob, CHANNEL).click();
    await until(`Bob in #${CHANNEL}`, async () => (await heading(bob)) === `#${CHANNEL}`);

    // --- the composer has a paperclip ---
    const attach = alice.page.getByRole('button', { name: 'Attach files' });
    assert.equal(await attach.isVisible(), true);
    assert.equal(await alice.page.locator('#attach-input').getAttribute('type'), 'file');
    assert.equal(await alice.page.locator('#attach-input').getAttribute('multiple'), '');

    // --- Alice pastes a screenshot: a chip with a preview, uploading, then done ---
    const png = makePng(600, 300);
    assert.equal(await pasteFile(alice, png, 'image.png', 'image/png'), true, 'the paste was taken as a file');
    await until('the chip', async () => (await chips(alice).count()) === 1);
    const chip = chips(alice).first();
    assert.equal(await chip.locator('.attachment__name').textContent(), 'pasted image.png');
    await uploadsDone(alice, 1);
    assert.match(await chip.locator('.attachment__meta').textContent(), /^\d+(\.\d)? KB$/);
    await until('the chip\'s preview', async () => (await chip.locator('.attachment__preview img').count()) === 1);
    assert.match(await chip.locator('.attachment__preview img').getAttribute('src'), /^data:image\/png;base64,/);
    assert.equal(await alice.page.locator('#composer-input').inputValue(), '', 'nothing pasted as text');
    await screenshot(alice, 'pasted-chip');

    // Sent with no text: the file alone is the message.
    await sendComposer(alice, '');

    // --- Bob: the thumbnail arrives live, scaled to fit 400 px, loaded ---
    const thumb = bob.page.locator('#message-list img.file-thumb__img');
    await until('Bob sees the thumbnail', async () => (await thumb.count()) === 1);
    assert.equal(await thumb.getAttribute('alt'), 'pasted image.png');
    assert.equal(await thumb.getAttribute('width'), '400');
    assert.equal(await thumb.getAttribute('height'), '200');
    assert.equal(await thumb.getAttribute('loading'), 'lazy');
    const thumbSize = await until('the thumbnail loaded', async () => imageLoaded(thumb));
    assert.ok(thumbSize.w <= 400 && thumbSize.h <= 400, `a thumbnail, not the picture: ${JSON.stringify(thumbSize)}`);
    assert.equal(await messageWith(bob, 'img.file-thumb__img').locator('.msg__author').textContent(), 'Alice');
    await screenshot(bob, 'thumbnail');

    // Clicking it opens the picture itself, full size, in the lightbox; Escape closes it.
    await thumb.click();
    const lightbox = bob.page.locator('#lightbox');
    await until('the lightbox open', async () => lightbox.isVisible());
    const full = bob.page.locator('#lightbox-img');
    const fullSize = await until('the full picture loaded', async () => imageLoaded(full));
    assert.deepEqual(fullSize, { w: 600, h: 300 });
    assert.equal(await bob.page.locator('#lightbox-name').textContent(), 'pasted image.png');
    const fullUrl = await full.getAttribute('src');
    assert.match(fullUrl, new RegExp(`^/api/channels/${channelId}/files/[^?]+$`));
    await screenshot(bob, 'lightbox');
    await bob.page.keyboard.press('Escape');
    await until('the lightbox closed', async () => !(await lightbox.isVisible()));
    assert.equal(await bob.page.evaluate(() => document.activeElement.classList.contains('file-thumb')), true, 'focus back on the thumbnail');

    // --- Alice attaches an HTML page with the paperclip's file input ---
    await alice.page.locator('#attach-input').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from(PAGE_HTML) });
    await uploadsDone(alice, 1);
    assert.equal(await chips(alice).first().locator('.attachment__name').textContent(), 'page.html');
    await sendComposer(alice, 'the page I mentioned');

    // --- Bob: a download card with the name, size and type ---
    const cardMessage = messageWith(bob, '.file-card');
    await until('Bob sees the download card', async () => (await cardMessage.count()) === 1);
    const card = cardMessage.locator('.file-card');
    assert.equal(await cardMessage.locator('.msg__text').textContent(), 'the page I mentioned');
    assert.equal(await card.locator('.file-card__name').textContent(), 'page.html');
    assert.equal(await card.locator('.file-card__meta').textContent(), `${PAGE_HTML.length} bytes · text/plain`);
    assert.equal(await bob.page.locator('#message-list script').count(), 0);
    assert.equal(await bob.page.evaluate(() => window.pwned), undefined);
    await cardMessage.scrollIntoViewIfNeeded();
    await screenshot(bob, 'download-card');

    // Downloading gives the very bytes.
    const link = card.getByRole('link', { name: /^Download page\.html/ });
    const [download] = await Promise.all([bob.page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'page.html');
    assert.equal((await readFile(await download.path())).toString(), PAGE_HTML);
    // ...served so that it never runs in the chat's origin.
    const fileUrl = await link.getAttribute('href');
    const response = await bob.context.request.get(`${base}${fileUrl}`);
    assert.equal(response.status(), 200);
    const headers = response.headers();
    assert.match(headers['content-disposition'], /^attachment;/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.match(headers['content-security-policy'], /sandbox/);
    assert.match(headers['content-type'], /^text\/plain/);
    assert.equal(await response.text(), PAGE_HTML);
    assert.equal(await bob.page.evaluate(() => window.pwned), undefined, 'nothing ran in the chat');

    // --- a file dropped on the conversation (its upload held back a moment: the chip shows
    // the progress bar, and the message waits for it) ---
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await alice.page.route('**/files?name=numbers.csv', async (route) => {
      await held;
      await route.continue();
    });
    await dropFile(alice, 'a,b\n1,2\n', 'numbers.csv', 'text/csv');
    await until('the chip uploading', async () => JSON.stringify(await chipStatuses(alice)) === '["uploading"]');
    const uploading = chips(alice).first();
    assert.equal(await uploading.locator('.attachment__name').textContent(), 'numbers.csv');
    assert.equal(await uploading.locator('progress').count(), 1);
    assert.match(await uploading.locator('.attachment__meta').textContent(), /^8 bytes · Uploading \d+%$/);
    await alice.page.locator('#composer-input').fill('dropped in');
    await alice.page.locator('#composer-input').press('Enter');
    assert.equal(await composerError(alice), 'Wait for the file to finish uploading.');
    assert.equal(await alice.page.locator('#composer-input').inputValue(), 'dropped in', 'not sent yet');
    await screenshot(alice, 'uploading');
    release();
    await uploadsDone(alice, 1);
    await until('the reason gone once uploaded', async () => (await composerError(alice)) === '');
    await alice.page.unroute('**/files?name=numbers.csv');
    await sendComposer(alice, 'dropped in');
    await until('Bob sees the dropped file', async () =>
      (await bob.page.locator('#message-list .file-card__name').allTextContents()).includes('numbers.csv'));

    // --- more than ten files at once: ten are attached, and the page says why not the rest ---
    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `note-${i + 1}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`note ${i + 1}\n`) }));
    await alice.page.locator('#attach-input').setInputFiles(eleven);
    await until('ten chips', async () => (await chips(alice).count()) === 10);
    assert.match(await composerError(alice), /at most 10 files: 1 file was not added/);
    await uploadsDone(alice, 10);
    for (let left = 10; left > 0; left--) {
      await chips(alice).first().getByRole('button', { name: /^Remove note-/ }).click();
      await until(`${left - 1} chips`, async () => (await chips(alice).count()) === left - 1);
    }

    // --- too large: the server's 413 on the chip; the message cannot go with it ---
    const big = Buffer.alloc(1.5 * 1024 * 1024, 7);
    const cookies = await alice.context.cookies(base);
    const csrf = decodeURIComponent(cookies.find((c) => c.name === 'th_csrf').value);
    const refused = await alice.context.request.post(`${base}/api/channels/${channelId}/files?name=big.bin`, {
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/octet-stream' },
      data: big,
    });
    assert.equal(refused.status(), 413);
    const { error } = await refused.json();
    assert.equal(error.code, 'payload_too_large');
    assert.equal(error.message, 'a file is at most 1 MB');
    await alice.page.locator('#attach-input').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: big });
    await until('the upload refused', async () => JSON.stringify(await chipStatuses(alice)) === '["failed"]');
    const failed = chips(alice).first();
    assert.equal(await failed.locator('.attachment__error').textContent(), error.message);
    assert.equal(await failed.getByRole('button', { name: /^Upload .* again$/ }).count(), 0, 'no retry: it would fail the same way');
    await screenshot(alice, 'too-large');
    await alice.page.locator('#composer-input').fill('with the big one');
    await alice.page.locator('#composer-input').press('Enter');
    assert.match(await composerError(alice), /could not be uploaded/);
    assert.equal(await alice.page.locator('#composer-input').inputValue(), 'with the big one', 'the text is kept');
    await failed.getByRole('button', { name: 'Remove big.bin' }).click();
    await until('the failed chip gone', async () => (await chips(alice).count()) === 0);
    await alice.page.locator('#composer-input').press('Enter');
    await until('the text sent alone', async () =>
      (await bob.page.locator('#message-list .msg__text').allTextContents()).includes('with the big one'));

    // --- the socket drops as the message goes: it goes over REST, files and all ---
    let dropped = 0;
    await alice.page.routeWebSocket(/\/ws/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        if (typeof frame === 'string' && JSON.parse(frame).type === 'send') {
          dropped++;
          ws.close();
          return;
        }
        server.send(frame);
      });
    });
    await alice.page.reload(); // a connection through the route
    await until('Alice back, connected', async () =>
      (await heading(alice)) === `#${CHANNEL}` && (await alice.page.locator('#connection').getAttribute('data-state')) === 'open');
    await alice.page.locator('#attach-input').setInputFiles({ name: 'rest.txt', mimeType: 'text/plain', buffer: Buffer.from('over REST\n') });
    await uploadsDone(alice, 1);
    await sendComposer(alice, 'sent while the socket dropped');
    assert.equal(dropped, 1, 'the socket was closed on the send frame');
    await until('Bob sees the file sent over REST', async () =>
      (await bob.page.locator('#message-list .file-card__name').allTextContents()).includes('rest.txt'));
    await alice.page.unrouteAll();

    // --- a file in a thread reply shows in the thread ---
    const reply = await alice.context.request.post(`${base}/api/channels/${channelId}/files?name=${encodeURIComponent('reply notes.txt')}`, {
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'text/plain' },
      data: Buffer.from('thread notes\n'),
    });
    assert.equal(reply.status(), 201);
    const { file: replyFile } = await reply.json();
    const root = (await restAs(alice, base, 'GET', `/api/channels/${channelId}/messages?limit=10`)).messages
      .find((m) => m.text === 'the page I mentioned');
    await restAs(alice, base, 'POST', `/api/channels/${channelId}/messages`, {
      text: '', client_message_id: 'thread-file-1', thread_root: root.id, files: [replyFile.id],
    });
    await until('the thread link under the page', async () => (await cardMessage.locator('.thread-link').count()) === 1);
    await cardMessage.locator('.thread-link').click();
    await until('the thread open', async () => bob.page.locator('#thread-panel').isVisible());
    await until('the reply\'s file in the thread', async () =>
      (await bob.page.locator('#thread-replies .file-card__name').allTextContents()).includes('reply notes.txt'));
    assert.deepEqual(await bob.page.locator('#thread-root .file-card__name').allTextContents(), ['page.html'], 'and the root\'s');
    await screenshot(bob, 'thread');
    await bob.page.getByRole('button', { name: 'Close thread' }).click();

    // --- after a reload the files come with the history ---
    await bob.page.reload();
    await until(`Bob back in #${CHANNEL}`, async () => (await heading(bob)) === `#${CHANNEL}`);
    await until('the thumbnail from history', async () => (await thumb.count()) === 1 && imageLoaded(thumb));
    assert.deepEqual(await bob.page.locator('#message-list .file-card__name').allTextContents(), ['page.html', 'numbers.csv', 'rest.txt']);
    await screenshot(bob, 'history');

    // Nothing was left on the server unshared but the removed notes: the message
    // with the picture carries exactly one file.
    const page = await restAs(bob, base, 'GET', `/api/channels/${channelId}/messages?limit=10`);
    const withPicture = page.messages.find((m) => (m.files || []).some((f) => f.name === 'pasted image.png'));
    assert.equal(withPicture.text, '');
    assert.equal(withPicture.files.length, 1);
    assert.equal(withPicture.files[0].width, 600);
    assert.equal(withPicture.files[0].url, fullUrl);
  },
  { serveArgs: ['--max-file-mb', String(MAX_FILE_MB)] },
);
