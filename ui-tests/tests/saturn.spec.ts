/**
 * The Saturn Cloud section against the Saturn Cloud API simulator
 * (run_servers.py: alice's seeded workspaces `analysis` (running),
 * `gpu-training`, `r-reports` (RStudio); a start takes 3 s; the panel polls
 * Saturn every 2 s).
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext, Locator, Page } from '@playwright/test';

import {
  SLOW,
  action,
  dialog,
  inOrder,
  openPanel,
  recordRow,
  resources,
  rowRecord,
  uniqueName
} from './helpers';

/**
 * The simulator token run_servers.py gives the panel (a fixed test value of
 * this test setup). Used only to delete what a test created: the panel
 * itself offers no way to delete a Saturn workspace.
 */
const SIMULATOR_TOKEN = 'ui-alice-token-0123456789';

/** The row of a Saturn workspace, by its name. */
function workspaceRow(page: Page, name: string): Locator {
  return page
    .locator('#saturn-panel-saturn .jp-SaturnPanel-row[data-kind="workspace"]')
    .filter({
      has: page.locator('.jp-SaturnPanel-name', {
        hasText: new RegExp(`^${name}$`)
      })
    });
}

/** A workspace as the server extension reports it. */
async function workspace(
  request: APIRequestContext,
  name: string
): Promise<any | undefined> {
  return (await resources(request)).find(
    r => r.backend === 'saturn' && r.kind === 'workspace' && r.name === name
  );
}

/** The simulator's origin, read from the running `analysis` workspace's URL. */
async function simulatorOrigin(request: APIRequestContext): Promise<string> {
  const analysis = await workspace(request, 'analysis');
  expect(analysis?.url).toBeTruthy();
  return new URL(analysis.url).origin;
}

/** Stop a workspace through the panel's REST API and wait until it is stopped. */
async function ensureStopped(
  request: APIRequestContext,
  name: string
): Promise<void> {
  const ws = await workspace(request, name);
  expect(ws).toBeTruthy();
  if (ws.status === 'stopped') {
    return;
  }
  const response = await request.post(
    `/saturn-panel/saturn/workspaces/${ws.id}/stop`
  );
  expect(response.status()).toBe(202);
  await expect
    .poll(async () => (await workspace(request, name))?.status, {
      timeout: SLOW
    })
    .toBe('stopped');
}

/** Delete a workspace in the simulator (as alice), if it still exists. */
async function deleteWorkspace(
  request: APIRequestContext,
  name: string
): Promise<void> {
  const ws = await workspace(request, name);
  if (!ws) {
    return;
  }
  const origin = await simulatorOrigin(request);
  const response = await request.delete(
    `${origin}/api/workspaces/${ws.id}?allow_active=true`,
    { headers: { Authorization: `token ${SIMULATOR_TOKEN}` } }
  );
  expect([204, 404]).toContain(response.status());
}

test.describe('Saturn Cloud section', () => {
  test('lists the seeded workspaces', async ({ page, request }) => {
    await openPanel(page);
    await expect(
      page.locator(
        '.jp-AccordionPanel-title[aria-controls="saturn-panel-saturn"]'
      )
    ).toContainText('Saturn Cloud');

    for (const name of ['analysis', 'gpu-training', 'r-reports']) {
      await expect(workspaceRow(page, name)).toHaveCount(1);
    }

    // analysis: running, with an "Open" link to its IDE on the simulator.
    const analysis = workspaceRow(page, 'analysis');
    await expect(analysis).toHaveAttribute('data-status', 'running');
    await expect(analysis.locator('.jp-SaturnPanel-status')).toHaveText(
      'running'
    );
    await expect(analysis.locator('.jp-SaturnPanel-ide')).toHaveText('Jupyter');
    const open = analysis.locator('a.jp-SaturnPanel-openLink');
    await expect(open).toHaveAttribute(
      'aria-label',
      'Open analysis in a new tab'
    );
    await expect(open).toHaveAttribute('target', '_blank');
    await expect(open).toHaveAttribute(
      'href',
      /^http:\/\/127\.0\.0\.1:\d+\/ide\/alice\/analysis\/lab$/
    );
    const href = (await open.getAttribute('href'))!;
    expect(new URL(href).origin).toBe(await simulatorOrigin(request));
    expect(new URL(href).origin).not.toBe(new URL(page.url()).origin);
    // The link leads to that workspace's (simulated) IDE.
    const ide = await request.get(href);
    expect(ide.status()).toBe(200);
    // (The simulator names the owner with its org: "main/alice".)
    expect(await ide.text()).toMatch(
      /<title>Simulated Jupyter IDE for (\S+\/)?alice\/analysis<\/title>/
    );

    // gpu-training: a Jupyter workspace on a GPU.
    const gpu = workspaceRow(page, 'gpu-training');
    await expect(gpu.locator('.jp-SaturnPanel-ide')).toHaveText('Jupyter');
    await expect(gpu.locator('.jp-SaturnPanel-size')).toContainText('1 GPU');

    // r-reports: an RStudio workspace, stopped, so nothing to open.
    const r = workspaceRow(page, 'r-reports');
    await expect(r.locator('.jp-SaturnPanel-ide')).toHaveText('RStudio');
    await expect(r).toHaveAttribute('data-status', 'stopped');
    await expect(r.locator('a.jp-SaturnPanel-openLink')).toHaveCount(0);
    await expect(action(r, 'start')).toHaveAttribute(
      'aria-label',
      'Start r-reports'
    );
  });

  test.describe('starting gpu-training', () => {
    test.beforeEach(async ({ request }) => {
      await ensureStopped(request, 'gpu-training');
    });
    test.afterEach(async ({ request }) => {
      await ensureStopped(request, 'gpu-training');
    });

    test('starts with an estimated progress, opens, stops', async ({
      page,
      request
    }) => {
      const origin = await simulatorOrigin(request);
      await openPanel(page);
      const gpu = workspaceRow(page, 'gpu-training');
      await expect(gpu).toHaveAttribute('data-status', 'stopped');
      const key = (await gpu.getAttribute('data-key'))!;
      expect(key).toMatch(/^saturn\/workspace\/[0-9a-f]{32}$/);

      // --- Start: pending, with a progress marked as an estimate (or, before
      // any start of this size was seen, none made up: an indeterminate bar).
      const ESTIMATE = /^(~\d+% \(estimate\)|No estimate yet)$/;
      await recordRow(page, key);
      await action(gpu, 'start').click();
      await expect(gpu).toHaveAttribute('data-status', 'pending');
      const bar = gpu.getByRole('progressbar', {
        name: 'Starting gpu-training'
      });
      await expect(bar).toBeVisible();
      await expect(bar).toHaveClass(/jp-mod-estimated/);
      await expect(bar).toHaveAttribute(
        'aria-valuetext',
        /\(estimate\)|No estimate yet/
      );
      await expect(gpu.locator('.jp-SaturnPanel-progressValue')).toHaveText(
        ESTIMATE
      );
      await expect(gpu.locator('.jp-SaturnPanel-progressMessage')).toHaveText(
        /^Saturn status: pending/
      );

      // --- Running, with its IDE link.
      await expect(gpu).toHaveAttribute('data-status', 'running', {
        timeout: SLOW
      });
      await expect(bar).toHaveCount(0);
      const started = await rowRecord(page, key);
      expect(inOrder(started.statuses, ['stopped', 'pending', 'running'])).toBe(
        true
      );
      expect(started.texts.every(t => ESTIMATE.test(t))).toBe(true);
      const expectedUrl = `${origin}/ide/alice/gpu-training/lab`;
      const open = gpu.locator('a.jp-SaturnPanel-openLink');
      await expect(open).toHaveAttribute('href', expectedUrl);
      await expect(open).toHaveAttribute('target', '_blank');
      await expect(gpu.locator('a.jp-SaturnPanel-name')).toHaveAttribute(
        'href',
        expectedUrl
      );
      const ide = await request.get(expectedUrl);
      expect(ide.status()).toBe(200);
      expect(await ide.text()).toMatch(
        /<title>Simulated Jupyter IDE for (\S+\/)?alice\/gpu-training<\/title>/
      );

      // --- Stop: stopping, then stopped; the link goes away.
      await recordRow(page, key);
      await action(gpu, 'stop').click();
      await expect(gpu).toHaveAttribute('data-status', 'stopped', {
        timeout: SLOW
      });
      const stopped = await rowRecord(page, key);
      expect(
        inOrder(stopped.statuses, ['running', 'stopping', 'stopped'])
      ).toBe(true);
      await expect(open).toHaveCount(0);
      await expect(action(gpu, 'start')).toBeVisible();
      expect((await request.get(expectedUrl)).status()).toBe(503);
    });
  });

  test.describe('new workspace from a recipe', () => {
    let createdName: string | null = null;

    test.afterEach(async ({ request }) => {
      if (createdName) {
        await deleteWorkspace(request, createdName);
        createdName = null;
      }
    });

    test('checks the recipe, creates the workspace, drops it once deleted', async ({
      page,
      request
    }) => {
      const name = uniqueName('ui-recipe');
      await openPanel(page);
      await page
        .locator(
          '#saturn-panel jp-button[aria-label="New workspace from recipe"]'
        )
        .click();
      const form = dialog(page);
      await expect(form.locator('.jp-Dialog-header')).toHaveText(
        'New Saturn Cloud Resource from a Recipe'
      );
      // The dialog puts the cursor in the file path field once rendered.
      await expect(form.locator('input[name="path"]')).toBeFocused();
      const text = form.locator('textarea[name="recipe"]');
      const errors = form.locator('.jp-SaturnPanel-formErrors');
      const accept = form.getByRole('button', { name: 'Create' });

      // Missing instance_type: named in the error, Create disabled.
      const incomplete = {
        schema_version: '2025.10.01',
        type: 'workspace',
        spec: { name, image: 'saturncloud/saturn-python:2024.08.01' }
      };
      await text.fill(JSON.stringify(incomplete, null, 2));
      await expect(errors).toBeVisible();
      await expect(errors.locator('li')).toHaveText([
        '"spec.instance_type" is missing.'
      ]);
      await expect(accept).toBeDisabled();

      // Complete: the dialog says what it will create.
      const recipe = {
        ...incomplete,
        spec: {
          ...incomplete.spec,
          instance_type: 'large',
          description: 'Created by the browser tests'
        }
      };
      await text.fill(JSON.stringify(recipe, null, 2));
      await expect(errors).toHaveCount(0);
      await expect(form.locator('.jp-SaturnPanel-fieldHelp')).toHaveText(
        `Creates the workspace "${name}".`
      );
      await expect(accept).toBeEnabled();
      createdName = name;
      await accept.click();
      await expect(form).toHaveCount(0, { timeout: SLOW });

      // The new row, and the notification offering to start it.
      const created = workspaceRow(page, name);
      await expect(created).toHaveCount(1, { timeout: SLOW });
      await expect(created).toHaveAttribute('data-status', 'stopped');
      await expect(created.locator('.jp-SaturnPanel-size')).toHaveText(
        'Large - 2 cores - 16 GB RAM'
      );
      await expect(action(created, 'start')).toBeVisible();
      const toast = page
        .getByRole('alert')
        .filter({ hasText: `Created the workspace "${name}".` });
      await expect(toast).toBeVisible();
      await expect(toast.getByRole('button', { name: 'Start' })).toBeVisible();
      expect((await workspace(request, name))?.owner).toBe('alice');

      // Deleted in Saturn Cloud (the panel has no delete for workspaces), it
      // leaves the panel at the next poll (30 s when nothing is starting).
      await deleteWorkspace(request, name);
      createdName = null;
      await expect(created).toHaveCount(0, { timeout: SLOW });
    });
  });
});
