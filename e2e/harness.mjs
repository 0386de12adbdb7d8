// Shared set-up for the end-to-end tests: a static server for dist/ on 127.0.0.1 (under a
// sub-path, as a documentation site would host it) and Debian's Chromium driven by
// playwright-core.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..');
export const DIST = resolve(ROOT, process.env.TIMONEL_DIST ?? 'dist');
export const SCREENSHOTS = resolve(ROOT, 'e2e/screenshots');
export const SUBPATH = '/docs/playground/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves DIST at SUBPATH; resolves to { origin, url, close }. */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(SUBPATH)) {
      res.writeHead(404).end('not found');
      return;
    }
    const rel = normalize(path.slice(SUBPATH.length) || 'index.html');
    const file = join(DIST, rel.endsWith('/') ? join(rel, 'index.html') : rel);
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, url: origin + SUBPATH, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * The static server and Chromium that one test file shares: started before its tests and
 * stopped after them. Returns `{ server, browser }`, filled in once the tests start.
 */
export function servedPlayground() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await serveDist();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * A fresh profile (1280×720 unless `options` say otherwise) with the playground open and its
 * prompt shown; page errors (and with `consoleErrors`, console errors) are collected in
 * `problems`. With `clock`, Playwright's fake clock is installed first, so the page's timers
 * run only when a test moves that clock.
 */
export async function openPlayground(env, options = {}, { clock = false, consoleErrors = false } = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 }, ...options });
  const page = await context.newPage();
  const problems = [];
  if (consoleErrors) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
  }
  page.on('pageerror', (error) => problems.push(String(error)));
  if (clock) await page.clock.install();
  await page.goto(env.server.url);
  await page.getByRole('textbox', { name: /Command|Comando/ }).waitFor();
  return { context, page, problems };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Types a line at the prompt and presses Enter. */
export async function typeLine(page, line) {
  const input = page.getByRole('textbox', { name: /Command|Comando/ });
  await input.fill(line);
  await input.press('Enter');
}

/** Pastes `text` at the prompt as a person would (a clipboard paste event, several lines). */
export async function pasteAtPrompt(page, text) {
  const input = page.getByRole('textbox', { name: /Command|Comando/ });
  await input.evaluate((el, pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}
