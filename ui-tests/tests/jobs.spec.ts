/**
 * Saturn job runs against the Saturn Cloud simulator started with `--execute`
 * (run_servers.py): papermill commands really run, other commands are
 * simulated. Seeded jobs: `nightly-report` (papermill) and `train-model`
 * (simulated, about 3 s). The example notebook `daily-report.ipynb` is in
 * Lab's root: a `parameters` cell `region = "all"`, `days = 7`; it prints
 * `Report for region=…, last … days`, one `day N: … orders` line per day
 * (0.5 s apart), then `Report done`. The panel reads Saturn every 2 s while
 * something runs, and a logs tab every 2 s while its run goes on.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type {
  APIRequestContext,
  Locator,
  Page,
  Request
} from '@playwright/test';

import {
  PAPERMILL,
  SLOW,
  dialog,
  inOrder,
  jobAction,
  jobRow,
  logTexts,
  logsRecord,
  logsTab,
  openPanel,
  panel,
  recordLogs,
  recordRun,
  resources,
  runItem,
  runItems,
  runRecord,
  simulatorOrigin,
  uniqueName
} from './helpers';

/**
 * The simulator token run_servers.py gives the panel (a fixed test value of
 * this test setup). Used only to delete what a test created: the panel
 * itself offers no way to delete a Saturn job.
 */
const SIMULATOR_TOKEN = 'ui-alice-token-0123456789';

/** The example notebook, in Lab's root. */
const NOTEBOOK = 'daily-report.ipynb';

/** The job the server extension makes of it: `nb-{stem}-{hash}`. */
const NOTEBOOK_JOB = /^nb-daily-report-[0-9a-f]{6}$/;

/** The URL of the notebook-job route of the panel's REST API. */
const NOTEBOOK_JOBS_ROUTE = '/saturn-panel/saturn/notebook-jobs';

/** The Saturn jobs the server extension knows. */
async function jobs(request: APIRequestContext): Promise<any[]> {
  return (await resources(request)).filter(
    r => r.backend === 'saturn' && r.kind === 'job'
  );
}

/** The Saturn id of a job key `saturn/job/{id}`. */
function jobId(key: string): string {
  const match = /^saturn\/job\/([0-9a-f]{32})$/.exec(key);
  expect(match, `a job key: ${key}`).toBeTruthy();
  return match![1];
}

/**
 * Delete, in the simulator (as alice), the jobs whose name matches; a job the
 * panel still lists but Saturn already forgot answers 404.
 */
async function deleteJobs(
  request: APIRequestContext,
  name: RegExp | string
): Promise<void> {
  const matches = (n: string) =>
    typeof name === 'string' ? n === name : name.test(n);
  const doomed = (await jobs(request)).filter(j => matches(j.name));
  if (doomed.length === 0) {
    return;
  }
  const origin = await simulatorOrigin(request);
  for (const job of doomed) {
    const response = await request.delete(
      `${origin}/api/jobs/${job.id}?allow_active=true`,
      { headers: { Authorization: `token ${SIMULATOR_TOKEN}` } }
    );
    expect([204, 404]).toContain(response.status());
  }
}

/**
 * Remove the notebook's job and wait until the panel's server no longer lists
 * it (it reads Saturn every 30 s when nothing runs), so a test starts from
 * "this notebook never ran".
 */
async function forgetNotebookJob(request: APIRequestContext): Promise<void> {
  await deleteJobs(request, NOTEBOOK_JOB);
  await expect
    .poll(
      async () => (await jobs(request)).filter(j => NOTEBOOK_JOB.test(j.name)),
      { timeout: SLOW, intervals: [1000] }
    )
    .toEqual([]);
}

/** Open the example notebook and make it the current widget. */
async function openNotebook(page: IJupyterLabPageFixture): Promise<Locator> {
  // Lab's root, not the test's folder the file browser starts in.
  expect(await page.notebook.openByPath(`/${NOTEBOOK}`)).toBe(true);
  // Its tab, exactly (a logs tab's label also names the notebook). galata's activate() would
  // also wait for the kernel with no time limit, which a job needs not: it runs the saved file.
  await page
    .getByRole('main')
    .getByRole('tab', { name: NOTEBOOK, exact: true })
    .click();
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(notebook).toHaveCount(1);
  // Its parameters cell, as the user sees it.
  await expect(
    notebook.locator('.jp-Cell').nth(1).locator('.jp-InputArea-editor')
  ).toContainText('region = "all"');
  return notebook;
}

/**
 * Wait until the current notebook's kernel session has settled: its kernel
 * connected and idle, and Lab's list of sessions naming it (the notebook's path,
 * that kernel). Until then JupyterLab's Help menu runs the command
 * `helpmenu:get-kernel` (through `notebook:get-kernel`) at each change of the
 * current widget's kernel and of the running sessions, and the modal command
 * palette closes, its query cleared and the focus given back to the notebook,
 * whenever any command runs: a palette opened while the kernel starts can
 * close under the test.
 */
async function waitForSettledKernel(
  page: IJupyterLabPageFixture
): Promise<void> {
  await page.waitForFunction(
    () => {
      const app = (window as any).galata.app;
      const panel = app.shell.currentWidget;
      const kernel = panel?.sessionContext?.session?.kernel;
      if (
        !kernel ||
        kernel.connectionStatus !== 'connected' ||
        kernel.status !== 'idle'
      ) {
        return false;
      }
      return Array.from(app.serviceManager.sessions.running()).some(
        (model: any) =>
          model.path === panel.context.path && model.kernel?.id === kernel.id
      );
    },
    undefined,
    { timeout: SLOW }
  );
}

/** The run-as-job dialog and its fields. */
function jobDialog(page: Page) {
  const form = dialog(page);
  return {
    form,
    title: form.locator('.jp-Dialog-header'),
    text: form.locator('textarea[name="parameters"]'),
    errors: form.locator('.jp-SaturnPanel-formErrors li'),
    preview: form.locator('.jp-SaturnPanel-parametersPreview code'),
    run: form.getByRole('button', { name: 'Run', exact: true }),
    cancel: form.getByRole('button', { name: 'Cancel', exact: true })
  };
}

/** Every `POST saturn/notebook-jobs` the page sends from now on. */
function watchNotebookJobPosts(page: Page): Request[] {
  const posts: Request[] = [];
  page.on('request', r => {
    if (r.method() === 'POST' && r.url().includes(NOTEBOOK_JOBS_ROUTE)) {
      posts.push(r);
    }
  });
  return posts;
}

/**
 * Accept the run-as-job dialog and return the job the server answered
 * (202, `details.runs[0]` being the new run) with the request body sent.
 */
async function submitJobDialog(
  page: Page
): Promise<{ job: any; run: string; body: any }> {
  const { form, run } = jobDialog(page);
  await expect(run).toBeEnabled();
  const [response] = await Promise.all([
    page.waitForResponse(
      r =>
        r.request().method() === 'POST' &&
        r.url().includes(NOTEBOOK_JOBS_ROUTE),
      { timeout: SLOW }
    ),
    run.click()
  ]);
  expect(response.status()).toBe(202);
  const job = await response.json();
  expect(job.kind).toBe('job');
  expect(job.name).toMatch(NOTEBOOK_JOB);
  const newest = job.details.runs[0];
  expect(newest.status).toMatch(/^(pending|running)$/);
  await expect(form).toHaveCount(0, { timeout: SLOW });
  return { job, run: newest.name, body: response.request().postDataJSON() };
}

/** The toast that says a notebook job started. */
function startedToast(page: Page): Locator {
  return page
    .getByRole('alert')
    .filter({ hasText: `Started ${NOTEBOOK} as a Saturn job` });
}

/**
 * Record, in the page, every cell progress ("cell 2 of 5") a run row or a
 * logs tab shows from now on; read it with `cellRecord`.
 */
async function recordCells(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as any;
    w.__saturnCells?.observer.disconnect();
    const seen: string[] = [];
    const sample = () => {
      for (const el of Array.from(
        document.querySelectorAll('.jp-SaturnPanel-cellProgress')
      )) {
        const where = el.closest('.jp-SaturnPanel-logs') ? 'tab' : 'row';
        const text = `${where}: ${el.querySelector('.jp-SaturnPanel-progressMessage')?.textContent ?? ''} ${el.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') ?? ''}`;
        if (!seen.includes(text)) {
          seen.push(text);
        }
      }
    };
    const observer = new MutationObserver(sample);
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true
    });
    w.__saturnCells = { observer, seen };
    sample();
  });
}

/** The cell progress `recordCells` saw so far. */
async function cellRecord(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).__saturnCells.seen);
}

/** Delete, through Jupyter's contents API, a file and then its folder. */
async function deleteOutput(
  request: APIRequestContext,
  path: string
): Promise<void> {
  const quoted = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  await request.delete(`/api/contents/${quoted(path)}`);
  const folder = path.split('/').slice(0, -1).join('/');
  if (folder) {
    await request.delete(`/api/contents/${quoted(folder)}`);
  }
}

/**
 * Wait for a notebook run's logs tab to show the whole report: the header
 * with the parameters, one line per day, `Report done`; `completed`.
 */
async function expectReport(
  tab: Locator,
  region: string,
  days: number
): Promise<string[]> {
  const lines = tab.locator('.jp-SaturnPanel-logLines');
  await expect(lines).toHaveAttribute('data-complete', 'true', {
    timeout: PAPERMILL
  });
  await expect(lines).toHaveAttribute('data-status', 'completed');
  const texts = await logTexts(tab);
  expect(texts).toContain(`Report for region=${region}, last ${days} days`);
  const dayLines = texts.filter(t => /\bday \d+:/.test(t));
  expect(dayLines).toHaveLength(days);
  dayLines.forEach((line, i) =>
    expect(line).toMatch(new RegExp(`^day ${i + 1}: \\d+ orders$`))
  );
  expect(texts).toContain('Report done');
  // papermill's own header: this is papermill's output, not a script.
  expect(texts).toContain('Input Notebook:  daily-report.ipynb');
  expect(texts.indexOf('Report done')).toBeGreaterThan(
    texts.indexOf(dayLines[days - 1])
  );
  await expect(tab.locator('.jp-SaturnPanel-logStatus')).toContainText(
    'finished'
  );
  return texts;
}

test.describe('Saturn job runs', () => {
  test('a launcher card runs train-model and shows its run and logs', async ({
    page,
    request
  }) => {
    const train = (await jobs(request)).find(j => j.name === 'train-model');
    expect(train).toBeTruthy();
    const oldRuns = new Set(train.details.runs.map((r: any) => r.name));
    // What the launcher should offer: by default the first 3 jobs by name.
    const collator = new Intl.Collator(undefined, {
      numeric: true,
      sensitivity: 'base'
    });
    // Cards are chosen by job name; each carries the name a person reads
    // (a notebook job: its notebook's name).
    const expectedCards = async () =>
      (await jobs(request))
        .sort((a, b) => collator.compare(a.name, b.name))
        .slice(0, 3)
        .map(j => j.displayName || j.name);

    await expect(panel(page)).toBeHidden();
    // The file browser's "+" opens a launcher.
    await page
      .locator('.jp-FileBrowser-toolbar [data-command="launcher:create"]')
      .click();
    const launcher = page.locator('.jp-Launcher').filter({ visible: true });
    await expect(launcher).toHaveCount(1);
    const section = launcher.locator('.jp-Launcher-section').filter({
      has: page.locator('.jp-Launcher-sectionTitle', {
        hasText: /^Saturn Cloud$/
      })
    });
    const cards = section.locator('.jp-LauncherCard');
    // (Read again until they agree: a job another test deleted leaves the
    // server's list at its next read of Saturn, and the cards with it.)
    await expect(async () => {
      const expected = await expectedCards();
      expect(expected).toContain('train-model');
      await expect(cards.locator('.jp-LauncherCard-label')).toHaveText(
        expected,
        { timeout: 2000 }
      );
    }).toPass({ timeout: SLOW });
    const card = cards.filter({
      has: page.locator('.jp-LauncherCard-label', { hasText: /^train-model$/ })
    });
    await expect(card).toHaveAttribute(
      'title',
      'Start a run of the Saturn job train-model'
    );
    await card.click();
    // train-model runs on a GPU size: the run is confirmed first
    // (gpu-confirm.spec.ts tests the question).
    await dialog(page)
      .getByRole('button', { name: 'Run train-model on a GPU' })
      .click();

    // The panel reveals itself, with a new run on top of train-model's row.
    await expect(panel(page)).toBeVisible();
    const row = jobRow(page, 'train-model');
    await expect(row).toHaveCount(1);
    const newest = runItems(row).first();
    await expect
      .poll(async () => oldRuns.has(await newest.getAttribute('data-run')), {
        timeout: SLOW
      })
      .toBe(false);
    const run = (await newest.getAttribute('data-run'))!;
    await recordRun(page, run);
    const item = runItem(row, run);
    await expect(item).toHaveAttribute('data-status', 'completed', {
      timeout: SLOW
    });
    // The panel showed it going first (a run lasts about 4 s), then done.
    const seen = await runRecord(page, run);
    expect(seen[0], seen.join()).toMatch(/^(pending|running)$/);
    expect(seen[seen.length - 1]).toBe('completed');
    await expect(runItems(row).first()).toHaveAttribute('data-run', run);
    await expect(row).toHaveAttribute('data-status', 'completed');
    await expect(jobAction(item, 'stop')).toHaveCount(0);
    await expect(item.locator('.jp-SaturnPanel-runDuration')).toBeVisible();

    // The logs tab opened by itself, current in the main area.
    const tab = logsTab(page, train.id, run);
    await expect(tab).toBeVisible();
    const handle = page.locator(
      `#jp-main-dock-panel .lm-TabBar-tab[data-id="saturn-panel-logs-${train.id}-${run}"]`
    );
    await expect(handle).toHaveClass(/lm-mod-current/);
    // The job's name and the run's start time (not its pod name).
    await expect(handle.locator('.lm-TabBar-tabLabel')).toHaveText(
      /^train-model · \d{1,2}[:.]\d{2}( ?[AP]M)?$/
    );
    await expect(item).toHaveAttribute(
      'aria-label',
      /^the run started .+, completed$/
    );
    await expect(item).toHaveAttribute('title', `Pod: ${run}`);
    const lines = tab.locator('.jp-SaturnPanel-logLines');
    await expect(lines).toHaveAttribute('data-complete', 'true', {
      timeout: SLOW
    });
    await expect(lines).toHaveAttribute('data-status', 'completed');
    const texts = await logTexts(tab);
    expect(texts.length).toBeGreaterThan(0);
    expect(texts[0]).toBe('Running command: python train.py --epochs 5');
    expect(texts[texts.length - 1]).toBe('Command finished successfully');
    // A finished run has no Stop button in its tab.
    await expect(
      tab.locator('.jp-Toolbar-item[data-jp-item-name="stop-run"]')
    ).toHaveCount(0);
  });

  test.describe('running daily-report.ipynb as a job', () => {
    test.afterEach(async ({ request }) => {
      await deleteJobs(request, NOTEBOOK_JOB);
    });

    test('from the notebook toolbar: parameters, live papermill logs, one job per notebook', async ({
      page,
      request
    }) => {
      // This notebook has never run: no job yet.
      await forgetNotebookJob(request);
      const posts = watchNotebookJobPosts(page);
      const notebook = await openNotebook(page);
      await openPanel(page);
      await expect(
        page.locator('#saturn-panel-jobs .jp-SaturnPanel-name', {
          hasText: NOTEBOOK
        })
      ).toHaveCount(0);

      // The toolbar's Saturn button (an icon; its name is the caption).
      const button = notebook
        .locator('.jp-Toolbar-item[data-jp-item-name="run-as-saturn-job"]')
        .getByRole('button', {
          name: 'Run this notebook as a Saturn Cloud job (papermill), saving it first'
        });
      await expect(button).toBeVisible();
      await expect(button).toBeEnabled();
      await button.click();

      const d = jobDialog(page);
      await expect(d.title).toHaveText(`Run ${NOTEBOOK} as a Saturn Job`);
      await expect(d.text).toBeFocused();
      // The notebook's parameters cell is offered as the example.
      await expect(d.text).toHaveAttribute(
        'placeholder',
        'region = "all"\ndays = 7'
      );
      await expect(d.text).toHaveValue('');

      // An invalid name is refused: said under the field, Run disabled.
      await d.text.fill('3x = 1');
      await expect(d.errors).toHaveText([
        'Line 1: "3x" is not a valid Python identifier (letters, digits and _, not starting with a digit).'
      ]);
      await expect(d.text).toHaveAttribute('aria-invalid', 'true');
      await expect(d.run).toBeDisabled();
      // Enter in the text area is a new line, not "Run".
      await d.text.press('End');
      await d.text.press('Enter');
      await expect(d.form).toBeVisible();
      expect(posts).toHaveLength(0);

      await d.text.fill('days = 3\nregion = "north"');
      await recordCells(page);
      await expect(d.errors).toHaveCount(0);
      await expect(d.text).not.toHaveAttribute('aria-invalid', 'true');
      await expect(d.preview).toHaveText('days = 3; region = "north"');
      const first = await submitJobDialog(page);
      expect(first.body).toEqual({
        path: NOTEBOOK,
        parameters: { days: 3, region: 'north' },
        source: 'recipe'
      });
      const key = first.job.key;
      const id = jobId(key);

      // "Started …" with a "Show logs" action that opens the run's tab.
      const toast = startedToast(page);
      await expect(toast).toBeVisible();
      await toast.getByRole('button', { name: 'Show logs' }).click();
      const tab = logsTab(page, id, first.run);
      await expect(tab).toBeVisible();
      await recordLogs(tab);
      const texts = await expectReport(tab, 'north', 3);
      // The tab followed the run: it showed it going (not complete, some
      // lines already there) before it showed it finished.
      const states = await logsRecord(tab);
      expect(states[0].complete).toBe('false');
      expect(
        states.some(s => s.complete === 'false' && s.count > 0),
        JSON.stringify(states)
      ).toBe(true);
      expect(states[states.length - 1]).toEqual({
        count: texts.length,
        complete: 'true',
        status: 'completed'
      });

      // In the Jobs section: the notebook's job, its run completed.
      const row = page.locator(
        `#saturn-panel-jobs .jp-SaturnPanel-row[data-key="${key}"]`
      );
      await expect(row).toHaveCount(1);
      // A person reads the notebook's name, not the job's nb-…-hash name.
      await expect(row.locator('.jp-SaturnPanel-name')).toHaveText(NOTEBOOK);
      await expect(runItem(row, first.run)).toHaveAttribute(
        'data-status',
        'completed',
        { timeout: SLOW }
      );
      // The parameters travel in a file of the job, with their JSON types.
      await expect(row.locator('.jp-SaturnPanel-command')).toContainText(
        '--parameters-json'
      );
      // And the toast of the run's end.
      await expect(
        page.getByRole('alert').filter({
          hasText: `The run of the Saturn job ${NOTEBOOK} completed`
        })
      ).toBeVisible({ timeout: SLOW });

      // While it ran, the row and the logs tab said which cell papermill
      // was on ("cell 3 of 5"), with a bar; nothing once it ended.
      const cells = await cellRecord(page);
      expect(cells.length, JSON.stringify(cells)).toBeGreaterThan(0);
      for (const seen of cells) {
        expect(seen).toMatch(/^(row|tab): cell \d+ of \d+ \d+$/);
      }
      await expect(page.locator('.jp-SaturnPanel-cellProgress')).toHaveCount(0);

      // --- Open output: the executed notebook, saved beside the source,
      // opens in Lab with the run's outputs (three days).
      const output = runItem(row, first.run).locator(
        '.jp-SaturnPanel-action.jp-mod-output'
      );
      await expect(output).toHaveAttribute(
        'title',
        /^Open the output of the run started \S.*, completed$/
      );
      const [saved] = await Promise.all([
        page.waitForResponse(
          r =>
            r.request().method() === 'POST' &&
            new RegExp(`/saturn/jobs/${id}/runs/[^/?]+/output([?]|$)`).test(
              r.url()
            ),
          { timeout: SLOW }
        ),
        output.click()
      ]);
      expect(saved.status()).toBe(201);
      const { path: outputPath, errorCell } = await saved.json();
      expect(outputPath).toMatch(/^daily-report\.runs\/[0-9T-]+\.ipynb$/);
      expect(errorCell).toBeNull();
      try {
        const outputName = outputPath.split('/').pop();
        const outputTab = page
          .getByRole('main')
          .getByRole('tab', { name: outputName, exact: true });
        await expect(outputTab).toHaveClass(/lm-mod-current/, {
          timeout: SLOW
        });
        const executed = page.locator('.jp-NotebookPanel:visible');
        await expect(executed).toHaveCount(1);
        const outputs = executed.locator('.jp-OutputArea-output');
        await expect(outputs.first()).toBeVisible({ timeout: SLOW });
        const printed = (await outputs.allTextContents()).join('\n');
        expect(printed).toContain('Report for region=north, last 3 days');
        expect(printed).toMatch(/day 3: \d+ orders/);
        expect(printed).not.toMatch(/day 4:/);
        // papermill's injected parameters are in the executed notebook.
        await expect(
          executed.locator('.jp-Cell').filter({ hasText: 'days = 3' }).first()
        ).toBeVisible();
        expect(await page.notebook.close(true)).toBe(true);
      } finally {
        await deleteOutput(request, outputPath);
      }

      // --- Second run of the same notebook: same job, a second run.
      // Count, in the page, every row of that notebook's job from now on.
      await page.evaluate(() => {
        const w = window as any;
        w.__notebookJobRows = 0;
        const count = () => {
          const n = Array.from(
            document.querySelectorAll(
              '#saturn-panel-jobs .jp-SaturnPanel-row[data-kind="job"] .jp-SaturnPanel-name'
            )
          ).filter(e => (e.textContent ?? '') === 'daily-report.ipynb').length;
          w.__notebookJobRows = Math.max(w.__notebookJobRows, n);
        };
        new MutationObserver(count).observe(
          document.getElementById('saturn-panel')!,
          { subtree: true, childList: true, characterData: true }
        );
        count();
      });
      // Back to the notebook's tab (the logs tab is in front).
      // (exactly: the logs tab's label also names the notebook)
      await page
        .getByRole('main')
        .getByRole('tab', { name: NOTEBOOK, exact: true })
        .click();
      await button.click();
      // The parameters of the last run are offered again.
      await expect(d.text).toHaveValue('days = 3\nregion = north');
      await d.text.fill('days = 2\nregion = "north"');
      const second = await submitJobDialog(page);
      expect(second.job.key).toBe(key);
      expect(second.run).not.toBe(first.run);
      expect(posts).toHaveLength(2);

      const runs = runItems(row);
      await expect(runs.first()).toHaveAttribute('data-run', second.run);
      await expect(runItem(row, first.run)).toHaveAttribute(
        'data-status',
        'completed'
      );
      await expect(runItem(row, second.run)).toHaveAttribute(
        'data-status',
        'completed',
        { timeout: PAPERMILL }
      );
      await expect(runs).toHaveCount(2);
      await expect(row.locator('.jp-SaturnPanel-command')).toContainText(
        '--parameters-json'
      );
      expect(await page.evaluate(() => (window as any).__notebookJobRows)).toBe(
        1
      );
      expect(
        (await jobs(request)).filter(j => NOTEBOOK_JOB.test(j.name))
      ).toHaveLength(1);
    });

    test('on a schedule of every minute: a run comes by itself, Pause stops it', async ({
      page,
      request
    }) => {
      // Up to a minute until the cron time, the panel's next read of Saturn,
      // papermill: more than the default test time.
      test.setTimeout(300_000);
      const notebook = await openNotebook(page);
      await openPanel(page);

      // The toolbar's schedule button, beside Run as Saturn job.
      const button = notebook
        .locator('.jp-Toolbar-item[data-jp-item-name="schedule-saturn-job"]')
        .getByRole('button', {
          name: 'Run this notebook as a Saturn Cloud job on a schedule (cron, UTC), saving it first'
        });
      await expect(button).toBeEnabled();
      await button.click();

      const form = dialog(page);
      await expect(form.locator('.jp-Dialog-header')).toHaveText(
        `Schedule ${NOTEBOOK}`
      );
      const frequency = form.locator('select[name="frequency"]');
      const cron = form.locator('input[name="cron"]');
      const preview = form.locator('.jp-SaturnPanel-schedulePreview');
      const accept = form.getByRole('button', {
        name: 'Schedule',
        exact: true
      });
      // A preset to start with, checked by the server at once.
      await expect(frequency).toHaveValue('daily');
      await expect(cron).toHaveValue('0 7 * * *');
      await expect(preview).toHaveAttribute('data-state', 'ok');
      await expect(preview).toContainText('every day at 07:00 UTC');

      // A wrong expression: the server's reason, Schedule disabled.
      await cron.fill('61 * * * *');
      await expect(preview).toHaveAttribute('data-state', 'error');
      await expect(preview).not.toBeEmpty();
      await expect(cron).toHaveAttribute('aria-invalid', 'true');
      await expect(accept).toBeDisabled();

      // Every minute: the next three runs in the user's time, and the
      // schedule's time zone said.
      await cron.fill('* * * * *');
      await expect(preview).toHaveAttribute('data-state', 'ok');
      await expect(frequency).toHaveValue('custom');
      await expect(preview).toContainText(
        'Runs every minute (time zone of the schedule: UTC).'
      );
      await expect(preview.locator('.jp-SaturnPanel-nextRuns li')).toHaveCount(
        3
      );
      await form.locator('textarea[name="parameters"]').fill('days = 3');
      await expect(accept).toBeEnabled();
      const [response] = await Promise.all([
        page.waitForResponse(
          r =>
            r.request().method() === 'POST' &&
            r.url().includes(NOTEBOOK_JOBS_ROUTE),
          { timeout: SLOW }
        ),
        accept.click()
      ]);
      expect(response.status()).toBe(202);
      expect(response.request().postDataJSON()).toEqual({
        path: NOTEBOOK,
        parameters: { days: 3 },
        source: 'recipe',
        schedule: '* * * * *'
      });
      const job = await response.json();
      expect(job.details).toMatchObject({
        schedule: '* * * * *',
        scheduled: true,
        scheduleTimezone: 'UTC'
      });
      const before = new Set(job.details.runs.map((r: any) => r.name));
      await expect(form).toHaveCount(0);

      // The Jobs section: the notebook's name, its schedule and next run.
      const row = page.locator(
        `#saturn-panel-jobs .jp-SaturnPanel-row[data-key="${job.key}"]`
      );
      await expect(row.locator('.jp-SaturnPanel-name')).toHaveText(NOTEBOOK);
      const schedule = row.locator('.jp-SaturnPanel-schedule');
      await expect(schedule).toHaveAttribute('data-scheduled', 'true');
      await expect(schedule.locator('.jp-SaturnPanel-scheduleText')).toHaveText(
        'Scheduled: every minute'
      );
      await expect(schedule.locator('.jp-SaturnPanel-nextRun')).toHaveText(
        /^next run \S/
      );

      // A run nobody started appears by itself.
      const newest = runItems(row).first();
      await expect
        .poll(
          async () => {
            const name = await newest
              .getAttribute('data-run', { timeout: 1000 })
              .catch(() => null);
            return name !== null && !before.has(name);
          },
          { timeout: 150_000, intervals: [2000] }
        )
        .toBe(true);

      // Pause: the job is marked paused, with no next run.
      const pause = schedule.locator('.jp-SaturnPanel-action.jp-mod-pause');
      await expect(pause).toHaveAttribute(
        'title',
        `Pause the schedule of ${NOTEBOOK}`
      );
      await pause.click();
      await expect(schedule).toHaveAttribute('data-scheduled', 'false');
      await expect(schedule.locator('.jp-SaturnPanel-scheduleText')).toHaveText(
        'Schedule paused (every minute)'
      );
      await expect(schedule.locator('.jp-SaturnPanel-nextRun')).toHaveCount(0);
      await expect(
        schedule.locator('.jp-SaturnPanel-action.jp-mod-resume')
      ).toBeEnabled();
      const listed = (await jobs(request)).find(j => j.key === job.key);
      expect(listed.details).toMatchObject({
        schedule: '* * * * *',
        scheduled: false
      });
    });

    test('from the command palette and from the file browser', async ({
      page,
      request
    }) => {
      // From "this notebook never ran" (the schedule test before may have left its job listed).
      await forgetNotebookJob(request);
      const posts = watchNotebookJobPosts(page);
      await openNotebook(page);
      // The palette stays open only once the notebook's kernel has started (see waitForSettledKernel).
      await waitForSettledKernel(page);

      // --- Command palette, with the notebook as the current widget.
      const palette = page.locator('#modal-command-palette');
      await page.keyboard.press('Control+Shift+C');
      await expect(palette).toBeVisible();
      await palette
        .locator('.lm-CommandPalette-input')
        .fill('Run Notebook as Saturn Job');
      const item = palette.locator('.lm-CommandPalette-item', {
        hasText: 'Run Notebook as Saturn Job…'
      });
      await expect(item).toHaveCount(1);
      // Usable, not only shown: a blocked entry stays enabled in the palette, its caption saying why.
      await expect(item.locator('.lm-CommandPalette-itemCaption')).toHaveText(
        'Run this notebook as a Saturn Cloud job (papermill), saving it first'
      );
      await expect(item).not.toHaveClass(/lm-mod-disabled/);
      await item.click();

      const d = jobDialog(page);
      await expect(d.title).toHaveText(`Run ${NOTEBOOK} as a Saturn Job`);
      await d.text.fill('region = "south"\ndays = 2');
      await expect(d.preview).toHaveText('region = "south"; days = 2');
      const fromPalette = await submitJobDialog(page);
      expect(fromPalette.body).toEqual({
        path: NOTEBOOK,
        parameters: { region: 'south', days: 2 },
        source: 'recipe'
      });
      await expect(startedToast(page)).toBeVisible();
      const key = fromPalette.job.key;

      // Its logs, from the run's button in the Jobs section.
      await openPanel(page);
      const row = page.locator(
        `#saturn-panel-jobs .jp-SaturnPanel-row[data-key="${key}"]`
      );
      const run = runItem(row, fromPalette.run);
      await expect(run).toBeVisible({ timeout: SLOW });
      // Named by its start time and status, never by its pod name.
      await expect(jobAction(run, 'logs')).toHaveAttribute(
        'title',
        /^Show logs of the run started \S.*, (pending|running|completed)$/
      );
      expect(await jobAction(run, 'logs').getAttribute('title')).not.toContain(
        fromPalette.run
      );
      await jobAction(run, 'logs').click();
      const tab = logsTab(page, jobId(key), fromPalette.run);
      await expect(tab).toBeVisible();
      await expectReport(tab, 'south', 2);
      await expect(run).toHaveAttribute('data-status', 'completed', {
        timeout: SLOW
      });

      // --- The file browser's context menu on the notebook (closed now, so
      // the notebook comes from the file browser, not the current widget).
      // (exactly: the logs tab's label also names the notebook)
      await page
        .getByRole('main')
        .getByRole('tab', { name: NOTEBOOK, exact: true })
        .click();
      expect(await page.notebook.close(true)).toBe(true);
      await expect(page.locator('.jp-NotebookPanel')).toHaveCount(0);
      // The file browser is behind the Saturn panel in the left sidebar.
      await page.sidebar.openTab('filebrowser');
      expect(await page.filebrowser.openHomeDirectory()).toBe(true);
      const entry = page.locator(
        '.jp-DirListing-item[data-file-type="notebook"]',
        { hasText: NOTEBOOK }
      );
      await expect(entry).toHaveCount(1);
      await entry.click({ button: 'right' });
      const menuItem = page.getByRole('menuitem', {
        name: 'Run as Saturn Job…'
      });
      await expect(menuItem).toBeVisible();
      await menuItem.click();
      await expect(d.title).toHaveText(`Run ${NOTEBOOK} as a Saturn Job`);
      // The same notebook: its last parameters are offered again.
      await expect(d.text).toHaveValue('region = south\ndays = 2');
      await d.text.fill('days = 1\nregion = "east"');
      const fromBrowser = await submitJobDialog(page);
      expect(fromBrowser.body.path).toBe(NOTEBOOK);
      expect(fromBrowser.job.key).toBe(key);
      expect(posts).toHaveLength(2);
      // Back to the panel (a hidden panel renders no rows).
      await openPanel(page);
      await expect(runItem(row, fromBrowser.run)).toHaveAttribute(
        'data-status',
        'completed',
        { timeout: PAPERMILL }
      );
      await expect(runItems(row).first()).toHaveAttribute(
        'data-run',
        fromBrowser.run
      );
    });
  });

  test.describe('stopping a run', () => {
    let created: string | null = null;

    test.afterEach(async ({ request }) => {
      if (created) {
        await deleteJobs(request, created);
        created = null;
      }
    });

    test('a 60 s run stops from its Stop button', async ({ page }) => {
      const name = uniqueName('ui-slow-job');
      const command = 'python -c "import time; time.sleep(60)"';
      // A job whose (simulated) run lasts 60 s: time to press Stop.
      const response = await page.request.post('/saturn-panel/saturn/recipes', {
        data: {
          recipe: {
            schema_version: '2025.10.01',
            type: 'job',
            spec: {
              name,
              image: 'saturncloud/saturn-python:2024.08.01',
              instance_type: 'large',
              command,
              description: 'Created by the browser tests',
              environment_variables: { SIMULATOR_DURATION: '60' }
            }
          }
        }
      });
      expect(response.status()).toBe(201);
      created = name;
      const answer = await response.json();
      expect(answer).toMatchObject({
        kind: 'job',
        name,
        owner: 'alice',
        key: `saturn/job/${answer.id}`
      });

      await openPanel(page);
      const row = jobRow(page, name);
      await expect(row).toHaveCount(1, { timeout: SLOW });
      await expect(row.locator('.jp-SaturnPanel-noRuns')).toHaveText(
        'No runs yet.'
      );
      await expect(row.locator('.jp-SaturnPanel-command')).toHaveText(command);
      const run = jobAction(row, 'run');
      await expect(run).toHaveAttribute('title', `Run ${name} now`);
      await run.click();
      await expect(
        page
          .getByRole('alert')
          .filter({ hasText: `Started a run of the Saturn job ${name}.` })
      ).toBeVisible();

      const item = runItems(row).first();
      await expect(item).toBeVisible();
      const runName = (await item.getAttribute('data-run'))!;
      await recordRun(page, runName);
      await expect(item).toHaveAttribute('data-status', /^(pending|running)$/);
      // Let it be running (about 1.5 s pending), as a user would see it.
      await expect(item).toHaveAttribute('data-status', 'running', {
        timeout: SLOW
      });
      // Its logs tab follows it, with a Stop button of its own.
      await jobAction(item, 'logs').click();
      const tab = logsTab(page, answer.id, runName);
      await expect(tab).toBeVisible();
      const lines = tab.locator('.jp-SaturnPanel-logLines');
      await expect(lines).toHaveAttribute('data-status', 'running');
      await expect(lines).toHaveAttribute('data-complete', 'false');
      await expect(tab.locator('.jp-SaturnPanel-logStatus')).toContainText(
        'following…'
      );
      await expect(
        tab.locator('.jp-Toolbar-item[data-jp-item-name="stop-run"]')
      ).toBeVisible();
      await expect(tab.locator('.jp-SaturnPanel-logText').first()).toHaveText(
        `Running command: ${command}`,
        { timeout: SLOW }
      );

      // "Stop the run started …" in the panel.
      const stop = jobAction(item, 'stop');
      await expect(stop).toHaveAttribute(
        'title',
        /^Stop the run started \S.*$/
      );
      expect(await stop.getAttribute('title')).not.toContain(runName);
      await stop.click();

      await expect(item).toHaveAttribute('data-status', 'stopped', {
        timeout: SLOW
      });
      const statuses = await runRecord(page, runName);
      expect(inOrder(statuses, ['running', 'stopped']), statuses.join()).toBe(
        true
      );
      expect(statuses).not.toContain('completed');
      await expect(row).toHaveAttribute('data-status', 'stopped');
      await expect(stop).toHaveCount(0);
      // Far from the 60 s it would have lasted.
      await expect(item.locator('.jp-SaturnPanel-runDuration')).toHaveText(
        /^\d+ s$/
      );
      await expect(
        page
          .getByRole('alert')
          .filter({ hasText: `The run of the Saturn job ${name} was stopped.` })
      ).toBeVisible({ timeout: SLOW });
      // The tab ends too: stopped, complete, no Stop button any more.
      await expect(lines).toHaveAttribute('data-status', 'stopped', {
        timeout: SLOW
      });
      await expect(lines).toHaveAttribute('data-complete', 'true');
      await expect(
        tab.locator('.jp-Toolbar-item[data-jp-item-name="stop-run"]')
      ).toHaveCount(0);
      expect(await logTexts(tab)).not.toContain(
        'Command finished successfully'
      );
      // Saturn agrees.
      const runs = await page.request.get(
        `/saturn-panel/saturn/jobs/${answer.id}/runs`
      );
      expect(runs.status()).toBe(200);
      const listed = (await runs.json()).runs;
      expect(listed[0]).toMatchObject({ name: runName, status: 'stopped' });
      expect(listed[0].duration).toBeLessThan(30);
    });
  });
});
