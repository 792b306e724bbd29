/**
 * A run on a GPU size asks first (the `confirmGpuRuns` setting, on by
 * default). The simulator's seeded job `train-model` runs on `g4dnxlarge`,
 * a size with one T4 GPU in Saturn's list of sizes; its runs are simulated
 * and last about 3 s.
 */
import { expect, galata, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';

import { SLOW, dialog, jobRow, panel, resources, runItems } from './helpers';

/**
 * The launcher's card of a Saturn job, opened from the file browser's "+".
 */
async function launcherCard(page: Page, name: string): Promise<Locator> {
  await page
    .locator('.jp-FileBrowser-toolbar [data-command="launcher:create"]')
    .click();
  const launcher = page.locator('.jp-Launcher').filter({ visible: true });
  await expect(launcher).toHaveCount(1);
  const card = launcher.locator('.jp-LauncherCard').filter({
    has: page.locator('.jp-LauncherCard-label', {
      hasText: new RegExp(`^${name}$`)
    })
  });
  await expect(card).toHaveCount(1, { timeout: SLOW });
  return card;
}

/**
 * The POSTs the page makes to start a run of a job.
 */
function watchStarts(page: Page): string[] {
  const starts: string[] = [];
  page.on('request', request => {
    if (
      request.method() === 'POST' &&
      /\/saturn-panel\/saturn\/jobs\/[0-9a-f]{32}\/start/.test(request.url())
    ) {
      starts.push(request.url());
    }
  });
  return starts;
}

test.describe('A GPU job asks before it runs', () => {
  test('its launcher card asks (Cancel focused); Cancel and Enter start nothing', async ({
    page
  }) => {
    const starts = watchStarts(page);
    const card = await launcherCard(page, 'train-model');
    await card.click();

    const ask = dialog(page);
    await expect(ask).toBeVisible();
    await expect(ask.locator('.jp-Dialog-header')).toHaveText(
      'Run train-model on a GPU?'
    );
    await expect(ask.locator('.jp-Dialog-body')).toContainText(
      'python train.py --epochs 5'
    );
    await expect(ask.locator('.jp-Dialog-body')).toContainText(
      'T4-XLarge - 4 cores - 16 GB RAM - 1 GPU'
    );
    await expect(ask.locator('.jp-Dialog-body')).toContainText('with 1 T4 GPU');
    const cancel = ask.locator('.jp-Dialog-button.jp-mod-reject');
    await expect(cancel).toBeFocused();
    await expect(
      ask.getByRole('button', { name: 'Run train-model on a GPU' })
    ).toBeVisible();

    // Enter is Cancel's: it starts nothing.
    await page.keyboard.press('Enter');
    await expect(ask).toHaveCount(0);
    // Again, with the Cancel button.
    await card.click();
    await expect(ask).toBeVisible();
    await ask.locator('.jp-Dialog-button.jp-mod-reject').click();
    await expect(ask).toHaveCount(0);
    // (Give a start that should not happen time to happen.)
    await page.waitForTimeout(1000);
    expect(starts).toEqual([]);
    await expect(panel(page)).toBeHidden();
  });

  test.describe('with confirmGpuRuns off', () => {
    test.use({
      mockSettings: {
        ...galata.DEFAULT_SETTINGS,
        'jupyterlab-saturn-panel:plugin': { confirmGpuRuns: false }
      }
    });

    test('its launcher card starts a run at once; its counter agrees with its final duration', async ({
      page,
      request
    }) => {
      const train = (await resources(request)).find(
        r => r.kind === 'job' && r.name === 'train-model'
      );
      const oldRuns = new Set(train.details.runs.map((r: any) => r.name));
      const starts = watchStarts(page);
      const card = await launcherCard(page, 'train-model');
      await card.click();
      await expect.poll(() => starts.length, { timeout: SLOW }).toBe(1);
      await expect(dialog(page)).toHaveCount(0);
      // The run shows in the panel; let it end before the next test.
      await expect(panel(page)).toBeVisible();
      const newest = runItems(jobRow(page, 'train-model')).first();
      await expect
        .poll(async () => oldRuns.has(await newest.getAttribute('data-run')), {
          timeout: SLOW
        })
        .toBe(false);
      // Its elapsed time, read as it goes: never backwards, never more than
      // the final duration (issue 12, finding 6).
      const shown: number[] = [];
      const duration = newest.locator('.jp-SaturnPanel-runDuration');
      const deadline = Date.now() + SLOW;
      while (
        (await newest.getAttribute('data-status')) !== 'completed' &&
        Date.now() < deadline
      ) {
        const text = await duration
          .textContent({ timeout: 1000 })
          .catch(() => null);
        const seconds = /^(\d+) s$/.exec(text ?? '');
        if (seconds) {
          shown.push(Number(seconds[1]));
        }
        await page.waitForTimeout(100);
      }
      await expect(newest).toHaveAttribute('data-status', 'completed');
      const final = Number(
        /^(\d+) s$/.exec((await duration.textContent())!)![1]
      );
      expect(shown.length).toBeGreaterThan(0);
      for (let i = 1; i < shown.length; i++) {
        expect(shown[i], shown.join()).toBeGreaterThanOrEqual(shown[i - 1]);
      }
      expect(
        Math.max(...shown),
        `${shown.join()} then ${final}`
      ).toBeLessThanOrEqual(final);
    });
  });
});
