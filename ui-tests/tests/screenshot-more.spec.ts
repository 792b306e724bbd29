/**
 * The README's pictures of sharing (docs/images/sharing.png: a shared server's row and the
 * Manage Sharing dialog) and of Lab's Running panel (docs/images/running.png).
 *
 * Not snapshot comparisons; SATURN_PANEL_README_IMAGES=1 writes them to docs/images.
 */
import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';

import {
  SLOW,
  dialog,
  openPanel,
  picturePath,
  resources,
  row,
  uniqueName
} from './helpers';

test.use({ viewport: { width: 1400, height: 900 } });

test.describe('README screenshots', () => {
  let name = '';

  test.beforeEach(async ({ request }) => {
    name = uniqueName('team-demo');
    const post = await request.post(`/saturn-panel/hub/servers/alice/${name}`, {
      data: { displayName: 'Team demo' }
    });
    expect(post.status()).toBe(202);
    await expect
      .poll(
        async () =>
          (await resources(request)).find(r => r.key === `hub/alice/${name}`)
            ?.status,
        { timeout: SLOW }
      )
      .toBe('running');
  });

  test.afterEach(async ({ request }) => {
    await request.delete(`/saturn-panel/hub/servers/alice/${name}?remove=1`);
  });

  test('sharing: a shared server and Manage Sharing', async ({
    page,
    request
  }) => {
    const output = picturePath('sharing.png');
    for (const body of [{ user: 'bob' }]) {
      const shared = await request.post(
        `/saturn-panel/hub/servers/alice/${name}/shares`,
        { data: body }
      );
      expect(shared.status()).toBe(200);
    }
    const code = await request.post(
      `/saturn-panel/hub/servers/alice/${name}/share-codes`,
      { data: { expiresIn: 86400 } }
    );
    expect(code.status()).toBe(201);
    await openPanel(page);
    await page.sidebar.setWidth(440, 'left');
    const server = row(page, `hub/alice/${name}`);
    // The panel reads who a server is shared with when it is shown.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('saturn-panel:refresh')
    );
    await expect(server.locator('.jp-SaturnPanel-sharedWith')).toContainText(
      'bob',
      { timeout: SLOW }
    );
    await server.locator('.jp-SaturnPanel-name').click({ button: 'right' });
    await page.locator('.lm-Menu-item', { hasText: 'Manage Sharing…' }).click();
    await expect(dialog(page).locator('[data-share="bob"]')).toBeVisible({
      timeout: SLOW
    });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: output, animations: 'disabled' });
    expect(fs.statSync(output).size).toBeGreaterThan(10_000);
    await dialog(page).locator('.jp-Dialog-footer .jp-mod-accept').click();
  });

  test("Lab's Running panel", async ({ page }) => {
    const output = picturePath('running.png');
    await openPanel(page);
    await page
      .locator(
        '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-running-sessions"]'
      )
      .click();
    const running = page.locator('#jp-running-sessions');
    await expect(
      running.locator(`[data-context="hub/alice/${name}"]`)
    ).toBeVisible({ timeout: SLOW });
    await page.sidebar.setWidth(440, 'left');
    await page.mouse.move(0, 0);
    await running.screenshot({ path: output, animations: 'disabled' });
    expect(fs.statSync(output).size).toBeGreaterThan(10_000);
  });
});
