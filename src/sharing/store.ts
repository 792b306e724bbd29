/**
 * What the panel knows of sharing: the token's abilities, who each of the
 * user's servers is shared with, and the servers shared with the user. Read
 * when the panel is shown, on its refresh and after a share action; never
 * polled.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { errorStatus } from '../api/request';
import {
  fetchOwnerShares,
  fetchSharedWithMe,
  fetchSharingConfig,
  IShare,
  IShareCode,
  ISharingConfig
} from './api';

/**
 * The endpoints the store reads (tests pass their own).
 */
export interface ISharingEndpoints {
  fetchSharingConfig: typeof fetchSharingConfig;
  fetchOwnerShares: typeof fetchOwnerShares;
  fetchSharedWithMe: typeof fetchSharedWithMe;
}

/**
 * The sharing state of the panel.
 */
export class SharingStore {
  constructor(endpoints?: Partial<ISharingEndpoints>) {
    this._endpoints = {
      fetchSharingConfig,
      fetchOwnerShares,
      fetchSharedWithMe,
      ...endpoints
    };
  }

  /**
   * Emitted whenever anything the store holds changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * The token's sharing abilities, null until read.
   */
  get config(): ISharingConfig | null {
    return this._config;
  }

  /**
   * The servers shared with the user, null until read.
   */
  get sharedWithMe(): ReadonlyArray<IShare> | null {
    return this._sharedWithMe;
  }

  /**
   * Why reading the servers shared with the user failed, if it did.
   */
  get sharedError(): string | null {
    return this._sharedError;
  }

  /**
   * Whether the user dismissed the note on how to turn sharing on.
   */
  get hintDismissed(): boolean {
    return this._hintDismissed;
  }

  dismissHint(): void {
    this._hintDismissed = true;
    this._changed.emit();
  }

  /**
   * Who a server is shared with (users and groups), as last read.
   */
  sharesOf(key: string): ReadonlyArray<IShare> {
    return this._shares.get(key) ?? [];
  }

  /**
   * The share links of a server, as last read.
   */
  codesOf(key: string): ReadonlyArray<IShareCode> {
    return this._codes.get(key) ?? [];
  }

  /**
   * Whether the token may share the servers of `owner`.
   */
  canShare(owner: string): boolean {
    const config = this._config;
    if (!config || !config.usable || !config.share) {
      return false;
    }
    return config.user === null || config.user === owner;
  }

  /**
   * Read everything again: the abilities, the user's shares and the servers
   * shared with the user. Errors leave the last known state.
   */
  async refresh(): Promise<void> {
    if (this._refreshing) {
      return this._refreshing;
    }
    this._refreshing = this._refresh().finally(() => {
      this._refreshing = null;
    });
    return this._refreshing;
  }

  /**
   * Read the shares of one owner's servers again (after a share action).
   */
  async refreshOwner(owner: string): Promise<void> {
    try {
      const { shares, codes } = await this._endpoints.fetchOwnerShares(owner);
      this._setOwner(owner, shares, codes);
    } catch {
      // The rows keep what they showed; the dialogs report their errors.
    }
  }

  /**
   * Replace the servers shared with the user (after leaving one).
   */
  setSharedWithMe(shared: ReadonlyArray<IShare>): void {
    this._sharedWithMe = shared;
    this._sharedError = null;
    this._changed.emit();
  }

  private async _refresh(): Promise<void> {
    let config: ISharingConfig;
    try {
      config = await this._endpoints.fetchSharingConfig();
    } catch {
      return;
    }
    this._config = config;
    this._changed.emit();
    if (!config.usable) {
      return;
    }
    const owner = config.user;
    await Promise.all([
      owner && config.share ? this.refreshOwner(owner) : Promise.resolve(),
      owner ? this._readShared() : Promise.resolve()
    ]);
  }

  private async _readShared(): Promise<void> {
    try {
      const { shared } = await this._endpoints.fetchSharedWithMe();
      this._sharedWithMe = shared;
      this._sharedError = null;
    } catch (error) {
      if (errorStatus(error) === 403) {
        // The token may not read them: nothing to list, nothing to fix here.
        this._sharedWithMe = [];
        this._sharedError = null;
      } else {
        this._sharedError =
          error instanceof Error && error.message
            ? error.message
            : String(error);
      }
    }
    this._changed.emit();
  }

  private _setOwner(
    owner: string,
    shares: ReadonlyArray<IShare>,
    codes: ReadonlyArray<IShareCode>
  ): void {
    for (const map of [this._shares, this._codes]) {
      for (const key of Array.from(map.keys())) {
        if (key.startsWith(`hub/${owner}/`)) {
          map.delete(key);
        }
      }
    }
    for (const share of shares) {
      const list = this._shares.get(share.server.key) ?? [];
      this._shares.set(share.server.key, [...list, share]);
    }
    for (const code of codes) {
      const list = this._codes.get(code.server.key) ?? [];
      this._codes.set(code.server.key, [...list, code]);
    }
    this._changed.emit();
  }

  private _endpoints: ISharingEndpoints;
  private _changed = new Signal<this, void>(this);
  private _config: ISharingConfig | null = null;
  private _shares = new Map<string, ReadonlyArray<IShare>>();
  private _codes = new Map<string, ReadonlyArray<IShareCode>>();
  private _sharedWithMe: ReadonlyArray<IShare> | null = null;
  private _sharedError: string | null = null;
  private _hintDismissed = false;
  private _refreshing: Promise<void> | null = null;
}

/**
 * The panel's one sharing store (the commands, the rows and the Shared with
 * me group read it).
 */
export const sharingStore = new SharingStore();
