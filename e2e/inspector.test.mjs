// The inspector and its "why" panel, used as a learner would: make a pod that cannot run, click
// its tile, and read why in plain words.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, pasteAtPrompt, screenshot, servedPlayground } from './harness.mjs';

const env = servedPlayground();

const openPage = (options = {}) =>
  openPlayground(env, { viewport: { width: 1280, height: 800 }, ...options }, { clock: true, consoleErrors: true });

/** Pastes a script at the prompt (a heredoc and the commands after it). */
function paste(page, lines) {
  return pasteAtPrompt(page, [...lines, ''].join('\n'));
}

const BIG_POD = [
  'cat <<EOF > big.yaml',
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
  'EOF',
  'kubectl apply -f big.yaml',
];

describe('the inspector', () => {
  test('a pod asking for too much cpu is Pending, and the why panel says why node by node', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    await paste(page, BIG_POD);
    const applied = page.locator('.entry .stdout', { hasText: 'pod/big created' });
    await applied.waitFor();
    await page.clock.runFor(5_000);
    const waiting = page.getByRole('list', { name: 'Pods without a node' });
    const tile = waiting.getByRole('button', { name: /big/ });
    await tile.waitFor();
    assert.match(await tile.innerText(), /Pending/);
    await tile.click();
    const inspector = page.getByRole('complementary', { name: 'Pod/big' });
    await inspector.waitFor();
    assert.ok(
      await inspector.getByRole('heading', { name: 'Pod/big' }).evaluate((el) => el === document.activeElement),
      'opening the inspector moves the focus into it',
    );
    // Summary first: status and no node.
    assert.match(await inspector.getByRole('tabpanel').innerText(), /Status\s+Pending/);
    await inspector.getByRole('tab', { name: 'Why?' }).click();
    const panel = inspector.getByRole('tabpanel');
    const text = await panel.innerText();
    assert.match(text, /Why is it Pending\?/);
    assert.match(text, /No node can take it/);
    const nodes = panel.locator('.why-node');
    assert.equal(await nodes.count(), 3);
    const controlPlane = await nodes.filter({ hasText: 'timonel-control-plane' }).innerText();
    assert.match(controlPlane, /TaintToleration/);
    assert.match(
      controlPlane,
      /the node has the taint node-role\.kubernetes\.io\/control-plane, which the pod does not tolerate/,
    );
    for (const worker of ['timonel-worker', 'timonel-worker2']) {
      const line = await nodes.filter({ has: page.locator('.why-node-name', { hasText: new RegExp(`^${worker}$`) }) }).innerText();
      assert.match(line, /NodeResourcesFit/);
      assert.match(line, /not enough cpu: the pod asks for 100, (and the node has 4 in all|but only \S+ of the node's 4 is still free)/);
    }
    assert.match(text, /0\/3 nodes are available: 1 node\(s\) had untolerated taint/);
    assert.match(text, /Ask for less cpu in resources\.requests/);
    await screenshot(page, 'inspector-why-pending');

    // Live: the YAML tab shows the pod as kubectl prints it, without touching the terminal.
    const entries = await page.locator('.entry').count();
    await inspector.getByRole('tab', { name: 'YAML' }).click();
    assert.match(await panel.innerText(), /^apiVersion: v1\nkind: Pod\n/);
    await inspector.getByRole('tab', { name: 'Describe' }).click();
    assert.match(await panel.innerText(), /^Name:\s+big\nNamespace:\s+default/);
    assert.match(await panel.innerText(), /FailedScheduling/);
    assert.equal(await page.locator('.entry').count(), entries, 'inspector reads are not commands');

    // Spanish: the same reasons in Spanish.
    await page.getByRole('button', { name: 'Español' }).click();
    await inspector.getByRole('tab', { name: '¿Por qué?' }).click();
    assert.match(await panel.innerText(), /no hay suficiente cpu: el pod pide 100/);
    await page.getByRole('button', { name: 'English' }).click();

    // Escape closes it.
    await inspector.getByRole('tab', { name: 'Summary' }).press('Escape');
    assert.equal(await page.getByRole('complementary', { name: 'Pod/big' }).count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a crashing container is explained with its exit code, and links lead to its node', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    await paste(page, [
      'cat <<EOF > crash.yaml',
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: crash',
      'spec:',
      '  containers:',
      '  - name: app',
      '    image: busybox',
      '    command: ["false"]',
      'EOF',
      'kubectl apply -f crash.yaml',
    ]);
    await page.locator('.entry .stdout', { hasText: 'pod/crash created' }).waitFor();
    await page.clock.runFor(60_000);
    const tile = page.locator('button.pod', { hasText: 'crash' });
    await tile.waitFor();
    assert.match(await tile.innerText(), /CrashLoopBackOff|Error/);
    // Keyboard: focus the tile and press Enter.
    await tile.focus();
    await page.keyboard.press('Enter');
    const inspector = page.getByRole('complementary', { name: 'Pod/crash' });
    await inspector.waitFor();
    await inspector.getByRole('tab', { name: 'Why?' }).click();
    const text = await inspector.getByRole('tabpanel').innerText();
    assert.match(text, /What is going wrong\?/);
    assert.match(text, /Container app \(busybox\) keeps exiting, last with exit code 1 \(Error\)/);
    assert.match(text, /back-off \d+s restarting failed container=app pod=crash_default/);
    assert.match(text, /Check its command and args/);
    await screenshot(page, 'inspector-why-crashloop');
    await page.getByRole('button', { name: 'Presenter mode' }).click();
    await screenshot(page, 'inspector-why-crashloop-presenter');
    await page.getByRole('button', { name: 'Presenter mode' }).click();
    // The Summary links to the node; clicking it inspects the node.
    await inspector.getByRole('tab', { name: 'Summary' }).click();
    const nodeLink = inspector.getByRole('button', { name: /^timonel-worker2?$/ });
    const nodeName = await nodeLink.innerText();
    await nodeLink.click();
    const nodeInspector = page.getByRole('complementary', { name: nodeName });
    await nodeInspector.waitFor();
    assert.match(await nodeInspector.getByRole('tabpanel').innerText(), /Roles\s+<none>/);
    assert.equal(await nodeInspector.getByRole('tab', { name: 'Why?' }).count(), 0, 'no why for a node');
    await nodeInspector.getByRole('button', { name: 'Close the inspector' }).click();
    assert.equal(await page.locator('.inspector').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a Deployment pod links up to its ReplicaSet and Deployment, in the dark theme', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US', colorScheme: 'dark' });
    await page.getByRole('textbox', { name: 'Command' }).fill('kubectl create deployment web --image=nginx:1.27 --replicas=2');
    await page.getByRole('textbox', { name: 'Command' }).press('Enter');
    await page.clock.runFor(30_000);
    const tile = page.locator('button.pod', { hasText: /^web-/ }).first();
    await tile.click();
    const inspector = page.locator('.inspector');
    await inspector.waitFor();
    const rs = inspector.getByRole('button', { name: /^ReplicaSet\/web-/ });
    await rs.click();
    await inspector.getByRole('heading', { name: /^ReplicaSet\/web-/ }).waitFor();
    assert.equal(await inspector.getByRole('button', { name: /^Pod\/web-/ }).count(), 2, 'the ReplicaSet controls both pods');
    await inspector.getByRole('button', { name: 'Deployment/web' }).click();
    await inspector.getByRole('heading', { name: 'Deployment/web' }).waitFor();
    assert.match(await inspector.getByRole('tabpanel').innerText(), /Controls\s+ReplicaSet\/web-/);
    await screenshot(page, 'inspector-deployment-dark');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
