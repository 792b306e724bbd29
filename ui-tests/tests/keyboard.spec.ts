/**
 * The panel with the keyboard only, and at the widths a sidebar takes
 * (issues 12 and 19): the shortcut opens it with the filter focused, one Tab
 * or ↓ reaches the first row, arrow keys move between rows and across
 * sections, Escape gives the focus back to the notebook, Start and Stop keep
 * the focus in their row, a narrow panel shows status dots, a wide one a
 * second column.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import { SLOW, openPanel, panel, resources, row } from './helpers';

const KEY = 'hub/alice/';

/** Whether the focus is inside the element `selector` names. */
async function focusInside(page: Page, selector: string): Promise<boolean> {
  return page.evaluate(
    s => !!document.querySelector(s)?.contains(document.activeElement),
    selector
  );
}

test.afterEach(async ({ request }) => {
  const alice = (await resources(request)).find(r => r.key === KEY);
  if (alice && alice.status !== 'stopped') {
    await request.delete('/saturn-panel/hub/servers/alice/');
    await expect
      .poll(
        async () => (await resources(request)).find(r => r.key === KEY)?.status,
        { timeout: SLOW }
      )
      .toBe('stopped');
  }
});

test('the keyboard shortcut opens the panel on its filter; arrows move between rows; Start and Stop keep the focus', async ({
  page
}) => {
  await expect(panel(page)).toBeHidden();
  await page.keyboard.press('Control+Shift+Y');
  await expect(panel(page)).toBeVisible();
  const filter = page.getByRole('searchbox', { name: 'Filter servers' });
  await expect(filter).toBeFocused();

  const alice = row(page, KEY);
  await expect(alice).toHaveAttribute('data-status', 'stopped', {
    timeout: SLOW
  });
  // Arrow keys move between the rows of a section, at the same control.
  const workspaces = page.locator('#saturn-panel-saturn .jp-SaturnPanel-row');
  await expect(workspaces.nth(1)).toBeVisible({ timeout: SLOW });
  const firstControl = workspaces
    .nth(0)
    .locator('a[href]:not([tabindex="-1"]), button:not(:disabled)')
    .first();
  await firstControl.focus();
  await page.keyboard.press('ArrowDown');
  expect(
    await workspaces.nth(1).evaluate(el => el.contains(document.activeElement))
  ).toBe(true);
  await page.keyboard.press('Home');
  await expect(firstControl).toBeFocused();

  const start = alice.locator('.jp-mod-start');
  await start.focus();
  // Start with Enter: the Start button goes away, the focus stays in the row
  // and lands on Stop once the server can be stopped.
  await page.keyboard.press('Enter');
  await expect(alice).toHaveAttribute('data-status', /pending|running/, {
    timeout: SLOW
  });
  await expect(alice.locator('.jp-mod-stop')).toBeFocused({ timeout: SLOW });
  await expect(alice).toHaveAttribute('data-status', 'running', {
    timeout: SLOW
  });
  expect(await focusInside(page, `[data-key="${KEY}"]`)).toBe(true);
  // One tab stop per action: the name's link, then Stop; the launch icon is
  // the mouse's copy of the link.
  const stops = await alice.evaluate(el =>
    Array.from(el.querySelectorAll<HTMLElement>('a[href], button'))
      .filter(c => c.tabIndex >= 0)
      .map(c => c.getAttribute('aria-label') ?? c.getAttribute('title'))
  );
  expect(new Set(stops).size).toBe(stops.length);

  await page.keyboard.press('Enter'); // Stop
  await expect(alice).toHaveAttribute('data-status', 'stopped', {
    timeout: SLOW
  });
  await expect(alice.locator('.jp-mod-start')).toBeFocused({ timeout: SLOW });
});

test('from a notebook: one Tab from the filter to the first row, arrows across sections, Escape back to the notebook', async ({
  page
}) => {
  await page.notebook.createNew('keyboard-escape.ipynb');
  await page.notebook.enterCellEditingMode(0);
  const notebookId = await page.evaluate(
    () => (window as any).jupyterapp.shell.currentWidget?.id as string
  );
  expect(notebookId).toBeTruthy();
  expect(await focusInside(page, '.jp-Notebook')).toBe(true);

  await page.keyboard.press('Control+Shift+Y');
  await expect(panel(page)).toBeVisible();
  const filter = page.getByRole('searchbox', { name: 'Filter servers' });
  await expect(filter).toBeFocused();
  const hubRows = page.locator('#saturn-panel-hub .jp-SaturnPanel-row');
  const workspaces = page.locator('#saturn-panel-saturn .jp-SaturnPanel-row');
  await expect(hubRows.first()).toBeVisible({ timeout: SLOW });
  await expect(workspaces.first()).toBeVisible({ timeout: SLOW });
  const inside = (locator: typeof hubRows) =>
    locator.evaluate(el => el.contains(document.activeElement));

  // One Tab from the filter: the first row, not the refresh button, a
  // section title or its "+" first.
  await page.keyboard.press('Tab');
  expect(await inside(hubRows.first())).toBe(true);
  // ↓ from the filter goes there too.
  await filter.focus();
  await page.keyboard.press('ArrowDown');
  expect(await inside(hubRows.first())).toBe(true);

  // Arrows cross sections: the hub's last row, ↓ the Saturn Cloud title,
  // ↓ its first workspace; ↑ back the same way.
  const saturnTitle = page.locator(
    '#saturn-panel .lm-AccordionPanel-title[aria-controls="saturn-panel-saturn"]'
  );
  await page.keyboard.press('End');
  expect(await inside(hubRows.last())).toBe(true);
  await page.keyboard.press('ArrowDown');
  await expect(saturnTitle).toBeFocused();
  await page.keyboard.press('ArrowDown');
  expect(await inside(workspaces.first())).toBe(true);
  await page.keyboard.press('ArrowUp');
  await expect(saturnTitle).toBeFocused();
  await page.keyboard.press('ArrowUp');
  expect(await inside(hubRows.last())).toBe(true);
  // ↑ from the first row: its section's title, then the filter.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowUp');
  await expect(
    page.locator(
      '#saturn-panel .lm-AccordionPanel-title[aria-controls="saturn-panel-hub"]'
    )
  ).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(filter).toBeFocused();

  // Escape: back to the notebook that had the focus, the panel stays open.
  await page.keyboard.press('ArrowDown');
  expect(await inside(hubRows.first())).toBe(true);
  await page.keyboard.press('Escape');
  await expect
    .poll(() => focusInside(page, `#${notebookId}`), { timeout: 5000 })
    .toBe(true);
  expect(
    await page.evaluate(
      () => (window as any).jupyterapp.shell.currentWidget?.id as string
    )
  ).toBe(notebookId);
  await expect(panel(page)).toBeVisible();
});

test('a narrow panel shows status dots, a wide one a second column', async ({
  page
}) => {
  await openPanel(page);
  const alice = row(page, KEY);
  const badge = alice.locator('.jp-SaturnPanel-status');
  const widthOf = async (selector: string) =>
    (await alice.locator(selector).boundingBox())?.width ?? 0;

  const setWidth = (px: number) =>
    page.evaluate(w => {
      const node = document.getElementById('saturn-panel')!;
      node.style.width = `${w}px`;
    }, px);

  await setWidth(240);
  await expect
    .poll(() => widthOf('.jp-SaturnPanel-status'), { timeout: 5000 })
    .toBeLessThan(16);
  // The status is still the badge's text for screen readers.
  await expect(badge).toHaveText('stopped');

  await setWidth(560);
  await expect
    .poll(() => widthOf('.jp-SaturnPanel-status'), { timeout: 5000 })
    .toBeGreaterThan(30);
  // A workspace's row has details (its size): side by side with its name.
  const workspace = page
    .locator('#saturn-panel-saturn .jp-SaturnPanel-row')
    .filter({ has: page.locator('.jp-SaturnPanel-meta') })
    .first();
  const header = (await workspace
    .locator('.jp-SaturnPanel-rowHeader')
    .boundingBox())!;
  const meta = (await workspace.locator('.jp-SaturnPanel-meta').boundingBox())!;
  expect(meta.x).toBeGreaterThanOrEqual(header.x + header.width - 1);
  expect(Math.abs(meta.y - header.y)).toBeLessThan(header.height);

  await setWidth(300);
  // Back to one column: the details under the name.
  await expect
    .poll(
      async () => {
        const top = (await workspace
          .locator('.jp-SaturnPanel-rowHeader')
          .boundingBox())!;
        const under = (await workspace
          .locator('.jp-SaturnPanel-meta')
          .boundingBox())!;
        return under.y >= top.y + top.height - 1;
      },
      { timeout: 5000 }
    )
    .toBe(true);
});
