// The map as a room sees it: the pods of one namespace at a time, remembered across a reload;
// and the whole page on a 1920×1080 projector and on a tablet, without sideways scrolling.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

const openPage = (options) => openPlayground(env, options);

/** The names of the pods drawn on the map's nodes. */
const podsOnMap = (page) => page.locator('.nodes .pod-name').allInnerTexts();

describe('the map', () => {
  test('shows the pods of the chosen namespace and remembers the choice', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    await typeLine(page, 'kubectl create deployment web --image=nginx --replicas=2');
    await page.locator('.nodes .pod-name', { hasText: /^web-/ }).first().waitFor();
    const all = await podsOnMap(page);
    assert.ok(all.some((n) => n.startsWith('web-')) && all.some((n) => n.startsWith('kube-proxy-')), all.join());

    const filter = page.getByRole('combobox', { name: 'Pods of' });
    await filter.selectOption('default');
    const web = await podsOnMap(page);
    assert.equal(web.length, 2, web.join());
    assert.ok(web.every((n) => n.startsWith('web-')), web.join());

    await filter.selectOption('kube-system');
    const system = await podsOnMap(page);
    assert.ok(system.includes('etcd-timonel-control-plane') || system.some((n) => n.startsWith('etcd-')), system.join());
    assert.ok(!system.some((n) => n.startsWith('web-')), system.join());
    await screenshot(page, 'map-namespace-kube-system');

    await page.reload();
    await page.getByRole('textbox', { name: 'Command' }).waitFor();
    assert.equal(await page.getByRole('combobox', { name: 'Pods of' }).inputValue(), 'kube-system');
    assert.ok(!(await podsOnMap(page)).some((n) => n.startsWith('web-')), 'still only kube-system after a reload');
    await page.getByRole('combobox', { name: 'Pods of' }).selectOption({ label: 'all namespaces' });
    assert.ok((await podsOnMap(page)).some((n) => n.startsWith('web-')));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('speaks Spanish', async () => {
    const { context, page } = await openPage({ locale: 'es-ES' });
    const filter = page.getByRole('combobox', { name: 'Pods de' });
    assert.equal(await filter.inputValue(), '');
    assert.ok((await filter.locator('option').allInnerTexts()).includes('todos los espacios de nombres'));
    await context.close();
  });

  for (const [name, options] of [
    ['a 1920×1080 projector', { viewport: { width: 1920, height: 1080 } }],
    ['a tablet held upright', { viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 }],
    ['a tablet held sideways', { viewport: { width: 1180, height: 820 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 }],
  ]) {
    test(`fits ${name} without sideways scrolling`, async () => {
      const { context, page, problems } = await openPage({ locale: 'en-US', ...options });
      await typeLine(page, 'kubectl get nodes');
      await page.locator('.entry .stdout').last().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      for (const locator of [
        page.getByRole('textbox', { name: 'Command' }),
        page.getByRole('heading', { name: 'Nodes' }),
        page.getByRole('button', { name: 'Copy link' }),
      ]) {
        const box = await locator.boundingBox();
        assert.ok(box && box.width > 0 && box.x >= 0 && box.x + box.width <= options.viewport.width, `${locator} is on screen`);
      }
      if (options.hasTouch) {
        // A tap on a node's head opens the inspector, as a click does.
        await page.locator('.node-head').first().tap();
        await page.locator('.inspector').waitFor();
      }
      await screenshot(page, `map-${options.viewport.width}x${options.viewport.height}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
