/**
 * The sharing commands (issue 20): Share…, Manage Sharing… and Leave Share,
 * each on a hub server's key (`{key}`), and their context-menu items.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { DisposableSet, IDisposable } from '@lumino/disposable';

import { IResource, resourceLabel, searchHubUsers } from '../api';
import { errorDetails } from '../api/request';
import {
  argKey,
  contextMenuData,
  refreshCommandsOn,
  reportError,
  ROW_CLASS
} from '../commands/kit';
import type { ResourceModel } from '../model';
import {
  acceptLink,
  createShareCode,
  INewShareCode,
  leaveShare,
  listServerShares,
  listShareCodes,
  parseHubKey,
  revokeShare,
  revokeShareCode,
  shareServer
} from './api';
import {
  copyText,
  ManageSharingBody,
  ShareBody,
  showShareLink
} from './dialogs';
import { showFormDialog } from '../dialogs';
import { SharingStore, sharingStore } from './store';

/**
 * The ids of the sharing commands.
 */
export namespace SharingCommandIDs {
  /**
   * Share a hub server with a user, a group, or by a link. Args `{key}`.
   */
  export const share = 'saturn-panel:share-server';
  /**
   * List a hub server's shares and links, and revoke them. Args `{key}`.
   */
  export const manage = 'saturn-panel:manage-sharing';
  /**
   * Leave a server shared with the user. Args `{key}`.
   */
  export const leave = 'saturn-panel:leave-share';
}

/**
 * The class of a row of the Shared with me group (its `data-key` names the
 * shared server).
 */
export const SHARED_ROW_CLASS = 'jp-SaturnPanel-sharedRow';

/**
 * The share icon (a node with two branches).
 */
export const shareIcon = new LabIcon({
  name: 'saturn-panel:share',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24"><path class="jp-icon3" fill="#616161" d="M18 16.08c-.76 0-1.44.3-1.96.77L8.91 12.7c.05-.23.09-.46.09-.7s-.04-.47-.09-.7l7.05-4.11A2.99 2.99 0 0 0 21 5a3 3 0 1 0-5.91.7L8.04 9.81A2.99 2.99 0 0 0 3 12a3 3 0 0 0 5.04 2.19l7.12 4.16c-.05.21-.08.43-.08.65A2.92 2.92 0 1 0 18 16.08z"/></svg>'
});

/**
 * What the sharing commands need.
 */
export interface ISharingCommandsOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  trans: TranslationBundle;
  /**
   * The store (the panel's one by default).
   */
  store?: SharingStore;
}

/**
 * Register the sharing commands.
 */
export function addSharingCommands(
  options: ISharingCommandsOptions
): IDisposable {
  const { app, model, trans } = options;
  const store = options.store ?? sharingStore;
  const { commands } = app;
  const disposables = new DisposableSet();

  /**
   * The hub server a command runs on, or null.
   */
  const serverOf = (
    args: ReadonlyPartialJSONObject
  ): { key: string; owner: string; name: string; label: string } | null => {
    const key = argKey(app, model, args);
    if (key === null) {
      return null;
    }
    const resource: IResource | undefined = model.get(key);
    if (resource) {
      return resource.backend === 'hub' && resource.kind === 'server'
        ? {
            key,
            owner: resource.owner,
            name: resource.name,
            label: resourceLabel(resource, trans)
          }
        : null;
    }
    const parsed = parseHubKey(key);
    return parsed
      ? {
          key,
          ...parsed,
          label: parsed.name
            ? trans.__("%1's server %2", parsed.owner, parsed.name)
            : trans.__("%1's default server", parsed.owner)
        }
      : null;
  };

  const blockedReason = (args: ReadonlyPartialJSONObject): string | null => {
    const config = store.config;
    if (!config) {
      return trans.__('Whether this hub allows sharing is not known yet.');
    }
    if (!config.share) {
      return (
        config.sharingHint ??
        trans.__('The JupyterHub token may not share servers.')
      );
    }
    const server = serverOf(args);
    if (server && !store.canShare(server.owner)) {
      return trans.__('Only %1 may share this server.', server.owner);
    }
    return null;
  };

  const visibleOnRow = (args: ReadonlyPartialJSONObject): boolean => {
    if (args.contextMenu !== true) {
      return true;
    }
    const server = serverOf(args);
    return !!server && store.canShare(server.owner);
  };

  disposables.add(
    commands.addCommand(SharingCommandIDs.share, {
      label: args => {
        const server = typeof args.key === 'string' ? serverOf(args) : null;
        return server
          ? trans.__('Share %1…', server.label)
          : trans.__('Share…');
      },
      caption: args =>
        blockedReason(args) ??
        trans.__('Share this server with a user, a group, or by a link'),
      icon: args => (args.isPalette ? undefined : shareIcon),
      isEnabled: args => {
        const server = serverOf(args);
        return !!server && store.canShare(server.owner);
      },
      isVisible: visibleOnRow,
      execute: async args => {
        const server = serverOf(args);
        const config = store.config;
        if (!server || !config || !store.canShare(server.owner)) {
          Notification.warning(
            blockedReason(args) ?? trans.__('Choose a hub server to share.'),
            { autoClose: 5000 }
          );
          return;
        }
        let made: INewShareCode | null = null;
        const body = new ShareBody({
          config,
          trans,
          serverLabel: server.label,
          owner: server.owner,
          knownUsers: model
            .hubServers()
            .map(group => group.owner)
            .filter(owner => owner !== server.owner),
          searchUsers: async text => {
            const page = await searchHubUsers(text, 0, 20);
            return {
              users: page.users.map(user => user.name),
              more: page.next !== null
            };
          },
          submit: async choice => {
            try {
              if (choice.mode === 'link') {
                made = await createShareCode(
                  server.owner,
                  server.name,
                  choice.expiresIn,
                  choice.scopes
                );
              } else {
                await shareServer(
                  server.owner,
                  server.name,
                  choice.mode === 'user'
                    ? { user: choice.target }
                    : { group: choice.target },
                  choice.scopes
                );
              }
              return null;
            } catch (error) {
              return errorDetails(error, trans);
            }
          }
        });
        const choice = await showFormDialog({
          title: trans.__('Share %1', server.label),
          body,
          acceptLabel: trans.__('Share'),
          trans,
          focusNodeSelector: 'input:checked, input'
        });
        if (!choice) {
          return;
        }
        void store.refreshOwner(server.owner);
        if (choice.mode === 'link') {
          const code = made as INewShareCode | null;
          const link = code ? acceptLink(code) : null;
          if (!code || !link) {
            Notification.error(
              trans.__('The hub made a link but did not say its address.'),
              { autoClose: false }
            );
            return;
          }
          const copied = await copyText(link);
          await showShareLink(link, copied, code.expiresAt, trans);
        } else {
          Notification.success(
            choice.mode === 'user'
              ? trans.__('%1 is shared with %2.', server.label, choice.target)
              : trans.__(
                  '%1 is shared with the group %2.',
                  server.label,
                  choice.target
                ),
            { autoClose: 5000 }
          );
        }
      }
    })
  );

  disposables.add(
    commands.addCommand(SharingCommandIDs.manage, {
      label: args => {
        const server = typeof args.key === 'string' ? serverOf(args) : null;
        return server
          ? trans.__('Manage Sharing of %1…', server.label)
          : trans.__('Manage Sharing…');
      },
      caption: args =>
        blockedReason(args) ??
        trans.__('See who this server is shared with, and revoke any of it'),
      isEnabled: args => {
        const server = serverOf(args);
        return !!server && store.canShare(server.owner);
      },
      isVisible: visibleOnRow,
      execute: async args => {
        const server = serverOf(args);
        if (!server || !store.canShare(server.owner)) {
          Notification.warning(
            blockedReason(args) ?? trans.__('Choose a hub server.'),
            { autoClose: 5000 }
          );
          return;
        }
        const { owner, name } = server;
        const body = new ManageSharingBody({
          trans,
          serverLabel: server.label,
          load: async () => {
            const [shares, codes] = await Promise.all([
              listServerShares(owner, name),
              listShareCodes(owner, name)
            ]);
            return { shares, codes };
          },
          revokeShare: share => revokeShare(owner, name, share),
          revokeCode: code => revokeShareCode(owner, name, code.id)
        });
        void body.load();
        const dialog = new Dialog({
          title: trans.__('Sharing of %1', server.label),
          body,
          buttons: [Dialog.okButton({ label: trans.__('Close') })]
        });
        dialog.addClass('jp-SaturnPanel-dialog');
        await dialog.launch();
        dialog.dispose();
        await store.refreshOwner(owner);
      }
    })
  );

  const sharedLabel = (server: { owner: string; name: string }) =>
    server.name
      ? trans.__("%1's server %2", server.owner, server.name)
      : trans.__("%1's default server", server.owner);

  const sharedOf = (args: ReadonlyPartialJSONObject) => {
    const key =
      typeof args.key === 'string'
        ? args.key
        : args.contextMenu === true
          ? contextMenuData(app, SHARED_ROW_CLASS, 'key')
          : null;
    return key
      ? ((store.sharedWithMe ?? []).find(share => share.server.key === key) ??
          null)
      : null;
  };

  disposables.add(
    commands.addCommand(SharingCommandIDs.leave, {
      label: args => {
        const share = typeof args.key === 'string' ? sharedOf(args) : null;
        return share
          ? trans.__('Leave %1', sharedLabel(share.server))
          : trans.__('Leave Share');
      },
      caption: args => {
        const share = sharedOf(args);
        if (share?.kind === 'group') {
          return trans.__(
            'Shared with your group %1: leaving the group ends it.',
            share.group ?? ''
          );
        }
        return trans.__('Stop having access to this server shared with you');
      },
      isEnabled: args => sharedOf(args)?.kind === 'user',
      isVisible: args => args.contextMenu !== true || !!sharedOf(args),
      execute: async args => {
        const share = sharedOf(args);
        if (!share || share.kind !== 'user') {
          return;
        }
        const { owner, name } = share.server;
        const label = sharedLabel(share.server);
        const answer = await showDialog({
          title: trans.__('Leave %1?', label),
          body: trans.__(
            'You will no longer have access to it, until %1 shares it again.',
            owner
          ),
          buttons: [
            Dialog.cancelButton({ label: trans.__('Cancel') }),
            Dialog.warnButton({ label: trans.__('Leave') })
          ]
        });
        if (!answer.button.accept) {
          return;
        }
        try {
          store.setSharedWithMe(await leaveShare(owner, name));
        } catch (error) {
          reportError(trans.__('Could not leave %1', label), error, trans);
        }
      }
    })
  );

  disposables.add(
    refreshCommandsOn(
      commands,
      [
        SharingCommandIDs.share,
        SharingCommandIDs.manage,
        SharingCommandIDs.leave
      ],
      [store.changed, model.changed]
    )
  );
  return disposables;
}

/**
 * The context-menu items: Share… and Manage Sharing… on hub server rows,
 * Leave Share on the Shared with me rows.
 */
export function addSharingContextMenuItems(app: JupyterFrontEnd): IDisposable {
  const disposables = new DisposableSet();
  [SharingCommandIDs.share, SharingCommandIDs.manage].forEach((command, i) =>
    disposables.add(
      app.contextMenu.addItem({
        command,
        selector: `.${ROW_CLASS}[data-backend="hub"]`,
        rank: 20 + i,
        args: { contextMenu: true }
      })
    )
  );
  disposables.add(
    app.contextMenu.addItem({
      command: SharingCommandIDs.leave,
      selector: `.${SHARED_ROW_CLASS}`,
      rank: 30,
      args: { contextMenu: true }
    })
  );
  return disposables;
}
