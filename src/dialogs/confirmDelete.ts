/**
 * The confirmation before a named server is deleted.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { IResource, resourceLabel } from '../api';

/**
 * The index of Cancel among the buttons: the focused, default one.
 */
const CANCEL_INDEX = 0;

/**
 * Ask to confirm the deletion of a named server.
 */
export async function confirmDelete(
  resource: IResource,
  trans: TranslationBundle
): Promise<boolean> {
  const label = resourceLabel(resource, trans);
  const result = await showDialog({
    title: trans.__('Delete %1?', label),
    body: trans.__(
      'The named server "%1" of %2 will be removed from JupyterHub. Files in its home directory are kept only if the spawner keeps them.',
      resource.name,
      resource.owner
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({
        label: trans.__('Delete'),
        ariaLabel: trans.__('Delete %1', label)
      })
    ],
    // Cancel has the focus and is the default: Enter must not delete.
    defaultButton: CANCEL_INDEX
  });
  return result.button.accept;
}
