/**
 * Shared helpers of the Saturn panel browser tests.
 *
 * The hooks used here are the ones the frontend documents for tests:
 * `#saturn-panel` (the panel), `#saturn-panel-hub` / `#saturn-panel-saturn`
 * (the sections), `.jp-SaturnPanel-row[data-key][data-status]` (one row per
 * resource) and `role=progressbar` inside a pending row.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { APIRequestContext, Locator, Page } from '@playwright/test';

/** Real processes (hub spawner, simulator) are behind these waits. */
export const SLOW = 60_000;

/** The panel's DOM node. */
export function panel(page: Page): Locator {
  return page.locator('#saturn-panel');
}

/** The panel's icon in the left sidebar. */
export function panelTab(page: Page): Locator {
  return page.locator(
    '.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="saturn-panel"]'
  );
}

/**
 * Open the panel by clicking its icon in the left sidebar (it is closed in a
 * fresh galata page) and wait until both sections have rows.
 */
export async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  const tab = panelTab(page);
  await expect(tab).toBeVisible();
  await expect(tab).toHaveAttribute(
    'title',
    'Saturn Cloud and JupyterHub servers'
  );
  if (!(await panel(page).isVisible())) {
    await tab.click();
  }
  await expect(panel(page)).toBeVisible();
  await expect(
    page.locator('#saturn-panel-hub .jp-SaturnPanel-row').first()
  ).toBeVisible({ timeout: SLOW });
  await expect(
    page.locator('#saturn-panel-saturn .jp-SaturnPanel-row').first()
  ).toBeVisible({ timeout: SLOW });
}

/** The row of a resource, by key. */
export function row(page: Page, key: string): Locator {
  return page.locator(`.jp-SaturnPanel-row[data-key="${key}"]`);
}

/** A row's action button (`start`, `stop`, `delete`). */
export function action(
  rowLocator: Locator,
  name: 'start' | 'stop' | 'delete'
): Locator {
  return rowLocator.locator(`.jp-SaturnPanel-action.jp-mod-${name}`);
}

/** The panel configuration, as the server extension reports it. */
export async function panelConfig(request: APIRequestContext): Promise<any> {
  const response = await request.get('/saturn-panel/config');
  expect(response.status()).toBe(200);
  return response.json();
}

/** Every resource the server extension knows. */
export async function resources(request: APIRequestContext): Promise<any[]> {
  const response = await request.get('/saturn-panel/resources');
  expect(response.status()).toBe(200);
  return (await response.json()).resources;
}

/** A name no other test (or earlier run against the same hub) uses. */
export function uniqueName(prefix: string): string {
  const stamp = Date.now().toString(36).slice(-5);
  const random = Math.floor(Math.random() * 36 ** 3)
    .toString(36)
    .padStart(3, '0');
  return `${prefix}-${stamp}${random}`;
}

/** What a row went through, as rendered in the page. */
export interface IRowRecord {
  /** Consecutive distinct values of `data-status` ("absent" when no row). */
  statuses: string[];
  /** Consecutive distinct values of the progress bar's `aria-valuenow`. */
  progress: number[];
  /** Distinct progress messages shown under the bar. */
  messages: string[];
  /** Distinct progress texts shown under the bar ("40%", "~40% (estimate)"). */
  texts: string[];
}

/**
 * Record, in the page, every state a row renders from now on: a
 * MutationObserver on the panel samples the row on each DOM change, so short
 * states (a 1 s "stopping") are not missed between two polls of the test.
 */
export async function recordRow(page: Page, key: string): Promise<void> {
  await page.evaluate(key => {
    const w = window as any;
    w.__saturnRecords = w.__saturnRecords ?? {};
    w.__saturnObservers = w.__saturnObservers ?? {};
    w.__saturnObservers[key]?.disconnect();
    const record = { statuses: [], progress: [], messages: [], texts: [] };
    w.__saturnRecords[key] = record;
    const pushChanged = (list: unknown[], value: unknown) => {
      if (list[list.length - 1] !== value) {
        list.push(value);
      }
    };
    const pushNew = (list: unknown[], value: unknown) => {
      if (!list.includes(value)) {
        list.push(value);
      }
    };
    const root = document.getElementById('saturn-panel') ?? document.body;
    const sample = () => {
      const el = root.querySelector(
        `.jp-SaturnPanel-row[data-key="${CSS.escape(key)}"]`
      );
      pushChanged(
        record.statuses,
        el ? el.getAttribute('data-status') : 'absent'
      );
      const bar = el?.querySelector('[role="progressbar"]');
      const now = bar?.getAttribute('aria-valuenow');
      if (now !== null && now !== undefined) {
        pushChanged(record.progress, Number(now));
      }
      const message = el?.querySelector(
        '.jp-SaturnPanel-progressMessage'
      )?.textContent;
      if (message) {
        pushNew(record.messages, message);
      }
      const text = el?.querySelector(
        '.jp-SaturnPanel-progressValue'
      )?.textContent;
      if (text) {
        pushNew(record.texts, text);
      }
    };
    const observer = new MutationObserver(sample);
    observer.observe(root, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true
    });
    w.__saturnObservers[key] = observer;
    sample();
  }, key);
}

/** What `recordRow` saw so far. */
export async function rowRecord(page: Page, key: string): Promise<IRowRecord> {
  return page.evaluate(
    key => (window as any).__saturnRecords[key] as IRowRecord,
    key
  );
}

/**
 * Whether `sequence` contains `expected` in this order (other values may come
 * between them).
 */
export function inOrder(sequence: string[], expected: string[]): boolean {
  let i = 0;
  for (const value of sequence) {
    if (value === expected[i]) {
      i++;
      if (i === expected.length) {
        return true;
      }
    }
  }
  return expected.length === 0;
}

/** The open JupyterLab dialog. */
export function dialog(page: Page): Locator {
  return page.locator('.jp-Dialog');
}

/** Runs that execute a notebook with papermill (a kernel starts) get longer. */
export const PAPERMILL = 90_000;

/** The row of a Saturn job in the Jobs section, by its name. */
export function jobRow(page: Page, name: string): Locator {
  return page
    .locator('#saturn-panel-jobs .jp-SaturnPanel-row[data-kind="job"]')
    .filter({
      has: page.locator('.jp-SaturnPanel-name', {
        hasText: new RegExp(`^${name}$`)
      })
    });
}

/** The runs listed in a job row, newest first (`data-run`, `data-status`). */
export function runItems(jobRowLocator: Locator): Locator {
  return jobRowLocator.locator('.jp-SaturnPanel-run[data-run]');
}

/** One run of a job row, by run name. */
export function runItem(jobRowLocator: Locator, run: string): Locator {
  return jobRowLocator.locator(`.jp-SaturnPanel-run[data-run="${run}"]`);
}

/** A button of a job row (`run`) or of a run (`stop`, `logs`). */
export function jobAction(
  locator: Locator,
  name: 'run' | 'stop' | 'logs'
): Locator {
  return locator.locator(`.jp-SaturnPanel-action.jp-mod-${name}`);
}

/** The main-area tab of a run's logs, and its list of lines. */
export function logsTab(page: Page, jobId: string, run: string): Locator {
  return page.locator(`#saturn-panel-logs-${jobId}-${run}.jp-SaturnPanel-logs`);
}

/** The texts of the lines a logs tab shows. */
export async function logTexts(tab: Locator): Promise<string[]> {
  return tab
    .locator('.jp-SaturnPanel-logLine .jp-SaturnPanel-logText')
    .allTextContents();
}

/** One state of a logs view, as `recordLogs` saw it. */
export interface ILogsState {
  /** Lines shown. */
  count: number;
  /** `data-complete` ("true" once the run ended and every line was read). */
  complete: string | null;
  /** `data-status`: the run's status as the tab knows it. */
  status: string | null;
}

/**
 * Record, in the page, every state of a logs view from now on (line count,
 * `data-complete`, `data-status`), so a test can tell that lines arrived while
 * the run was going, not only at the end.
 */
export async function recordLogs(tab: Locator): Promise<void> {
  await tab.locator('.jp-SaturnPanel-logLines').evaluate(node => {
    const w = window as any;
    w.__saturnLogRecords = w.__saturnLogRecords ?? new Map();
    const states: any[] = [];
    w.__saturnLogRecords.set(node, states);
    const sample = () => {
      const state = {
        count: node.querySelectorAll('.jp-SaturnPanel-logLine').length,
        complete: node.getAttribute('data-complete'),
        status: node.getAttribute('data-status')
      };
      const last = states[states.length - 1];
      if (
        !last ||
        last.count !== state.count ||
        last.complete !== state.complete ||
        last.status !== state.status
      ) {
        states.push(state);
      }
    };
    new MutationObserver(sample).observe(node, {
      childList: true,
      attributes: true,
      attributeFilter: ['data-complete', 'data-status']
    });
    sample();
  });
}

/** What `recordLogs` saw so far. */
export async function logsRecord(tab: Locator): Promise<ILogsState[]> {
  return tab
    .locator('.jp-SaturnPanel-logLines')
    .evaluate(node => (window as any).__saturnLogRecords.get(node));
}

/**
 * Record, in the page, every status a job run renders from now on (like
 * `recordRow`, for `.jp-SaturnPanel-run[data-run]`); read it with
 * `runRecord`.
 */
export async function recordRun(page: Page, run: string): Promise<void> {
  await page.evaluate(run => {
    const w = window as any;
    w.__saturnRunRecords = w.__saturnRunRecords ?? {};
    w.__saturnRunObservers = w.__saturnRunObservers ?? {};
    w.__saturnRunObservers[run]?.disconnect();
    const statuses: string[] = [];
    w.__saturnRunRecords[run] = statuses;
    const root = document.getElementById('saturn-panel') ?? document.body;
    const sample = () => {
      const el = root.querySelector(
        `.jp-SaturnPanel-run[data-run="${CSS.escape(run)}"]`
      );
      const status = el ? el.getAttribute('data-status')! : 'absent';
      if (statuses[statuses.length - 1] !== status) {
        statuses.push(status);
      }
    };
    const observer = new MutationObserver(sample);
    observer.observe(root, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-status', 'data-run']
    });
    w.__saturnRunObservers[run] = observer;
    sample();
  }, run);
}

/** The statuses `recordRun` saw so far. */
export async function runRecord(page: Page, run: string): Promise<string[]> {
  return page.evaluate(run => (window as any).__saturnRunRecords[run], run);
}

/** The simulator's origin, read from the running `analysis` workspace's URL. */
export async function simulatorOrigin(
  request: APIRequestContext
): Promise<string> {
  const analysis = (await resources(request)).find(
    r =>
      r.backend === 'saturn' && r.kind === 'workspace' && r.name === 'analysis'
  );
  expect(analysis?.url).toBeTruthy();
  return new URL(analysis.url).origin;
}

/**
 * Where a README picture goes: docs/images/ when SATURN_PANEL_README_IMAGES=1 (to refresh
 * them), else test-results/, so a test run does not rewrite tracked files.
 */
export function picturePath(name: string): string {
  const folder = process.env.SATURN_PANEL_README_IMAGES
    ? path.resolve(__dirname, '..', '..', 'docs', 'images')
    : path.resolve(__dirname, '..', 'test-results');
  fs.mkdirSync(folder, { recursive: true });
  return path.join(folder, name);
}

/**
 * The simulator's admin token run_servers.py sets (a fixed test value of
 * this test setup), for its control routes.
 */
export const SIMULATOR_ADMIN_TOKEN = 'ui-admin-token-0123456789';

/** Make every Saturn API call of the simulator answer 503 for `seconds` (0 ends it). */
export async function outage(
  request: APIRequestContext,
  origin: string,
  seconds: number
): Promise<void> {
  const response = await request.post(`${origin}/_simulator/outage`, {
    data: { seconds },
    headers: { Authorization: `token ${SIMULATOR_ADMIN_TOKEN}` }
  });
  expect(response.status()).toBe(200);
}
