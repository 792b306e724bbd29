/**
 * Notifications that go away (issue 19, finding 1): a start from the panel
 * is one toast, updated in place from "Starting…" to "ready — Open", that
 * closes by itself as JupyterLab's own success toasts do; a "ready" toast
 * whose server stops (here: stopped by someone else, through the REST API)
 * is updated: it says so and offers no Open any more; so is one whose
 * backend stops answering (a Saturn Cloud outage, the simulator's outage
 * route), whose link would not open.
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext, Locator, Page } from '@playwright/test';

import {
  openPanel,
  outage,
  panelConfig,
  resources,
  row,
  simulatorOrigin,
  SLOW,
  uniqueName
} from './helpers';

/** Named servers this file created, removed after each test whatever happened. */
const created: string[] = [];

/** The status of a resource, as the server extension has it now. */
async function statusOf(
  request: APIRequestContext,
  key: string
): Promise<string | undefined> {
  return (await resources(request)).find(r => r.key === key)?.status;
}

/** Create a named server of alice and leave it stopped. */
async function stoppedServer(
  request: APIRequestContext,
  name: string
): Promise<string> {
  const key = `hub/alice/${name}`;
  created.push(name);
  expect(
    (await request.post(`/saturn-panel/hub/servers/alice/${name}`)).status()
  ).toBe(202);
  await expect
    .poll(() => statusOf(request, key), { timeout: SLOW })
    .toBe('running');
  expect(
    (await request.delete(`/saturn-panel/hub/servers/alice/${name}`)).status()
  ).toBe(202);
  await expect
    .poll(() => statusOf(request, key), { timeout: SLOW })
    .toBe('stopped');
  return key;
}

/** The toasts on screen that name a server. */
function toastsOf(page: Page, name: string): Locator {
  return page.locator('.Toastify__toast', { hasText: name });
}

/**
 * Record, in the page, the most toasts naming `name` seen on screen at once
 * (a MutationObserver samples every DOM change), and their texts.
 */
async function recordToasts(page: Page, name: string): Promise<void> {
  await page.evaluate(name => {
    const w = window as any;
    w.__toastRecord = { most: 0, texts: [] as string[] };
    const sample = () => {
      const toasts = Array.from(
        document.querySelectorAll('.Toastify__toast')
      ).filter(t => (t.textContent ?? '').includes(name));
      w.__toastRecord.most = Math.max(w.__toastRecord.most, toasts.length);
      for (const toast of toasts) {
        const text =
          toast.querySelector('.jp-toast-message')?.textContent ?? '';
        const texts: string[] = w.__toastRecord.texts;
        if (text && texts[texts.length - 1] !== text) {
          texts.push(text);
        }
      }
    };
    w.__toastObserver?.disconnect();
    w.__toastObserver = new MutationObserver(sample);
    w.__toastObserver.observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true
    });
  }, name);
}

async function toastRecord(
  page: Page
): Promise<{ most: number; texts: string[] }> {
  return page.evaluate(() => (window as any).__toastRecord);
}

test.afterEach(async ({ request }) => {
  while (created.length > 0) {
    const name = created.pop()!;
    const key = `hub/alice/${name}`;
    if (!(await statusOf(request, key))) {
      continue;
    }
    await request.delete(`/saturn-panel/hub/servers/alice/${name}?remove=1`);
    await expect
      .poll(async () => !!(await statusOf(request, key)), { timeout: SLOW })
      .toBe(false);
  }
});

test('a start is one toast, updated in place, that closes by itself', async ({
  page,
  request
}) => {
  const name = uniqueName('ui-toast');
  const key = await stoppedServer(request, name);
  await openPanel(page);
  const serverRow = row(page, key);
  await expect(serverRow).toHaveAttribute('data-status', 'stopped');

  await recordToasts(page, name);
  await serverRow.locator('.jp-mod-start').click();
  const toast = toastsOf(page, name);
  await expect(toast).toContainText('is ready', { timeout: SLOW });
  await expect(toast).toHaveCount(1);
  await expect(toast.getByRole('button', { name: 'Open' })).toBeVisible();
  // Without anyone closing it: gone from the screen (10 s with an action).
  await expect(toast).toHaveCount(0, { timeout: 20_000 });

  const record = await toastRecord(page);
  // One notification for the action, never two on screen at once…
  expect(record.most).toBe(1);
  // …that went from "Starting…" to "ready".
  expect(record.texts[0]).toMatch(/^Starting /);
  expect(record.texts[record.texts.length - 1]).toMatch(/is ready\.$/);
});

test('a "ready" toast whose server stops loses its Open', async ({
  page,
  request
}) => {
  const name = uniqueName('ui-gone');
  const key = await stoppedServer(request, name);
  await openPanel(page);
  const serverRow = row(page, key);
  await expect(serverRow).toHaveAttribute('data-status', 'stopped');

  await serverRow.locator('.jp-mod-start').click();
  const toast = toastsOf(page, name);
  await expect(toast).toContainText('is ready', { timeout: SLOW });
  await expect(toast.getByRole('button', { name: 'Open' })).toBeVisible();

  // Someone else stops it (another tab, the hub's culler).
  expect(
    (await request.delete(`/saturn-panel/hub/servers/alice/${name}`)).status()
  ).toBe(202);
  await expect(toast).toContainText('is no longer running', {
    timeout: SLOW
  });
  await expect(toast.getByRole('button', { name: 'Open' })).toHaveCount(0);
  await expect(toast).toHaveCount(0, { timeout: 15_000 });
});

test.describe('A Saturn Cloud outage', () => {
  let origin: string | null = null;
  const WORKSPACE = 'r-reports';

  /** The seeded workspace, as the server extension has it now. */
  const workspace = async (request: APIRequestContext) =>
    (await resources(request)).find(
      r =>
        r.backend === 'saturn' && r.kind === 'workspace' && r.name === WORKSPACE
    );

  test.afterEach(async ({ request }) => {
    if (origin) {
      await outage(request, origin, 0);
      origin = null;
    }
    // Retry, as a person would: with no panel shown, the server does not read
    // Saturn again by itself before the outage's backoff (60 s and more) ends.
    await expect
      .poll(
        async () => {
          await request.post('/saturn-panel/refresh', {
            data: { backend: 'saturn' }
          });
          return (await panelConfig(request)).saturn.stale ?? false;
        },
        { timeout: SLOW, intervals: [2_000] }
      )
      .toBe(false);
    const ws = await workspace(request);
    if (ws && ws.status !== 'stopped') {
      await request.post(`/saturn-panel/saturn/workspaces/${ws.id}/stop`);
      await expect
        .poll(async () => (await workspace(request))?.status, {
          timeout: SLOW
        })
        .toBe('stopped');
    }
  });

  test('takes the Open away from a "ready" toast', async ({
    page,
    request
  }) => {
    await openPanel(page);
    const ws = await workspace(request);
    expect(ws?.status).toBe('stopped');
    const wsRow = row(page, ws.key);
    await wsRow.locator('.jp-mod-start').click();
    const toast = toastsOf(page, WORKSPACE);
    await expect(toast).toContainText('is ready', { timeout: SLOW });
    await expect(toast.getByRole('button', { name: 'Open' })).toBeVisible();
    // The pointer on the toast keeps it on screen (as in JupyterLab).
    await toast.hover();

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

    await expect(toast).toContainText('cannot be opened now', {
      timeout: SLOW
    });
    await expect(toast).toContainText('Saturn Cloud');
    await expect(toast.getByRole('button', { name: 'Open' })).toHaveCount(0);
  });
});
