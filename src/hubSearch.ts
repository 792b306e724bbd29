/**
 * The search of the hub's other users, driven by the panel's filter.
 *
 * With a token that may list users, the server extension polls only the
 * hub's active servers and the user's own (a hub of 5,000 users is not
 * listed every 10 s). Whoever else the filter names is found here, as the
 * hub's admin page does: a debounced `GET hub/users?search=`, a page at a
 * time.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

import { errorMessage, IHubUserPage, searchHubUsers } from './api';
import type { IHubSearch, ResourceModel } from './model';

/**
 * How long the filter must rest before a search (the hub's admin page: 300 ms).
 */
export const SEARCH_DELAY_MS = 300;

/**
 * Users per page of results.
 */
export const SEARCH_PAGE_SIZE = 50;

/**
 * The word of the filter to search the hub for: the longest one (the hub
 * matches one substring; the panel's filter then narrows the results down by
 * every word), or null when there is none.
 */
export function searchText(filter: string): string | null {
  const words = filter.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return null;
  }
  return words.reduce((a, b) => (b.length > a.length ? b : a));
}

/**
 * Runs the hub search when the filter changes, and pages on demand.
 */
export class HubSearch implements IDisposable {
  /**
   * Create the search for a model; it follows the model's filter until disposed.
   */
  constructor(options: HubSearch.IOptions) {
    this._model = options.model;
    this._trans = options.trans;
    this._search = options.search ?? searchHubUsers;
    this._delay = options.delay ?? SEARCH_DELAY_MS;
    this._model.changed.connect(this._onModelChanged, this);
  }

  /**
   * Whether the search is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Read the next page of the current search.
   */
  async more(): Promise<void> {
    const current = this._model.hubSearch;
    if (!current || current.next === null || current.loading) {
      return;
    }
    await this._read(current.text, current.next, current);
  }

  /**
   * Search again now (after an error).
   */
  async retry(): Promise<void> {
    const current = this._model.hubSearch;
    if (current) {
      await this._read(current.text, 0, null);
    }
  }

  /**
   * Stop following the model.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    window.clearTimeout(this._timer);
    this._abort?.abort();
    this._model.changed.disconnect(this._onModelChanged, this);
  }

  /**
   * Schedule a search when what to search for changed.
   */
  private _onModelChanged(): void {
    const config = this._model.config;
    const text =
      config?.hub.configured && config.hub.abilities.listAllUsers
        ? searchText(this._model.filter)
        : null;
    if (text === this._wanted) {
      return;
    }
    this._wanted = text;
    window.clearTimeout(this._timer);
    this._abort?.abort();
    if (text === null) {
      if (this._model.hubSearch) {
        this._model.setHubSearch(null);
      }
      return;
    }
    this._timer = window.setTimeout(() => {
      void this._read(text, 0, null);
    }, this._delay);
  }

  /**
   * Read one page and put it in the model (after `previous`'s users).
   */
  private async _read(
    text: string,
    offset: number,
    previous: IHubSearch | null
  ): Promise<void> {
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    const base: IHubSearch = previous ?? {
      text,
      users: [],
      next: null,
      total: null,
      loading: true,
      error: null
    };
    this._model.setHubSearch({ ...base, loading: true, error: null });
    let page: IHubUserPage;
    try {
      page = await this._search(text, offset, SEARCH_PAGE_SIZE, {
        signal: abort.signal
      });
    } catch (error) {
      if (abort.signal.aborted || this._isDisposed) {
        return;
      }
      this._model.setHubSearch({
        ...base,
        loading: false,
        error: errorMessage(error, this._trans)
      });
      return;
    }
    if (abort.signal.aborted || this._isDisposed) {
      return;
    }
    this._model.setHubSearch({
      text,
      users: [...base.users, ...page.users],
      next: page.next,
      total: page.total,
      loading: false,
      error: null
    });
  }

  private _model: ResourceModel;
  private _trans: TranslationBundle;
  private _search: typeof searchHubUsers;
  private _delay: number;
  private _wanted: string | null = null;
  private _timer = 0;
  private _abort: AbortController | null = null;
  private _isDisposed = false;
}

/**
 * The namespace for `HubSearch` statics.
 */
export namespace HubSearch {
  /**
   * Options to create the search.
   */
  export interface IOptions {
    readonly model: ResourceModel;
    readonly trans: TranslationBundle;
    /**
     * The endpoint (tests pass their own).
     */
    readonly search?: typeof searchHubUsers;
    /**
     * The debounce delay in ms.
     */
    readonly delay?: number;
  }
}
