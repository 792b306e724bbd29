/**
 * Accessibility of the panel, its dialogs and a run's logs tab: axe-core (WCAG 2.1 A and AA
 * rules, `color-contrast` among them) finds no violation, in the light, dark and high-contrast
 * themes, and no text is smaller than JupyterLab's smallest UI font size (`--jp-ui-font-size0`).
 *
 * Leaves nothing behind: the dialogs are cancelled, the delete confirmation's server (created
 * here, stopped) is removed, the logs are those of the seeded past run of `nightly-report`, and
 * the theme is set back to light after each test.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { APIRequestContext, Locator, Page } from '@playwright/test';

import {
  SLOW,
  dialog,
  jobRow,
  panel,
  panelTab,
  resources,
  row,
  runItems,
  uniqueName
} from './helpers';

/** JupyterLab's own themes; the high-contrast one ships with JupyterLab 4 too. */
const THEMES = [
  'JupyterLab Light',
  'JupyterLab Dark',
  'JupyterLab Dark High Contrast'
];

/** Every status (src/api/statuses.ts). */
const STATUSES = [
  'stopped',
  'pending',
  'running',
  'stopping',
  'error',
  'completed'
];

/** Named servers this file created, removed after each test whatever happened. */
const created: string[] = [];

/** The status of a resource as the server extension knows it (undefined: gone). */
async function statusOf(
  request: APIRequestContext,
  key: string
): Promise<string | undefined> {
  return (await resources(request)).find(r => r.key === key)?.status;
}

/** A stopped named server of alice (started, then stopped), for its Delete button. */
async function stoppedServer(
  request: APIRequestContext,
  name: string
): Promise<string> {
  const key = `hub/alice/${name}`;
  created.push(name);
  const started = await request.post(`/saturn-panel/hub/servers/alice/${name}`);
  expect(started.status()).toBe(202);
  await expect
    .poll(() => statusOf(request, key), { timeout: SLOW })
    .toBe('running');
  const stopped = await request.delete(
    `/saturn-panel/hub/servers/alice/${name}`
  );
  expect(stopped.status()).toBe(202);
  await expect
    .poll(() => statusOf(request, key), { timeout: SLOW })
    .toBe('stopped');
  return key;
}

/**
 * Open the panel and wait for the seeded Saturn rows (the hub section may be empty: the hub
 * lists only active servers and the user's own).
 */
async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  if (!(await panel(page).isVisible())) {
    await panelTab(page).click();
  }
  await expect(panel(page)).toBeVisible();
  await expect(
    page.locator('#saturn-panel-saturn .jp-SaturnPanel-row').first()
  ).toBeVisible({ timeout: SLOW });
  await expect(runItems(jobRow(page, 'nightly-report')).first()).toBeVisible({
    timeout: SLOW
  });
}

/** Switch JupyterLab's theme with its own command, and wait until it applies. */
async function setTheme(page: Page, theme: string): Promise<void> {
  await page.evaluate(async theme => {
    await (window as any).jupyterapp.commands.execute('apputils:change-theme', {
      theme
    });
  }, theme);
  await expect(page.locator('body')).toHaveAttribute(
    'data-jp-theme-name',
    theme
  );
  // The theme's stylesheet is in once its variables reach the panel's colours.
  await page.waitForFunction(
    light =>
      getComputedStyle(document.body)
        .getPropertyValue('--jp-layout-color1')
        .trim() !== '' &&
      document.body.getAttribute('data-jp-theme-light') === String(light),
    theme === 'JupyterLab Light'
  );
  // Let transitions (hover, theme fade) end before colours are measured.
  await page.waitForTimeout(300);
}

/**
 * Run axe on `selector` (WCAG 2.0/2.1 A and AA: `color-contrast` included) and fail with the
 * violations' rule ids, targets and messages.
 */
async function expectNoViolations(
  page: Page,
  selector: string,
  what: string
): Promise<void> {
  await page.mouse.move(0, 0); // no hover styles or tooltips
  // JupyterLab's <html> and <body> have no height (the shell is absolutely positioned) and the
  // body clips its overflow: axe then takes every element for clipped away and measures the
  // contrast of nothing but an <input>. With the viewport's height (the layout does not
  // change) axe sees the page as it is drawn.
  await page.addStyleTag({ content: 'html, body { height: 100%; }' });
  const results = await new AxeBuilder({ page })
    .include(selector)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const ran = [
    ...results.passes,
    ...results.violations,
    ...results.incomplete,
    ...results.inapplicable
  ].map(r => r.id);
  expect(ran, `axe ran color-contrast on ${what}`).toContain('color-contrast');
  // What axe measured (text, ratio, colours), printed for the record.
  const measured = [
    ...results.passes,
    ...results.violations,
    ...results.incomplete
  ]
    .filter(r => r.id === 'color-contrast')
    .flatMap(r => r.nodes);
  console.log(
    `color-contrast in ${what}:\n` +
      measured
        .map(n => {
          const data = [...n.any, ...n.all, ...n.none].find(
            c => c.data?.contrastRatio !== undefined
          )?.data;
          return data
            ? `  ${data.contrastRatio}:1 ${data.fgColor} on ${data.bgColor} ${data.fontSize} ${n.target.join(' ')}`
            : `  ? ${n.target.join(' ')}`;
        })
        .join('\n')
  );
  expect(
    measured.length,
    `axe measured some text contrast in ${what}`
  ).toBeGreaterThan(0);
  const report = (list: typeof results.violations) =>
    list
      .map(
        v =>
          `${v.id} (${v.impact}): ${v.help}\n` +
          v.nodes
            .map(
              n =>
                `    ${n.target.join(' ')}\n      ${(n.failureSummary ?? '')
                  .split('\n')
                  .join('\n      ')}`
            )
            .join('\n')
      )
      .join('\n');
  // Contrast that axe could not decide (text over an image, a gradient) fails too: a
  // colour nobody measured is no better than a low one.
  const undecided = results.incomplete.filter(r => r.id === 'color-contrast');
  const targets = (list: typeof results.violations) =>
    list.flatMap(v => v.nodes.map(n => `${v.id}: ${n.target.join(' ')}`));
  expect
    .soft(
      targets(undecided),
      `axe could not decide contrast in ${what}:\n${report(undecided)}`
    )
    .toEqual([]);
  expect
    .soft(
      targets(results.violations),
      `axe violations in ${what}:\n${report(results.violations)}`
    )
    .toEqual([]);
}

/**
 * Every text under `selector` is at least JupyterLab's smallest UI font size: the size
 * `--jp-ui-font-size0` gives inside `--jp-ui-font-size1` text (what Lab's own UI shows).
 */
async function expectNoTinyText(
  page: Page,
  selector: string,
  what: string
): Promise<void> {
  const tiny = await page.evaluate(selector => {
    const outer = document.createElement('div');
    outer.style.fontSize = 'var(--jp-ui-font-size1)';
    const inner = document.createElement('span');
    inner.style.fontSize = 'var(--jp-ui-font-size0)';
    outer.appendChild(inner);
    document.body.appendChild(outer);
    const smallest = parseFloat(getComputedStyle(inner).fontSize);
    outer.remove();
    const found: string[] = [];
    for (const root of Array.from(document.querySelectorAll(selector))) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const element = node.parentElement;
        if (!element || !node.textContent?.trim()) {
          continue;
        }
        if (!element.getClientRects().length) {
          continue; // not rendered
        }
        const size = parseFloat(getComputedStyle(element).fontSize);
        if (size < smallest - 0.05) {
          found.push(
            `${element.className || element.tagName} "${node.textContent
              .trim()
              .slice(0, 30)}": ${size.toFixed(1)}px < ${smallest.toFixed(1)}px`
          );
        }
      }
    }
    return found;
  }, selector);
  expect.soft(tiny, `text under --jp-ui-font-size0 in ${what}`).toEqual([]);
}

/** Both checks, for one part of the page. */
async function check(page: Page, selector: string, what: string) {
  await expectNoTinyText(page, selector, what);
  await expectNoViolations(page, selector, what);
}

/**
 * Show every status badge the panel has, in a resource row and in a job run: a copy of a
 * rendered row's header and of a run (the real markup and CSS) with one badge per status, put
 * at the top of their lists for the measurement and removed afterwards. Live rows only show
 * the statuses the demo is in now.
 */
async function withEveryStatus(
  page: Page,
  body: () => Promise<void>
): Promise<void> {
  await page.evaluate(statuses => {
    const add = (original: Element | null, keep: string | null) => {
      if (!original) {
        throw new Error('no row to copy');
      }
      const copy = original.cloneNode(true) as HTMLElement;
      copy.classList.add('jp-SaturnPanel-a11yCopy');
      for (const attribute of ['data-key', 'data-run', 'id', 'tabindex']) {
        copy.removeAttribute(attribute);
      }
      copy.querySelectorAll('[id]').forEach(el => el.removeAttribute('id'));
      if (keep) {
        Array.from(copy.children)
          .filter(child => !child.matches(keep))
          .forEach(child => child.remove());
      }
      const badge = copy.querySelector('.jp-SaturnPanel-status')!;
      for (const status of statuses) {
        const one = badge.cloneNode(true) as HTMLElement;
        one.className = `jp-SaturnPanel-status jp-mod-${status}`;
        one.textContent = status;
        badge.before(one);
      }
      badge.remove();
      original.before(copy);
    };
    add(
      document.querySelector('#saturn-panel-saturn .jp-SaturnPanel-row'),
      '.jp-SaturnPanel-rowHeader'
    );
    add(document.querySelector('#saturn-panel-jobs .jp-SaturnPanel-run'), null);
  }, STATUSES);
  try {
    await expect(page.locator('.jp-SaturnPanel-a11yCopy')).toHaveCount(2);
    await body();
  } finally {
    await page.evaluate(() =>
      document
        .querySelectorAll('.jp-SaturnPanel-a11yCopy')
        .forEach(el => el.remove())
    );
  }
}

/** Open a dialog with `open`, check it, and cancel it. */
async function checkDialog(
  page: IJupyterLabPageFixture,
  open: Locator,
  title: string | RegExp,
  what: string,
  fill?: (form: Locator) => Promise<void>
): Promise<void> {
  await open.click();
  const form = dialog(page);
  await expect(form.locator('.jp-Dialog-header')).toHaveText(title);
  await page.waitForTimeout(300); // the dialog's opening transition
  await check(page, '.jp-Dialog', what);
  if (fill) {
    // Again with what the user typed and the dialog's error messages (error text colours).
    await fill(form);
    await check(page, '.jp-Dialog', `${what}, with an error`);
  }
  await form.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(form).toHaveCount(0);
}

// Tall enough for every row to be in view: axe cannot measure text that a section scrolled away.
test.use({ viewport: { width: 1400, height: 1600 } });

test.describe('accessibility (axe-core)', () => {
  test.afterEach(async ({ page, request }) => {
    await page.keyboard.press('Escape'); // a dialog left open by a failure
    await setTheme(page, 'JupyterLab Light');
    while (created.length > 0) {
      const name = created.pop()!;
      const key = `hub/alice/${name}`;
      if ((await statusOf(request, key)) === undefined) {
        continue;
      }
      await request.delete(`/saturn-panel/hub/servers/alice/${name}?remove=1`);
      await expect
        .poll(() => statusOf(request, key), { timeout: SLOW })
        .toBe(undefined);
    }
  });

  for (const theme of THEMES) {
    test(`the panel, every status badge, in ${theme}`, async ({ page }) => {
      await openPanel(page);
      await page.sidebar.setWidth(400, 'left');
      await setTheme(page, theme);
      await check(page, '#saturn-panel', `the panel (${theme})`);
      await withEveryStatus(page, () =>
        check(page, '#saturn-panel', `every status badge (${theme})`)
      );
    });

    test(`the panel's dialogs in ${theme}`, async ({ page, request }) => {
      const key = await stoppedServer(request, uniqueName('a11y'));
      await openPanel(page);
      await setTheme(page, theme);
      await checkDialog(
        page,
        page.locator('#saturn-panel jp-button[aria-label="New named server"]'),
        'New Named Server',
        `the new named server dialog (${theme})`,
        async form => {
          await form.locator('input[name="serverName"]').fill('GPU box');
          await expect(
            form.locator('.jp-SaturnPanel-fieldError').first()
          ).toBeVisible();
        }
      );
      await checkDialog(
        page,
        page.locator(
          '#saturn-panel jp-button[aria-label="New workspace from recipe"]'
        ),
        'New Saturn Cloud Resource from a Recipe',
        `the recipe dialog (${theme})`,
        async form => {
          await form
            .locator('textarea[name="recipe"]')
            .fill('{"type": "workspace", "spec": {}}');
          await expect(
            form.locator('.jp-SaturnPanel-formErrors').first()
          ).toBeVisible();
        }
      );
      // A delete confirmation (a stopped named server's Delete), then Cancel.
      const server = row(page, key);
      await expect(server).toHaveAttribute('data-status', 'stopped', {
        timeout: SLOW
      });
      await checkDialog(
        page,
        server.locator('.jp-SaturnPanel-action.jp-mod-delete'),
        /^Delete /,
        `a delete confirmation (${theme})`
      );
      expect(await statusOf(request, key)).toBe('stopped');
    });

    test(`a run's logs tab in ${theme}`, async ({ page }) => {
      await openPanel(page);
      // The seeded past run of nightly-report: its logs are complete.
      const run = runItems(jobRow(page, 'nightly-report')).last();
      await expect(run).toHaveAttribute('data-status', 'completed');
      await run.locator('.jp-SaturnPanel-action.jp-mod-logs').click();
      const lines = page.locator(
        '.jp-SaturnPanel-logs .jp-SaturnPanel-logLines'
      );
      await expect(lines).toHaveAttribute('data-complete', 'true');
      await expect(lines).toContainText('Nightly report: done');
      await setTheme(page, theme);
      await check(page, '.jp-SaturnPanel-logs', `the logs tab (${theme})`);
      await page.evaluate(() =>
        (window as any).jupyterapp.commands.execute('application:close-all')
      );
    });
  }
});
