import { expect, test } from '@jupyterlab/galata';

test('lab opens', async ({ page }) => {
  await expect(page.locator('#jp-main-dock-panel')).toBeVisible();
});
