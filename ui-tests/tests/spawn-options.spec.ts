/**
 * Start with options against the demo hub: the panel and the hub's spawner
 * share one KubeSpawner profile_list (saturn_panel_demo/profiles.py), "CPU
 * machine" (default) and "GPU machine" with an image option (PyTorch,
 * TensorFlow, or another image typed in); the spawner runs KubeSpawner's own
 * option code, so it refuses what KubeSpawner refuses, in its words.
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

import {
  SLOW,
  dialog,
  inOrder,
  openPanel,
  panelConfig,
  recordRow,
  resources,
  row,
  rowRecord,
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
  const started = await request.post(`/saturn-panel/hub/servers/alice/${name}`);
  expect(started.status()).toBe(202);
  await expect
    .poll(async () => (await resourceOf(request, key))?.status, {
      timeout: SLOW
    })
    .toBe('running');
  const stopped = await request.delete(
    `/saturn-panel/hub/servers/alice/${name}`
  );
  expect(stopped.status()).toBe(202);
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

test.describe('Start with options', () => {
  test('starts a server with the GPU profile and TensorFlow', async ({
    page,
    request
  }) => {
    const config = await panelConfig(request);
    expect(config.hub.spawnOptions?.source).toBe('profile_list');

    const key = await stoppedServer(request, uniqueName('ui-opts'));
    await openPanel(page);
    const serverRow = row(page, key);
    await expect(serverRow).toHaveAttribute('data-status', 'stopped');

    // From the row's context menu.
    await serverRow.locator('.jp-SaturnPanel-name').click({ button: 'right' });
    await page
      .locator('.lm-Menu-item', { hasText: 'with Options…' })
      .first()
      .click();
    const form = dialog(page);
    await expect(form.locator('.jp-Dialog-header')).toContainText(
      'with Options'
    );
    const profile = form.locator('select').first();
    // The default profile is preselected; it has no image option.
    await expect(profile.locator('option:checked')).toHaveText('CPU machine');
    await expect(form.locator('select')).toHaveCount(1);
    await profile.selectOption({ label: 'GPU machine' });
    await expect(form).toContainText('1 T4 GPU');
    const image = form.locator('select').nth(1);
    await expect(image.locator('option:checked')).toHaveText('PyTorch');
    await image.selectOption({ label: 'TensorFlow' });

    await recordRow(page, key);
    await form.getByRole('button', { name: 'Start' }).click();
    await expect(form).toBeHidden();

    await expect(serverRow).toHaveAttribute('data-status', 'running', {
      timeout: SLOW
    });
    await expect(serverRow.locator('.jp-SaturnPanel-profile')).toHaveText(
      'GPU machine (Image: TensorFlow)'
    );
    const record = await rowRecord(page, key);
    expect(inOrder(record.statuses, ['pending', 'running'])).toBe(true);
    expect(record.progress.length).toBeGreaterThan(0);

    const server = await resourceOf(request, key);
    // The keys KubeSpawner reads through the REST API.
    expect(server.details.userOptions).toEqual({
      profile: 'gpu',
      image: 'tensorflow'
    });
    expect(server.details.startedWith).toBe('GPU machine (Image: TensorFlow)');
  });

  test('starts with another image, checked as KubeSpawner checks it', async ({
    page,
    request
  }) => {
    const key = await stoppedServer(request, uniqueName('ui-img'));
    await openPanel(page);
    const serverRow = row(page, key);
    await expect(serverRow).toHaveAttribute('data-status', 'stopped');

    // Not awaited: the command ends when its dialog closes.
    await page.evaluate(k => {
      void (window as any).jupyterapp.commands.execute(
        'saturn-panel:start-with-options',
        { key: k }
      );
    }, key);
    const form = dialog(page);
    await form.locator('select').first().selectOption({ label: 'GPU machine' });
    await form
      .locator('select')
      .nth(1)
      .selectOption({ label: 'Another image…' });
    const image = form.getByRole('textbox');
    const start = form.getByRole('button', { name: 'Start' });
    await image.fill('docker.io/someone/else:1');
    await expect(form.getByRole('alert')).toContainText(
      'An image of quay.io/jupyter'
    );
    await expect(start).toBeDisabled();
    const scipy = 'quay.io/jupyter/scipy-notebook:2024-08-05';
    await image.fill(scipy);
    await expect(form.getByRole('alert')).toHaveCount(0);
    await start.click();
    await expect(form).toBeHidden();

    await expect(serverRow).toHaveAttribute('data-status', 'running', {
      timeout: SLOW
    });
    await expect(serverRow.locator('.jp-SaturnPanel-profile')).toHaveText(
      `GPU machine (Image: ${scipy})`
    );
    const server = await resourceOf(request, key);
    expect(server.details.userOptions).toEqual({
      profile: 'gpu',
      'image--unlisted-choice': scipy
    });
  });

  test("shows KubeSpawner's refusal of an unknown profile on the row", async ({
    page,
    request
  }) => {
    const key = await stoppedServer(request, uniqueName('ui-bad'));
    await openPanel(page);
    await expect(row(page, key)).toHaveAttribute('data-status', 'stopped');

    await page.evaluate(async k => {
      await (window as any).jupyterapp.commands.execute('saturn-panel:start', {
        key: k,
        userOptions: { profile: 'nope' }
      });
    }, key);

    const serverRow = row(page, key);
    await expect(serverRow.locator('.jp-SaturnPanel-message')).toContainText(
      'No such profile: nope',
      { timeout: SLOW }
    );
  });
});
