// `kubectl edit` typed at the prompt opens its file in the page's editor: Save finishes the
// edit as kubectl does when the editor exits, Cancel leaves the object as it was, a rejected
// save comes back with kubectl's errors on top, and the session replays it after a reload.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

const HEADER =
  "# Please edit the object below. Lines beginning with a '#' will be ignored,\n" +
  '# and an empty file will abort the edit. If an error occurs while saving this file will be\n' +
  '# reopened with the relevant failures.\n#\n';

async function openPage(locale = 'en-US') {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  await page.goto(env.server.url);
  await prompt(page).waitFor();
  await page.getByRole('button', { name: /Pause time|Pausar el tiempo/ }).click();
  return { context, page, problems };
}

const prompt = (page) => page.getByRole('textbox', { name: /Command|Comando/ });
const editorText = (page) => page.locator('#editor-text');
const codeScroll = (page) => page.locator('.editor .code').evaluate((el) => el.scrollTop);
const activeId = (page) => page.evaluate(() => document.activeElement?.id);

/** Types a line and returns its entry's output once it is rendered. */
async function run(page, line) {
  const entries = page.locator('.transcript .entry:not(.edit-waiting)');
  const n = await entries.count();
  await typeLine(page, line);
  const entry = entries.nth(n);
  await entry.waitFor();
  return entry.locator('.stdout, .stderr').allInnerTexts().then((t) => t.join(''));
}

/** Starts `kubectl edit …` and waits for its tab. */
async function startEdit(page, line) {
  await typeLine(page, line);
  await page.locator('.edit-tab').waitFor();
  await editorText(page).waitFor();
}

/** The last finished entry: its command line and output, once it exists. */
async function lastEntry(page, count) {
  const entry = page.locator('.transcript .entry:not(.edit-waiting)').nth(count - 1);
  await entry.waitFor();
  const command = await entry.locator('.command').innerText();
  const output = await entry.locator('.stdout, .stderr').allInnerTexts().then((t) => t.join(''));
  return { command, output };
}

describe('kubectl edit in the editor', () => {
  test('opens the object in a tab, Save edits it and the cluster follows, a reload keeps it', async () => {
    const { context, page, problems } = await openPage();
    assert.equal(await run(page, 'kubectl create deployment web --image=nginx'), 'deployment.apps/web created\n');
    await startEdit(page, 'kubectl edit deployment web');
    assert.equal(await page.locator('.edit-tab .tab-name').innerText(), '/tmp/kubectl-edit-1.yaml');
    const text = await editorText(page).inputValue();
    assert.ok(text.startsWith(`${HEADER}apiVersion: apps/v1\nkind: Deployment\n`), text);
    assert.match(text, /^ {2}replicas: 1$/m);
    // The terminal says what it waits for and holds the prompt; the editor has the focus.
    const waiting = page.locator('.edit-wait');
    assert.match(await waiting.innerText(), /^kubectl edit is waiting: save or cancel \/tmp\/kubectl-edit-1\.yaml in the editor\./);
    assert.equal(await page.locator('.edit-waiting .command').innerText(), '$ kubectl edit deployment web');
    assert.equal(await prompt(page).isEditable(), false, 'the prompt is held');
    assert.equal(await activeId(page), 'editor-text');
    assert.equal(await codeScroll(page), 0, 'the file opens at its first line');
    await screenshot(page, 'edit-open');

    await editorText(page).fill(text.replace('  replicas: 1\n', '  replicas: 3\n'));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.edit-tab').waitFor({ state: 'detached' });
    assert.deepEqual(await lastEntry(page, 2), {
      command: '$ kubectl edit deployment web',
      output: 'deployment.apps/web edited\n',
    });
    assert.equal(await page.locator('.edit-wait').count(), 0);
    assert.equal(await prompt(page).isEditable(), true);
    assert.equal(await activeId(page), 'command', 'the prompt is back');
    // Time moves on: three pods of web on the map.
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step' }).click();
    const tiles = page.locator('.pod .pod-name', { hasText: /^web-/ });
    await page.waitForFunction(() => document.querySelectorAll('.pod .pod-name').length >= 3);
    assert.equal(await tiles.count(), 3);
    await screenshot(page, 'edit-saved');

    const pods = await run(page, 'kubectl get pods -o name');
    const commands = await page.locator('.transcript .entry .command').allInnerTexts();
    await page.reload();
    await prompt(page).waitFor();
    await page.locator('.transcript .entry').nth(commands.length - 1).waitFor();
    assert.deepEqual(await page.locator('.transcript .entry .command').allInnerTexts(), commands);
    assert.equal(await run(page, 'kubectl get pods -o name'), pods, 'the same pods, same names');
    assert.equal(await run(page, "kubectl get deploy web -o jsonpath='{.spec.replicas}'"), '3');
    assert.equal(await page.locator('.notice').count(), 0, 'the replay matched');
    assert.equal(await page.locator('.edit-tab').count(), 0);
    assert.equal(await run(page, 'ls'), '', 'no file left behind');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a rejected save comes back with the errors on top; Cancel and Ctrl-C end the edit', async () => {
    const { context, page, problems } = await openPage();
    await run(page, 'kubectl create deployment web --image=nginx');
    await startEdit(page, 'kubectl edit deploy/web');
    const text = await editorText(page).inputValue();
    await editorText(page).fill(text.replace('  replicas: 1\n', '  replicas: -1\n'));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('#editor-text')?.value.includes('was not valid'));
    const again = await editorText(page).inputValue();
    assert.ok(
      again.startsWith(
        `${HEADER}# deployments.apps "web" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n`,
      ),
      again,
    );
    assert.equal(await page.locator('.edit-wait').count(), 1, 'still waiting');
    assert.equal(await codeScroll(page), 0, 'the errors in view');
    assert.equal(await activeId(page), 'editor-text');
    await screenshot(page, 'edit-rejected');
    // Closing the reopened file unchanged: kubectl gives up.
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.locator('.edit-tab').waitFor({ state: 'detached' });
    assert.deepEqual(await lastEntry(page, 2), {
      command: '$ kubectl edit deploy/web',
      output: 'error: Edit cancelled, no valid changes were saved.\n',
    });

    // Cancel on the file as kubectl wrote it.
    await startEdit(page, 'kubectl edit deployment web');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.locator('.edit-tab').waitFor({ state: 'detached' });
    assert.deepEqual(await lastEntry(page, 3), {
      command: '$ kubectl edit deployment web',
      output: 'Edit cancelled, no changes made.\n',
    });

    // Ctrl-C at the prompt stops kubectl: ^C, nothing printed.
    await startEdit(page, 'kubectl edit deployment web -o json');
    assert.equal(await page.locator('.edit-tab .tab-name').innerText(), '/tmp/kubectl-edit-3.json');
    await prompt(page).focus();
    await page.keyboard.press('Control+c');
    await page.locator('.edit-tab').waitFor({ state: 'detached' });
    const last = page.locator('.transcript .entry').nth(3);
    assert.equal(await last.locator('.command').innerText(), '$ kubectl edit deployment web -o json^C');
    assert.equal(await last.locator('.stdout, .stderr').count(), 0);
    assert.equal(await run(page, "kubectl get deploy web -o jsonpath='{.spec.replicas}'"), '1');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('in Spanish, with the keyboard; a reload while waiting reopens the tab with its text', async () => {
    const { context, page, problems } = await openPage('es-ES');
    await run(page, 'kubectl create deployment web --image=nginx');
    await startEdit(page, 'kubectl edit deployment web');
    assert.match(await page.locator('.edit-wait').innerText(), /^kubectl edit está esperando: guarda o cancela /);
    const text = await editorText(page).inputValue();
    const changed = text.replace('  replicas: 1\n', '  replicas: 2\n');
    await editorText(page).fill(changed);
    await page.reload();
    await prompt(page).waitFor();
    await page.locator('.edit-tab').waitFor();
    assert.equal(await editorText(page).inputValue(), changed, 'the work is kept');
    assert.equal(await page.locator('.edit-wait').count(), 1);
    await screenshot(page, 'edit-reloaded-es');
    // Escape leaves the text for Guardar; Ctrl+Enter in the text saves too.
    await editorText(page).focus();
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Guardar');
    await editorText(page).focus();
    await page.keyboard.press('Control+Enter');
    await page.locator('.edit-tab').waitFor({ state: 'detached' });
    assert.deepEqual(await lastEntry(page, 2), {
      command: '$ kubectl edit deployment web',
      output: 'deployment.apps/web edited\n',
    });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
