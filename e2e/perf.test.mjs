// How the page holds up with 1,000 pods: a kubectl command's round trip (Enter → output in the
// page) and the frames during a rolling update of 1,000 pods. Printed as `# metric:` lines, not
// pass/fail thresholds: the numbers depend on the machine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

const REPLICAS = 1000;
/** Workers to add: 110 pods per node (two are DaemonSet pods), and room for the 25 % surge. */
const ADDED_NODES = 10;

const prompt = (page) => page.getByRole('textbox', { name: /Command|Comando/ });

/** Runs a line and returns how long Enter took to reach the page: the app's own measures
 * (`timonel:command`, Enter → output in the DOM; `timonel:engine`, the shell and the cluster's
 * share of it) and, seen from outside, Enter → the next frame after the new entry appeared. */
async function roundTrip(page, line) {
  const entries = page.locator('.entry');
  const n = await entries.count();
  await prompt(page).fill(line);
  await page.evaluate((count) => {
    performance.clearMeasures('timonel:command');
    performance.clearMeasures('timonel:engine');
    window.__rt = new Promise((resolve) => {
      // On the window while capturing: before the app's own listeners (Yew's capture too).
      let start = 0;
      window.addEventListener('keydown', (e) => { if (e.key === 'Enter') start = performance.now(); }, { capture: true, once: true });
      const list = document.querySelector('.transcript');
      const seen = () => list.querySelectorAll('.entry').length > count;
      const observer = new MutationObserver(() => {
        if (!seen()) return;
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - start));
      });
      observer.observe(list, { childList: true, subtree: true });
    });
  }, n);
  await prompt(page).press('Enter');
  const outside = await page.evaluate(() => window.__rt);
  await entries.nth(n).waitFor();
  const [inside, engine] = await page.evaluate(() =>
    ['timonel:command', 'timonel:engine'].map((m) => performance.getEntriesByName(m).at(-1)?.duration ?? null),
  );
  return { outside, inside, engine };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, median: pick(0.5), p95: pick(0.95), max: sorted.at(-1), mean };
}

const ms = (v) => (v == null ? 'n/a' : `${v.toFixed(1)} ms`);

describe('performance with 1,000 pods', () => {
  test('command round trips and frames during a rolling update of 1,000 pods', { timeout: 600_000 }, async () => {
    const context = await env.browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    await page.goto(env.server.url);
    await prompt(page).waitFor();
    await page.getByRole('button', { name: 'Pause time' }).click();

    const add = page.getByRole('button', { name: /Add node/ });
    for (let i = 0; i < ADDED_NODES; i++) await add.click();
    await page.locator('li.node').nth(2 + ADDED_NODES).waitFor();

    const create = await roundTrip(page, `kubectl create deployment big --image=nginx --replicas=${REPLICAS}`);
    console.log(`# metric: create deployment with ${REPLICAS} replicas: ${ms(create.inside)} in the app, ${ms(create.outside)} to the next frame`);
    // Let the pods start: Step moves 20 s at 20×.
    await page.getByRole('combobox', { name: /Speed/ }).selectOption('20');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step' }).click();
    const counted = await roundTrip(page, 'kubectl get pods --no-headers | grep -c Running');
    const running = Number((await page.locator('.entry').last().locator('.stdout').innerText()).trim());
    console.log(`# metric: ${running} pods Running before the measures`);
    assert.ok(running >= REPLICAS, `${running} running`);
    assert.ok(counted.outside > 0);

    const lines = [
      'kubectl get pods | head -5',
      'kubectl get deploy big',
      'kubectl get nodes',
      'kubectl get pods -o wide | tail -3',
      'kubectl version --client',
    ];
    const inside = [];
    const outside = [];
    const engine = [];
    for (let round = 0; round < 2; round++) {
      for (const line of lines) {
        const t = await roundTrip(page, line);
        if (t.inside != null) inside.push(t.inside);
        outside.push(t.outside);
        if (t.engine != null) engine.push(t.engine);
        if (round === 1) console.log(`# metric: round trip of \`${line}\`: ${ms(t.outside)} to the next frame, ${ms(t.inside)} in the app of which ${ms(t.engine)} running it`);
      }
    }
    const o = stats(outside);
    console.log(`# metric: command round trip with ${REPLICAS} pods, Enter → next frame: median ${ms(o.median)}, p95 ${ms(o.p95)}, max ${ms(o.max)} (n=${o.n})`);
    if (inside.length) {
      const i = stats(inside);
      console.log(`# metric: command round trip with ${REPLICAS} pods, timonel:command measure: median ${ms(i.median)}, p95 ${ms(i.p95)}, max ${ms(i.max)} (n=${i.n})`);
    }
    if (engine.length) {
      const e = stats(engine);
      console.log(`# metric: of which the shell and cluster (timonel:engine): median ${ms(e.median)}, max ${ms(e.max)}`);
    }
    await screenshot(page, 'perf-1000-pods');

    // Time running with 1,000 pods and nothing to roll out: what every tick costs the page.
    await page.evaluate(() => {
      performance.clearMeasures('timonel:engine');
      window.__idle = [];
      window.__idleObserver = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__idle.push(e.duration);
      });
      window.__idleObserver.observe({ type: 'longtask', buffered: false });
    });
    await page.getByRole('button', { name: 'Let time run' }).click();
    await page.waitForTimeout(6_000);
    await page.getByRole('button', { name: 'Pause time' }).click();
    const idle = await page.evaluate(() => {
      window.__idleObserver.disconnect();
      return { long: window.__idle, ticks: performance.getEntriesByName('timonel:engine').map((e) => e.duration) };
    });
    const il = stats(idle.long);
    const it = stats(idle.ticks);
    console.log(`# metric: quiet ticks with ${REPLICAS} pods (6 s at 20×): ${il.n} long tasks, median ${ms(il.median)}, max ${ms(il.max)}; the cluster's share of a tick: median ${ms(it.median)} (n=${it.n})`);

    // The rolling update: frames (requestAnimationFrame deltas) and long tasks while time plays
    // at 20× and the Deployment replaces 1,000 pods.
    await page.evaluate(() => {
      performance.clearMeasures('timonel:engine');
      window.__frames = [];
      window.__long = [];
      window.__ticks = [];
      let last = performance.now();
      const frame = (t) => {
        window.__frames.push(t - last);
        last = t;
        if (!window.__stop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__long.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    const rollout = await roundTrip(page, 'kubectl set image deployment/big nginx=nginx:1.27');
    console.log(`# metric: set image on ${REPLICAS} pods: ${ms(rollout.inside)} in the app, ${ms(rollout.outside)} to the next frame`);
    await page.getByRole('button', { name: 'Let time run' }).click();
    await page.waitForTimeout(15_000);
    await page.getByRole('button', { name: 'Pause time' }).click();
    const { frames, long, ticks } = await page.evaluate(() => {
      window.__stop = true;
      const ticks = performance.getEntriesByName('timonel:engine').map((e) => e.duration);
      return { frames: window.__frames, long: window.__long, ticks };
    });
    const f = stats(frames);
    // A frame at 60 Hz is 16.7 ms; one that took longer than 1.5 of those dropped a frame.
    const slow = frames.filter((d) => d > 25).length;
    console.log(`# metric: frames during the rolling update: ${f.n} frames, median ${ms(f.median)}, p95 ${ms(f.p95)}, max ${ms(f.max)}, ${slow} over 25 ms`);
    const l = stats(long);
    console.log(`# metric: long tasks during the rolling update: ${l.n}, median ${ms(l.median)}, max ${ms(l.max)}, total ${ms(long.reduce((a, b) => a + b, 0))} in 15 s`);
    if (ticks.length) {
      const t = stats(ticks);
      const total = ticks.reduce((a, b) => a + b, 0);
      console.log(`# metric: the cluster's share of a tick (20 s of cluster time): median ${ms(t.median)}, max ${ms(t.max)}, total ${ms(total)} (n=${t.n})`);
      console.log(`# ticks (engine ms): ${ticks.map((d) => d.toFixed(0)).join(' ')}`);
      console.log(`# long tasks (ms): ${long.map((d) => d.toFixed(0)).join(' ')}`);
    }
    const status = await roundTrip(page, 'kubectl get deploy big');
    console.log(`# metric: \`kubectl get deploy big\` after 15 s of rollout: ${ms(status.inside)} in the app, ${ms(status.outside)} to the next frame`);
    console.log(`# ${(await page.locator('.entry').last().locator('.stdout').innerText()).trim().replace(/\n/g, ' | ')}`);
    await screenshot(page, 'perf-rolling-update');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
