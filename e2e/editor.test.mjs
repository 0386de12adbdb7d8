// The YAML editor in a real Chromium: starters, Apply, errors on their lines, keyboard only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

async function openPage() {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
  const page = await context.newPage();
  const problems = [];
  const foreign = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(env.server.origin)) foreign.push(request.url());
  });
  await page.goto(env.server.url);
  await page.getByRole('textbox', { name: 'Command' }).waitFor();
  // Cluster time stands still: the test decides when it moves.
  await page.getByRole('button', { name: 'Pause time' }).click();
  return { context, page, problems, foreign };
}

const editorText = (page) => page.locator('#editor-text');

describe('the editor', () => {
  test('a starter Deployment applies from the editor, its output in the terminal', async () => {
    const { context, page, problems, foreign } = await openPage();
    await page.locator('.editor summary', { hasText: 'New' }).click();
    await page.getByRole('button', { name: 'Deployment' }).click();
    await assert.doesNotReject(editorText(page).waitFor());
    assert.match(await editorText(page).inputValue(), /^kind: Deployment$/m);
    assert.equal(await page.locator('.tab-name').innerText(), 'deployment.yaml');
    // The text area has the focus after choosing a template.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'editor-text');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const entry = page.locator('.entry').last();
    await entry.locator('.stdout').waitFor();
    assert.equal(await entry.locator('.command').innerText(), '$ kubectl apply -f deployment.yaml');
    assert.equal(await entry.locator('.stdout').innerText(), 'deployment.apps/web created\n');
    // The terminal sees the same file.
    await typeLine(page, 'cat deployment.yaml | head -3');
    await page.locator('.entry').nth(1).locator('.stdout').waitFor();
    assert.match(await page.locator('.entry').nth(1).locator('.stdout').innerText(), /^# Three replicas/);
    await screenshot(page, 'editor-applied');
    assert.deepEqual(problems, []);
    assert.deepEqual(foreign, []);
    await context.close();
  });

  test('a YAML error and a server error are marked on their lines', async () => {
    const { context, page, problems } = await openPage();
    await page.locator('.editor summary', { hasText: 'New' }).click();
    await page.getByRole('button', { name: 'Service' }).click();
    const area = editorText(page);
    await area.waitFor();
    // Line 7 ("  type: ClusterIP") becomes "  type: ClusterIP: x": a YAML error there.
    await area.press('Control+Home');
    for (let i = 0; i < 6; i++) await area.press('ArrowDown');
    await area.press('End');
    await area.pressSequentially(': x');
    const marker = page.locator('.gutter-problem');
    await marker.waitFor();
    assert.equal(await marker.innerText(), '7');
    assert.match(await page.locator('.problems li').innerText(), /^Line 7: YAML error: /);
    await screenshot(page, 'editor-yaml-error');
    for (let i = 0; i < 3; i++) await area.press('Backspace');
    await marker.waitFor({ state: 'detached' });
    // A port the api-server rejects: marked on its field after Apply.
    const text = await area.inputValue();
    await area.fill(text.replace('      port: 80', '      port: 99999'));
    await area.press('Control+Enter');
    await page.locator('.entry .stderr').waitFor();
    await marker.waitFor();
    const line = text.split('\n').findIndex((l) => l === '      port: 80') + 1;
    assert.equal(await marker.innerText(), String(line));
    assert.match(await page.locator('.problems li').innerText(), new RegExp(`^Line ${line}: The Service "web" is invalid`));
    await screenshot(page, 'editor-server-error');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('works with the keyboard only', async () => {
    const { context, page, problems } = await openPage();
    // From the prompt, Shift+Tab walks back to the editor's New menu.
    const prompt = page.getByRole('textbox', { name: 'Command' });
    await prompt.focus();
    let guard = 0;
    while ((await page.evaluate(() => document.activeElement?.textContent)) !== 'New' && guard++ < 30) {
      await page.keyboard.press('Shift+Tab');
    }
    await page.keyboard.press('Enter');
    // Into the menu: Empty file, then the templates.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Pod');
    await page.keyboard.press('Enter');
    await editorText(page).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'editor-text');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Tab');
    await page.keyboard.type('x');
    assert.match(await editorText(page).inputValue(), /\n  x$/);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    // Escape leaves the text for the Apply button; Enter applies.
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'apply');
    await page.keyboard.press('Enter');
    await page.locator('.entry .stdout').waitFor();
    assert.equal(await page.locator('.entry .stdout').innerText(), 'pod/hello created\n');
    // Tab moves on to the terminal's prompt: nobody is trapped.
    guard = 0;
    while ((await page.evaluate(() => document.activeElement?.id)) !== 'command' && guard++ < 10) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'command');
    await screenshot(page, 'editor-keyboard');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
