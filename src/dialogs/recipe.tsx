/**
 * The new-from-recipe dialog: paste JSON or choose a `.json`/`.yaml` file
 * (JupyterLab's file dialog, or a typed path), check it, optionally create it
 * for another user.
 */
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { JSONObject } from '@lumino/coreutils';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import * as React from 'react';

import { FormBody, FormErrors, lastResultByText } from './form';
import { checkRecipe, IRecipeCheck } from './recipeCheck';

/**
 * The value of the recipe dialog once a resource was created.
 */
export interface IRecipeResult {
  readonly recipe: JSONObject;
  readonly user: string | null;
}

/**
 * Whether a text is a Saturn Cloud user (identity) name, as the server checks
 * it (`check_saturn_user`, the OpenAPI spec's segment pattern).
 */
export function isSaturnUserName(user: string): boolean {
  return /^[a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38}$/.test(user);
}

/**
 * Whether a path names a recipe file the dialog reads: `.json`, `.yaml` or
 * `.yml`.
 */
export function isRecipeFile(path: string): boolean {
  return /\.(json|ya?ml)$/i.test(path);
}

/**
 * A recipe file's text as the JSON the dialog checks and sends: JSON as it
 * is, YAML (`.yaml`, `.yml`) converted (YAML 1.2's core schema: no dates or
 * other types JSON cannot carry).
 *
 * @throws an Error saying where a YAML file is malformed
 */
export function recipeFileText(path: string, content: string): string {
  if (!/\.ya?ml$/i.test(path)) {
    return content;
  }
  const value = loadYaml(content, { schema: CORE_SCHEMA, filename: path });
  return JSON.stringify(value ?? null, null, 2);
}

/**
 * The body of the new-from-recipe dialog: paste JSON or choose a `.json` or
 * `.yaml` file from the Jupyter contents, check it, optionally create it for
 * another user.
 */
export class RecipeBody extends FormBody<IRecipeResult> {
  /**
   * Create the body.
   */
  constructor(options: RecipeBody.IOptions) {
    super(options.submit);
    this._options = options;
    this._path = options.path ?? '';
    this._text = options.text ?? '';
    this._user = options.user ?? '';
    this.addClass('jp-SaturnPanel-recipeForm');
    if (this._path && options.text === undefined) {
      void this._load();
    }
  }

  /**
   * What the form holds, to open it again as it was (after the file dialog).
   */
  get state(): RecipeBody.IState {
    return { path: this._path, text: this._text, user: this._user };
  }

  handlesEnter(target: EventTarget | null): boolean {
    // Enter in the path field loads the file.
    return target instanceof HTMLInputElement && target.name === 'path';
  }

  getValue(): IRecipeResult {
    const check = this._check();
    return {
      recipe: check.recipe ?? {},
      user: this._user.trim() || null
    };
  }

  isValid(): boolean {
    return (
      !this._loading &&
      this._check().errors.length === 0 &&
      this._userReason() === null
    );
  }

  /**
   * Why the "for user" text cannot name a Saturn Cloud user (the server's
   * `check_saturn_user`), or null (also when empty: yourself).
   */
  private _userReason(): string | null {
    const user = this._user.trim();
    if (!this._options.askUser || user === '' || isSaturnUserName(user)) {
      return null;
    }
    return this._options.trans.__(
      'A Saturn Cloud user name has 1-39 lowercase letters, digits and single "-", starting with a letter or digit.'
    );
  }

  render(): JSX.Element {
    const trans = this._options.trans;
    const check = this._check();
    const showErrors = this._text.trim() !== '' || this.attempted;
    const userReason = this._userReason();
    return (
      <div className="jp-SaturnPanel-formFields">
        <div className="jp-SaturnPanel-field">
          <span>{trans.__('Recipe file (.json, .yaml)')}</span>
          <div className="jp-SaturnPanel-fileRow">
            {this._options.browse && (
              <button
                type="button"
                name="browse"
                className="jp-Button jp-mod-styled jp-mod-accept"
                title={trans.__(
                  'Choose a .json or .yaml recipe file in the file browser'
                )}
                disabled={this._loading || this.submitting}
                onClick={() => {
                  this._options.browse?.(this.state);
                  this.closeDialog();
                }}
              >
                {trans.__('Choose File…')}
              </button>
            )}
            <input
              className="jp-mod-styled"
              type="text"
              name="path"
              aria-label={trans.__('Recipe file path')}
              placeholder={trans.__('or type a path: recipes/ws.yaml')}
              value={this._path}
              onChange={event => {
                this._path = event.target.value;
                this._fileError = null;
                this.update();
              }}
              onKeyDown={event => {
                if (event.key === 'Enter') {
                  // Load instead of submitting the dialog (see handlesEnter).
                  event.preventDefault();
                  void this._load();
                }
              }}
            />
            <button
              type="button"
              className="jp-Button jp-mod-styled jp-mod-reject"
              aria-label={trans.__('Load recipe file')}
              title={trans.__('Load the recipe from this file')}
              disabled={!this._path.trim() || this._loading}
              onClick={() => void this._load()}
            >
              {this._loading ? trans.__('Loading…') : trans.__('Load')}
            </button>
          </div>
          {this._fileError && (
            <span className="jp-SaturnPanel-fieldError" role="alert">
              {this._fileError}
            </span>
          )}
        </div>
        <label className="jp-SaturnPanel-field">
          <span>{trans.__('Recipe (JSON)')}</span>
          <textarea
            className="jp-mod-styled jp-SaturnPanel-recipeText"
            name="recipe"
            aria-label={trans.__('Recipe JSON')}
            rows={12}
            spellCheck={false}
            placeholder={
              '{"schema_version": "2025.10.01", "type": "workspace",\n "spec": {"name": "my-ws", "image": "saturncloud/saturn-python:2023.09.01",\n          "instance_type": "large"}}'
            }
            value={this._text}
            onChange={event => {
              this._text = event.target.value;
              this.serverError = null;
              this.update();
            }}
          />
        </label>
        {showErrors && <FormErrors errors={check.errors} />}
        {check.errors.length === 0 && (
          <div className="jp-SaturnPanel-fieldHelp" role="status">
            {trans.__(
              'Creates the %1 "%2".',
              check.type ?? '',
              check.name ?? ''
            )}
          </div>
        )}
        {this._options.askUser && (
          <label className="jp-SaturnPanel-field">
            <span>{trans.__('For user (optional)')}</span>
            <input
              className="jp-mod-styled"
              type="text"
              name="user"
              aria-label={trans.__('For user')}
              placeholder={trans.__('leave empty to create it for yourself')}
              aria-invalid={userReason ? true : undefined}
              autoComplete="off"
              spellCheck={false}
              value={this._user}
              onChange={event => {
                this._user = event.target.value;
                this.serverError = null;
                this.update();
              }}
            />
            {userReason && (
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
   * The check of the current text.
   */
  private _check(): IRecipeCheck {
    return this._checkText(this._text);
  }

  /**
   * Load the file at the path into the text area.
   */
  private async _load(): Promise<void> {
    const trans = this._options.trans;
    const path = this._path.trim();
    if (!path) {
      return;
    }
    this._loading = true;
    this._fileError = null;
    this.update();
    try {
      const model = await this._options.contents.get(path, {
        content: true,
        type: 'file',
        format: 'text'
      });
      if (typeof model.content !== 'string') {
        this._fileError = trans.__('%1 is not a text file.', path);
      } else {
        try {
          this._text = recipeFileText(path, model.content);
          this.serverError = null;
        } catch (error) {
          this._fileError = trans.__(
            '%1 is not valid YAML: %2',
            path,
            error instanceof Error ? error.message : String(error)
          );
        }
      }
    } catch (error) {
      this._fileError = trans.__(
        'Could not read %1: %2',
        path,
        error instanceof Error ? error.message : String(error)
      );
    } finally {
      this._loading = false;
      if (!this.isDisposed) {
        this.update();
      }
    }
  }

  private _options: RecipeBody.IOptions;
  private _path: string;
  private _text: string;
  private _user: string;
  private _loading = false;
  private _fileError: string | null = null;
  private _checkText = lastResultByText(text =>
    checkRecipe(text, this._options.trans)
  );
}

/**
 * The namespace for `RecipeBody` statics.
 */
export namespace RecipeBody {
  /**
   * Options of the recipe body.
   */
  export interface IOptions {
    trans: TranslationBundle;
    /**
     * The contents manager to read `.json` files with.
     */
    contents: Contents.IManager;
    /**
     * A file to load at once (unless `text` is given).
     */
    path?: string;
    /**
     * The recipe text to start with.
     */
    text?: string;
    /**
     * The "for user" text to start with.
     */
    user?: string;
    /**
     * Offer "Choose File…": the dialog closes (JupyterLab shows one dialog
     * at a time) after handing over what the form holds, for the caller to
     * show the file dialog and open the form again.
     */
    browse?: (state: IState) => void;
    /**
     * Whether to offer the "for user" field (admin token configured).
     */
    askUser: boolean;
    /**
     * Create the resource; resolve an error message to keep the dialog open.
     */
    submit: (value: IRecipeResult) => Promise<string | null>;
  }

  /**
   * What the form holds.
   */
  export interface IState {
    readonly path: string;
    readonly text: string;
    readonly user: string;
  }
}
