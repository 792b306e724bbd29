/**
 * The picture of notebook jobs in the README (docs/images/jobs.png): a notebook with its
 * "Run as Saturn job" toolbar button, the Jobs section, and the logs of the run it started.
 *
 * Not a snapshot comparison; SATURN_PANEL_README_IMAGES=1 writes it to docs/images.
 */
import { expect, test } from '@jupyterlab/galata';

import { PAPERMILL, jobRow, openPanel, picturePath, runItems } from './helpers';

const OUTPUT = picturePath('jobs.png');

test.use({ viewport: { width: 1500, height: 900 } });

test('a notebook run as a Saturn job, with its logs', async ({ page }) => {
  await page.filebrowser.openDirectory('/');
  await page.notebook.openByPath('daily-report.ipynb');
  await page.notebook.activate('daily-report.ipynb');
  const button = page.locator(
    '.jp-Toolbar-item[data-jp-item-name="run-as-saturn-job"]'
  );
  await expect(button).toBeVisible();
  await openPanel(page);
  await page.sidebar.setWidth(420, 'left');

  await button.click();
  const parameters = page.locator('.jp-Dialog textarea[name="parameters"]');
  await expect(parameters).toBeVisible();
  await parameters.fill('region = "west"\ndays = 4');
  await page.locator('.jp-Dialog .jp-mod-accept').click();

  // The notebook's job appears in the Jobs section with its new run; open the run's logs.
  const job = jobRow(page, 'daily-report\\.ipynb');
  await expect(runItems(job).first()).toBeVisible({ timeout: PAPERMILL });
  await runItems(job).first().locator('.jp-SaturnPanel-action.jp-mod-logs').click();
  const lines = page.locator('.jp-SaturnPanel-logs .jp-SaturnPanel-logLines');
  await expect(lines).toHaveAttribute('data-complete', 'true', { timeout: PAPERMILL });
  await expect(lines).toContainText('Report for region=west');
  await expect(runItems(job).first()).toHaveAttribute('data-status', 'completed', {
    timeout: PAPERMILL
  });
  await page.screenshot({ path: OUTPUT });
});
