// Object names in the terminal's output are links to the inspector: `deployment.apps/web
// created`, and the NAME column of `kubectl get pods`. The output stays the text kubectl
// printed: same characters, same columns.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

const openPage = (options = {}) =>
  openPlayground(env, { viewport: { width: 1280, height: 800 }, ...options }, { clock: true, consoleErrors: true });

/** The left edge, in pixels, of the character at `column` of every line of a `<pre>`. */
function columnEdges(pre, column) {
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) chars.push([node, i, node.data[i]]);
  }
  const edges = [];
  let lineStart = 0;
  for (let i = 0; i <= chars.length; i++) {
    if (i === chars.length || chars[i][2] === '\n') {
      const at = lineStart + column;
      if (at < i) {
        const [node, offset] = chars[at];
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        edges.push(range.getBoundingClientRect().left);
      }
      lineStart = i + 1;
    }
  }
  return edges;
}

describe('links in the terminal output', () => {
  test('a created deployment and a listed pod open in the inspector, and the table keeps its columns', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    await typeLine(page, 'kubectl create deployment web --image=nginx --replicas=2');
    const created = page.locator('.entry .stdout', { hasText: 'deployment.apps/web created' });
    await created.waitFor();
    assert.equal(await created.textContent(), 'deployment.apps/web created\n', 'the output reads as printed');

    const link = created.getByRole('button', { name: 'deployment.apps/web' });
    assert.equal(await link.getAttribute('title'), 'Open in the inspector');
    await link.click();
    const deployment = page.getByRole('complementary', { name: 'Deployment/web' });
    await deployment.waitFor();

    await page.clock.runFor(10_000);
    await typeLine(page, 'kubectl get pods');
    const table = page.locator('.entry .stdout', { hasText: 'READY' });
    await table.waitFor();
    const text = await table.textContent();
    const rows = text.trimEnd().split('\n');
    assert.match(rows[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.equal(rows.length, 3, `two pods listed:\n${text}`);
    const names = rows.slice(1).map((row) => row.split(/\s+/)[0]);
    const buttons = table.getByRole('button');
    assert.deepEqual(await buttons.allTextContents(), names, 'each name in the NAME column is a link, nothing else');
    // Only the names are buttons: the rest of the table is plain text.
    assert.equal(await table.locator('> *').count(), 2);

    // Columns line up as in the plain text: READY starts at the same x on every line.
    const readyColumn = rows[0].indexOf('READY');
    const edges = await table.evaluate(columnEdges, readyColumn);
    assert.equal(edges.length, 3);
    for (const x of edges) assert.ok(Math.abs(x - edges[0]) < 0.5, `READY column aligned: ${edges}`);
    // And the names start where the header's NAME does.
    const nameEdges = await table.evaluate(columnEdges, 0);
    const firstBox = await buttons.first().boundingBox();
    assert.ok(Math.abs(firstBox.x - nameEdges[0]) < 0.5, 'the button has no padding or border');

    await buttons.first().click();
    const pod = page.getByRole('complementary', { name: `Pod/${names[0]}` });
    await pod.waitFor();
    await screenshot(page, 'terminal-links');

    // The keyboard works too: Tab to the second name and press Enter.
    await buttons.first().focus();
    await page.keyboard.press('Tab');
    assert.ok(await buttons.nth(1).evaluate((el) => el === document.activeElement), 'Tab reaches the next name');
    await screenshot(page, 'terminal-links-focus');
    await page.keyboard.press('Enter');
    await page.getByRole('complementary', { name: `Pod/${names[1]}` }).waitFor();

    // Dragging across the table selects its text, links included, to copy it; the drag
    // opens nothing.
    const box = await table.boundingBox();
    const nameBox = await buttons.first().boundingBox();
    await page.mouse.move(box.x + 1, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(nameBox.x + nameBox.width / 2, nameBox.y + nameBox.height / 2, { steps: 5 });
    await page.mouse.move(nameBox.x + nameBox.width - 2, nameBox.y + nameBox.height / 2, { steps: 5 });
    await page.mouse.up();
    const selected = await page.evaluate(() => window.getSelection().toString());
    assert.ok(selected.startsWith('NAME'), `selection starts at the header: ${JSON.stringify(selected)}`);
    assert.ok(selected.includes(names[0].slice(0, 5)), `selection reaches into the link: ${JSON.stringify(selected)}`);
    await page.getByRole('complementary', { name: `Pod/${names[1]}` }).waitFor();

    // An object that no longer exists is text again.
    await typeLine(page, 'kubectl delete deployment web');
    await page.locator('.entry .stdout', { hasText: 'deployment.apps "web" deleted' }).waitFor();
    assert.equal(await created.getByRole('button').count(), 0, 'the deleted deployment is no longer a link');
    assert.equal(await created.textContent(), 'deployment.apps/web created\n');

    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the link says what it does in Spanish too', async () => {
    const { context, page, problems } = await openPage({ locale: 'es-ES' });
    await typeLine(page, 'kubectl cordon timonel-worker');
    const out = page.locator('.entry .stdout', { hasText: 'node/timonel-worker cordoned' });
    await out.waitFor();
    const link = out.getByRole('button', { name: 'node/timonel-worker' });
    assert.equal(await link.getAttribute('title'), 'Abrir en el inspector');
    await link.click();
    await page.getByRole('complementary', { name: 'timonel-worker' }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
});
