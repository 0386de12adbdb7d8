// The README's run command, as a person runs it: it serves a working playground on 127.0.0.1.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT, launchBrowser, screenshot, typeLine } from './harness.mjs';

async function freePort() {
  const probe = createServer();
  await new Promise((ok) => probe.listen(0, '127.0.0.1', ok));
  const { port } = probe.address();
  await new Promise((ok) => probe.close(ok));
  return port;
}

async function waitForPage(url, child, deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`run command exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((ok) => setTimeout(ok, 500));
  }
  throw new Error(`nothing served at ${url}`);
}

let child;
let browser;
after(async () => {
  await browser?.close();
  if (child && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
});

test('the run command serves a playground that answers kubectl version', async () => {
  const port = await freePort();
  child = spawn(join(ROOT, 'scripts/run.sh'), ['--dist', join(ROOT, 'target/e2e-run-dist')], {
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/`;
  // Polls a local server the command builds first; bounded by the build, not a timing guess.
  await waitForPage(url, child, 10 * 60 * 1000);
  browser = await launchBrowser();
  const page = await browser.newPage({ locale: 'en-US' });
  await page.goto(url);
  await typeLine(page, 'kubectl version');
  const out = page.locator('.entry .stdout').last();
  await out.waitFor();
  assert.match(await out.innerText(), /^Client Version: v1\.36\.4\nKustomize Version: v5\.8\.1\nServer Version: v1\.36\.4/);
  await screenshot(page, 'run-command');
});
