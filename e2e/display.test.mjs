// Everyone in the room: light and dark themes and presenter mode, chosen from the topbar,
// visible at once, remembered across a reload, in English and Spanish.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, screenshot, servedPlayground, typeLine } from './harness.mjs';

const env = servedPlayground();

const openPage = (options) => openPlayground(env, options);

/** The computed background colour and font size of the terminal. */
const terminalLook = (page) =>
  page.locator('.command-input').evaluate((el) => {
    const term = el.closest('section, .terminal') ?? el.parentElement;
    return {
      background: getComputedStyle(term).backgroundColor,
      fontSize: parseFloat(getComputedStyle(el).fontSize),
      pageBackground: getComputedStyle(document.body).backgroundColor,
    };
  });

describe('display: themes and presenter mode', () => {
  test('the dark theme and presenter mode apply at once and survive a reload', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US', colorScheme: 'light' });
    const html = page.locator('html');
    assert.equal(await html.getAttribute('data-theme'), null, 'the system theme by default');
    const light = await terminalLook(page);

    await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Dark' });
    assert.equal(await html.getAttribute('data-theme'), 'dark');
    const dark = await terminalLook(page);
    assert.notEqual(dark.pageBackground, light.pageBackground, 'the page turns dark');

    const presenter = page.getByRole('button', { name: 'Presenter mode' });
    assert.equal(await presenter.getAttribute('aria-pressed'), 'false');
    await presenter.click();
    assert.equal(await presenter.getAttribute('aria-pressed'), 'true');
    assert.equal(await html.getAttribute('data-presenter'), '');
    const big = await terminalLook(page);
    assert.ok(big.fontSize > dark.fontSize * 1.2, `larger type: ${dark.fontSize} → ${big.fontSize}`);
    await typeLine(page, 'kubectl get nodes');
    await page.locator('.entry .stdout', { hasText: 'timonel-control-plane' }).waitFor();
    await screenshot(page, 'display-dark-presenter');

    await page.reload();
    await page.getByRole('textbox', { name: 'Command' }).waitFor();
    assert.equal(await html.getAttribute('data-theme'), 'dark', 'the theme is remembered');
    assert.equal(await html.getAttribute('data-presenter'), '', 'presenter mode is remembered');
    assert.equal(await page.getByRole('combobox', { name: 'Theme' }).inputValue(), 'dark');

    await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'System' });
    await page.getByRole('button', { name: 'Presenter mode' }).click();
    assert.equal(await html.getAttribute('data-theme'), null);
    assert.equal(await html.getAttribute('data-presenter'), null);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the controls speak Spanish, and the light theme overrides a dark system', async () => {
    const { context, page, problems } = await openPage({ locale: 'es-ES', colorScheme: 'dark' });
    const system = await terminalLook(page);
    await page.getByRole('combobox', { name: 'Tema' }).selectOption({ label: 'Claro' });
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    const light = await terminalLook(page);
    assert.notEqual(light.pageBackground, system.pageBackground, 'the page turns light');
    await page.getByRole('button', { name: 'Modo presentación' }).click();
    await screenshot(page, 'display-light-presenter-es');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
