/**
 * The panel's dialogs as a person uses them (issue 12, finding 3): the delete
 * confirmation focuses Cancel, form dialogs keep their width while one types,
 * a server name typed as "My Server" offers my-server, "For user" suggests
 * the hub's users, and a recipe is chosen in JupyterLab's file dialog.
 */
import { expect, test } from '@jupyterlab/galata';
import type { APIRequestContext, Locator, Page } from '@playwright/test';

import {
  SLOW,
  action,
  dialog,
  openPanel,
  resources,
  row,
  uniqueName
} from './helpers';

/** Named servers of alice this file created, removed after each test. */
const created: string[] = [];

test.afterEach(async ({ request }) => {
  while (created.length > 0) {
    const name = created.pop()!;
    const response = await request.delete(
      `/saturn-panel/hub/servers/alice/${name}?remove=1`
    );
    expect([202, 404]).toContain(response.status());
  }
});

/** The width of the open dialog's box, in CSS pixels. */
async function dialogWidth(form: Locator): Promise<number> {
  const box = await form.locator('.jp-Dialog-content').boundingBox();
  expect(box).not.toBeNull();
  return Math.round(box!.width);
}

/** Open the "New Named Server" dialog from the panel's header. */
async function openNewServer(page: Page): Promise<Locator> {
  await page
    .locator('#saturn-panel jp-button[aria-label="New named server"]')
    .click();
  const form = dialog(page);
  await expect(form.locator('.jp-Dialog-header')).toHaveText(
    'New Named Server'
  );
  await expect(form.locator('input[name="displayName"]')).toBeFocused();
  return form;
}

/** A stopped named server of alice, made through the REST API. */
async function stoppedServer(
  request: APIRequestContext,
  name: string
): Promise<string> {
  const key = `hub/alice/${name}`;
  created.push(name);
  const post = await request.post(`/saturn-panel/hub/servers/alice/${name}`);
  expect(post.status()).toBe(202);
  const statusOf = async () =>
    (await resources(request)).find(r => r.key === key)?.status;
  await expect.poll(statusOf, { timeout: SLOW }).toBe('running');
  const stop = await request.delete(`/saturn-panel/hub/servers/alice/${name}`);
  expect(stop.status()).toBe(202);
  await expect.poll(statusOf, { timeout: SLOW }).toBe('stopped');
  return key;
}

test.describe('dialogs', () => {
  test('the delete confirmation focuses Cancel: Enter keeps the server', async ({
    page,
    request
  }) => {
    const key = await stoppedServer(request, uniqueName('ui-del'));
    await openPanel(page);
    const server = row(page, key);
    await expect(server).toHaveAttribute('data-status', 'stopped', {
      timeout: SLOW
    });

    await action(server, 'delete').click();
    const confirm = dialog(page);
    await expect(confirm.locator('.jp-Dialog-header')).toContainText('Delete');
    const cancel = confirm.locator('.jp-Dialog-footer button.jp-mod-reject');
    const remove = confirm.locator('.jp-Dialog-footer button.jp-mod-warn');
    await expect(cancel).toBeFocused();
    await expect(remove).not.toBeFocused();
    await expect(remove).toHaveAccessibleName(/^Delete /);

    // Enter (what a hurried keyboard does first) cancels.
    await page.keyboard.press('Enter');
    await expect(confirm).toHaveCount(0);
    await expect(server).toHaveAttribute('data-status', 'stopped');
    expect((await resources(request)).some(r => r.key === key)).toBe(true);

    // Deleting takes a deliberate move to the red button.
    await action(server, 'delete').click();
    await expect(cancel).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(remove).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(server).toHaveCount(0, { timeout: SLOW });
  });

  test('the new-server dialog keeps its width while one types', async ({
    page
  }) => {
    await openPanel(page);
    const form = await openNewServer(page);
    const width = await dialogWidth(form);
    const name = form.locator('input[name="serverName"]');
    const displayName = form.locator('input[name="displayName"]');

    const steps: [Locator, string][] = [
      [displayName, 'A display name that goes on and on '.repeat(6)],
      [name, 'My Server'],
      [name, 'x'.repeat(31)],
      [name, 'an-invalid-name-with-a-very-long-tail-that-never-ends-'],
      [name, 'dev\u{1F680}'],
      [name, 'ok'],
      [displayName, '']
    ];
    for (const [input, text] of steps) {
      await input.fill(text);
      await expect(input).toHaveValue(text);
      expect(await dialogWidth(form), `width after typing ${text}`).toBe(width);
    }
    // The emoji is quoted whole, not as U+FFFD.
    await name.fill('dev\u{1F680}');
    await expect(form.locator('#saturn-panel-name-help')).toHaveText(
      'Only lowercase letters, digits and "-" are allowed, not "\u{1F680}".'
    );
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  test('"My Server" typed as a name offers my-server, by click or keyboard', async ({
    page
  }) => {
    await openPanel(page);
    const form = await openNewServer(page);
    const name = form.locator('input[name="serverName"]');
    const accept = form.getByRole('button', { name: 'Create and Start' });

    await name.fill('My Server');
    const use = form.getByRole('button', {
      name: 'Use "my-server", the suggested server name'
    });
    await expect(use).toHaveText('Use "my-server"');
    await expect(accept).toBeDisabled();
    await use.click();
    await expect(name).toHaveValue('my-server');
    await expect(name).toBeFocused();
    await expect(name).not.toHaveAttribute('aria-invalid', /.*/);
    await expect(use).toHaveCount(0);

    // By keyboard: Tab from the name reaches the suggestion; Enter takes it
    // (and does not submit the dialog).
    await name.fill('Dev_Box 2');
    await expect(
      form.getByRole('button', {
        name: 'Use "dev-box-2", the suggested server name'
      })
    ).toBeVisible();
    await name.press('Tab');
    await expect(
      form.getByRole('button', {
        name: 'Use "dev-box-2", the suggested server name'
      })
    ).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(name).toHaveValue('dev-box-2');
    await expect(form).toBeVisible();
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  test('"For user" suggests the hub\'s users and refuses an unknown one', async ({
    page
  }) => {
    await openPanel(page);
    const form = await openNewServer(page);
    const user = form.locator('input[name="user"]');
    await expect(user).toBeVisible();
    const listId = await user.getAttribute('list');
    expect(listId).toBeTruthy();
    const options = form.locator(`datalist[id="${listId}"] option`);

    // The server's search (GET hub/users), after a pause in typing.
    await user.fill('bo');
    await expect(options.and(page.locator('[value="bob"]'))).toHaveCount(1, {
      timeout: SLOW
    });

    await form.locator('input[name="serverName"]').fill(uniqueName('ui-who'));
    await user.fill('no-such-user-here');
    await form.getByRole('button', { name: 'Create and Start' }).click();
    await expect(form.getByRole('alert')).toContainText(
      'JupyterHub has no user "no-such-user-here" that this panel may create servers for'
    );
    await expect(user).toHaveAttribute('aria-invalid', 'true');
    await expect(form).toBeVisible();
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  test("a recipe is chosen in JupyterLab's file dialog, YAML included", async ({
    page,
    tmpPath
  }) => {
    const name = uniqueName('ui-yaml');
    const path = `${tmpPath}/ws.yaml`;
    await page.contents.uploadContent(
      [
        'schema_version: 2025.10.01',
        'type: workspace',
        'spec:',
        `  name: ${name}`,
        '  image: saturncloud/saturn-python:2024.08.01',
        '  instance_type: large',
        ''
      ].join('\n'),
      'text',
      path
    );
    await page.contents.uploadContent(
      'not a recipe',
      'text',
      `${tmpPath}/notes.txt`
    );

    await openPanel(page);
    await page
      .locator(
        '#saturn-panel jp-button[aria-label="New workspace from recipe"]'
      )
      .click();
    const form = dialog(page);
    await expect(form.locator('.jp-Dialog-header')).toHaveText(
      'New Saturn Cloud Resource from a Recipe'
    );
    const width = await dialogWidth(form);
    await form.getByRole('button', { name: 'Choose File…' }).click();

    const files = dialog(page);
    await expect(files.locator('.jp-Dialog-header')).toHaveText(
      'Choose a Recipe File'
    );
    // Into the test's folder, where only the recipe is offered.
    await files
      .locator('.jp-DirListing-item', { hasText: tmpPath.split('/').pop()! })
      .dblclick();
    await expect(
      files.locator('.jp-DirListing-item', { hasText: 'ws.yaml' })
    ).toBeVisible();
    await expect(
      files.locator('.jp-DirListing-item', { hasText: 'notes.txt' })
    ).toHaveCount(0);
    await files.locator('.jp-DirListing-item', { hasText: 'ws.yaml' }).click();
    await files.getByRole('button', { name: 'Select' }).click();

    // The recipe dialog again, with the file's recipe as JSON.
    await expect(form.locator('.jp-Dialog-header')).toHaveText(
      'New Saturn Cloud Resource from a Recipe'
    );
    await expect(form.locator('input[name="path"]')).toHaveValue(path);
    await expect(form.locator('textarea[name="recipe"]')).toHaveValue(
      new RegExp(`"name": "${name}"`)
    );
    await expect(form.locator('.jp-SaturnPanel-fieldHelp')).toHaveText(
      `Creates the workspace "${name}".`
    );
    await expect(form.getByRole('button', { name: 'Create' })).toBeEnabled();
    expect(await dialogWidth(form)).toBe(width);
    await form.getByRole('button', { name: 'Cancel' }).click();
    await expect(form).toHaveCount(0);
  });
});
