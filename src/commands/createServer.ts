/**
 * The command that creates and starts a named hub server, asking for its
 * name (checked live) unless given a valid one.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { addIcon } from '@jupyterlab/ui-components';
import type { JSONObject } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';

import {
  abilityReason,
  backendBlockedReason,
  backendHeadline,
  errorDetails,
  hubServerKey,
  hubServerLabel,
  isUsable,
  searchHubUsers,
  startHubServer
} from '../api';
import {
  INewServer,
  IUserLookup,
  IUserSearch,
  NewServerBody,
  showFormDialog,
  USER_SUGGESTIONS
} from '../dialogs';
import type { ResourceModel } from '../model';
import { CommandIDs } from '../tokens';
import type { ActionNotifier } from './actionNotifier';
import {
  explainInPalette,
  iconOutsidePalette,
  sendAndApply,
  warn
} from './kit';

/**
 * What the command needs.
 */
export interface ICreateServerOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  notifier: ActionNotifier;
  trans: TranslationBundle;
}

/**
 * The pages of a user search read at most to find a user by exact name.
 */
const FIND_PAGES = 5;

/**
 * Look a hub user up by exact name among those the token may act for (the
 * hub's search matches a substring, so a few pages of 200 are read), with
 * the names of their servers.
 *
 * @param search - `searchHubUsers`, or a stand-in for tests
 * @returns whether the user exists and their servers, or null when the
 *   server cannot tell (an error, or more matches than the pages read)
 */
export async function findHubUser(
  user: string,
  search: typeof searchHubUsers = searchHubUsers
): Promise<IUserLookup | null> {
  const limit = 200;
  let offset: number | null = 0;
  try {
    for (let i = 0; i < FIND_PAGES && offset !== null; i++) {
      const page = await search(user, offset, limit);
      const found = page.users.find(u => u.name === user);
      if (found) {
        return {
          exists: true,
          servers: found.servers.map(server => server.name)
        };
      }
      offset = page.next;
    }
  } catch {
    return null;
  }
  // Not on the pages read: unknown only when every match was read.
  return offset === null ? { exists: false, servers: [] } : null;
}

/**
 * Register `saturn-panel:create-server`.
 */
export function addCreateServerCommand(
  options: ICreateServerOptions
): IDisposable {
  const { app, model, notifier, trans } = options;

  /**
   * Create and start the server; an error message, or null when accepted.
   */
  const submit = async (value: INewServer): Promise<string | null> => {
    const key = hubServerKey(value.user, value.name);
    try {
      await sendAndApply(
        model,
        key,
        () =>
          startHubServer(
            value.user,
            value.name,
            value.displayName || undefined,
            value.userOptions
          ),
        false
      );
      notifier.track(
        key,
        'start',
        hubServerLabel(value.user, value.name, value.displayName, trans)
      );
      notifier.accepted(key);
      return null;
    } catch (error) {
      return errorDetails(error, trans);
    }
  };

  /**
   * Why a server cannot be created now, or null when it can.
   */
  const hubCreateBlocked = (): string | null => {
    const hub = model.config?.hub ?? null;
    if (!hub) {
      return trans.__('The state of JupyterHub is not known yet.');
    }
    return (
      backendBlockedReason(model.config, 'hub', trans) ??
      (isUsable(hub)
        ? abilityReason(model.config, 'hub', 'start', trans)
        : backendHeadline(hub, 'hub', trans))
    );
  };

  return app.commands.addCommand(CommandIDs.createServer, {
    label: trans.__('New Named Server…'),
    // When blocked, the caption (tooltip, aria description) says why.
    caption: () => hubCreateBlocked() ?? trans.__('New named server'),
    icon: iconOutsidePalette(addIcon),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          name: {
            type: 'string',
            description: trans.__('Server name (JupyterHub 6 slug rules)')
          },
          displayName: {
            type: 'string',
            description: trans.__('Free-form display name')
          },
          user: { type: 'string', description: trans.__('Owner') }
        }
      }
    },
    isEnabled: args => {
      const blocked = hubCreateBlocked();
      return blocked === null || explainInPalette(args, blocked);
    },
    execute: async args => {
      const hub = model.config?.hub ?? null;
      const blocked = hubCreateBlocked();
      if (!hub || blocked !== null) {
        warn(
          blocked ??
            trans.__(
              'JupyterHub servers cannot be created now: see the JupyterHub section of the Saturn Panel.'
            )
        );
        return;
      }
      const hubUser = PageConfig.getOption('hubUser');
      const defaultUser =
        typeof args.user === 'string'
          ? args.user
          : hub.kind === 'service'
            ? hubUser
            : (hub.user ?? hubUser);
      const body = new NewServerBody({
        trans,
        user: defaultUser,
        askUser:
          hub.abilities.listAllUsers || hub.kind === 'service' || !defaultUser,
        name: typeof args.name === 'string' ? args.name : undefined,
        displayName:
          typeof args.displayName === 'string' ? args.displayName : undefined,
        exists: (user, name) =>
          model.get(hubServerKey(user, name)) !== undefined,
        submit,
        knownUsers: Private.knownHubUsers(model, defaultUser),
        searchUsers: Private.suggestHubUsers,
        findUser: user => findHubUser(user),
        // The hub's start options, as "Start with options…" offers them.
        startOptions: hub.spawnOptions?.schema
          ? {
              schema: hub.spawnOptions.schema as JSONObject,
              spawnPage: (user, name) => Private.spawnPage(model, user, name)
            }
          : null
      });
      if (typeof args.name === 'string' && body.isValid()) {
        // Everything given and valid: no need to ask.
        const error = await submit(body.getValue());
        body.dispose();
        if (error) {
          Notification.error(
            trans.__('Could not create %1: %2', args.name, error),
            { autoClose: false }
          );
        }
        return;
      }
      await showFormDialog({
        title: trans.__('New Named Server'),
        body,
        acceptLabel: trans.__('Create and Start'),
        trans,
        focusNodeSelector: 'input[name="displayName"]'
      });
    }
  });
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * The hub's own start page of a user's server (`name` empty: their
   * default server), from the start page the server gave for one of that
   * user's servers (the hub's origin and prefix are the server's to know).
   */
  export function spawnPage(
    model: ResourceModel,
    user: string,
    name: string
  ): string | null {
    const page = model.get(hubServerKey(user, ''))?.details.spawnPage;
    if (typeof page !== 'string' || !page) {
      return null;
    }
    return name ? `${page}/${encodeURIComponent(name)}` : page;
  }

  /**
   * The hub users the panel knows of: the owners of the servers it shows
   * (and the token's own user), suggested at once for "for user".
   */
  export function knownHubUsers(
    model: ResourceModel,
    own: string
  ): ReadonlyArray<string> {
    const users = new Set<string>();
    if (own) {
      users.add(own);
    }
    for (const resource of model.resources) {
      if (resource.backend === 'hub' && resource.owner) {
        users.add(resource.owner);
      }
    }
    return Array.from(users).sort();
  }

  /**
   * The users whose names contain `text` among those the token may act for
   * (`GET saturn-panel/hub/users`), or null when the server cannot tell.
   */
  export async function suggestHubUsers(
    text: string
  ): Promise<IUserSearch | null> {
    try {
      const page = await searchHubUsers(text, 0, USER_SUGGESTIONS);
      return {
        users: page.users.map(user => user.name),
        more: page.next !== null
      };
    } catch {
      return null;
    }
  }
}
