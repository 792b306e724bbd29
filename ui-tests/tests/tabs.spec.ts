/**
 * Many Lab tabs in one browser (issue 16). Chromium allows six HTTP/1.1
 * connections per host, and jupyter_server speaks HTTP/1.1: a panel that held
 * one request open per tab left the sixth tab without its file listing and a
 * save in the first tab waiting for a free connection. Live updates now come
 * as notices on JupyterLab's event bus WebSocket and short requests.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import {
  SLOW,
  openPanel,
  panelTab,
  resources,
  row,
  uniqueName
} from './helpers';

const TABS = 10;

test.describe('ten Lab tabs in one browser', () => {
  let name = '';

  test.afterEach(async ({ request }) => {
    if (!name) {
      return;
    }
    const key = `hub/alice/${name}`;
    await request.delete(`/saturn-panel/hub/servers/alice/${name}?remove=1`);
    await expect
      .poll(async () => (await resources(request)).some(r => r.key === key), {
        timeout: SLOW
      })
      .toBe(false);
  });

  test('all load, the tenth shows a start made in the first, and a save in the first reaches the server', async ({
    page,
    request,
    baseURL,
    tmpPath
  }) => {
    test.setTimeout(300_000);
    await openPanel(page);

    // Tabs 2 to 10 of the same browser profile, each a whole JupyterLab with
    // the panel, each waited for until its file browser lists the root.
    const tabs: Page[] = [page];
    for (let i = 2; i <= TABS; i++) {
      const tab = await page.context().newPage();
      tabs.push(tab);
      await tab.goto(`${baseURL}/lab`);
      await expect(
        tab.locator('.jp-DirListing-item', { hasText: tmpPath }),
        `tab ${i} lists the files`
      ).toBeVisible({ timeout: 60_000 });
    }
    const last = tabs[TABS - 1];
    await panelTab(last).click();
    await expect(last.locator('#saturn-panel')).toBeVisible();

    // A start in tab 1, over tab 1's own connections.
    name = uniqueName('ui-tabs');
    const key = `hub/alice/${name}`;
    const status = await page.evaluate(async server => {
      const response = await fetch(
        `/saturn-panel/hub/servers/alice/${server}`,
        {
          method: 'POST',
          body: '{}'
        }
      );
      return response.status;
    }, name);
    expect(status).toBe(202);
    await expect(row(last, key)).toBeVisible({ timeout: SLOW });
    await expect(row(last, key)).toHaveAttribute('data-status', 'running', {
      timeout: SLOW
    });

    // A notebook edited and saved in tab 1, after the tenth tab opened, is on
    // the server within 5 s.
    const notebook = `${tmpPath}/ten-tabs.ipynb`;
    await page.bringToFront();
    await page.notebook.createNew('ten-tabs.ipynb');
    await page.notebook.setCell(0, 'code', 'print("saved with ten tabs open")');
    const saved = Date.now();
    await page.keyboard.press('Control+s');
    await expect
      .poll(
        async () => {
          const response = await request.get(`/api/contents/${notebook}`);
          return response.ok()
            ? JSON.stringify(await response.json()).includes(
                'saved with ten tabs open'
              )
            : false;
        },
        { timeout: 5000, intervals: [200] }
      )
      .toBe(true);
    expect(Date.now() - saved).toBeLessThan(5000);

    for (const tab of tabs.slice(1)) {
      await tab.close();
    }
  });
});
