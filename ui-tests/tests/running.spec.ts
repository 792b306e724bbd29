/**
 * Lab's Running panel ("Sessions and Tabs") lists the panel's running
 * resources in sections of their own, with Open and Shut Down, while the
 * Saturn panel itself is closed.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  openPanel,
  resources,
  SIMULATOR_ADMIN_TOKEN,
  simulatorOrigin,
  SLOW,
  uniqueName
} from './helpers';

test.describe("Lab's Running panel", () => {
  test('lists running hub servers and Saturn workspaces and shuts one down', async ({
    page,
    request
  }) => {
    const name = uniqueName('run');
    const key = `hub/alice/${name}`;
    await openPanel(page); // Lab's first read of both backends
    const started = await request.post(
      `/saturn-panel/hub/servers/alice/${name}`,
      {
        data: {}
      }
    );
    expect(started.status()).toBeLessThan(300);
    try {
      await expect
        .poll(
          async () =>
            (await resources(request)).find(r => r.key === key)?.status,
          { timeout: SLOW }
        )
        .toBe('running');

      // The Running sidebar takes the Saturn panel's place in the left area.
      await page
        .locator(
          '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="jp-running-sessions"]'
        )
        .click();
      const running = page.locator('#jp-running-sessions');
      await expect(running).toBeVisible();
      await expect(page.locator('#saturn-panel')).toBeHidden();

      await expect(running.getByText('JupyterHub Servers')).toBeVisible();
      await expect(running.getByText('Saturn Workspaces')).toBeVisible();
      await expect(running.getByText('Saturn Job Runs')).toBeVisible();
      const server = running.locator(`[data-context="${key}"]`);
      await expect(server).toBeVisible({ timeout: SLOW });
      await expect(server).toContainText(`alice/${name}`);
      await expect(server).toContainText('running');
      const analysis = (await resources(request)).find(
        r => r.kind === 'workspace' && r.name === 'analysis'
      );
      await expect(
        running.locator(`[data-context="${analysis.key}"]`)
      ).toContainText('analysis');

      // The sections read nothing of their own: while the Running panel is
      // shown, Saturn is read at the server's own beat only (30 s while nothing
      // there moves, as for the panel itself): at most once in 8 s.
      const origin = await simulatorOrigin(request);
      const admin = { Authorization: `token ${SIMULATOR_ADMIN_TOKEN}` };
      await request.post(`${origin}/_simulator/reset-stats`, {
        headers: admin
      });
      await page.waitForTimeout(8000);
      const stats = await (
        await request.get(`${origin}/_simulator/stats`, { headers: admin })
      ).json();
      const reads = stats.api_calls['GET /api/workspaces'] ?? 0;
      expect(reads).toBeLessThanOrEqual(1);
      expect(stats.rate_limit_violations).toBe(0);

      // Shut Down goes through the panel's stop command: the hub stops it and
      // the item leaves the list (the panel itself stays closed).
      await server.hover();
      await server.locator('.jp-RunningSessions-itemShutdown').click();
      await expect
        .poll(
          async () =>
            (await resources(request)).find(r => r.key === key)?.status,
          { timeout: SLOW }
        )
        .toBe('stopped');
      await expect(server).toHaveCount(0, { timeout: SLOW });
    } finally {
      await request.delete(`/saturn-panel/hub/servers/alice/${name}?remove=1`);
    }
  });
});
