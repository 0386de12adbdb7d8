// Accessibility: axe-core (npm `axe-core`, injected into the page) finds no serious or critical
// violation in the states a learner sees — the fresh page, a Pending pod in the inspector's why
// panel, the editor with a file, Spanish, dark presenter mode — and the page works from the
// keyboard alone.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { openPlayground, pasteAtPrompt, screenshot, servedPlayground, typeLine } from './harness.mjs';

const require = createRequire(import.meta.url);
const env = servedPlayground();
let axeSource;

before(async () => {
  axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
});

const openPage = (options) => openPlayground(env, options, { clock: true });

/** axe's serious and critical violations, as readable lines. */
async function violations(page, label) {
  // A function, not a script tag: the page's Content-Security-Policy allows no inline script.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  console.log(`# metric: axe on ${label}: ${result.violations.length} violations, ${bad.length} serious or critical`);
  return bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const BIG_POD = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: big',
  'spec:',
  '  containers:',
  '  - name: app',
  '    image: nginx',
  '    resources:',
  '      requests:',
  '        cpu: "100"',
].join('\n');

describe('accessibility', () => {
  test('axe finds no serious or critical violation in the main states of the page', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    assert.deepEqual(await violations(page, 'the fresh page'), []);

    // A Pending pod, its why panel open.
    await pasteAtPrompt(page, ['cat <<EOF > big.yaml', BIG_POD, 'EOF', 'kubectl apply -f big.yaml', 'kubectl create deployment web --image=nginx --replicas=2', ''].join('\n'));
    await page.locator('.entry .stdout', { hasText: 'pod/big created' }).waitFor();
    await page.clock.runFor(30_000);
    await page.locator('button.pod', { hasText: 'big' }).click();
    const inspector = page.getByRole('complementary', { name: 'Pod/big' });
    await inspector.waitFor();
    await inspector.getByRole('tab', { name: 'Why?' }).click();
    assert.deepEqual(await violations(page, 'the why panel'), []);
    await inspector.getByRole('button', { name: 'Close the inspector' }).click();

    // The editor with a file open.
    await page.locator('.editor summary', { hasText: 'Files' }).click();
    await page.getByRole('button', { name: 'big.yaml' }).click();
    await page.locator('.editor textarea').waitFor();
    assert.deepEqual(await violations(page, 'the editor with a file'), []);

    // Dark presenter mode.
    await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Dark' });
    await page.getByRole('button', { name: 'Presenter mode' }).click();
    assert.deepEqual(await violations(page, 'dark presenter mode'), []);
    await screenshot(page, 'a11y-dark-presenter');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('in Spanish too', async () => {
    const { context, page, problems } = await openPage({ locale: 'es-ES' });
    await typeLine(page, 'kubectl get nodes');
    await page.locator('.entry .stdout', { hasText: 'timonel-worker' }).waitFor();
    assert.deepEqual(await violations(page, 'the page in Spanish'), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the keyboard alone reaches the prompt, the map and the lists', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    await typeLine(page, 'kubectl create deployment web --image=nginx --replicas=2');
    await page.clock.runFor(30_000);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    const reached = new Set();
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el) return '';
        if (el.matches('.command-input')) return 'prompt';
        if (el.matches('button.pod')) return 'pod tile';
        if (el.matches('button.node-head')) return 'node';
        if (el.matches('.events-scroll')) return 'events';
        if (el.matches('.activities')) return 'activity';
        if (el.matches('.presenter')) return 'presenter';
        return el.tagName.toLowerCase();
      });
      reached.add(where);
    }
    for (const stop of ['prompt', 'pod tile', 'node', 'events', 'activity', 'presenter']) {
      assert.ok(reached.has(stop), `Tab reaches the ${stop}: ${[...reached].join(', ')}`);
    }
    // Enter on a focused pod tile opens the inspector.
    await page.locator('button.pod', { hasText: /^web-/ }).first().focus();
    await page.keyboard.press('Enter');
    await page.locator('.inspector').waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.inspector').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
