/**
 * State that never lies: when Saturn Cloud stops answering (the simulator's
 * outage route), the panel keeps the rows Saturn last reported, marked as
 * the last known state, says so once for Saturn (one compact notice with a
 * Retry, not one per Saturn section), gives blocked actions their reason,
 * and comes back live after a Retry once the outage ends.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  openPanel,
  outage,
  panelConfig,
  resources,
  simulatorOrigin,
  SLOW
} from './helpers';

test.describe('A Saturn Cloud outage', () => {
  let origin: string | null = null;

  test.afterEach(async ({ request }) => {
    if (origin) {
      await outage(request, origin, 0);
      origin = null;
    }
  });

  test('keeps the last known rows, marked, with one notice for the backend, reasons and a Retry', async ({
    page,
    request
  }) => {
    await openPanel(page);
    const before = (await resources(request)).filter(
      r => r.backend === 'saturn'
    );
    const workspaces = before.filter(r => r.kind === 'workspace');
    const jobs = before.filter(r => r.kind === 'job');
    expect(workspaces.length).toBeGreaterThan(0);
    expect(jobs.length).toBeGreaterThan(0);
    await expect(
      page.locator('#saturn-panel-jobs .jp-SaturnPanel-row[data-kind="job"]')
    ).toHaveCount(jobs.length, { timeout: SLOW });

    // --- Saturn goes down; the server notices on its next read.
    origin = await simulatorOrigin(request);
    await outage(request, origin, 60);
    await expect
      .poll(
        async () => {
          await request.post('/saturn-panel/refresh', {
            data: { backend: 'saturn' }
          });
          return (await panelConfig(request)).saturn.stale;
        },
        { timeout: SLOW, intervals: [1000, 2000, 3000] }
      )
      .toBe(true);

    // --- One notice for Saturn Cloud (in its first section, not again
    // over the jobs), with Retry; the headline is a sentence, not an
    // address; when Saturn was last read is behind "Details".
    const saturnNotice = page.locator(
      '#saturn-panel-saturn .jp-SaturnPanel-notice[data-backend="saturn"]'
    );
    await expect(saturnNotice).toHaveAttribute('data-condition', 'stale', {
      timeout: SLOW
    });
    await expect(
      page.locator(
        '#saturn-panel .jp-SaturnPanel-notice[data-backend="saturn"]'
      )
    ).toHaveCount(1);
    await expect(
      page.locator('#saturn-panel-jobs .jp-SaturnPanel-notice')
    ).toHaveCount(0);
    const headline = saturnNotice.locator('.jp-SaturnPanel-noticeTitle');
    await expect(headline).toContainText('Saturn Cloud');
    await expect(headline).toContainText('last known state');
    await expect(headline).not.toContainText('http');
    await saturnNotice.locator('summary', { hasText: 'Details' }).click();
    await expect(
      saturnNotice.locator('.jp-SaturnPanel-noticeStale')
    ).toContainText(/last known state, as of (just now|\d+ minutes? ago)/);
    await expect(
      saturnNotice.locator('.jp-SaturnPanel-noticeStale')
    ).toBeVisible();
    await saturnNotice.locator('summary').click();
    await expect(
      saturnNotice.getByRole('button', { name: 'Retry reading Saturn Cloud' })
    ).toBeEnabled();

    // --- Every row stays, marked as last known; no live link is offered.
    const staleWorkspaces = page.locator(
      '#saturn-panel-saturn .jp-SaturnPanel-row[data-kind="workspace"][data-stale="true"]'
    );
    await expect(staleWorkspaces).toHaveCount(workspaces.length);
    const staleJobs = page.locator(
      '#saturn-panel-jobs .jp-SaturnPanel-row[data-kind="job"][data-stale="true"]'
    );
    await expect(staleJobs).toHaveCount(jobs.length);
    await expect(
      staleWorkspaces.first().locator('.jp-SaturnPanel-lastKnown')
    ).toHaveText(/^last known, as of /);
    await expect(
      page.locator('#saturn-panel-saturn a.jp-SaturnPanel-link')
    ).toHaveCount(0);
    await expect(
      page.locator('#saturn-panel-saturn .jp-SaturnPanel-openLink')
    ).toHaveCount(0);

    // --- A blocked action says why: a job's Run button, and the palette.
    const runButton = staleJobs
      .first()
      .locator('.jp-SaturnPanel-action.jp-mod-run');
    await expect(runButton).toBeDisabled();
    await expect(runButton).toHaveAttribute('title', /last known state/);
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#modal-command-palette');
    await expect(palette).toBeVisible();
    await palette
      .locator('.lm-CommandPalette-input')
      .fill('New Workspace from Recipe');
    const item = palette.locator('.lm-CommandPalette-item', {
      hasText: 'New Workspace from Recipe…'
    });
    // Shown, not silently hidden as a disabled entry: its caption says why,
    // and running it says so again.
    await expect(item).toBeVisible();
    await expect(item.locator('.lm-CommandPalette-itemCaption')).toContainText(
      'What the panel shows is the last known state'
    );
    await page.keyboard.press('Escape');

    // --- The outage ends; Retry brings Saturn back live.
    await outage(request, origin, 0);
    origin = null;
    const retry = saturnNotice.getByRole('button', {
      name: 'Retry reading Saturn Cloud'
    });
    await expect(async () => {
      if ((await retry.count()) > 0) {
        await retry.click({ timeout: 2000 });
      }
      await expect(
        saturnNotice.and(page.locator('[data-condition="stale"]'))
      ).toHaveCount(0, { timeout: 12_000 });
    }).toPass({ timeout: SLOW });
    await expect(
      page.locator(
        '#saturn-panel .jp-SaturnPanel-notice[data-condition="stale"]'
      )
    ).toHaveCount(0);
    await expect(page.locator('#saturn-panel [data-stale="true"]')).toHaveCount(
      0
    );
    await expect(
      page.locator(
        '#saturn-panel-saturn .jp-SaturnPanel-row[data-kind="workspace"]'
      )
    ).toHaveCount(workspaces.length);
  });
});
