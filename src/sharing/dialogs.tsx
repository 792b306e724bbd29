/**
 * The sharing dialogs: Share… (with a user, a group, or by a link) and
 * Manage Sharing… (list and revoke).
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import { errorDetails } from '../api/request';
import { FormBody, IUserSearch } from '../dialogs';
import type { IShare, IShareCode, ISharingConfig } from './api';

/**
 * How a share is made.
 */
export type ShareMode = 'user' | 'group' | 'link';

/**
 * What the Share dialog answers.
 */
export interface IShareChoice {
  readonly mode: ShareMode;
  /**
   * The user or group name (empty for a link).
   */
  readonly target: string;
  readonly scopes: ReadonlyArray<string>;
  /**
   * A link's lifetime in seconds.
   */
  readonly expiresIn: number;
}

/**
 * The hub's default share scope.
 */
export const DEFAULT_SCOPE = 'access:servers';

/**
 * The lifetimes a link may be given (the hub accepts 60 s to 365 days).
 */
export const LINK_EXPIRIES: ReadonlyArray<number> = [
  3600,
  86400,
  7 * 86400,
  30 * 86400,
  365 * 86400
];

/**
 * One day: the hub's default.
 */
export const DEFAULT_EXPIRY = 86400;

/**
 * The ways to share the token allows, in order.
 */
export function shareModes(config: ISharingConfig): ShareMode[] {
  const modes: ShareMode[] = [];
  if (config.shareWithNames && config.shareWithUsers) {
    modes.push('user');
  }
  if (config.shareWithNames && config.shareWithGroups) {
    modes.push('group');
  }
  modes.push('link');
  return modes;
}

/**
 * A label for a share scope.
 */
export function scopeLabel(scope: string, trans: TranslationBundle): string {
  const bare = scope.split('!')[0];
  switch (bare) {
    case 'access:servers':
      return trans.__('Open and use it');
    case 'read:servers':
      return trans.__('See its status');
    case 'start:servers':
      return trans.__('Start it');
    case 'delete:servers':
      return trans.__('Stop it');
    case 'servers':
      return trans.__('Manage it (start, stop, status)');
    default:
      return bare;
  }
}

/**
 * A label for a link's lifetime.
 */
export function expiryLabel(seconds: number, trans: TranslationBundle): string {
  if (seconds < 86400) {
    const hours = Math.round(seconds / 3600);
    return trans._n('%1 hour', '%1 hours', hours);
  }
  const days = Math.round(seconds / 86400);
  return trans._n('%1 day', '%1 days', days);
}

/**
 * The 6.1.1 caveat on sharing with a group.
 */
export function groupCaveat(trans: TranslationBundle): string {
  return trans.__(
    "JupyterHub (as of 6.1.1) lists a share made to a group but does not give the group's members access: share with each user, or by a link."
  );
}

/**
 * The body of the Share dialog.
 */
export class ShareBody extends FormBody<IShareChoice> {
  constructor(options: ShareBody.IOptions) {
    super(options.submit);
    this._options = options;
    this._modes = shareModes(options.config);
    this._mode = this._modes[0];
    this._scopes = options.config.shareScopes.includes(DEFAULT_SCOPE)
      ? [DEFAULT_SCOPE]
      : options.config.shareScopes.slice(0, 1);
    this._listId = `jp-SaturnPanel-shareUsers-${++Private.counter.id}`;
  }

  /**
   * Enter in the name field while it is not one of the suggestions picks
   * from the browser's list instead of submitting.
   */
  handlesEnter(target: EventTarget | null): boolean {
    return (
      target instanceof HTMLInputElement &&
      target.name === 'target' &&
      this._mode === 'user' &&
      this._suggestions().length > 0 &&
      !this._suggestions().includes(this._target.trim())
    );
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    super.dispose();
  }

  getValue(): IShareChoice {
    return {
      mode: this._mode,
      target: this._mode === 'link' ? '' : this._target.trim(),
      scopes: this._scopes,
      expiresIn: this._expiresIn
    };
  }

  isValid(): boolean {
    return this._targetReason() === null && this._scopes.length > 0;
  }

  render(): JSX.Element {
    const { trans, config, serverLabel } = this._options;
    const reason = this._targetReason();
    const modeLabels: { [mode in ShareMode]: string } = {
      user: trans.__('With a user'),
      group: trans.__('With a group'),
      link: trans.__('Create a link')
    };
    return (
      <div className="jp-SaturnPanel-formFields jp-SaturnPanel-share">
        <div className="jp-SaturnPanel-shareIntro">
          {trans.__('Share %1', serverLabel)}
        </div>
        <fieldset className="jp-SaturnPanel-shareModes">
          <legend>{trans.__('How')}</legend>
          {this._modes.map(mode => (
            <label key={mode} className="jp-SaturnPanel-shareMode">
              <input
                type="radio"
                name="mode"
                value={mode}
                checked={this._mode === mode}
                onChange={() => {
                  this._mode = mode;
                  this.serverError = null;
                  this.update();
                }}
              />
              <span>{modeLabels[mode]}</span>
            </label>
          ))}
        </fieldset>
        {!config.shareWithNames && (
          <div className="jp-SaturnPanel-hint jp-SaturnPanel-shareNamesHint">
            {config.sharingHint ??
              trans.__(
                'This token may not read user or group names: only links can be made.'
              )}
          </div>
        )}
        {this._mode !== 'link' && (
          <label className="jp-SaturnPanel-field">
            <span>
              {this._mode === 'user' ? trans.__('User') : trans.__('Group')}
            </span>
            <input
              className="jp-mod-styled"
              type="text"
              name="target"
              aria-label={
                this._mode === 'user'
                  ? trans.__('User to share with')
                  : trans.__('Group to share with')
              }
              aria-invalid={
                reason && (this._target !== '' || this.attempted)
                  ? true
                  : undefined
              }
              list={this._mode === 'user' ? this._listId : undefined}
              autoComplete="off"
              spellCheck={false}
              value={this._target}
              onChange={event => {
                this._target = event.target.value;
                this.serverError = null;
                this._scheduleSearch();
                this.update();
              }}
              onFocus={() => {
                if (this._searched === null) {
                  this._scheduleSearch();
                }
              }}
            />
            {this._mode === 'user' && (
              <datalist id={this._listId}>
                {this._suggestions().map(user => (
                  <option key={user} value={user} />
                ))}
              </datalist>
            )}
            {reason && (this._target !== '' || this.attempted) && (
              <span className="jp-SaturnPanel-fieldError" role="alert">
                {reason}
              </span>
            )}
          </label>
        )}
        {this._mode === 'group' && (
          <div
            className="jp-SaturnPanel-hint jp-SaturnPanel-groupCaveat"
            role="note"
          >
            {groupCaveat(trans)}
          </div>
        )}
        {this._mode === 'link' && (
          <label className="jp-SaturnPanel-field">
            <span>{trans.__('The link expires after')}</span>
            <select
              className="jp-mod-styled"
              name="expiresIn"
              aria-label={trans.__('Link expiry')}
              value={this._expiresIn}
              onChange={event => {
                this._expiresIn = Number(event.target.value);
                this.update();
              }}
            >
              {LINK_EXPIRIES.map(seconds => (
                <option key={seconds} value={seconds}>
                  {expiryLabel(seconds, trans)}
                </option>
              ))}
            </select>
          </label>
        )}
        {config.shareScopes.length > 1 && (
          <fieldset className="jp-SaturnPanel-shareScopes">
            <legend>{trans.__('They may')}</legend>
            {config.shareScopes.map(scope => (
              <label key={scope} className="jp-SaturnPanel-shareScope">
                <input
                  type="checkbox"
                  name="scope"
                  value={scope}
                  checked={this._scopes.includes(scope)}
                  onChange={event => {
                    this._scopes = event.target.checked
                      ? config.shareScopes.filter(
                          s => s === scope || this._scopes.includes(s)
                        )
                      : this._scopes.filter(s => s !== scope);
                    this.update();
                  }}
                />
                <span title={scope}>{scopeLabel(scope, trans)}</span>
              </label>
            ))}
            {this._scopes.length === 0 && (
              <span className="jp-SaturnPanel-fieldError" role="alert">
                {trans.__('Choose at least one permission.')}
              </span>
            )}
          </fieldset>
        )}
        {this.renderFeedback(
          this._mode === 'link'
            ? trans.__('Creating the link…')
            : trans.__('Sharing…')
        )}
      </div>
    );
  }

  private _targetReason(): string | null {
    if (this._mode === 'link') {
      return null;
    }
    const trans = this._options.trans;
    const text = this._target.trim();
    if (!text) {
      return this._mode === 'user'
        ? trans.__('Name the user to share with.')
        : trans.__('Name the group to share with.');
    }
    if (text.length > 255 || Private.hasControl(text)) {
      return trans.__(
        'A name has 1 to 255 characters, without control characters.'
      );
    }
    if (this._mode === 'user' && text === this._options.owner) {
      return trans.__('This is the server’s owner.');
    }
    return null;
  }

  private _suggestions(): ReadonlyArray<string> {
    const text = this._target.trim().toLowerCase();
    const known = (this._options.knownUsers ?? []).filter(
      user => user !== this._options.owner && user.toLowerCase().includes(text)
    );
    const found = (this._searched?.users ?? []).filter(
      user => user !== this._options.owner
    );
    return Array.from(new Set([...known, ...found])).slice(0, 20);
  }

  private _scheduleSearch(): void {
    const search = this._options.searchUsers;
    if (!search || this._mode !== 'user') {
      return;
    }
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      const ticket = ++this._ticket;
      search(this._target.trim())
        .catch(() => null)
        .then(answer => {
          if (ticket === this._ticket && !this.isDisposed) {
            this._searched = answer ?? { users: [], more: false };
            this.update();
          }
        });
    }, 250);
  }

  private _options: ShareBody.IOptions;
  private _modes: ShareMode[];
  private _mode: ShareMode;
  private _target = '';
  private _scopes: string[];
  private _expiresIn = DEFAULT_EXPIRY;
  private _listId: string;
  private _searched: IUserSearch | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _ticket = 0;
}

/**
 * The namespace for `ShareBody` statics.
 */
export namespace ShareBody {
  export interface IOptions {
    readonly config: ISharingConfig;
    readonly trans: TranslationBundle;
    /**
     * The server's full label ("alice's server dev").
     */
    readonly serverLabel: string;
    readonly owner: string;
    /**
     * Users to suggest at once (the owners the panel knows).
     */
    readonly knownUsers?: ReadonlyArray<string>;
    /**
     * Ask the hub for users whose name contains a text (as the token may).
     */
    readonly searchUsers?: (text: string) => Promise<IUserSearch | null>;
    /**
     * Make the share while the dialog stays open: an error message to show,
     * or null to close.
     */
    readonly submit: (choice: IShareChoice) => Promise<string | null>;
  }
}

/**
 * Show the link of a share code, once: it is copied already when `copied`.
 */
export async function showShareLink(
  link: string,
  copied: boolean,
  expiresAt: string | null,
  trans: TranslationBundle
): Promise<void> {
  const body = (
    <div className="jp-SaturnPanel-shareLink">
      <p role="status">
        {copied
          ? trans.__('The link is copied to the clipboard.')
          : trans.__(
              'Copy the link below: the clipboard could not be used.'
            )}{' '}
        {trans.__(
          'Send it to whom you share with: they open it, logged in to the hub, and accept. It is shown only now.'
        )}
      </p>
      <input
        className="jp-mod-styled jp-SaturnPanel-shareLinkText"
        type="text"
        readOnly
        aria-label={trans.__('Share link')}
        value={link}
        onFocus={event => event.target.select()}
      />
      {expiresAt && (
        <p className="jp-SaturnPanel-hint">
          {trans.__('It expires %1.', new Date(expiresAt).toLocaleString())}
        </p>
      )}
    </div>
  );
  await showDialog({
    title: trans.__('Share link'),
    body,
    buttons: [Dialog.okButton({ label: trans.__('Done') })],
    focusNodeSelector: 'input'
  });
}

/**
 * Copy a text to the clipboard.
 *
 * @returns whether it worked
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall back on the selection below.
  }
  try {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  } catch {
    return false;
  }
}

/**
 * What the Manage Sharing dialog reads and revokes with.
 */
export interface IManageOptions {
  readonly trans: TranslationBundle;
  readonly serverLabel: string;
  readonly load: () => Promise<{
    shares: ReadonlyArray<IShare>;
    codes: ReadonlyArray<IShareCode>;
  }>;
  readonly revokeShare: (share: IShare) => Promise<ReadonlyArray<IShare>>;
  readonly revokeCode: (code: IShareCode) => Promise<ReadonlyArray<IShareCode>>;
}

/**
 * The body of the Manage Sharing dialog.
 */
export class ManageSharingBody extends ReactWidget {
  constructor(options: IManageOptions) {
    super();
    this._options = options;
    this.addClass('jp-SaturnPanel-manageSharing');
  }

  /**
   * Read the shares and links (the dialog shows "Loading…" meanwhile).
   */
  async load(): Promise<void> {
    try {
      const { shares, codes } = await this._options.load();
      this._shares = shares;
      this._codes = codes;
      this._error = null;
    } catch (error) {
      this._error = errorDetails(error, this._options.trans);
    }
    this._loaded = true;
    this.update();
  }

  render(): JSX.Element {
    const trans = this._options.trans;
    if (!this._loaded) {
      return (
        <div className="jp-SaturnPanel-empty" role="status">
          {trans.__('Loading…')}
        </div>
      );
    }
    return (
      <div className="jp-SaturnPanel-formFields">
        {this._error && (
          <div className="jp-SaturnPanel-formError" role="alert">
            {this._error}
          </div>
        )}
        <h3 className="jp-SaturnPanel-manageHeading">
          {trans.__('Shared with')}
        </h3>
        {this._shares.length === 0 ? (
          <div className="jp-SaturnPanel-empty jp-mod-noShares">
            {trans.__('Not shared with anyone.')}
          </div>
        ) : (
          <ul
            className="jp-SaturnPanel-manageList"
            aria-label={trans.__('Shares')}
          >
            {this._shares.map(share => {
              const who =
                share.kind === 'group'
                  ? trans.__('group %1', share.group ?? '')
                  : (share.user ?? '');
              return (
                <li
                  key={`${share.kind}:${who}`}
                  className="jp-SaturnPanel-manageItem"
                  data-share={who}
                >
                  <span className="jp-SaturnPanel-manageWho">{who}</span>
                  <span className="jp-SaturnPanel-manageWhat">
                    {share.scopes.map(s => scopeLabel(s, trans)).join(', ')}
                  </span>
                  {share.kind === 'group' && (
                    <span className="jp-SaturnPanel-hint">
                      {groupCaveat(trans)}
                    </span>
                  )}
                  <button
                    type="button"
                    className="jp-mod-styled jp-mod-warn jp-SaturnPanel-revoke"
                    aria-label={trans.__('Revoke the share with %1', who)}
                    disabled={this._busy}
                    onClick={() =>
                      void this._run(async () => {
                        this._shares = await this._options.revokeShare(share);
                      })
                    }
                  >
                    {trans.__('Revoke')}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <h3 className="jp-SaturnPanel-manageHeading">{trans.__('Links')}</h3>
        {this._codes.length === 0 ? (
          <div className="jp-SaturnPanel-empty jp-mod-noCodes">
            {trans.__('No share links.')}
          </div>
        ) : (
          <ul
            className="jp-SaturnPanel-manageList"
            aria-label={trans.__('Share links')}
          >
            {this._codes.map(code => {
              const expires = code.expiresAt
                ? new Date(code.expiresAt).toLocaleString()
                : trans.__('never');
              return (
                <li
                  key={code.id}
                  className="jp-SaturnPanel-manageItem"
                  data-code={code.id}
                >
                  <span className="jp-SaturnPanel-manageWho">
                    {trans.__('Link %1', code.id)}
                  </span>
                  <span className="jp-SaturnPanel-manageWhat">
                    {trans.__(
                      'expires %1, used %2 times',
                      expires,
                      code.exchangeCount
                    )}
                  </span>
                  <button
                    type="button"
                    className="jp-mod-styled jp-mod-warn jp-SaturnPanel-revoke"
                    aria-label={trans.__('Revoke link %1', code.id)}
                    disabled={this._busy}
                    onClick={() =>
                      void this._run(async () => {
                        this._codes = await this._options.revokeCode(code);
                      })
                    }
                  >
                    {trans.__('Revoke')}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    );
  }

  private async _run(action: () => Promise<void>): Promise<void> {
    this._busy = true;
    this._error = null;
    this.update();
    try {
      await action();
    } catch (error) {
      this._error = errorDetails(error, this._options.trans);
    } finally {
      this._busy = false;
      if (!this.isDisposed) {
        this.update();
      }
    }
  }

  private _options: IManageOptions;
  private _loaded = false;
  private _busy = false;
  private _error: string | null = null;
  private _shares: ReadonlyArray<IShare> = [];
  private _codes: ReadonlyArray<IShareCode> = [];
}

namespace Private {
  /**
   * The number of the last body, for the id of its suggestion list.
   */
  export const counter = { id: 0 };

  /**
   * Whether a text holds a control character (the hub refuses them).
   */
  export function hasControl(text: string): boolean {
    return Array.from(text).some(c => {
      const code = c.charCodeAt(0);
      return code < 0x20 || code === 0x7f;
    });
  }
}
