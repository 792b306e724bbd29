/**
 * A backend's notice leaves the rows in view (issue 19, finding 3): with
 * Saturn Cloud down, at sidebar widths from 250 px to 600 px, there is one
 * compact notice for Saturn Cloud (not one per Saturn section), the last
 * known workspaces and jobs are on screen under it, no section scrolls
 * sideways, the details are behind a disclosure, and Retry looks like a
 * button (JupyterLab's accept button) and brings Saturn back once it answers.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import {
  openPanel,
  outage,
  panel,
  panelConfig,
  simulatorOrigin,
  SLOW
} from './helpers';

/** The widths the issue names, and one between them. */
const WIDTHS = [250, 400, 600];

/**
 * Give the left sidebar `px` pixels as a user does: drag the handle between
 * it and the main area.
 */
async function setSidebarWidth(page: Page, px: number): Promise<void> {
  const handle = page
    .locator('#jp-main-split-panel > .lm-SplitPanel-handle:not(.lm-mod-hidden)')
    .first();
  for (let attempt = 0; attempt < 3; attempt++) {
    const box = (await panel(page).boundingBox())!;
    const grip = (await handle.boundingBox())!;
    const y = grip.y + grip.height / 2;
    await page.mouse.move(grip.x + grip.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + px + grip.width / 2, y, { steps: 5 });
    await page.mouse.up();
    const width = (await panel(page).boundingBox())!.width;
    if (Math.abs(width - px) <= 2) {
      return;
    }
  }
  expect(Math.round((await panel(page).boundingBox())!.width)).toBe(px);
}

/** What a user sees of the panel's layout at one width. */
interface ILayout {
  /** Sections (and their scrolling bodies) wider inside than on screen. */
  sideways: string[];
  /** Notices in the whole panel, by backend. */
  notices: { [backend: string]: number };
  /** The Saturn notice's box and its visible text. */
  notice: { top: number; bottom: number; height: number; text: string };
  /** Per section: its visible box and its first row's box. */
  sections: {
    [section: string]: {
      top: number;
      bottom: number;
      left: number;
      right: number;
      firstRow: { top: number; bottom: number; left: number; right: number };
    };
  };
}

async function layout(page: Page): Promise<ILayout> {
  return page.evaluate(() => {
    const root = document.getElementById('saturn-panel')!;
    const sideways: string[] = [];
    for (const el of Array.from(
      root.querySelectorAll<HTMLElement>(
        '.jp-SaturnPanel-section, .jp-SaturnPanel-sectionBody, .jp-SaturnPanel-sectionContent'
      )
    )) {
      if (el.scrollWidth > el.clientWidth) {
        const section = el.closest<HTMLElement>('.jp-SaturnPanel-section');
        sideways.push(
          `${section?.dataset.section}: ${el.className} ${el.scrollWidth} > ${el.clientWidth}`
        );
      }
    }
    const notices: { [backend: string]: number } = {};
    for (const n of Array.from(
      root.querySelectorAll<HTMLElement>('.jp-SaturnPanel-notice')
    )) {
      const backend = n.dataset.backend ?? 'panel';
      notices[backend] = (notices[backend] ?? 0) + 1;
    }
    const n = root.querySelector<HTMLElement>(
      '.jp-SaturnPanel-notice[data-backend="saturn"]'
    )!;
    const nb = n.getBoundingClientRect();
    const sections: ILayout['sections'] = {};
    for (const name of ['saturn', 'jobs']) {
      const section = document.getElementById(`saturn-panel-${name}`)!;
      const sb = section.getBoundingClientRect();
      const row = section.querySelector('.jp-SaturnPanel-row')!;
      const rb = row.getBoundingClientRect();
      sections[name] = {
        top: sb.top,
        bottom: sb.bottom,
        left: sb.left,
        right: sb.right,
        firstRow: {
          top: rb.top,
          bottom: rb.bottom,
          left: rb.left,
          right: rb.right
        }
      };
    }
    return {
      sideways,
      notices,
      notice: {
        top: nb.top,
        bottom: nb.bottom,
        height: nb.height,
        text: (n as HTMLElement).innerText.trim()
      },
      sections
    };
  });
}

test.describe('A Saturn Cloud outage at sidebar widths', () => {
  let origin: string | null = null;

  test.afterEach(async ({ request }) => {
    if (origin) {
      await outage(request, origin, 0);
      origin = null;
    }
  });

  test('one compact notice, the last known rows in view under it, no sideways scrolling, a Retry that looks and works like a button', async ({
    page,
    request
  }) => {
    await openPanel(page);
    await expect(
      page.locator('#saturn-panel-jobs .jp-SaturnPanel-row').first()
    ).toBeVisible({ timeout: SLOW });

    origin = await simulatorOrigin(request);
    await outage(request, origin, 120);
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
    const notice = page.locator(
      '#saturn-panel .jp-SaturnPanel-notice[data-backend="saturn"]'
    );
    await expect(notice.first()).toHaveAttribute('data-condition', 'stale', {
      timeout: SLOW
    });
    await expect(
      page.locator(
        '#saturn-panel-saturn .jp-SaturnPanel-row[data-stale="true"]'
      )
    ).not.toHaveCount(0);

    for (const width of WIDTHS) {
      await setSidebarWidth(page, width);
      await page.waitForTimeout(300); // container queries, text reflow
      const seen = await layout(page);
      // One notice for Saturn Cloud, in its first section, not in Jobs.
      expect(seen.notices, `notices at ${width} px`).toEqual({ saturn: 1 });
      await expect(
        page.locator('#saturn-panel-saturn .jp-SaturnPanel-notice')
      ).toHaveCount(1);
      // Nothing scrolls sideways.
      expect(seen.sideways, `sideways scrolling at ${width} px`).toEqual([]);
      // Compact: the sentence and Retry, with the details closed.
      expect(seen.notice.text).toMatch(
        /^Saturn Cloud (is not answering|could not be read): below is its last known state\.\s*Retry\s*Details$/
      );
      expect(seen.notice.height, `notice height at ${width} px`).toBeLessThan(
        100
      );
      // The first workspace is under the notice, and each Saturn section's
      // first row is inside the section's box: on screen, not below the fold.
      const saturn = seen.sections.saturn;
      expect(saturn.firstRow.top).toBeGreaterThanOrEqual(
        seen.notice.bottom - 1
      );
      for (const name of ['saturn', 'jobs']) {
        const s = seen.sections[name];
        expect(
          s.firstRow.bottom,
          `${name} row at ${width} px`
        ).toBeLessThanOrEqual(s.bottom + 1);
        expect(s.firstRow.top).toBeGreaterThanOrEqual(s.top - 1);
        expect(s.firstRow.left).toBeGreaterThanOrEqual(s.left - 1);
        expect(s.firstRow.right).toBeLessThanOrEqual(s.right + 1);
      }
      await expect(
        page.locator('#saturn-panel-saturn .jp-SaturnPanel-row').first()
      ).toBeInViewport();
      // Readable: the "last known" mark gives way to the name.
      for (const name of ['saturn', 'jobs']) {
        const box = await page
          .locator(
            `#saturn-panel-${name} .jp-SaturnPanel-row .jp-SaturnPanel-name`
          )
          .first()
          .boundingBox();
        expect(
          box!.width,
          `${name} name at ${width} px`
        ).toBeGreaterThanOrEqual(40);
      }
      await expect(
        page.locator('#saturn-panel-jobs .jp-SaturnPanel-row').first()
      ).toBeInViewport();
    }

    // The details are one click away: the server's message, when Saturn
    // was last read, what to check.
    const theNotice = notice.first();
    const details = theNotice.locator('details');
    await expect(details).not.toHaveAttribute('open', '');
    await expect(theNotice.locator('.jp-SaturnPanel-noticeStale')).toBeHidden();
    await theNotice.locator('summary', { hasText: 'Details' }).click();
    await expect(
      theNotice.locator('.jp-SaturnPanel-noticeStale')
    ).toBeVisible();
    await expect(
      theNotice.locator('.jp-SaturnPanel-noticeStale')
    ).toContainText(/last known state, as of (just now|\d+ minutes? ago)/);
    await expect(theNotice.locator('.jp-SaturnPanel-noticeHint')).toContainText(
      'c.SaturnPanel.saturn_url'
    );
    expect(
      (await layout(page)).sideways,
      'sideways scrolling with the details open'
    ).toEqual([]);
    await theNotice.locator('summary').click();

    // Retry looks like a button: filled with JupyterLab's accept colour,
    // opaque, not greyed out.
    const retry = theNotice.getByRole('button', {
      name: 'Retry reading Saturn Cloud'
    });
    await expect(retry).toBeEnabled();
    const look = await retry.evaluate(el => {
      const style = getComputedStyle(el);
      const notice = el.closest('.jp-SaturnPanel-notice')!;
      return {
        background: style.backgroundColor,
        noticeBackground: getComputedStyle(notice).backgroundColor,
        opacity: style.opacity,
        cursor: style.cursor,
        height: el.getBoundingClientRect().height
      };
    });
    expect(look.background).not.toMatch(/rgba\(0, 0, 0, 0\)|transparent/);
    expect(look.background).not.toBe(look.noticeBackground);
    expect(look.opacity).toBe('1');
    expect(look.cursor).toBe('pointer');
    expect(look.height).toBeGreaterThanOrEqual(20);

    // axe-core (contrast included): the stale panel has no violation
    // either, in the light and the dark theme.
    await page.mouse.move(0, 0);
    await page.addStyleTag({ content: 'html, body { height: 100%; }' });
    for (const theme of ['JupyterLab Dark', 'JupyterLab Light']) {
      await page.evaluate(async theme => {
        await (window as any).jupyterapp.commands.execute(
          'apputils:change-theme',
          { theme }
        );
      }, theme);
      await expect(page.locator('body')).toHaveAttribute(
        'data-jp-theme-name',
        theme
      );
      await page.waitForFunction(
        light => document.body.getAttribute('data-jp-theme-light') === light,
        String(theme === 'JupyterLab Light')
      );
      await page.waitForTimeout(300); // transitions
      const results = await new AxeBuilder({ page })
        .include('#saturn-panel')
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze();
      expect(
        results.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target)}`),
        theme
      ).toEqual([]);
    }

    // Saturn answers again: Retry brings it back live, the notice goes.
    await outage(request, origin, 0);
    origin = null;
    await expect(async () => {
      if ((await retry.count()) > 0) {
        await retry.click({ timeout: 2000 });
      }
      await expect(
        page.locator(
          '#saturn-panel .jp-SaturnPanel-notice[data-backend="saturn"]'
        )
      ).toHaveCount(0, { timeout: 12_000 });
    }).toPass({ timeout: SLOW });
    await expect(page.locator('#saturn-panel [data-stale="true"]')).toHaveCount(
      0
    );
  });
});
