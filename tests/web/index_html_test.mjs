// Static checks of web/index.html: nothing the server's Content-Security-Policy
// (script-src 'self', style-src 'self') would block, nothing from another
// origin, and a modulepreload for every module so the page loads in one round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const html = readFileSync(path.join(web, 'index.html'), 'utf8');

test('no inline scripts, styles or event handlers', () => {
  for (const script of html.match(/<script\b[^>]*>/g)) assert.match(script, /\bsrc="/, script);
  assert.doesNotMatch(html, /<style\b/);
  assert.doesNotMatch(html, /\sstyle="/);
  assert.doesNotMatch(html, /\son[a-z]+="/);
  assert.doesNotMatch(html, /javascript:/);
});

test('every URL is relative to the page (no CDN, no web fonts)', () => {
  for (const [, url] of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) {
    assert.doesNotMatch(url, /^(?:[a-z]+:)?\/\//i, url);
  }
  for (const file of readdirSync(path.join(web, 'css'))) {
    const css = readFileSync(path.join(web, 'css', file), 'utf8');
    assert.doesNotMatch(css, /@import|url\(|@font-face/, file);
  }
});

test('every module is preloaded, and every preload is a module', () => {
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="js\/([^"]+)">/g)].map((m) => m[1]).sort();
  const modules = readdirSync(path.join(web, 'js')).filter((f) => f.endsWith('.js') && f !== 'main.js').sort();
  assert.deepEqual(preloaded, modules);
  assert.match(html, /<script type="module" src="js\/main.js"><\/script>/);
});

test('user data never goes through innerHTML or friends', () => {
  for (const file of readdirSync(path.join(web, 'js'))) {
    const js = readFileSync(path.join(web, 'js', file), 'utf8');
    assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, file);
    // The one place that reads markup: the server's Markdown rendering, parsed into an
    // inert document and checked against a list of tags and attributes (message-text.js).
    if (file !== 'message-text.js') assert.doesNotMatch(js, /DOMParser|createContextualFragment/, file);
  }
});
