// Unit tests for web/js/files.js, the DOM-free side of file sharing: sizes as
// people read them, the files a paste or a drop carries, thumbnail sizes,
// file kinds, and the attachments of a message being written (uploading,
// failed, limited to ten, carried by a send until the server has it).
// Run: node --test tests/web/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  Attachments,
  MAX_FILES_PER_MESSAGE,
  dragHasFiles,
  fileBadge,
  fileKind,
  filesFromDrop,
  filesFromPaste,
  fitThumbnail,
  humanSize,
  messageSummary,
  pastedName,
  retryableUpload,
  shortType,
  uploadErrorText,
} from '../../web/js/files.js';

test('sizes read as bytes, KB, MB and GB', () => {
  assert.equal(humanSize(0), '0 bytes');
  assert.equal(humanSize(1), '1 byte');
  assert.equal(humanSize(44), '44 bytes');
  assert.equal(humanSize(1023), '1023 bytes');
  assert.equal(humanSize(1024), '1 KB');
  assert.equal(humanSize(1536), '1.5 KB');
  assert.equal(humanSize(10 * 1024), '10 KB');
  assert.equal(humanSize(123456), '121 KB');
  assert.equal(humanSize(1024 * 1024 - 1), '1 MB', 'rounding up to the next unit names that unit');
  assert.equal(humanSize(1.5 * 1024 * 1024), '1.5 MB');
  assert.equal(humanSize(25 * 1024 * 1024), '25 MB');
  assert.equal(humanSize(3 * 1024 ** 3), '3 GB');
  assert.equal(humanSize(-1), '');
  assert.equal(humanSize('nope'), '');
});

test('a thumbnail fits in 400 × 400, keeps its shape and is never enlarged', () => {
  assert.deepEqual(fitThumbnail(600, 300), { width: 400, height: 200 });
  assert.deepEqual(fitThumbnail(300, 600), { width: 200, height: 400 });
  assert.deepEqual(fitThumbnail(1000, 1000), { width: 400, height: 400 });
  assert.deepEqual(fitThumbnail(120, 80), { width: 120, height: 80 });
  assert.deepEqual(fitThumbnail(10000, 10), { width: 400, height: 1 }, 'at least a pixel high');
  assert.deepEqual(fitThumbnail(1920, 1080, 200), { width: 200, height: 113 });
  assert.equal(fitThumbnail(0, 100), null);
  assert.equal(fitThumbnail(undefined, undefined), null);
});

// DataTransfer-like objects, as the browser hands them to paste and drop handlers.
const file = (name, type, size = 10) => ({ name, type, size });
function transfer({ types = [], files = [], items = [] }) {
  return { types, files, items };
}

test('a pasted screenshot is attached as "pasted image.png"', () => {
  const shot = file('image.png', 'image/png');
  const picked = filesFromPaste(transfer({ types: ['Files'], files: [shot] }));
  assert.deepEqual(picked, [{ file: shot, name: 'pasted image.png' }]);
});

test('a paste with text pastes the text, even with a picture of it', () => {
  const picture = file('image.png', 'image/png');
  assert.deepEqual(filesFromPaste(transfer({ types: ['text/plain', 'text/html', 'Files'], files: [picture] })), []);
  assert.deepEqual(filesFromPaste(transfer({ types: ['text/plain'] })), []);
  assert.deepEqual(filesFromPaste(null), []);
});

test('a paste that lists its picture only among the items still attaches it', () => {
  const shot = file('', 'image/jpeg');
  const items = [
    { kind: 'string', type: 'text/html', getAsFile: () => null },
    { kind: 'file', type: 'image/jpeg', getAsFile: () => shot },
  ];
  assert.deepEqual(filesFromPaste(transfer({ types: ['Files'], items })), [{ file: shot, name: 'pasted image.jpg' }]);
});

test('a copied file keeps its own name', () => {
  assert.equal(pastedName(file('report.pdf', 'application/pdf')), 'report.pdf');
  assert.equal(pastedName(file('holiday.png', 'image/png')), 'holiday.png');
  assert.equal(pastedName(file('image.gif', 'image/gif')), 'pasted image.gif');
  assert.equal(pastedName(file('', 'image/webp')), 'pasted image.webp');
  assert.equal(pastedName(file('', '')), 'pasted file');
});

test('a drop attaches its files; a drag of text is not a drop of files', () => {
  const a = file('a.txt', 'text/plain');
  const b = file('', '');
  assert.equal(dragHasFiles(transfer({ types: ['Files'] })), true);
  assert.equal(dragHasFiles(transfer({ types: ['text/plain', 'text/uri-list'] })), false);
  assert.equal(dragHasFiles(null), false);
  assert.deepEqual(filesFromDrop(transfer({ types: ['Files'], files: [a, b] })), [
    { file: a, name: 'a.txt' },
    { file: b, name: 'file' },
  ]);
  assert.deepEqual(filesFromDrop(transfer({ types: ['text/plain'], files: [] })), []);
});

test('a file\'s kind picks its icon; its type reads without parameters', () => {
  assert.equal(fileKind('image/png', 'x.png'), 'image');
  assert.equal(fileKind('application/pdf', 'x.pdf'), 'pdf');
  assert.equal(fileKind('application/zip', 'x.zip'), 'archive');
  assert.equal(fileKind('application/gzip', 'x.gz'), 'archive');
  assert.equal(fileKind('application/octet-stream', 'backup.tar'), 'archive');
  assert.equal(fileKind('text/plain; charset=utf-8', 'page.html'), 'text');
  assert.equal(fileKind('video/mp4', 'clip.mp4'), 'video');
  assert.equal(fileKind('application/octet-stream', 'blob.bin'), 'other');
  assert.equal(fileBadge('text/plain; charset=utf-8', 'page.html'), 'HTML');
  assert.equal(fileBadge('text/csv', 'numbers.csv'), 'CSV');
  assert.equal(fileBadge('application/pdf', 'no extension'), 'PDF');
  assert.equal(fileBadge('application/octet-stream', 'archive.tar.gz'), 'GZ');
  assert.equal(fileBadge('application/octet-stream', 'weird.extension'), 'FILE', 'a long "extension" is no extension');
  assert.equal(shortType('text/plain; charset=utf-8'), 'text/plain');
  assert.equal(shortType(''), 'file');
});

test('a message with files only is summed up by what it shares', () => {
  assert.equal(messageSummary({ text: 'hello', files: [{ name: 'a.png' }] }), 'hello');
  assert.equal(messageSummary({ text: '', files: [{ name: 'a.png' }] }), 'shared a.png');
  assert.equal(messageSummary({ text: '', files: [{ name: 'a' }, { name: 'b' }] }), 'shared 2 files');
  assert.equal(messageSummary({ text: '' }), '');
});

test('upload errors: the server\'s words, and which ones are worth retrying', () => {
  const tooLarge = { status: 413, code: 'payload_too_large', message: 'a file is at most 1 MB' };
  assert.equal(uploadErrorText(tooLarge), 'a file is at most 1 MB');
  assert.equal(retryableUpload(tooLarge), false);
  assert.equal(uploadErrorText({ status: 0, message: 'Cannot reach the server.' }), 'Upload failed: cannot reach the server.');
  assert.equal(retryableUpload({ status: 0 }), true);
  assert.equal(retryableUpload({ status: 503 }), true);
  assert.equal(retryableUpload({ status: 403 }), false);
});

const uploaded = (id) => ({ id, name: `${id}.png`, type: 'image/png', size: 10, url: `/f/${id}` });

test('attachments upload, then the message can go with them', () => {
  const set = new Attachments();
  const { added, refused } = set.add([{ name: 'a.png', size: 200, type: 'image/png' }, { name: 'b.txt', size: 0, type: '' }]);
  assert.equal(refused, 0);
  assert.equal(added.length, 2);
  assert.notEqual(added[0].key, added[1].key);
  assert.deepEqual(set.summary(), { count: 2, uploading: 2, failed: 0, ready: 0 });
  assert.equal(set.blocker(), 'Wait for the files to finish uploading.');

  set.progress(added[0].key, 50);
  assert.equal(set.fraction(added[0]), 0.25);
  assert.equal(set.fraction(added[1]), 0, 'an empty file shows no progress until it is done');
  set.uploaded(added[0].key, uploaded('f1'));
  assert.equal(set.blocker(), 'Wait for the file to finish uploading.');
  set.uploaded(added[1].key, uploaded('f2'));
  assert.equal(set.fraction(added[1]), 1);
  assert.equal(set.blocker(), '');
  assert.deepEqual(set.summary(), { count: 2, uploading: 0, failed: 0, ready: 2 });

  // Sent: carried by the send until the server has it; then gone.
  assert.deepEqual(set.take('cm1').map((f) => f.id), ['f1', 'f2']);
  assert.deepEqual(set.summary(), { count: 0, uploading: 0, failed: 0, ready: 0 }, 'a new message has none');
  assert.equal(set.items.length, 2, 'their chips stay while the send is in flight');
  assert.equal(set.remove(added[0].key), null, 'a file being sent cannot be removed');
  assert.equal(set.sent('other'), false);
  assert.equal(set.sent('cm1'), true);
  assert.equal(set.items.length, 0);
});

test('a discarded send gives its files back to the message being written', () => {
  const set = new Attachments();
  const [item] = set.add([{ name: 'a.png', size: 1, type: 'image/png' }]).added;
  set.uploaded(item.key, uploaded('f1'));
  set.take('cm1');
  assert.equal(set.summary().ready, 0);
  assert.equal(set.returned('cm1'), true);
  assert.equal(set.summary().ready, 1);
  assert.deepEqual(set.take('cm2').map((f) => f.id), ['f1']);
});

test('files attached while a send is in flight are the next message\'s', () => {
  const set = new Attachments();
  const [first] = set.add([{ name: 'a.png', size: 1, type: 'image/png' }]).added;
  set.uploaded(first.key, uploaded('f1'));
  set.take('cm1');
  const [second] = set.add([{ name: 'b.png', size: 1, type: 'image/png' }]).added;
  assert.equal(set.blocker(), 'Wait for the file to finish uploading.', 'only the new one counts');
  set.uploaded(second.key, uploaded('f2'));
  set.sent('cm1');
  assert.deepEqual(set.items.map((i) => i.key), [second.key]);
  assert.deepEqual(set.take('cm2').map((f) => f.id), ['f2']);
});

test('a failed upload says why, blocks the send until removed, and may be retried', () => {
  const set = new Attachments();
  const [item] = set.add([{ name: 'big.bin', size: 1572864, type: '' }]).added;
  set.failed(item.key, 'a file is at most 1 MB', false);
  assert.equal(item.status, 'failed');
  assert.equal(item.error, 'a file is at most 1 MB');
  assert.match(set.blocker(), /could not be uploaded/);
  assert.deepEqual(set.take('cm1'), [], 'nothing to send');
  set.restart(item.key);
  assert.equal(item.status, 'uploading');
  assert.equal(item.error, '');
  set.failed(item.key, 'again', true);
  assert.equal(set.remove(item.key), item);
  assert.equal(set.blocker(), '');
  assert.equal(set.uploaded(item.key, uploaded('late')), null, 'a removed upload that finishes is ignored');
  assert.equal(set.progress(item.key, 5), undefined);
});

test('a message shares at most ten files', () => {
  const set = new Attachments();
  const many = Array.from({ length: 12 }, (_, i) => ({ name: `${i}.txt`, size: 1, type: 'text/plain' }));
  const { added, refused } = set.add(many);
  assert.equal(MAX_FILES_PER_MESSAGE, 10);
  assert.equal(added.length, 10);
  assert.equal(refused, 2);
  assert.deepEqual(added.map((i) => i.name), many.slice(0, 10).map((f) => f.name), 'the first ten');
  assert.equal(set.add([{ name: 'more.txt', size: 1, type: '' }]).refused, 1);
  set.remove(added[0].key);
  assert.equal(set.add([{ name: 'more.txt', size: 1, type: '' }]).refused, 0, 'room again after a removal');
  // While ten go out in a send, the next message may have ten of its own.
  for (const item of set.items) set.uploaded(item.key, uploaded(item.key));
  set.take('cm1');
  assert.equal(set.add(many.slice(0, 10)).refused, 0);
});

test('a send carries its files\' ids over the socket, and over REST when the socket drops', async () => {
  const { Outbox } = await import('../../web/js/outbox.js');
  const { MessageLog } = await import('../../web/js/message-log.js');
  const calls = [];
  let socketFails = false;
  const realtime = {
    isOpen: true,
    send: async (channel, text, cmid, mentions, files) => {
      calls.push(['ws', channel, text, files]);
      if (socketFails) throw Object.assign(new Error('dropped'), { code: 'disconnected' });
      return { message: { id: `m-${cmid}`, client_message_id: cmid } };
    },
  };
  const confirmed = [];
  const outbox = new Outbox({
    send: async (channel, text, cmid, mentions, files) => {
      calls.push(['rest', channel, text, files]);
      return { message: { id: `m-${cmid}`, client_message_id: cmid } };
    },
    realtime: () => realtime,
    onChanged: () => {},
    onConfirmed: (ch, entry, message) => confirmed.push([entry.clientMessageId, message && message.id]),
    onUnauthorized: () => {},
  });
  const ch = { id: 'c1', log: new MessageLog() };
  const entry = outbox.send(ch, '', [], { files: [uploaded('f1'), uploaded('f2')], clientMessageId: 'cm1' });
  assert.equal(entry.clientMessageId, 'cm1');
  assert.deepEqual(entry.files.map((f) => f.id), ['f1', 'f2'], 'the pending message knows its files');
  await new Promise((resolve) => setTimeout(resolve, 0));
  socketFails = true;
  outbox.send(ch, 'again', [], { files: [uploaded('f3')], clientMessageId: 'cm2' });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(calls, [
    ['ws', 'c1', '', ['f1', 'f2']],
    ['ws', 'c1', 'again', ['f3']],
    ['rest', 'c1', 'again', ['f3']],
  ]);
  assert.deepEqual(confirmed, [['cm1', 'm-cm1'], ['cm2', 'm-cm2']]);
});
