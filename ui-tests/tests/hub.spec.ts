/**
 * The JupyterHub section against a real JupyterHub (run_servers.py: users
 * alice and bob, named servers, a spawner with 4 progress steps of 0.8 s).
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

import {
  SLOW,
  action,
  dialog,
  inOrder,
  openPanel,
  panelConfig,
  recordRow,
  resources,
  row,
  rowRecord,
  uniqueName
} from './helpers';

/** Named servers this file created, removed after each test whatever happened. */
const created: string[] = [];

/** Stop and delete a named server of alice through the panel's REST API. */
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

test.describe('JupyterHub section', () => {
  test("lists alice's servers, and finds bob's by searching", async ({
    page
  }) => {
    await expect(page.locator('#saturn-panel')).toBeHidden();
    await openPanel(page);

    const hub = page.locator('#saturn-panel-hub');
    await expect(
      page.locator('.jp-AccordionPanel-title[aria-controls="saturn-panel-hub"]')
    ).toContainText('JupyterHub');
    const checkDefault = async (
      scope: ReturnType<typeof page.locator>,
      user: string
    ) => {
      const group = scope.locator(
        `.jp-SaturnPanel-group[data-owner="${user}"]`
      );
      await expect(group.locator('.jp-SaturnPanel-groupTitle')).toHaveText(
        user === 'alice' ? 'alice (you)' : user
      );
      const defaultServer = group.locator(`[data-key="hub/${user}/"]`);
      await expect(defaultServer).toBeVisible();
      await expect(defaultServer.locator('.jp-SaturnPanel-name')).toHaveText(
        'Default'
      );
      await expect(
        defaultServer.locator('.jp-SaturnPanel-name')
      ).toHaveAttribute('title', `The default server of ${user}`);
      await expect(defaultServer.locator('.jp-SaturnPanel-status')).toHaveText(
        /stopped|running|pending|stopping/
      );
    };
    await checkDefault(hub, 'alice');
    // Other users' stopped servers are not polled (a hub of 5,000 users):
    // the filter finds them through the hub's own search.
    await expect(hub.locator('.jp-SaturnPanel-hint')).toContainText(
      "everyone's running servers"
    );
    await page.getByRole('searchbox', { name: /filter/i }).fill('bob');
    const results = hub.locator('.jp-SaturnPanel-searchResults');
    await expect(results).toHaveAttribute(
      'aria-label',
      'Other users matching "bob"'
    );
    await checkDefault(results, 'bob');
    await page.getByRole('searchbox', { name: /filter/i }).fill('');
    await expect(results).toHaveCount(0);
  });

  test('creates, starts, opens, stops and deletes a named server', async ({
    page,
    request
  }) => {
    const config = await panelConfig(request);
    expect(config.hub.configured).toBe(true);
    expect(config.hub.reachable).toBe(true);
    const hubUrl = String(config.hub.publicUrl).replace(/\/+$/, '');
    expect(hubUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const name = uniqueName('ui-hub');
    const displayName = `UI test ${name.slice(-6)}`;
    const key = `hub/alice/${name}`;

    await openPanel(page);

    // --- The "New named server" dialog, with the live slug check.
    await page
      .locator('#saturn-panel jp-button[aria-label="New named server"]')
      .click();
    const form = dialog(page);
    await expect(form.locator('.jp-Dialog-header')).toHaveText(
      'New Named Server'
    );
    // The dialog puts the cursor in the display name once its form is
    // rendered; wait for it, so typing below goes to the intended fields.
    await expect(form.locator('input[name="displayName"]')).toBeFocused();
    const nameInput = form.locator('input[name="serverName"]');
    const help = form.locator('#saturn-panel-name-help');
    const accept = form.getByRole('button', { name: 'Create and Start' });

    await nameInput.fill('GPU box');
    await expect(nameInput).toHaveValue('GPU box');
    await expect(help).toHaveText(
      'Use lowercase letters only: "G" is uppercase.'
    );
    await expect(help).toHaveClass(/jp-SaturnPanel-fieldError/);
    await expect(nameInput).toHaveAttribute('aria-invalid', 'true');
    await expect(accept).toBeDisabled();

    await nameInput.fill('2nd-box');
    await expect(help).toHaveText('A server name must start with a letter.');
    await nameInput.fill('gpu--box');
    await expect(help).toHaveText('A server name cannot contain "--".');
    await expect(accept).toBeDisabled();

    await nameInput.fill(name);
    await expect(help).toHaveClass(/jp-SaturnPanel-fieldHelp/);
    await expect(help).toContainText('1-30 lowercase letters');
    await expect(nameInput).not.toHaveAttribute('aria-invalid', /.*/);
    await form.locator('input[name="displayName"]').fill(displayName);
    // The name was typed by hand: the display name does not overwrite it.
    await expect(nameInput).toHaveValue(name);
    // The hub token is a service token, so the dialog asks for the owner.
    const owner = form.locator('input[name="user"]');
    if (await owner.isVisible()) {
      await owner.fill('alice');
    }
    await expect(accept).toBeEnabled();

    await recordRow(page, key);
    created.push(name);
    await accept.click();
    await expect(form).toHaveCount(0, { timeout: SLOW });

    // --- Starting: the bar, its value rising, the hub's step messages.
    const server = row(page, key);
    await expect(server).toBeVisible();
    await expect(
      page.locator(
        `.jp-SaturnPanel-group[data-owner="alice"] [data-key="${key}"]`
      )
    ).toBeVisible();
    await expect(server.locator('.jp-SaturnPanel-name')).toHaveText(
      displayName
    );
    const bar = server.getByRole('progressbar', {
      name: `Starting ${displayName}`
    });
    await expect(bar).toBeVisible();
    await expect(server.locator('.jp-SaturnPanel-progressMessage')).toHaveText(
      /Preparing step \d\/4|Starting the single-user server/,
      { timeout: SLOW }
    );
    await expect(server).toHaveAttribute('data-status', 'running', {
      timeout: SLOW
    });
    await expect(bar).toHaveCount(0);

    const started = await rowRecord(page, key);
    expect(inOrder(started.statuses, ['pending', 'running'])).toBe(true);
    expect(started.statuses).not.toContain('error');
    // At least two distinct values, never going down, ending high.
    expect(new Set(started.progress).size).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < started.progress.length; i++) {
      expect(started.progress[i]).toBeGreaterThanOrEqual(
        started.progress[i - 1]
      );
    }
    expect(Math.max(...started.progress)).toBeGreaterThanOrEqual(74);
    expect(started.messages.some(m => /^Preparing step \d\/4$/.test(m))).toBe(
      true
    );

    // --- Open in a new tab: the hub's public URL of that server.
    const expectedUrl = `${hubUrl}/user/alice/${name}/`;
    const open = server.locator('a.jp-SaturnPanel-openLink');
    await expect(open).toHaveAttribute('href', expectedUrl);
    await expect(open).toHaveAttribute('target', '_blank');
    await expect(open).toHaveAttribute(
      'aria-label',
      `Open alice's server ${displayName} in a new tab`
    );
    const nameLink = server.locator('a.jp-SaturnPanel-name');
    await expect(nameLink).toHaveAttribute('href', expectedUrl);
    await expect(nameLink).toHaveAttribute('target', '_blank');

    const popupPromise = page.context().waitForEvent('page');
    await open.click();
    const popup = await popupPromise;
    // The hub answers on that URL (asking a fresh browser tab to log in first).
    await expect
      .poll(() => popup.url(), { timeout: SLOW })
      .toMatch(new RegExp(`^${hubUrl.replace(/[.:/]/g, '\\$&')}/`));
    await popup.close();
    expect(page.url()).toContain('/lab');

    // --- Stop: stopping, then stopped.
    await recordRow(page, key);
    await action(server, 'stop').click();
    await expect(server).toHaveAttribute('data-status', 'stopped', {
      timeout: SLOW
    });
    const stopped = await rowRecord(page, key);
    expect(inOrder(stopped.statuses, ['running', 'stopping', 'stopped'])).toBe(
      true
    );
    await expect(server.locator('a.jp-SaturnPanel-openLink')).toHaveCount(0);
    await expect(server.locator('.jp-SaturnPanel-status')).toHaveText(
      'stopped'
    );

    // --- Delete, after confirming.
    await action(server, 'delete').click();
    const confirm = dialog(page);
    await expect(confirm.locator('.jp-Dialog-header')).toHaveText(
      `Delete alice's server ${displayName}?`
    );
    await expect(confirm.locator('.jp-Dialog-body')).toContainText(
      `The named server "${name}" of alice will be removed from JupyterHub.`
    );
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(server).toHaveCount(0, { timeout: SLOW });
    expect((await resources(request)).some(r => r.key === key)).toBe(false);
  });

  test('the palette command "Start" asks which one to start', async ({
    page,
    request
  }) => {
    // A stopped named server to pick, prepared through the REST API.
    const name = uniqueName('ui-pal');
    const displayName = `Palette ${name.slice(-6)}`;
    const key = `hub/alice/${name}`;
    created.push(name);
    const post = await request.post(`/saturn-panel/hub/servers/alice/${name}`, {
      data: { displayName }
    });
    expect(post.status()).toBe(202);
    const statusOf = async () =>
      (await resources(request)).find(r => r.key === key)?.status;
    await expect.poll(statusOf, { timeout: SLOW }).toBe('running');
    const stop = await request.delete(
      `/saturn-panel/hub/servers/alice/${name}`
    );
    expect(stop.status()).toBe(202);
    await expect.poll(statusOf, { timeout: SLOW }).toBe('stopped');

    await openPanel(page);
    const server = row(page, key);
    await expect(server).toHaveAttribute('data-status', 'stopped');

    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#modal-command-palette');
    await expect(palette).toBeVisible();
    await palette
      .locator('.lm-CommandPalette-input')
      .fill('Start Server or Workspace');
    const item = palette.locator('.lm-CommandPalette-item', {
      hasText: 'Start Server or Workspace…'
    });
    await expect(item).toBeVisible();
    await expect(item.locator('.lm-CommandPalette-itemLabel')).toHaveText(
      'Start Server or Workspace…'
    );
    await item.click();

    const pick = dialog(page);
    await expect(pick.locator('.jp-Dialog-header')).toHaveText(
      'Start a Server or Workspace'
    );
    // Only what can be started is offered: not the running "analysis".
    await expect(pick.locator('.jp-SaturnPanel-pickItem')).not.toHaveCount(0);
    await expect(
      pick.locator('.jp-SaturnPanel-pickItem', { hasText: 'analysis' })
    ).toHaveCount(0);
    const choice = pick.locator('.jp-SaturnPanel-pickItem', {
      hasText: displayName
    });
    await expect(choice).toContainText('stopped');
    await choice.locator('input[type="radio"]').check();
    await recordRow(page, key);
    await pick.getByRole('button', { name: 'Start' }).click();
    await expect(pick).toHaveCount(0);

    await expect(server).toHaveAttribute('data-status', 'running', {
      timeout: SLOW
    });
    const record = await rowRecord(page, key);
    expect(inOrder(record.statuses, ['stopped', 'pending', 'running'])).toBe(
      true
    );
    await expect(server.locator('a.jp-SaturnPanel-openLink')).toHaveAttribute(
      'href',
      new RegExp(`/user/alice/${name}/$`)
    );
  });
});
