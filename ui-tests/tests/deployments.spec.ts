/**
 * The Saturn Deployments section against the Saturn Cloud API simulator
 * (run_servers.py: alice's seeded deployments `churn-model-api` (running)
 * and `sales-dashboard` (stopped); a start takes 3 s; the panel polls Saturn
 * every 2 s).
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext, Locator, Page } from '@playwright/test';

import { SLOW, openPanel, resources } from './helpers';

/** The row of a Saturn deployment, by its name. */
function deploymentRow(page: Page, name: string): Locator {
  return page
    .locator(
      '#saturn-panel-deployments .jp-SaturnPanel-row[data-kind="deployment"]'
    )
    .filter({
      has: page.locator('.jp-SaturnPanel-name', {
        hasText: new RegExp(`^${name}$`)
      })
    });
}

/** A deployment as the server extension reports it. */
async function deployment(
  request: APIRequestContext,
  name: string
): Promise<any | undefined> {
  return (await resources(request)).find(
    r => r.backend === 'saturn' && r.kind === 'deployment' && r.name === name
  );
}

/** Stop a deployment through the panel's REST API and wait until it is stopped. */
async function ensureStopped(
  request: APIRequestContext,
  name: string
): Promise<void> {
  const found = await deployment(request, name);
  expect(found).toBeTruthy();
  if (found.status === 'stopped') {
    return;
  }
  const response = await request.post(
    `/saturn-panel/saturn/deployments/${found.id}/stop`
  );
  expect(response.status()).toBe(202);
  await expect
    .poll(async () => (await deployment(request, name))?.status, {
      timeout: SLOW
    })
    .toBe('stopped');
}

test.describe('Saturn Deployments section', () => {
  test('starts a seeded deployment, shows its URL and logs, and stops it', async ({
    page,
    request
  }) => {
    await ensureStopped(request, 'sales-dashboard');
    await openPanel(page);
    await expect(
      page.locator(
        '.jp-AccordionPanel-title[aria-controls="saturn-panel-deployments"]'
      )
    ).toContainText('Saturn Deployments');

    // The running model API: its link is the deployed app.
    const api = deploymentRow(page, 'churn-model-api');
    await expect(api).toHaveAttribute('data-status', 'running', {
      timeout: SLOW
    });
    await expect(api.locator('a.jp-SaturnPanel-link')).toHaveAttribute(
      'href',
      /\/deploy\/alice\/churn-model-api\/$/
    );

    // Start the stopped dashboard from its row.
    const dashboard = deploymentRow(page, 'sales-dashboard');
    await expect(dashboard).toHaveAttribute('data-status', 'stopped');
    await dashboard.locator('.jp-SaturnPanel-action.jp-mod-start').click();
    await expect(dashboard).toHaveAttribute('data-status', 'running', {
      timeout: SLOW
    });
    const link = dashboard.locator('a.jp-SaturnPanel-link');
    await expect(link).toHaveAttribute(
      'href',
      /\/deploy\/alice\/sales-dashboard\/$/
    );
    await expect(link).toHaveAttribute('target', '_blank');
    const href = (await link.getAttribute('href'))!;
    expect((await request.get(href)).status()).toBe(200);

    // Its live logs in a tab.
    await dashboard.locator('.jp-SaturnPanel-action.jp-mod-logs').click();
    const tab = page.locator('.jp-SaturnPanel-deploymentLogs');
    await expect(tab).toBeVisible();
    await expect(tab.locator('.jp-SaturnPanel-logLines')).toContainText(
      'Running command: voila dashboard.ipynb',
      { timeout: SLOW }
    );

    // Stop it.
    await dashboard.locator('.jp-SaturnPanel-action.jp-mod-stop').click();
    await expect(dashboard).toHaveAttribute('data-status', 'stopped', {
      timeout: SLOW
    });
    await expect(dashboard.locator('a.jp-SaturnPanel-link')).toHaveCount(0);
  });
});
