// Nodes from the map: add a machine, cordon and drain through the terminal, stop a kubelet,
// remove a machine, and find it all again after a reload.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

async function openPage(options = {}) {
  const opened = await openPlayground(env, { viewport: { width: 1400, height: 900 }, ...options }, { clock: true, consoleErrors: true });
  opened.page.on('dialog', (dialog) => {
    opened.problems.push(`dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  return opened;
}

/** The node's box on the map. */
function nodeBox(page, name) {
  return page.locator('li.node', { has: page.locator('.node-name', { hasText: new RegExp(`^${name}$`) }) });
}

async function status(page, name) {
  return nodeBox(page, name).locator('.node-status').innerText();
}

/** Opens a node's actions (if closed) and returns the group of buttons. */
async function actions(page, name, label = 'Actions for') {
  const toggle = page.getByRole('button', { name: `${label} ${name}`, exact: true });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const group = page.getByRole('group', { name: `${label} ${name}`, exact: true });
  await group.waitFor();
  return group;
}

const names = (page) => page.locator('li.node .node-name').allInnerTexts();

describe('nodes from the map', () => {
  test('add, cordon, drain, stop and remove nodes; a reload brings the same cluster back', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });

    // Add a machine: the next worker as kind names it, Ready, and pods land on it.
    await page.getByRole('button', { name: /Add node/ }).click();
    await nodeBox(page, 'timonel-worker3').waitFor();
    assert.deepEqual(await names(page), [
      'timonel-control-plane',
      'timonel-worker',
      'timonel-worker2',
      'timonel-worker3',
    ]);
    assert.equal(await status(page, 'timonel-worker3'), 'Ready');
    await typeLine(page, 'kubectl create deployment web --image=nginx --replicas=6');
    await page.locator('.entry .stdout', { hasText: 'deployment.apps/web created' }).waitFor();
    await page.clock.runFor(20_000);
    const onNew = page.getByRole('list', { name: 'Pods on timonel-worker3', exact: true }).getByRole('button', { name: /web-/ });
    await onNew.first().waitFor();
    assert.ok((await onNew.count()) >= 1, 'the scheduler uses the new node');
    assert.match(await onNew.first().innerText(), /Running/);
    const feed = page.locator('.activities');
    assert.match(await feed.innerText(), /machine\s+added the machine of Node timonel-worker3/);

    // Cordon from the map: the command runs in the terminal, the box says SchedulingDisabled.
    let group = await actions(page, 'timonel-worker');
    await group.getByRole('button', { name: 'Cordon', exact: true }).click();
    const cordoned = page.locator('.entry', { has: page.locator('.command', { hasText: 'kubectl cordon timonel-worker' }) });
    await cordoned.waitFor();
    assert.equal((await cordoned.locator('.stdout').innerText()).trim(), 'node/timonel-worker cordoned');
    assert.equal(await status(page, 'timonel-worker'), 'Ready,SchedulingDisabled');
    await group.getByRole('button', { name: 'Uncordon' }).waitFor();
    await screenshot(page, 'nodes-cordoned');

    // Drain: the real command, with kubectl's output.
    await group.getByRole('button', { name: 'Drain' }).click();
    const drained = page.locator('.entry', {
      has: page.locator('.command', { hasText: 'kubectl drain timonel-worker --ignore-daemonsets' }),
    });
    await drained.locator('.stdout', { hasText: 'node/timonel-worker drained' }).waitFor();
    await page.clock.runFor(40_000);
    const left = await page.getByRole('list', { name: 'Pods on timonel-worker', exact: true }).getByRole('button', { name: /web-/ }).allInnerTexts();
    assert.deepEqual(left, [], `drained of its deployment pods: ${await drained.innerText()}`);

    // The control plane's machine can be neither stopped nor removed, and says why.
    const cp = await actions(page, 'timonel-control-plane');
    assert.ok(await cp.getByRole('button', { name: 'Stop kubelet' }).isDisabled());
    assert.ok(await cp.getByRole('button', { name: 'Remove node' }).isDisabled());
    assert.match(await cp.innerText(), /api-server runs on the control-plane machine/);

    // Stop a kubelet: NotReady once the grace period is over.
    group = await actions(page, 'timonel-worker2');
    await group.getByRole('button', { name: 'Stop kubelet' }).click();
    await nodeBox(page, 'timonel-worker2').locator('.node-kubelet-stopped').waitFor();
    assert.equal(await status(page, 'timonel-worker2'), 'Ready', 'still within the grace period');
    await page.clock.runFor(60_000);
    assert.equal(await status(page, 'timonel-worker2'), 'NotReady');
    await group.getByRole('button', { name: 'Start kubelet' }).waitFor();
    assert.match(await feed.innerText(), /machine\s+stopped the kubelet of Node timonel-worker2/);
    await screenshot(page, 'nodes-not-ready');

    // Remove a machine, after a confirmation.
    group = await actions(page, 'timonel-worker3');
    await group.getByRole('button', { name: 'Remove node' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Remove the machine of timonel-worker3?' });
    await confirm.waitFor();
    assert.ok(
      await confirm.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement),
      'the focus goes to Cancel',
    );
    await screenshot(page, 'nodes-remove-confirm');
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await nodeBox(page, 'timonel-worker3').waitFor({ state: 'detached' });
    assert.match(await feed.innerText(), /cloud-node-lifecycle-controller\s+deleted Node timonel-worker3/);
    const kept = await names(page);
    assert.deepEqual(kept, ['timonel-control-plane', 'timonel-worker', 'timonel-worker2']);
    const statuses = await page.locator('li.node .node-status').allInnerTexts();
    const nodes = await page.locator('.entry').count();

    // A reload replays the same log: the same nodes, states and terminal.
    await page.reload();
    await page.getByRole('textbox', { name: /Command|Comando/ }).waitFor();
    await page.locator('.entry').nth(nodes - 1).waitFor();
    assert.deepEqual(await names(page), kept);
    assert.deepEqual(await page.locator('li.node .node-status').allInnerTexts(), statuses);
    await nodeBox(page, 'timonel-worker2').locator('.node-kubelet-stopped').waitFor();
    assert.equal(await page.locator('.notice').count(), 0, 'the replay matched');
    await screenshot(page, 'nodes-reloaded');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('in Spanish, the actions and the confirmation are in Spanish', async () => {
    const { context, page, problems } = await openPage({ locale: 'es-ES' });
    await page.getByRole('button', { name: /Añadir nodo/ }).click();
    await nodeBox(page, 'timonel-worker3').waitFor();
    const group = await actions(page, 'timonel-worker3', 'Acciones de');
    await group.getByRole('button', { name: 'Quitar nodo' }).click();
    const confirm = page.getByRole('alertdialog', { name: '¿Quitar la máquina de timonel-worker3?' });
    await confirm.waitFor();
    await screenshot(page, 'nodes-remove-confirm-es');
    await confirm.getByRole('button', { name: 'Cancelar' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await nodeBox(page, 'timonel-worker3').count(), 1, 'Cancel keeps it');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
