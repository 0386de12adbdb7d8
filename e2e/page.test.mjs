// The built page in a real Chromium, used as a person would use it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pasteAtPrompt, screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

/** A fresh page (new profile) that records every request and every CSP violation. */
async function openPage(options = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 }, ...options });
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  return { context, page, requests, problems };
}

/** Types a line and waits for its entry in the transcript, which it returns. */
async function runLine(page, line) {
  const entries = page.locator('.entry');
  const n = await entries.count();
  await typeLine(page, line);
  const entry = entries.nth(n);
  await entry.waitFor();
  return entry;
}

describe('the playground page', () => {
  test('shows the frame and answers kubectl version from the engine', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    const started = Date.now();
    await page.goto(env.server.url);
    const prompt = page.getByRole('textbox', { name: 'Command' });
    await prompt.waitFor();
    const ready = Date.now() - started;
    assert.ok(await page.getByRole('region', { name: 'Cluster timonel' }).isVisible());
    assert.match(await page.locator('.nodes').innerText(), /timonel-control-plane/);
    await typeLine(page, 'kubectl version');
    const out = page.locator('.entry .stdout').last();
    await out.waitFor();
    assert.equal(
      await out.innerText(),
      'Client Version: v1.36.4\nKustomize Version: v5.8.1\nServer Version: v1.36.4\n',
    );
    assert.equal(await prompt.inputValue(), '');
    assert.ok(await prompt.evaluate((el) => el === document.activeElement), 'the prompt keeps focus');
    const marks = await page.evaluate(() =>
      Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
    );
    const mark = marks['timonel:ready'];
    assert.ok(mark > 0, 'the app marks the moment its prompt is ready');
    const boot = marks['timonel:boot-end'] - marks['timonel:boot-start'];
    console.log(
      `# metric: navigation to ready prompt ${Math.round(mark)} ms (performance mark; ${ready} ms as Playwright saw it); ` +
        `cluster boot ${Math.round(boot)} ms, wasm started at ${Math.round(marks['timonel:boot-start'])} ms; ` +
        `screenshot ${await screenshot(page, 'kubectl-version')}`,
    );
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('draws every node with its kube-system pods, which come up as cluster time passes', async () => {
    const { context, page } = await openPage({ locale: 'en-US' });
    await page.clock.install();
    await page.goto(env.server.url);
    const worker = page.getByRole('list', { name: 'Pods on timonel-worker', exact: true });
    await worker.waitFor();
    assert.match(await worker.innerText(), /kube-proxy-/);
    const controlPlane = await page.getByRole('list', { name: 'Pods on timonel-control-plane' }).innerText();
    for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      assert.match(controlPlane, new RegExp(`${component}-timonel-control-plane`));
    }
    // Thirty seconds of the page's clock: the cluster clock follows and every pod is Running.
    const clock = page.locator('.clock time');
    const before = await clock.innerText();
    await page.clock.runFor(30_000);
    assert.notEqual(await clock.innerText(), before);
    const statuses = await page.locator('.pod-status').allInnerTexts();
    assert.ok(statuses.length >= 9, `kind's kube-system pods: ${statuses}`);
    assert.deepEqual([...new Set(statuses)], ['Running']);
    await screenshot(page, 'cluster-map');
    await context.close();
  });

  test('time can be paused, stepped, sped up, and the cluster reset with or without the files', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    await page.clock.install();
    await page.goto(env.server.url);
    const clock = page.locator('.clock time');
    await clock.waitFor();
    // The clock reads the cluster's age: kind takes a while to boot, so it does not start at 0.
    const seconds = async () => {
      const [h, m, s] = (await clock.innerText()).split(':').map(Number);
      return h * 3600 + m * 60 + s;
    };
    // Playwright's installed clock still flows with real time, so pause the cluster first and
    // move it only by steps; while it runs, ticks come in whole steps of the speed.
    await page.getByRole('button', { name: 'Pause time' }).click();
    const start = await seconds();
    await page.clock.runFor(10_000);
    assert.equal(await seconds(), start, 'paused time stands still');
    assert.match(await page.locator('.clock').innerText(), /paused/);
    await page.getByRole('button', { name: 'Step' }).click();
    assert.equal(await seconds(), start + 1, 'a step at 1x is 1 s');
    await page.getByRole('group', { name: 'Cluster time controls' }).getByRole('combobox').selectOption('20');
    await page.getByRole('button', { name: 'Step' }).click();
    assert.equal(await seconds(), start + 21, 'a step at 20x is 20 s');
    await page.getByRole('button', { name: 'Let time run' }).click();
    await page.clock.runFor(3_000);
    const ran = (await seconds()) - start - 21;
    assert.ok(ran >= 60 && ran % 20 === 0, `three or more ticks of 20 s, got ${ran} s`);
    await page.getByRole('button', { name: 'Pause time' }).click();
    // A namespace and a file, then a reset that keeps the files.
    await typeLine(page, 'kubectl create namespace dev');
    await typeLine(page, 'echo hi > notes.txt');
    await page.getByRole('button', { name: 'Reset cluster' }).click();
    await screenshot(page, 'reset-confirm');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    // A fresh cluster is as old as the one the page opened with (give or take the one tick that
    // may have come before the pause).
    const fresh = await seconds();
    assert.ok(fresh <= start && start - fresh <= 1, `fresh cluster at ${fresh} s, page opened at ${start} s`);
    const out = await runLine(page, 'kubectl get ns dev; cat notes.txt');
    assert.equal(await out.locator('.stderr').innerText(), 'Error from server (NotFound): namespaces "dev" not found\n');
    assert.equal(await out.locator('.stdout').innerText(), 'hi\n');
    // Again, ticking the box: the files go too.
    await page.getByRole('button', { name: 'Reset cluster' }).click();
    await page.getByLabel('Also delete my files').check();
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    const last = await runLine(page, 'cat notes.txt');
    assert.equal(await last.locator('.stderr').innerText(), 'cat: notes.txt: No such file or directory\n');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a Deployment created at the prompt shows up in kubectl get and on the map', async () => {
    const { context, page } = await openPage({ locale: 'en-US' });
    await page.clock.install();
    await page.goto(env.server.url);
    await typeLine(page, 'kubectl create deployment web --image=nginx:1.27 --replicas=3');
    const out = page.locator('.entry .stdout');
    await out.first().waitFor();
    assert.equal(await out.first().innerText(), 'deployment.apps/web created\n');
    await page.clock.runFor(60_000);
    await typeLine(page, 'kubectl get deploy web');
    await out.nth(1).waitFor();
    assert.match(await out.nth(1).innerText(), /^NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    3\/3     3            3           \d+s\n$/);
    const tiles = page.locator('.pod .pod-name', { hasText: /^web-/ });
    assert.equal(await tiles.count(), 3);
    await typeLine(page, 'kubectl get pods');
    await out.nth(2).waitFor();
    const rows = (await out.nth(2).innerText()).trim().split('\n');
    assert.equal(rows[0], 'NAME                   READY   STATUS    RESTARTS   AGE');
    assert.equal(rows.length, 4);
    for (const row of rows.slice(1)) assert.match(row, /^web-[a-z0-9]+-[a-z0-9]{5}   1\/1     Running   0          \d+s$/);
    // The live events table says what happened to them, newest first.
    const events = page.getByRole('table');
    const header = await events.locator('thead th').allInnerTexts();
    assert.deepEqual(header.map((h) => h.toLowerCase()), ['last seen', 'type', 'reason', 'object', 'message']);
    const reasons = await events.locator('tbody tr').filter({ hasText: /Pod\/web-/ }).locator('td:nth-child(3)').allInnerTexts();
    for (const reason of ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']) assert.ok(reasons.includes(reason), `${reason} in ${reasons}`);
    await screenshot(page, 'deployment');
    await context.close();
  });

  test('a pasted heredoc writes a manifest that kubectl apply -f reads', async () => {
    const { context, page } = await openPage({ locale: 'en-US' });
    await page.goto(env.server.url);
    const prompt = page.getByRole('textbox', { name: 'Command' });
    await prompt.waitFor();
    const script = [
      'cat <<EOF > web.yaml',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  replicas: 2',
      '  selector:',
      '    matchLabels: {app: web}',
      '  template:',
      '    metadata:',
      '      labels: {app: web}',
      '    spec:',
      '      containers:',
      '      - name: nginx',
      '        image: nginx:1.27',
      'EOF',
      'kubectl apply -f web.yaml',
      '',
    ].join('\n');
    await pasteAtPrompt(page, script);
    const commands = page.locator('.entry .command');
    await commands.nth(1).waitFor();
    assert.match(await commands.first().innerText(), /^\$ cat <<EOF > web\.yaml\napiVersion: apps\/v1/);
    assert.equal(await commands.nth(1).innerText(), '$ kubectl apply -f web.yaml');
    assert.equal(await page.locator('.entry').nth(1).locator('.stdout').innerText(), 'deployment.apps/web created\n');
    await typeLine(page, 'kubectl apply -f web.yaml');
    assert.equal(await page.locator('.entry').nth(2).locator('.stdout').innerText(), 'deployment.apps/web unchanged\n');
    await prompt.press('ArrowUp');
    assert.equal(await prompt.inputValue(), 'kubectl apply -f web.yaml');
    await context.close();
  });

  test('the activity feed says which component did what, and filters by component', async () => {
    const { context, page } = await openPage({ locale: 'en-US' });
    await page.goto(env.server.url);
    const feed = page.getByRole('region', { name: 'Control-plane activity' });
    await feed.waitFor();
    const lines = feed.locator('.activity');
    assert.ok((await lines.count()) > 10, 'booting the cluster shows up');
    await feed.getByRole('combobox', { name: 'Show the activity of' }).selectOption('daemonset-controller');
    const actors = await feed.locator('.activity-actor').allInnerTexts();
    assert.ok(actors.length >= 3, `one kube-proxy pod per node: ${actors}`);
    assert.deepEqual([...new Set(actors)], ['daemonset-controller']);
    assert.match(await feed.locator('.activities').innerText(), /created Pod kube-system\/kube-proxy-/);
    await page.getByRole('button', { name: 'Español' }).click();
    const spanish = page.getByRole('region', { name: 'Actividad del plano de control' });
    assert.match(await spanish.locator('.activities').innerText(), /creó Pod kube-system\/kube-proxy-/);
    await screenshot(page, 'activity-feed');
    await context.close();
  });

  test('makes no request outside its own origin and violates no CSP rule', async () => {
    const { context, page, requests, problems } = await openPage();
    await page.goto(env.server.url);
    await page.getByRole('textbox', { name: 'Command' }).waitFor();
    await typeLine(page, 'kubectl version');
    await page.locator('.entry .stdout').waitFor();
    assert.ok(requests.length >= 4, `page, boot script, glue and wasm at least: ${requests}`);
    const foreign = requests.filter((url) => !url.startsWith(env.server.origin + '/'));
    assert.deepEqual(foreign, []);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.deepEqual(problems, [], 'no console errors, CSP violations included');
    await context.close();
  });

  test('loads every asset relative to the page, from a sub-path', async () => {
    const { context, page, requests } = await openPage();
    await page.goto(env.server.url);
    await page.getByRole('textbox', { name: 'Command' }).waitFor();
    const assets = requests.filter((url) => url !== env.server.url);
    assert.ok(assets.length > 0);
    for (const url of assets) {
      assert.ok(url.startsWith(env.server.url), `${url} is under ${env.server.url}`);
    }
    await context.close();
  });

  test('speaks Spanish to a Spanish browser and remembers a switch to English', async () => {
    const { context, page } = await openPage({ locale: 'es-ES' });
    await page.goto(env.server.url);
    await page.getByRole('textbox', { name: 'Comando' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    assert.equal(await page.title(), 'Timonel · Laboratorio de Kubernetes');
    assert.equal(await page.locator('.tagline').innerText(), 'Un clúster de Kubernetes 1.36 en tu navegador');
    await screenshot(page, 'spanish');
    await page.getByRole('button', { name: 'English' }).click();
    assert.equal(await page.locator('.tagline').innerText(), 'A Kubernetes 1.36 cluster in your browser');
    await page.reload();
    await page.getByRole('textbox', { name: 'Command' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await context.close();
  });

  test('the prompt keeps its history across a reload; clear, Ctrl-L and Ctrl-C act as in a shell', async () => {
    const { context, page } = await openPage({ locale: 'en-US' });
    await page.goto(env.server.url);
    const prompt = page.getByRole('textbox', { name: 'Command' });
    await typeLine(page, 'kubectl version --client');
    await typeLine(page, 'kubectl version');
    await page.locator('.entry').nth(1).waitFor();
    await page.reload();
    await prompt.fill('kubectl ge');
    await prompt.press('ArrowUp');
    assert.equal(await prompt.inputValue(), 'kubectl version');
    await prompt.press('ArrowUp');
    assert.equal(await prompt.inputValue(), 'kubectl version --client');
    await prompt.press('ArrowDown');
    await prompt.press('ArrowDown');
    assert.equal(await prompt.inputValue(), 'kubectl ge', 'the line being typed comes back');
    await prompt.press('Control+c');
    assert.equal(await prompt.inputValue(), '');
    assert.equal(await page.locator('.entry .command').last().innerText(), '$ kubectl ge^C');
    await typeLine(page, 'kubectl version');
    await prompt.press('Control+l');
    assert.equal(await page.locator('.entry').count(), 0, 'Ctrl-L clears the screen');
    await typeLine(page, 'kubectl version');
    await typeLine(page, 'clear');
    assert.equal(await page.locator('.entry').count(), 0, 'clear clears the screen');
    await prompt.press('ArrowUp');
    assert.equal(await prompt.inputValue(), 'clear');
    await context.close();
  });

  test('a failure to start shows a message whose Reload button recovers the page', async () => {
    const { context, page } = await openPage({ locale: 'en-US' });
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto(env.server.url);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Timonel could not start/);
    await screenshot(page, 'failed-start');
    await page.unroute('**/*.wasm');
    await page.getByRole('button', { name: 'Reload Timonel' }).click();
    await page.getByRole('textbox', { name: 'Command' }).waitFor();
    assert.equal(await alert.isVisible(), false);
    await context.close();
  });
});
