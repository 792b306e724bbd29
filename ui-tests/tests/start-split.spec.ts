/**
 * Start with options where the Start button is (issue 19, finding 2): the
 * demo hub has start options (a KubeSpawner profile_list), so a stopped hub
 * server's ▶ is a split button whose menu (keyboard: Tab to it, Enter, the
 * arrow keys) offers *Start with Options…* and the hub's own start page; the
 * dialog links that page too; after an options start a plain Start says
 * what it reuses; the new-server dialog offers the options.
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

import {
  SLOW,
  dialog,
  openPanel,
  panelConfig,
  resources,
  row,
  uniqueName
} from './helpers';

/** Named servers this file created, removed after each test whatever happened. */
const created: string[] = [];

/** The resource of a key, as the server extension has it now. */
async function resourceOf(
  request: APIRequestContext,
  key: string
): Promise<any> {
  return (await resources(request)).find(r => r.key === key);
}

/** Create a named server of alice and leave it stopped. */
async function stoppedServer(
  request: APIRequestContext,
  name: string
): Promise<string> {
  const key = `hub/alice/${name}`;
  created.push(name);
  expect(
    (await request.post(`/saturn-panel/hub/servers/alice/${name}`)).status()
  ).toBe(202);
  await expect
    .poll(async () => (await resourceOf(request, key))?.status, {
      timeout: SLOW
    })
    .toBe('running');
  expect(
    (await request.delete(`/saturn-panel/hub/servers/alice/${name}`)).status()
  ).toBe(202);
  await expect
    .poll(async () => (await resourceOf(request, key))?.status, {
      timeout: SLOW
    })
    .toBe('stopped');
  return key;
}

test.afterEach(async ({ request }) => {
  while (created.length > 0) {
    const name = created.pop()!;
    const key = `hub/alice/${name}`;
    if (!(await resourceOf(request, key))) {
      continue;
    }
    await request.delete(`/saturn-panel/hub/servers/alice/${name}?remove=1`);
    await expect
      .poll(async () => !!(await resourceOf(request, key)), { timeout: SLOW })
      .toBe(false);
  }
});

test('a stopped server offers its start options beside ▶, by keyboard too', async ({
  page,
  request
}) => {
  expect((await panelConfig(request)).hub.spawnOptions?.source).toBe(
    'profile_list'
  );
  const name = uniqueName('ui-split');
  const key = await stoppedServer(request, name);
  await openPanel(page);
  const serverRow = row(page, key);
  await expect(serverRow).toHaveAttribute('data-status', 'stopped');

  const start = serverRow.locator('.jp-mod-start');
  const more = serverRow.getByRole('button', { name: /^More ways to start / });
  await expect(more).toBeVisible();
  await expect(more).toHaveAttribute('aria-haspopup', 'menu');
  // Started without options so far: a plain Start claims no reuse.
  await expect(start).not.toHaveAttribute('title', /reuses/);

  // --- Keyboard: ▶, Tab, the menu button; Enter opens its menu.
  await start.focus();
  await page.keyboard.press('Tab');
  await expect(more).toBeFocused();
  await page.keyboard.press('Enter');
  const menu = page.locator('.lm-Menu.jp-SaturnPanel-startMenu');
  await expect(menu).toBeVisible();
  await expect(more).toHaveAttribute('aria-expanded', 'true');
  const items = menu.locator('.lm-Menu-item');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('with Options…');
  await expect(items.nth(1)).toContainText("Open the Hub's Start Page");
  // Escape closes it and gives the focus back.
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(more).toBeFocused();

  // --- The menu's first item, with the keyboard: the options dialog.
  await page.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  await page.keyboard.press('Enter');
  const form = dialog(page);
  await expect(form.locator('.jp-Dialog-header')).toContainText('with Options');
  // The hub's own start page, linked where the options are chosen.
  const spawnLink = form.getByRole('link', {
    name: /hub's own start page/
  });
  await expect(spawnLink).toHaveAttribute(
    'href',
    new RegExp(`/hub/spawn/alice/${name}$`)
  );
  await expect(spawnLink).toHaveAttribute('target', '_blank');
  await form.locator('select').first().selectOption({ label: 'GPU machine' });
  await form.locator('select').nth(1).selectOption({ label: 'TensorFlow' });
  await form.getByRole('button', { name: 'Start' }).click();
  await expect(form).toBeHidden();

  // --- Running: the row names the profile and the chosen image.
  await expect(serverRow).toHaveAttribute('data-status', 'running', {
    timeout: SLOW
  });
  await expect(serverRow.locator('.jp-SaturnPanel-profile')).toHaveText(
    'GPU machine (Image: TensorFlow)'
  );

  // --- Stopped again: the plain Start says what it will reuse.
  await serverRow.locator('.jp-mod-stop').click();
  await expect(serverRow).toHaveAttribute('data-status', 'stopped', {
    timeout: SLOW
  });
  await expect(start).toHaveAttribute(
    'title',
    /\(reuses GPU machine \(Image: TensorFlow\)\)$/
  );
  await expect(start).toHaveAttribute('aria-label', /reuses GPU machine/);
  // …and does: the hub starts it with the options it was last given.
  await start.click();
  await expect(serverRow).toHaveAttribute('data-status', 'running', {
    timeout: SLOW
  });
  await expect(serverRow.locator('.jp-SaturnPanel-profile')).toHaveText(
    'GPU machine (Image: TensorFlow)'
  );
  expect((await resourceOf(request, key)).details.userOptions).toEqual({
    profile: 'gpu',
    image: 'tensorflow'
  });
});

test('the new-server dialog offers the start options', async ({
  page,
  request
}) => {
  const name = uniqueName('ui-newopt');
  const key = `hub/alice/${name}`;
  await openPanel(page);
  await page
    .locator('#saturn-panel jp-button[aria-label="New named server"]')
    .click();
  const form = dialog(page);
  await expect(form.locator('input[name="displayName"]')).toBeFocused();
  const options = form.getByRole('group', { name: 'Start options' });
  await expect(options).toBeVisible();
  await form.locator('input[name="serverName"]').fill(name);
  const owner = form.locator('input[name="user"]');
  if (await owner.isVisible()) {
    await owner.fill('alice');
  }
  const profile = options.locator('select').first();
  await expect(profile.locator('option:checked')).toHaveText('CPU machine');
  await profile.selectOption({ label: 'GPU machine' });
  await expect(options).toContainText('1 T4 GPU');
  await expect(
    options.locator('select').nth(1).locator('option:checked')
  ).toHaveText('PyTorch');
  await expect(
    options.getByRole('link', { name: /hub's own start page/ })
  ).toHaveAttribute('href', new RegExp(`/hub/spawn/alice/${name}$`));

  created.push(name);
  await form.getByRole('button', { name: 'Create and Start' }).click();
  await expect(form).toHaveCount(0, { timeout: SLOW });
  const serverRow = row(page, key);
  await expect(serverRow).toHaveAttribute('data-status', 'running', {
    timeout: SLOW
  });
  await expect(serverRow.locator('.jp-SaturnPanel-profile')).toHaveText(
    'GPU machine (Image: PyTorch)'
  );
  expect((await resourceOf(request, key)).details.userOptions).toEqual({
    profile: 'gpu',
    image: 'pytorch'
  });
});
