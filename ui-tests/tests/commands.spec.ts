/**
 * Issue 19, finding 6: every command the README lists is in the command
 * palette (category "Saturn Panel") and does what the README says from
 * there; the jobs part is a plugin of its own that a user can turn off with
 * JupyterLab's `disabledExtensions`, the panel working on without it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { APIRequestContext, Page } from '@playwright/test';

import {
  SLOW,
  dialog,
  jobAction,
  jobRow,
  logsTab,
  openPanel,
  panel,
  runItems,
  simulatorOrigin,
  uniqueName
} from './helpers';

/** run_servers.py's simulator token (only to delete the job a test made). */
const SIMULATOR_TOKEN = 'ui-alice-token-0123456789';

/**
 * The command ids the README's "Commands (…)" paragraph lists
 * (`saturn-panel:open-panel`, then `:refresh`, … for the same prefix).
 */
function readmeCommands(): string[] {
  const readme = fs.readFileSync(
    path.resolve(__dirname, '..', '..', 'README.md'),
    'utf-8'
  );
  const start = readme.indexOf('Commands (');
  expect(start).toBeGreaterThan(0);
  const paragraph = readme.slice(start, readme.indexOf('\n\n', start));
  const ids = new Set<string>();
  for (const match of paragraph.matchAll(/`(saturn-panel)?:([a-z-]+)`/g)) {
    ids.add(`saturn-panel:${match[2]}`);
  }
  return [...ids];
}

/** Open the modal command palette with an empty query. */
async function openPalette(page: Page) {
  const palette = page.locator('#modal-command-palette');
  await page.keyboard.press('Control+Shift+C');
  await expect(palette).toBeVisible();
  return palette;
}

/** Run a palette item of the Saturn Panel category by its label. */
async function runFromPalette(page: Page, label: string): Promise<void> {
  const palette = await openPalette(page);
  await palette.locator('.lm-CommandPalette-input').fill(label);
  const item = palette.locator('.lm-CommandPalette-item', {
    hasText: label
  });
  await expect(item).toHaveCount(1);
  await expect(item).not.toHaveClass(/lm-mod-disabled/);
  await item.click();
}

/** Create a job whose simulated run lasts `seconds`. */
async function createJob(
  request: APIRequestContext,
  name: string,
  seconds: number
): Promise<string> {
  const response = await request.post('/saturn-panel/saturn/recipes', {
    data: {
      recipe: {
        schema_version: '2025.10.01',
        type: 'job',
        spec: {
          name,
          image: 'saturncloud/saturn-python:2024.08.01',
          instance_type: 'large',
          command: `python ${name}.py`,
          description: 'Created by the browser tests (commands.spec.ts)',
          environment_variables: { SIMULATOR_DURATION: String(seconds) }
        }
      }
    }
  });
  expect(response.status()).toBe(201);
  return (await response.json()).id;
}

test.describe('commands', () => {
  let created: string | null = null;

  test.afterEach(async ({ request }) => {
    if (created) {
      const origin = await simulatorOrigin(request);
      const response = await request.delete(
        `${origin}/api/jobs/${created}?allow_active=true`,
        { headers: { Authorization: `token ${SIMULATOR_TOKEN}` } }
      );
      expect([204, 404]).toContain(response.status());
      created = null;
    }
  });

  test('every command the README lists is in the palette, under Saturn Panel', async ({
    page
  }) => {
    const listed = readmeCommands();
    // The README's list: 18 commands, stop-run and open-logs among them.
    expect(listed).toContain('saturn-panel:stop-run');
    expect(listed).toContain('saturn-panel:open-logs');
    expect(listed.length).toBeGreaterThanOrEqual(18);
    await openPanel(page);
    const palette = await openPalette(page);
    const inPalette = await palette
      .locator('.lm-CommandPalette-item[data-command^="saturn-panel:"]')
      .evaluateAll(nodes =>
        nodes.map(n => (n as HTMLElement).dataset.command ?? '')
      );
    expect(listed.filter(id => !inPalette.includes(id))).toEqual([]);
    // All under the one category.
    const categories = await palette
      .locator('.lm-CommandPalette-header')
      .allTextContents();
    expect(categories).toContain('Saturn Panel');
    await page.keyboard.press('Escape');
  });

  test('Stop run and Show logs from the palette ask which job', async ({
    page,
    request
  }) => {
    const name = uniqueName('ui-palette-job');
    const id = await createJob(request, name, 60);
    created = id;
    const key = `saturn/job/${id}`;
    await openPanel(page);
    const row = jobRow(page, name);
    await expect(row).toHaveCount(1, { timeout: SLOW });
    await jobAction(row, 'run').click();
    const item = runItems(row).first();
    await expect(item).toHaveAttribute('data-status', 'running', {
      timeout: SLOW
    });
    const run = (await item.getAttribute('data-run'))!;

    // Stop: a dialog lists the jobs with a run going; this one stops.
    await runFromPalette(page, 'Stop a Saturn Job Run…');
    const d = dialog(page);
    await expect(d).toBeVisible();
    await d.locator(`input[type="radio"][value="${key}"]`).check();
    await d.getByRole('button', { name: 'Stop its run' }).click();
    await expect(item).toHaveAttribute('data-status', 'stopped', {
      timeout: SLOW
    });

    // Show logs: a dialog lists the jobs that ran; this one's newest run.
    await runFromPalette(page, 'Show Saturn Job Run Logs…');
    await expect(d).toBeVisible();
    await d.locator(`input[type="radio"][value="${key}"]`).check();
    await d
      .getByRole('button', { name: 'Show logs of its newest run' })
      .click();
    const tab = logsTab(page, id, run);
    await expect(tab).toBeVisible();
    await expect(tab.locator('.jp-SaturnPanel-logLines')).toHaveAttribute(
      'data-status',
      'stopped',
      { timeout: SLOW }
    );
  });
});

/**
 * Serve Lab's page with `disabledExtensions` naming the jobs plugin, as
 * `jupyter labextension disable jupyterlab-saturn-panel:jobs` would (only for
 * this page: the server's configuration is shared with other tests).
 */
async function disableJobsPlugin(page: IJupyterLabPageFixture): Promise<void> {
  await page.route('**/*', async route => {
    if (route.request().resourceType() !== 'document') {
      await route.fallback();
      return;
    }
    const response = await route.fetch();
    const html = await response.text();
    const changed = html.replace(
      /(<script id="jupyter-config-data" type="application\/json">)([\s\S]*?)(<\/script>)/,
      (_, open: string, json: string, close: string) => {
        const config = JSON.parse(json);
        const disabled = config.disabledExtensions ?? [];
        config.disabledExtensions = Array.isArray(disabled)
          ? [...disabled, 'jupyterlab-saturn-panel:jobs']
          : { ...disabled, 'jupyterlab-saturn-panel:jobs': true };
        return `${open}${JSON.stringify(config)}${close}`;
      }
    );
    expect(changed).not.toBe(html);
    await route.fulfill({ response, body: changed });
  });
}

test.describe('with the jobs plugin turned off', () => {
  test.use({ autoGoto: false });

  test('the panel works without the jobs part', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', message => {
      if (message.type() === 'error' && /saturn/i.test(message.text())) {
        errors.push(message.text());
      }
    });
    await disableJobsPlugin(page);
    await page.goto();

    const state = await page.evaluate(() => {
      const app = (window as any).galata.app;
      return {
        main: app.hasPlugin('jupyterlab-saturn-panel:plugin'),
        jobs: app.hasPlugin('jupyterlab-saturn-panel:jobs'),
        start: app.commands.hasCommand('saturn-panel:start'),
        runJob: app.commands.hasCommand('saturn-panel:run-job'),
        openLogs: app.commands.hasCommand('saturn-panel:open-logs')
      };
    });
    expect(state).toEqual({
      main: true,
      jobs: false,
      start: true,
      runJob: false,
      openLogs: false
    });
    // Hub servers and Saturn workspaces as ever; no Jobs section.
    await openPanel(page);
    await expect(
      panel(page).locator('.jp-SaturnPanel-row[data-key^="saturn/workspace/"]')
    ).not.toHaveCount(0);
    await expect(page.locator('#saturn-panel-jobs')).toHaveCount(0);
    await expect(
      page.locator('.jp-SaturnPanel-row[data-kind="job"]')
    ).toHaveCount(0);
    // No "Saturn Cloud" launcher cards.
    await page.evaluate(async () => {
      await (window as any).galata.app.commands.execute('launcher:create');
    });
    await expect(page.locator('.jp-Launcher')).not.toHaveCount(0);
    await expect(
      page.locator('.jp-Launcher-sectionTitle', { hasText: 'Saturn Cloud' })
    ).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('the same page with the plugin on has the jobs part (the check above can fail)', async ({
    page
  }) => {
    await page.goto();
    await openPanel(page);
    await expect(
      page.locator('#saturn-panel-jobs .jp-SaturnPanel-row[data-kind="job"]')
    ).not.toHaveCount(0, { timeout: SLOW });
    expect(
      await page.evaluate(() =>
        (window as any).galata.app.hasPlugin('jupyterlab-saturn-panel:jobs')
      )
    ).toBe(true);
    await page.evaluate(async () => {
      await (window as any).galata.app.commands.execute('launcher:create');
    });
    await expect(
      page.locator('.jp-Launcher-sectionTitle', { hasText: 'Saturn Cloud' })
    ).not.toHaveCount(0, { timeout: SLOW });
  });
});
