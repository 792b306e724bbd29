/**
 * Sharing a hub server (issue 20) against the real JupyterHub of
 * run_servers.py, whose demo configuration turns sharing on: Share → Create
 * a link → the link is shown (and copied), and Manage Sharing → Revoke
 * leaves the hub with no share.
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

import {
  SLOW,
  dialog,
  openPanel,
  panelConfig,
  resources,
  row,
  uniqueName
} from './helpers';

/** Named servers this file created, removed after each test. */
const created: string[] = [];

async function removeServer(
  request: APIRequestContext,
  name: string
): Promise<void> {
  const key = `hub/alice/${name}`;
  if (!(await resources(request)).some(r => r.key === key)) {
    return;
  }
  const response = await request.delete(
    `/saturn-panel/hub/servers/alice/${name}?remove=1`
  );
  expect([202, 404]).toContain(response.status());
  await expect
    .poll(async () => (await resources(request)).some(r => r.key === key), {
      timeout: SLOW
    })
    .toBe(false);
}

test.afterEach(async ({ request }) => {
  while (created.length > 0) {
    await removeServer(request, created.pop()!);
  }
});

async function sharesOf(request: APIRequestContext, name: string) {
  const response = await request.get(
    `/saturn-panel/hub/servers/alice/${name}/shares`
  );
  expect(response.status()).toBe(200);
  return (await response.json()).shares as any[];
}

async function codesOf(request: APIRequestContext, name: string) {
  const response = await request.get(
    `/saturn-panel/hub/servers/alice/${name}/share-codes`
  );
  expect(response.status()).toBe(200);
  return (await response.json()).codes as any[];
}

test.describe('Sharing a hub server', () => {
  test('Share → Create a link, then Manage Sharing → Revoke', async ({
    page,
    request
  }) => {
    // The token Lab has here may share (the demo hub turns sharing on).
    const config = await panelConfig(request);
    expect(config.hub.abilities.share).toBe(true);

    const name = uniqueName('ui-share');
    const key = `hub/alice/${name}`;
    created.push(name);
    const post = await request.post(`/saturn-panel/hub/servers/alice/${name}`);
    expect(post.status()).toBe(202);
    await expect
      .poll(
        async () => (await resources(request)).find(r => r.key === key)?.status,
        {
          timeout: SLOW
        }
      )
      .toBe('running');

    await openPanel(page);
    const server = row(page, key);
    await expect(server).toHaveAttribute('data-status', 'running');

    // Share → Create a link.
    const share = server.locator('.jp-SaturnPanel-action.jp-mod-share');
    await expect(share).toBeEnabled();
    await share.click();
    const form = dialog(page);
    await expect(form.locator('.jp-Dialog-header')).toContainText('Share');
    await form.getByLabel('Create a link').check();
    await form.locator('select[name="expiresIn"]').selectOption('3600');
    await form.locator('.jp-Dialog-footer .jp-mod-accept').click();

    // The link is shown once (and copied to the clipboard).
    const shown = page.locator('.jp-SaturnPanel-shareLinkText');
    await expect(shown).toBeVisible({ timeout: SLOW });
    const link = await shown.inputValue();
    expect(link).toMatch(/^https?:\/\/.+\/hub\/accept-share\?code=.+/);
    await expect(dialog(page)).toContainText('copied to the clipboard');
    await dialog(page).locator('.jp-Dialog-footer .jp-mod-accept').click();
    await expect(dialog(page)).toHaveCount(0);
    expect(await codesOf(request, name)).toHaveLength(1);
    // The row says it is shared.
    await expect(server.locator('.jp-SaturnPanel-sharedWith')).toContainText(
      '1 link'
    );

    // A share with bob as well, made through the REST API.
    const shareBob = await request.post(
      `/saturn-panel/hub/servers/alice/${name}/shares`,
      { data: { user: 'bob' } }
    );
    expect(shareBob.status()).toBe(200);

    // Manage Sharing (the row's context menu) → Revoke both.
    await server.locator('.jp-SaturnPanel-name').click({ button: 'right' });
    await page.locator('.lm-Menu-item', { hasText: 'Manage Sharing…' }).click();
    const manage = dialog(page);
    await expect(manage.locator('[data-share="bob"]')).toBeVisible({
      timeout: SLOW
    });
    await manage.locator('[data-share="bob"] .jp-SaturnPanel-revoke').click();
    await expect(manage.locator('[data-share="bob"]')).toHaveCount(0);
    await expect(manage.locator('.jp-mod-noShares')).toBeVisible();
    await manage.locator('[data-code] .jp-SaturnPanel-revoke').click();
    await expect(manage.locator('.jp-mod-noCodes')).toBeVisible();
    await manage.locator('.jp-Dialog-footer .jp-mod-accept').click();

    // The hub lists no share and no link any more.
    expect(await sharesOf(request, name)).toEqual([]);
    expect(await codesOf(request, name)).toEqual([]);
    await expect(server.locator('.jp-SaturnPanel-sharedWith')).toHaveCount(0);
  });
});
