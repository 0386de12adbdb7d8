// Tab completion at the prompt, as bash completes kubectl: Tab completes, a second Tab lists
// the choices below the prompt, and keyboard users can still leave the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

/** Types a line and waits for its entry in the transcript, which it returns. */
async function runLine(page, line) {
  const entries = page.locator('.entry');
  const n = await entries.count();
  await typeLine(page, line);
  const entry = entries.nth(n);
  await entry.waitFor();
  return entry;
}

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

test('Tab completes types and pod names, and a second Tab lists the choices', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(env.server.url);
  const prompt = page.getByRole('textbox', { name: 'Command' });
  await prompt.waitFor();

  await prompt.fill('kubectl get dep');
  await prompt.press('Tab');
  assert.equal(await prompt.inputValue(), 'kubectl get deployments ');
  assert.equal(await focusedId(page), 'command', 'Tab keeps the focus in the prompt');
  await prompt.fill('');

  await runLine(page, 'kubectl create deployment web --image=nginx --replicas=2');
  const listed = await runLine(page, 'kubectl get pods');
  assert.match(await listed.innerText(), /web-/);

  await prompt.fill('kubectl get pods we');
  await prompt.press('Tab');
  const completed = await prompt.inputValue();
  assert.match(completed, /^kubectl get pods web-[a-z0-9]+-$/, 'the common prefix of both pods');
  assert.equal(await page.locator('.completion-choices li').count(), 0);

  await prompt.press('Tab');
  const choices = page.locator('.completion-choices li');
  await choices.first().waitFor();
  const names = await choices.allInnerTexts();
  assert.equal(names.length, 2);
  const prefix = completed.slice('kubectl get pods '.length);
  for (const name of names) assert.ok(name.startsWith(prefix), name);
  assert.equal(await prompt.inputValue(), completed, 'the prompt line stays as typed');
  assert.equal(await focusedId(page), 'command');
  assert.match(await page.locator('.completion').innerText(), /2 possible completions/);
  await screenshot(page, 'completion');

  // Completing a name runs as typed.
  await prompt.press('End');
  await prompt.type(names[0].slice(prefix.length, prefix.length + 1));
  await prompt.press('Tab');
  assert.equal(await prompt.inputValue(), `kubectl get pods ${names[0]} `);
  await prompt.press('Enter');
  await page.locator('.entry').last().locator('.stdout').getByText(names[0]).waitFor();
  assert.equal(await page.locator('.completion-choices li').count(), 0, 'Enter clears the list');

  // Keyboard users leave the terminal: Escape then Tab, or Tab on an empty line.
  await prompt.fill('kubectl get po');
  await prompt.press('Escape');
  await prompt.press('Tab');
  assert.notEqual(await focusedId(page), 'command');
  assert.equal(await prompt.inputValue(), 'kubectl get po');
  await prompt.fill('');
  await prompt.press('Tab');
  assert.notEqual(await focusedId(page), 'command');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the completion hint is read in Spanish too', async () => {
  const context = await env.browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  await page.goto(env.server.url);
  const prompt = page.getByRole('textbox', { name: 'Comando' });
  await prompt.waitFor();
  const hint = await page.locator('#completion-hint').textContent();
  assert.match(hint, /segundo Tab/);
  await prompt.fill('kubectl r');
  await prompt.press('Tab');
  await prompt.press('Tab');
  await page.locator('.completion-choices li').first().waitFor();
  assert.match(await page.locator('.completion').innerText(), /opciones posibles/);
  await context.close();
});
