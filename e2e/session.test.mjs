// Keeping and sharing work: the session survives a reload, a share link opens the same cluster
// in a fresh browser, Export downloads clean YAML, and damaged state or links give a message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

/** A fresh browser profile; every request and page error is recorded. */
async function openPage(options = {}) {
  const context = await env.browser.newContext({
    viewport: { width: 1280, height: 720 },
    locale: 'en-US',
    ...options,
  });
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  return { context, page, requests, problems };
}

/** Types a line and returns its entry's output once it is rendered. */
async function run(page, line) {
  const entries = page.locator('.entry');
  const n = await entries.count();
  await typeLine(page, line);
  const entry = entries.nth(n);
  await entry.waitFor();
  return entry.locator('.stdout, .stderr').allInnerTexts().then((t) => t.join(''));
}

const prompt = (page) => page.getByRole('textbox', { name: /Command|Comando/ });

async function pause(page) {
  const button = page.getByRole('button', { name: 'Pause time' });
  if (await button.isVisible()) await button.click();
}

describe('keeping and sharing work', () => {
  test('the terminal, the cluster and the files come back after a reload', async () => {
    const { context, page, problems } = await openPage();
    await page.goto(env.server.url);
    await prompt(page).waitFor();
    await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
    await run(page, 'echo "kept across reloads" > notes.txt');
    await pause(page);
    const pods = await run(page, 'kubectl get pods -o name');
    assert.match(pods, /pod\/web-/);
    const before = await page.locator('.entry .command').allInnerTexts();
    await page.reload();
    await prompt(page).waitFor();
    await page.locator('.entry').nth(before.length - 1).waitFor();
    assert.deepEqual(await page.locator('.entry .command').allInnerTexts(), before);
    assert.equal(await run(page, 'kubectl get pods -o name'), pods, 'the same pods, same names');
    assert.equal(await run(page, 'cat notes.txt'), 'kept across reloads\n');
    assert.match(await page.locator('.clock').innerText(), /paused/, 'the time controls too');
    assert.equal(await page.locator('.notice').count(), 0, 'nothing to report');
    await screenshot(page, 'session-restored');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Copy link gives a link that opens the same cluster in a fresh browser', async () => {
    const { context, page, requests } = await openPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.origin });
    await page.goto(env.server.url);
    await prompt(page).waitFor();
    await pause(page);
    await run(page, 'kubectl create namespace team');
    await run(page, 'kubectl create deployment api --image=nginx:1.27 --replicas=3 -n team');
    await page.getByRole('button', { name: 'Step' }).click();
    assert.equal(
      await run(page, 'kubectl create configmap shared -n team --from-literal=greeting="<b>hola</b>"'),
      'configmap/shared created\n',
    );
    await run(page, 'echo "<i>a file</i>" > team.txt');
    const pods = await run(page, 'kubectl get pods -n team');
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: 'Link copied' }).waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(link.startsWith(env.server.url + '#s='), link);
    console.log(`# metric: share link for 6 commands is ${link.length} characters`);

    const fresh = await openPage();
    await fresh.page.goto(link);
    await prompt(fresh.page).waitFor();
    await fresh.page.getByRole('status').filter({ hasText: 'Opened the shared session' }).waitFor();
    assert.equal(await run(fresh.page, 'kubectl get pods -n team'), pods, 'the same cluster');
    assert.equal(
      await run(fresh.page, 'kubectl get cm shared -n team -o jsonpath={.data.greeting}'),
      '<b>hola</b>',
    );
    assert.equal(await run(fresh.page, 'cat team.txt'), '<i>a file</i>\n');
    assert.equal(await fresh.page.locator('.entry b, .entry i').count(), 0, 'carried text stays text');
    assert.equal(new URL(fresh.page.url()).hash, '', 'the link is not opened again on reload');
    await screenshot(fresh.page, 'session-shared');
    for (const url of [...requests, ...fresh.requests]) {
      assert.ok(url.startsWith(env.server.origin) || url.startsWith('blob:'), `no other origin: ${url}`);
    }
    await fresh.context.close();
    await context.close();
  });

  test('Export downloads the objects the user created as clean YAML', async () => {
    const { context, page } = await openPage();
    await page.goto(env.server.url);
    await prompt(page).waitFor();
    await page.getByRole('button', { name: 'Export' }).click();
    await page.getByRole('status').filter({ hasText: 'nothing to export' }).waitFor();
    await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
    await run(page, 'kubectl expose deployment web --port=80');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'timonel-export.yaml');
    const yaml = await readFile(await download.path(), 'utf8');
    assert.match(yaml, /^# Objects created in Timonel/);
    assert.match(yaml, /kind: Deployment\n/);
    assert.match(yaml, /kind: Service\n/);
    for (const field of ['uid:', 'resourceVersion:', 'creationTimestamp:', 'status:', 'clusterIP', 'kind: Pod', 'kind: ReplicaSet']) {
      assert.ok(!yaml.includes(field), `${field} in\n${yaml}`);
    }
    await context.close();
  });

  test('a damaged or foreign saved session gives a message, a fresh cluster and a working prompt', async () => {
    const { context, page, problems } = await openPage();
    await page.goto(env.server.url);
    await prompt(page).waitFor();
    await run(page, 'kubectl create namespace lost');
    await pause(page); // no tick writes the session over the damaged one below
    await page.evaluate(() => localStorage.setItem('timonel.session', '{"format":1,"events":[{"run":'));
    await page.reload();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /saved session could not be read/);
    assert.match(await run(page, 'kubectl get ns lost'), /NotFound/, 'a fresh cluster');
    await screenshot(page, 'session-damaged');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await page.locator('.notice').count(), 0);

    await pause(page);
    await page.evaluate(() => localStorage.setItem('timonel.session', '{"format":99}'));
    await page.getByRole('button', { name: 'Español' }).click();
    await page.reload();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /otra versión de Timonel/);
    assert.match(await run(page, 'kubectl version --client'), /Client Version/);

    // A replay that never finished (Timonel stopped during it) is not tried a second time.
    await pause(page);
    await page.evaluate(() => localStorage.setItem('timonel.session.replaying', '1'));
    await page.reload();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /se detuvo la última vez/);
    assert.equal(await page.evaluate(() => localStorage.getItem('timonel.session.replaying')), null);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('opening a link puts the own session aside, and one click brings it back', async () => {
    const { context, page, problems } = await openPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.origin });
    await page.goto(env.server.url);
    await prompt(page).waitFor();
    await pause(page);
    await run(page, 'kubectl create namespace theirs');
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: 'Link copied' }).waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());

    // The learner's own work in another browser profile, then the trainer's link opened there.
    const own = await openPage();
    await own.page.goto(env.server.url);
    await prompt(own.page).waitFor();
    await run(own.page, 'kubectl create namespace mine');
    await run(own.page, 'echo mine > notes.txt');
    await own.page.goto('about:blank');
    await own.page.goto(link);
    const notice = own.page.getByRole('status').filter({ hasText: 'put aside, not lost' });
    await notice.waitFor();
    assert.match(await run(own.page, 'kubectl get ns theirs -o name'), /namespace\/theirs/);
    await run(own.page, 'kubectl create namespace extra'); // working in the link's session
    await screenshot(own.page, 'session-link-put-aside');
    await notice.getByRole('button', { name: 'Back to my session' }).click();
    await own.page.waitForLoadState('load');
    await prompt(own.page).waitFor();
    assert.match(await run(own.page, 'kubectl get ns mine -o name'), /namespace\/mine/);
    assert.equal(await run(own.page, 'cat notes.txt'), 'mine\n');
    assert.match(await run(own.page, 'kubectl get ns theirs'), /NotFound|not found/);
    assert.deepEqual(own.problems, []);
    assert.deepEqual(problems, []);
    await own.context.close();
    await context.close();
  });

  test('a damaged or hostile link gives a message and leaves the own session alone', async () => {
    const { context, page, problems } = await openPage();
    await page.goto(env.server.url);
    await prompt(page).waitFor();
    await run(page, 'kubectl create namespace mine');
    const hostile = [
      '#s=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
      '#s=AXsiZm9ybWF0IjoxLCJzZWVk',
      '#s=' + 'A'.repeat(600_000),
      '#s=Ak5P',
    ];
    for (const fragment of hostile) {
      await page.goto('about:blank'); // a new document, not a same-page jump to the fragment
      await page.goto(env.server.url + fragment);
      await page.getByRole('alert').waitFor();
      assert.match(await page.getByRole('alert').innerText(), /share link/);
      assert.match(await run(page, 'kubectl get ns mine -o name'), /namespace\/mine/);
      assert.equal(await page.locator('img').count(), 0);
    }
    await screenshot(page, 'session-bad-link');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
