/**
 * Issue 19, finding 5: short runs and finished logs. A run that ends between
 * two reads of Saturn shows that it ran, and the logs tab of a run that has
 * ended shows its whole log at once: never "completed · following… · Waiting
 * for output…" (before, for up to Saturn's read interval, the server answered
 * the log it had read while the run was pending).
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

import {
  SLOW,
  jobAction,
  jobRow,
  logTexts,
  logsRecord,
  logsTab,
  openPanel,
  recordLogs,
  runItems,
  simulatorOrigin,
  uniqueName
} from './helpers';

/** run_servers.py's simulator token (only to delete the job this test made). */
const SIMULATOR_TOKEN = 'ui-alice-token-0123456789';

/** Create a job whose simulated run lasts `seconds` once running. */
async function createJob(
  request: APIRequestContext,
  name: string,
  seconds: number
): Promise<{ id: string; command: string }> {
  const command = `python ${name}.py`;
  const response = await request.post('/saturn-panel/saturn/recipes', {
    data: {
      recipe: {
        schema_version: '2025.10.01',
        type: 'job',
        spec: {
          name,
          image: 'saturncloud/saturn-python:2024.08.01',
          instance_type: 'large',
          command,
          description: 'Created by the browser tests (short-runs.spec.ts)',
          environment_variables: { SIMULATOR_DURATION: String(seconds) }
        }
      }
    }
  });
  expect(response.status()).toBe(201);
  return { id: (await response.json()).id, command };
}

test.describe('short runs and finished logs', () => {
  let created: string | null = null;

  test.afterEach(async ({ request }) => {
    if (created) {
      const origin = await simulatorOrigin(request);
      const response = await request.delete(
        `${origin}/api/jobs/${created}?allow_active=true`,
        { headers: { Authorization: `token ${SIMULATOR_TOKEN}` } }
      );
      expect([204, 404]).toContain(response.status());
      created = null;
    }
  });

  test('a short run shows that it ran; its logs tab never follows a run that ended', async ({
    page,
    request
  }) => {
    const name = uniqueName('ui-short-job');
    // Pending about 1.5 s, then 0.5 s of output: it ends between two reads.
    const job = await createJob(request, name, 0.5);
    created = job.id;

    await openPanel(page);
    const row = jobRow(page, name);
    await expect(row).toHaveCount(1, { timeout: SLOW });
    await jobAction(row, 'run').click();
    const item = runItems(row).first();
    await expect(item).toBeVisible({ timeout: SLOW });
    const run = (await item.getAttribute('data-run'))!;

    // Its logs tab, opened while the run is pending (it reads the empty log).
    await jobAction(item, 'logs').click();
    const tab = logsTab(page, job.id, run);
    await expect(tab).toBeVisible();
    await recordLogs(tab);
    // What any viewer gets once the server knows the run ended: the whole
    // log, marked complete (asked every 200 ms, as several tabs would, so the
    // first such answer comes within Saturn's read interval of a read made
    // while the run went: before, that answer was the log as then read).
    let firstEnded: { complete: boolean; lines: unknown[] } | null = null;
    const deadline = Date.now() + SLOW;
    while (firstEnded === null && Date.now() < deadline) {
      const response = await request.get(
        `/saturn-panel/saturn/jobs/${job.id}/logs?run=${encodeURIComponent(run)}`
      );
      if (response.ok()) {
        const answer = await response.json();
        if (['completed', 'error', 'stopped'].includes(answer.status)) {
          firstEnded = answer;
        }
      }
      await page.waitForTimeout(200);
    }
    expect(firstEnded).not.toBeNull();
    expect(firstEnded!.complete).toBe(true);
    expect(firstEnded!.lines).toHaveLength(7);
    const lines = tab.locator('.jp-SaturnPanel-logLines');
    await expect(lines).toHaveAttribute('data-complete', 'true', {
      timeout: SLOW
    });
    await expect(lines).toHaveAttribute('data-status', 'completed');
    expect(await logTexts(tab)).toEqual([
      `Running command: ${job.command}`,
      'step 1/5: processing batch 1',
      'step 2/5: processing batch 2',
      'step 3/5: processing batch 3',
      'step 4/5: processing batch 4',
      'step 5/5: processing batch 5',
      'Command finished successfully'
    ]);
    await expect(tab.locator('.jp-SaturnPanel-logStatus')).toContainText(
      'finished'
    );
    // Once the tab knew the run had ended, it had the whole log: no state
    // "completed, still following".
    const states = await logsRecord(tab);
    const ended = states.filter(
      s => s.status === 'completed' || s.status === 'error'
    );
    expect(ended.length).toBeGreaterThan(0);
    expect(
      ended.filter(s => s.complete !== 'true'),
      JSON.stringify(states)
    ).toEqual([]);

    // The panel shows that it ran: completed, with its duration.
    await expect(item).toHaveAttribute('data-status', 'completed', {
      timeout: SLOW
    });
    await expect(item.locator('.jp-SaturnPanel-runDuration')).toHaveText(
      /^\d+ s$/
    );

    // Reopened, the finished run's logs are there at once, whole.
    await page.evaluate(id => {
      for (const widget of (window as any).galata.app.shell.widgets('main')) {
        if (widget.id === id) {
          widget.close();
        }
      }
    }, `saturn-panel-logs-${job.id}-${run}`);
    await expect(tab).toHaveCount(0);
    const opened = Date.now();
    await jobAction(item, 'logs').click();
    await expect(tab).toBeVisible();
    await expect(lines).toHaveAttribute('data-complete', 'true', {
      timeout: 5000
    });
    expect(await logTexts(tab)).toHaveLength(7);
    expect(Date.now() - opened).toBeLessThan(5000);
    await expect(tab.locator('.jp-SaturnPanel-logStatus')).not.toContainText(
      'following'
    );
  });
});
