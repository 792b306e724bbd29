/**
 * The new-named-server dialog: a display name, a server name checked against
 * JupyterHub 6's rules as the user types, and an owner when the token may act
 * for others.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { FormBody } from './form';
import {
  hasControlCharacter,
  safeSlug,
  sanitizeDisplayName,
  validateDisplayName,
  validateServerName
} from './slug';

/**
 * The value of the new-named-server dialog.
 */
export interface INewServer {
  readonly user: string;
  readonly name: string;
  readonly displayName: string;
}

/**
 * The body of the new-named-server dialog: a display name, a server name
 * checked against JupyterHub 6's rules as the user types (suggested from the
 * display name until edited), and an owner when the token may act for others.
 */
export class NewServerBody extends FormBody<INewServer> {
  /**
   * Create the body.
   */
  constructor(options: NewServerBody.IOptions) {
    super(options.submit);
    this._options = options;
    this._user = options.user;
    this._displayName = options.displayName ?? '';
    this._name = options.name ?? safeSlug(this._displayName);
    this._nameEdited = options.name !== undefined;
  }

  getValue(): INewServer {
    return {
      user: this._user.trim(),
      name: this._name,
      displayName: sanitizeDisplayName(this._displayName)
    };
  }

  isValid(): boolean {
    return (
      this._nameReason() === null &&
      this._userReason() === null &&
      validateDisplayName(this._displayName, this._options.trans) === null
    );
  }

  render(): JSX.Element {
    const trans = this._options.trans;
    const nameReason = this._nameReason();
    const showNameReason = nameReason && (this._name !== '' || this.attempted);
    const displayReason = validateDisplayName(this._displayName, trans);
    const userReason = this._userReason();
    const suggestion = safeSlug(this._displayName);
    return (
      <div className="jp-SaturnPanel-formFields">
        <label className="jp-SaturnPanel-field">
          <span>{trans.__('Display name (optional)')}</span>
          <input
            className="jp-mod-styled"
            type="text"
            name="displayName"
            aria-label={trans.__('Display name')}
            placeholder={trans.__('e.g. GPU experiments')}
            value={this._displayName}
            maxLength={400}
            onChange={event => {
              this._displayName = event.target.value;
              if (!this._nameEdited) {
                this._name = safeSlug(this._displayName);
              }
              this.update();
            }}
          />
          {displayReason && (
            <span className="jp-SaturnPanel-fieldError" role="alert">
              {displayReason}
            </span>
          )}
        </label>
        <label className="jp-SaturnPanel-field">
          <span>{trans.__('Server name')}</span>
          <input
            className="jp-mod-styled"
            type="text"
            name="serverName"
            aria-label={trans.__('Server name')}
            aria-invalid={showNameReason ? true : undefined}
            aria-describedby="saturn-panel-name-help"
            placeholder={trans.__('e.g. gpu-experiments')}
            value={this._name}
            autoComplete="off"
            spellCheck={false}
            onChange={event => {
              this._name = event.target.value;
              this._nameEdited = this._name !== '';
              this.serverError = null;
              this.update();
            }}
          />
          <span
            id="saturn-panel-name-help"
            className={
              showNameReason
                ? 'jp-SaturnPanel-fieldError'
                : 'jp-SaturnPanel-fieldHelp'
            }
            aria-live="polite"
          >
            {showNameReason
              ? nameReason
              : trans.__(
                  '1-30 lowercase letters, digits and single "-"; starts with a letter, ends with a letter or digit.'
                )}
          </span>
          {this._nameEdited && suggestion && suggestion !== this._name && (
            <button
              type="button"
              className="jp-SaturnPanel-suggestion"
              aria-label={trans.__('Use the suggested name %1', suggestion)}
              onClick={() => {
                this._name = suggestion;
                this._nameEdited = false;
                this.update();
              }}
            >
              {trans.__('Use "%1"', suggestion)}
            </button>
          )}
        </label>
        {this._options.askUser && (
          <label className="jp-SaturnPanel-field">
            <span>{trans.__('For user')}</span>
            <input
              className="jp-mod-styled"
              type="text"
              name="user"
              aria-label={trans.__('For user')}
              value={this._user}
              onChange={event => {
                this._user = event.target.value;
                this.update();
              }}
            />
            {userReason && (this._user !== '' || this.attempted) && (
              <span className="jp-SaturnPanel-fieldError" role="alert">
                {userReason}
              </span>
            )}
          </label>
        )}
        {this.renderFeedback(trans.__('Creating…'))}
      </div>
    );
  }

  /**
   * Why the server name cannot be used, or null.
   */
  private _nameReason(): string | null {
    const trans = this._options.trans;
    const reason = validateServerName(this._name, trans);
    if (reason) {
      return reason;
    }
    if (this._options.exists(this._user.trim(), this._name)) {
      return trans.__(
        '%1 already has a server named "%2".',
        this._user.trim(),
        this._name
      );
    }
    return null;
  }

  /**
   * Why the owner cannot be used, or null.
   */
  private _userReason(): string | null {
    const user = this._user.trim();
    if (!user) {
      return this._options.trans.__('Enter the user who will own the server.');
    }
    if (user.includes('/') || hasControlCharacter(user)) {
      return this._options.trans.__('A user name cannot contain "/".');
    }
    return null;
  }

  private _options: NewServerBody.IOptions;
  private _user: string;
  private _displayName: string;
  private _name: string;
  private _nameEdited: boolean;
}

/**
 * The namespace for `NewServerBody` statics.
 */
export namespace NewServerBody {
  /**
   * Options of the new-named-server body.
   */
  export interface IOptions {
    trans: TranslationBundle;
    /**
     * The owner (the hub user of the panel's token by default).
     */
    user: string;
    /**
     * Whether to let the user choose the owner.
     */
    askUser: boolean;
    /**
     * Initial server name.
     */
    name?: string;
    /**
     * Initial display name.
     */
    displayName?: string;
    /**
     * Whether a user already has a server of that name.
     */
    exists: (user: string, name: string) => boolean;
    /**
     * Create the server; resolve an error message to keep the dialog open.
     */
    submit: (value: INewServer) => Promise<string | null>;
  }
}
