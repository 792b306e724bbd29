/**
 * The pictures of the panel in the README (docs/images/panel.png, and panel-dark.png in
 * JupyterLab Dark): a hub server starting (progress bar) and the Saturn Cloud workspaces.
 *
 * Not a snapshot comparison; SATURN_PANEL_README_IMAGES=1 writes it to docs/images.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';

import {
  SLOW,
  openPanel,
  panel,
  picturePath,
  resources,
  row,
  uniqueName
} from './helpers';

/** The README's pictures: one per theme. */
const PICTURES = [
  { theme: 'JupyterLab Light', file: 'panel.png' },
  { theme: 'JupyterLab Dark', file: 'panel-dark.png' }
];

test.use({ viewport: { width: 1400, height: 900 } });

test.describe('README screenshot', () => {
  let name = '';
  let key = '';

  test.beforeEach(() => {
    name = uniqueName('gpu-exp');
    key = `hub/alice/${name}`;
  });

  test.afterEach(async ({ page, request }) => {
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('apputils:change-theme', {
        theme: 'JupyterLab Light'
      })
    );
    if (!(await resources(request)).some(r => r.key === key)) {
      return;
    }
    const response = await request.delete(
      `/saturn-panel/hub/servers/alice/${name}?remove=1`
    );
    expect(response.status()).toBe(202);
    await expect
      .poll(async () => (await resources(request)).some(r => r.key === key), {
        timeout: SLOW
      })
      .toBe(false);
  });

  for (const { theme, file } of PICTURES) {
    test(`the panel with a hub server starting, in ${theme}`, async ({
      page,
      request
    }) => {
      const output = picturePath(file);
      await page.evaluate(
        theme =>
          (window as any).jupyterapp.commands.execute('apputils:change-theme', {
            theme
          }),
        theme
      );
      await expect(page.locator('body')).toHaveAttribute(
        'data-jp-theme-name',
        theme
      );
      // The new theme first: Lab lays the shell out again once its stylesheet is in.
      await page.waitForTimeout(1000);
      await openPanel(page);
      await page.sidebar.setWidth(440, 'left');
      await expect
        .poll(async () => (await panel(page).boundingBox())?.width ?? 0)
        .toBeGreaterThan(400);
      await expect(page.locator('#saturn-panel-saturn')).toBeVisible();
      await expect(
        page.locator(
          '#saturn-panel-saturn .jp-SaturnPanel-row[data-status="running"]'
        )
      ).not.toHaveCount(0);

      // Start a named server (what the "New named server" dialog sends).
      const post = await request.post(
        `/saturn-panel/hub/servers/alice/${name}`,
        {
          data: { displayName: 'GPU experiments' }
        }
      );
      expect(post.status()).toBe(202);

      const server = row(page, key);
      const bar = server.getByRole('progressbar');
      await expect(bar).toBeVisible({ timeout: SLOW });
      // Wait for a step with a visible fill and the hub's message.
      await expect(
        server.locator('.jp-SaturnPanel-progressMessage')
      ).toHaveText(/Preparing step [12]\/4/, { timeout: SLOW });
      await page.mouse.move(0, 0); // no hover highlight or tooltip in the picture

      await panel(page).screenshot({ path: output, animations: 'disabled' });

      // The picture was taken while the server was starting.
      expect(await server.getAttribute('data-status')).toBe('pending');
      await expect(panel(page)).toBeVisible();
      expect(fs.statSync(output).size).toBeGreaterThan(10_000);
    });
  }
});
