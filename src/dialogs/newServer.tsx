/**
 * The new-named-server dialog: a display name, a server name checked against
 * JupyterHub 6's rules as the user types, and an owner when the token may act
 * for others.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { JSONObject } from '@lumino/coreutils';
import * as React from 'react';

import { FormBody } from './form';
import {
  initialOptions,
  isCompleteOptions,
  pruneOptions,
  StartOptionsFields
} from './startOptions';
import {
  hasControlCharacter,
  safeSlug,
  sanitizeDisplayName,
  suggestServerName,
  validateDisplayName,
  validateServerName
} from './slug';

/**
 * How long the "for user" field waits after the last keystroke before it
 * asks the server for matching users (ms).
 */
export const USER_SEARCH_DELAY = 250;

/**
 * How many users the "for user" field suggests at most.
 */
export const USER_SUGGESTIONS = 20;

/**
 * The users the panel's token may act for whose names contain a text, as
 * `GET saturn-panel/hub/users?search=` answers (the token's own user only
 * when it may not list users).
 */
export interface IUserSearch {
  /**
   * The users found (names), at most `limit`.
   */
  readonly users: ReadonlyArray<string>;
  /**
   * Whether more users match than were answered.
   */
  readonly more: boolean;
}

/**
 * Whether a hub user is one the panel's token may act for, and the names of
 * their servers (stopped ones included, which the panel may not poll).
 */
export interface IUserLookup {
  readonly exists: boolean;
  readonly servers: ReadonlyArray<string>;
}

/**
 * The value of the new-named-server dialog.
 */
export interface INewServer {
  readonly user: string;
  readonly name: string;
  readonly displayName: string;
  /**
   * The start options chosen (the `userOptions` of the start), when the hub
   * offers options.
   */
  readonly userOptions?: JSONObject;
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
    this._listId = `jp-SaturnPanel-users-${Private.nextId()}`;
    this._startOptions = options.startOptions
      ? initialOptions(options.startOptions.schema, null)
      : null;
  }

  /**
   * Enter in "For user" while the text is not yet one of the suggested users
   * picks from the list (the browser's) instead of submitting the dialog.
   */
  handlesEnter(target: EventTarget | null): boolean {
    return (
      target instanceof HTMLInputElement &&
      target.name === 'user' &&
      !this._userSuggestions().includes(this._user.trim())
    );
  }

  dispose(): void {
    if (this._searchTimer !== null) {
      clearTimeout(this._searchTimer);
      this._searchTimer = null;
    }
    super.dispose();
  }

  /**
   * Check the owner with the server before creating: a user the hub does
   * not know gets a clear message here rather than the hub's refusal.
   */
  async submit(): Promise<boolean> {
    if (this._options.askUser) {
      const reason = await this._checkUserExists(this._user.trim());
      if (reason) {
        this._userUnknown = reason;
        return false;
      }
    }
    return super.submit();
  }

  getValue(): INewServer {
    return {
      user: this._user.trim(),
      name: this._name,
      displayName: sanitizeDisplayName(this._displayName),
      ...(this._options.startOptions && this._startOptions
        ? {
            userOptions: pruneOptions(
              this._options.startOptions.schema,
              this._startOptions
            )
          }
        : {})
    };
  }

  isValid(): boolean {
    return (
      this._nameReason() === null &&
      this._userReason() === null &&
      validateDisplayName(this._displayName, this._options.trans) === null &&
      (!this._options.startOptions ||
        !this._startOptions ||
        isCompleteOptions(
          this._options.startOptions.schema,
          this._startOptions
        ))
    );
  }

  render(): JSX.Element {
    const trans = this._options.trans;
    const nameReason = this._nameReason();
    const showNameReason = nameReason && (this._name !== '' || this.attempted);
    const displayReason = validateDisplayName(this._displayName, trans);
    const userReason = this._userReason();
    const suggestion = this._suggestion();
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
        </label>
        {suggestion && (
          <button
            type="button"
            className="jp-SaturnPanel-suggestion"
            name="useSuggestion"
            aria-label={trans.__(
              'Use "%1", the suggested server name',
              suggestion
            )}
            onClick={() => {
              this._name = suggestion;
              // Follows the display name again only when it came from it.
              this._nameEdited = suggestion !== safeSlug(this._displayName);
              this.serverError = null;
              this.update();
              this.node
                .querySelector<HTMLInputElement>('input[name="serverName"]')
                ?.focus();
            }}
          >
            {trans.__('Use "%1"', suggestion)}
          </button>
        )}
        {this._options.askUser && (
          <label className="jp-SaturnPanel-field">
            <span>{trans.__('For user')}</span>
            <input
              className="jp-mod-styled"
              type="text"
              name="user"
              aria-label={trans.__('For user')}
              aria-invalid={
                (userReason && (this._user !== '' || this.attempted)) ||
                this._userUnknown
                  ? true
                  : undefined
              }
              list={this._listId}
              autoComplete="off"
              spellCheck={false}
              value={this._user}
              onChange={event => {
                this._user = event.target.value;
                this._userUnknown = null;
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
            <datalist id={this._listId}>
              {this._userSuggestions().map(user => (
                <option key={user} value={user} />
              ))}
            </datalist>
            {userReason && (this._user !== '' || this.attempted) ? (
              <span className="jp-SaturnPanel-fieldError" role="alert">
                {userReason}
              </span>
            ) : this._userUnknown ? (
              <span className="jp-SaturnPanel-fieldError" role="alert">
                {this._userUnknown}
              </span>
            ) : null}
          </label>
        )}
        {this._options.startOptions && this._startOptions && (
          <fieldset className="jp-SaturnPanel-newServerOptions">
            <legend>{trans.__('Start options')}</legend>
            <StartOptionsFields
              schema={this._options.startOptions.schema}
              data={this._startOptions}
              trans={trans}
              idPrefix={`jp-SaturnPanel-newServerOptions-${this._listId}`}
              spawnPage={this._options.startOptions.spawnPage?.(
                this._user.trim(),
                this._nameReason() === null ? this._name : ''
              )}
              onChange={data => {
                this._startOptions = data;
                this.serverError = null;
                this.update();
              }}
            />
          </fieldset>
        )}
        {this.renderFeedback(trans.__('Creating…'))}
      </div>
    );
  }

  /**
   * The server name to offer with one click, or null: a valid name made of
   * what was typed in the name field when it is not valid ("My Server" →
   * "my-server"), else the display name's when the name was edited away
   * from it.
   */
  private _suggestion(): string | null {
    const fromName = suggestServerName(this._name);
    if (fromName !== null) {
      return fromName;
    }
    const fromDisplay = safeSlug(this._displayName);
    if (this._nameEdited && fromDisplay && fromDisplay !== this._name) {
      return fromDisplay;
    }
    return null;
  }

  /**
   * The users to suggest for the "for user" text: the owners the panel
   * knows that match at once, then the server's answer for the text.
   */
  private _userSuggestions(): ReadonlyArray<string> {
    const text = this._user.trim().toLowerCase();
    const known = (this._options.knownUsers ?? []).filter(user =>
      user.toLowerCase().includes(text)
    );
    const found = this._searched?.users ?? [];
    const all = Array.from(new Set([...known, ...found]));
    return all.slice(0, USER_SUGGESTIONS);
  }

  /**
   * Ask the server for the users matching the text, once the user paused.
   */
  private _scheduleSearch(): void {
    if (!this._options.searchUsers) {
      return;
    }
    if (this._searchTimer !== null) {
      clearTimeout(this._searchTimer);
    }
    this._searchTimer = setTimeout(() => {
      this._searchTimer = null;
      void this._search(this._user.trim());
    }, USER_SEARCH_DELAY);
  }

  /**
   * Search users now; only the answer to the latest search is kept.
   */
  private async _search(text: string): Promise<IUserSearch | null> {
    const search = this._options.searchUsers;
    if (!search) {
      return null;
    }
    const ticket = ++this._searchTicket;
    let answer: IUserSearch | null;
    try {
      answer = await search(text);
    } catch {
      answer = null;
    }
    if (ticket === this._searchTicket && !this.isDisposed) {
      this._searched = answer ?? { users: [], more: false };
      this.update();
    }
    return answer;
  }

  /**
   * Why the owner is not a user the token may act for, or null (also when
   * it cannot be told: the server then has the last word).
   */
  private async _checkUserExists(user: string): Promise<string | null> {
    const find = this._options.findUser;
    if (!find) {
      return null;
    }
    let found: IUserLookup | null;
    try {
      found = await find(user);
    } catch {
      found = null;
    }
    if (found === null) {
      return null;
    }
    const trans = this._options.trans;
    if (!found.exists) {
      return trans.__(
        'JupyterHub has no user "%1" that this panel may create servers for: choose one of the suggested users.',
        user
      );
    }
    if (found.servers.includes(this._name)) {
      return trans.__('%1 already has a server named "%2".', user, this._name);
    }
    return null;
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
  private _listId: string;
  private _searchTimer: ReturnType<typeof setTimeout> | null = null;
  private _searchTicket = 0;
  private _searched: IUserSearch | null = null;
  private _userUnknown: string | null = null;
  private _startOptions: JSONObject | null;
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
    /**
     * Users to suggest at once for "for user" (the owners the panel knows).
     */
    knownUsers?: ReadonlyArray<string>;
    /**
     * Find the users whose names contain a text among those the token may
     * act for; null when the server cannot tell (the field then suggests
     * the known users only and the hub has the last word on submit).
     */
    searchUsers?: (text: string) => Promise<IUserSearch | null>;
    /**
     * Look a user up by exact name before creating (null when the server
     * cannot tell: the hub then has the last word).
     */
    findUser?: (user: string) => Promise<IUserLookup | null>;
    /**
     * The hub's start options (`hub.spawnOptions.schema`), offered under the
     * names, and the hub's own start page of a server (`name` empty while
     * the name is not valid), linked; none when the hub has no options.
     */
    startOptions?: {
      schema: JSONObject;
      spawnPage?: (user: string, name: string) => string | null;
    } | null;
  }
}

/**
 * A module-private namespace.
 */
namespace Private {
  let counter = 0;

  /**
   * A new number, for the id of a body's suggestion list.
   */
  export function nextId(): number {
    return ++counter;
  }
}
