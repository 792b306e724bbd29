/**
 * The panel's dialogs: new named server (live name check), pick a resource,
 * confirm a deletion, new resource from a recipe, run a notebook as a job.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { JSONObject } from '@lumino/coreutils';
import type { Message } from '@lumino/messaging';
import * as React from 'react';

import { IParameters, IParametersParse, parseParameters } from './parameters';
import { checkRecipe, IRecipeCheck } from './recipe';
import { IResource, resourceLabel, statusLabel } from './resource';
import {
  safeSlug,
  sanitizeDisplayName,
  validateDisplayName,
  validateServerName
} from './slug';

/**
 * `compute` of a text, computed again only when the text changes: a form
 * renders on every keystroke and whenever its dialog updates.
 */
function lastResultByText<R>(
  compute: (text: string) => R
): (text: string) => R {
  let last: { text: string; result: R } | null = null;
  return (text: string) => {
    if (!last || last.text !== text) {
      last = { text, result: compute(text) };
    }
    return last.result;
  };
}

/**
 * What is wrong with a form's text, one line per problem (nothing when all
 * is well).
 */
function FormErrors(props: {
  errors: ReadonlyArray<string>;
}): JSX.Element | null {
  if (props.errors.length === 0) {
    return null;
  }
  return (
    <ul className="jp-SaturnPanel-formErrors" role="alert">
      {props.errors.map(error => (
        <li key={error}>{error}</li>
      ))}
    </ul>
  );
}

/**
 * A dialog body that holds a form: it validates on accept and may submit
 * asynchronously while the dialog stays open, showing errors inline.
 */
export abstract class FormBody<T>
  extends ReactWidget
  implements Dialog.IBodyWidget<T>
{
  /**
   * Create the body.
   *
   * @param send - what accepting does (create, start, ...) while the dialog
   * stays open; it resolves an error message to keep the dialog open and
   * show it, or null to close. Without it, accepting just closes.
   */
  constructor(send?: (value: T) => Promise<string | null>) {
    super();
    this._send = send ?? null;
    this.addClass('jp-SaturnPanel-form');
  }

  /**
   * The value once accepted.
   */
  abstract getValue(): T;

  /**
   * Called when the user accepts. Resolve true to close the dialog, false
   * to keep it open (the body then shows why).
   */
  async submit(): Promise<boolean> {
    if (!this._send) {
      return true;
    }
    this.serverError = null;
    const error = await this._send(this.getValue());
    if (error) {
      this.serverError = error;
      return false;
    }
    return true;
  }

  /**
   * Whether the form can be submitted as it stands.
   */
  abstract isValid(): boolean;

  /**
   * Whether the body handles the Enter key itself in this element (the
   * dialog then does not treat Enter as "accept").
   */
  handlesEnter(target: EventTarget | null): boolean {
    return false;
  }

  /**
   * Whether a submission is under way.
   */
  get submitting(): boolean {
    return this._submitting;
  }

  /**
   * Run `submit`, guarding against double submission.
   */
  async trySubmit(): Promise<boolean> {
    if (this._submitting) {
      return false;
    }
    this.attempted = true;
    if (!this.isValid()) {
      this.update();
      return false;
    }
    this._submitting = true;
    this.update();
    try {
      return await this.submit();
    } finally {
      this._submitting = false;
      if (!this.isDisposed) {
        this.update();
      }
    }
  }

  /**
   * Enable the dialog's accept button only when the form is valid.
   */
  protected onUpdateRequest(msg: Message): void {
    super.onUpdateRequest(msg);
    const accept = this.node
      .closest('.jp-Dialog-content')
      ?.querySelector<HTMLButtonElement>('.jp-Dialog-footer .jp-mod-accept');
    if (accept) {
      const disabled = !this.isValid() || this._submitting;
      accept.disabled = disabled;
      accept.setAttribute('aria-disabled', String(disabled));
    }
  }

  /**
   * The server's refusal of the last submission, and the "working" line
   * while a submission is under way: the same two lines under every form.
   */
  protected renderFeedback(busyText: string): JSX.Element {
    return (
      <>
        {this.serverError && (
          <div className="jp-SaturnPanel-formError" role="alert">
            {this.serverError}
          </div>
        )}
        {this.submitting && (
          <div className="jp-SaturnPanel-formStatus" role="status">
            {busyText}
          </div>
        )}
      </>
    );
  }

  /**
   * Whether the user tried to accept once (errors are then shown even for
   * fields not touched yet).
   */
  protected attempted = false;
  /**
   * Why the server refused the last submission, shown in the form.
   */
  protected serverError: string | null = null;
  private _submitting = false;
  private _send: ((value: T) => Promise<string | null>) | null;
}

/**
 * A dialog that asks its `FormBody` before closing on accept.
 */
class FormDialog<T> extends Dialog<T> {
  constructor(options: Partial<Dialog.IOptions<T>> & { body: FormBody<T> }) {
    super(options);
    this._form = options.body;
    this._formButtons = options.buttons ?? [];
    this._formDefaultIndex =
      options.defaultButton ?? this._formButtons.length - 1;
  }

  /**
   * Let the body handle Enter in the fields where it means something else.
   */
  handleEvent(event: Event): void {
    if (
      event.type === 'keydown' &&
      (event as KeyboardEvent).key === 'Enter' &&
      this._form.handlesEnter(event.target)
    ) {
      return;
    }
    super.handleEvent(event);
  }

  /**
   * Resolve, unless it is an accept the form refuses.
   */
  resolve(index?: number): void {
    const i = index ?? this._formDefaultIndex;
    const button = this._formButtons[i];
    if (!button || !button.accept) {
      super.resolve(index);
      return;
    }
    void this._form.trySubmit().then(ok => {
      if (ok && !this.isDisposed) {
        super.resolve(index);
      }
    });
  }

  private _form: FormBody<T>;
  private _formButtons: ReadonlyArray<Dialog.IButton>;
  private _formDefaultIndex: number;
}

/**
 * Show a form dialog.
 *
 * @returns the body's value when accepted, else null
 */
export async function showFormDialog<T>(options: {
  title: string;
  body: FormBody<T>;
  acceptLabel: string;
  trans: TranslationBundle;
  focusNodeSelector?: string;
}): Promise<T | null> {
  const dialog = new FormDialog<T>({
    title: options.title,
    body: options.body,
    buttons: [
      Dialog.cancelButton({ label: options.trans.__('Cancel') }),
      Dialog.okButton({ label: options.acceptLabel })
    ],
    focusNodeSelector: options.focusNodeSelector ?? 'input'
  });
  dialog.addClass('jp-SaturnPanel-dialog');
  const result = await dialog.launch();
  dialog.dispose();
  return result.button.accept ? result.value : null;
}

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
    if (user.includes('/') || /[\u0000-\u001f\u007f]/.test(user)) {
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

/**
 * The body of the pick-a-resource dialog: one radio button per resource.
 */
export class PickResourceBody extends FormBody<string | null> {
  /**
   * Create the body.
   */
  constructor(
    resources: ReadonlyArray<IResource>,
    trans: TranslationBundle,
    showOwner: boolean
  ) {
    super();
    this._resources = resources;
    this._trans = trans;
    this._showOwner = showOwner;
    this._selected = resources.length > 0 ? resources[0].key : null;
  }

  getValue(): string | null {
    return this._selected;
  }

  isValid(): boolean {
    return this._selected !== null;
  }

  render(): JSX.Element {
    const trans = this._trans;
    return (
      <div
        className="jp-SaturnPanel-pick"
        role="radiogroup"
        aria-label={trans.__('Servers and workspaces')}
      >
        {this._resources.map(resource => {
          const label = resourceLabel(resource, trans);
          const detail = this._showOwner
            ? trans.__(
                '%1, %2',
                resource.owner,
                statusLabel(resource.status, trans)
              )
            : statusLabel(resource.status, trans);
          return (
            <label key={resource.key} className="jp-SaturnPanel-pickItem">
              <input
                type="radio"
                name="saturn-panel-pick"
                value={resource.key}
                checked={this._selected === resource.key}
                onChange={() => {
                  this._selected = resource.key;
                  this.update();
                }}
              />
              <span className="jp-SaturnPanel-pickLabel">{label}</span>
              <span className="jp-SaturnPanel-pickDetail">{detail}</span>
            </label>
          );
        })}
      </div>
    );
  }

  private _resources: ReadonlyArray<IResource>;
  private _trans: TranslationBundle;
  private _showOwner: boolean;
  private _selected: string | null;
}

/**
 * Ask which resource to act on.
 *
 * @param resources - the eligible resources (only these are listed)
 * @returns the chosen key, or null when cancelled or when none is eligible
 */
export async function pickResource(options: {
  title: string;
  acceptLabel: string;
  emptyMessage: string;
  resources: ReadonlyArray<IResource>;
  trans: TranslationBundle;
  showOwner: boolean;
}): Promise<string | null> {
  const { trans } = options;
  if (options.resources.length === 0) {
    await showDialog({
      title: options.title,
      body: options.emptyMessage,
      buttons: [Dialog.okButton({ label: trans.__('OK') })]
    });
    return null;
  }
  return showFormDialog({
    title: options.title,
    body: new PickResourceBody(options.resources, trans, options.showOwner),
    acceptLabel: options.acceptLabel,
    trans,
    focusNodeSelector: 'input:checked'
  });
}

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
      Dialog.warnButton({ label: trans.__('Delete') })
    ]
  });
  return result.button.accept;
}

/**
 * The value of the recipe dialog once a resource was created.
 */
export interface IRecipeResult {
  readonly recipe: JSONObject;
  readonly user: string | null;
}

/**
 * The body of the new-from-recipe dialog: paste JSON or load a `.json` file
 * from the Jupyter contents, check it, optionally create it for another user.
 */
export class RecipeBody extends FormBody<IRecipeResult> {
  /**
   * Create the body.
   */
  constructor(options: RecipeBody.IOptions) {
    super(options.submit);
    this._options = options;
    this._path = options.path ?? '';
    this.addClass('jp-SaturnPanel-recipeForm');
    if (this._path) {
      void this._load();
    }
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
    return !this._loading && this._check().errors.length === 0;
  }

  render(): JSX.Element {
    const trans = this._options.trans;
    const check = this._check();
    const showErrors = this._text.trim() !== '' || this.attempted;
    return (
      <div className="jp-SaturnPanel-formFields">
        <div className="jp-SaturnPanel-field">
          <span>{trans.__('Recipe file')}</span>
          <div className="jp-SaturnPanel-fileRow">
            <input
              className="jp-mod-styled"
              type="text"
              name="path"
              aria-label={trans.__('Recipe file path')}
              placeholder={trans.__('path/to/recipe.json')}
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
              value={this._user}
              onChange={event => {
                this._user = event.target.value;
                this.update();
              }}
            />
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
        this._text = model.content;
        this.serverError = null;
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
  private _text = '';
  private _user = '';
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
     * A file to load at once.
     */
    path?: string;
    /**
     * Whether to offer the "for user" field (admin token configured).
     */
    askUser: boolean;
    /**
     * Create the resource; resolve an error message to keep the dialog open.
     */
    submit: (value: IRecipeResult) => Promise<string | null>;
  }
}

/**
 * The body of the run-as-Saturn-job dialog: optional papermill parameters,
 * one `name = value` per line, checked as the user types.
 */
export class NotebookJobBody extends FormBody<IParameters> {
  /**
   * Create the body.
   */
  constructor(options: NotebookJobBody.IOptions) {
    super(options.submit);
    this._options = options;
    this._text = options.text ?? '';
    this.addClass('jp-SaturnPanel-notebookJobForm');
  }

  /**
   * The text as typed (to offer it again next time).
   */
  get text(): string {
    return this._text;
  }

  handlesEnter(target: EventTarget | null): boolean {
    // Enter in the text area starts a new line.
    return target instanceof HTMLTextAreaElement;
  }

  getValue(): IParameters {
    return this._parse().parameters;
  }

  isValid(): boolean {
    return this._parse().errors.length === 0;
  }

  render(): JSX.Element {
    const trans = this._options.trans;
    const parsed = this._parse();
    const names = Object.keys(parsed.parameters);
    return (
      <div className="jp-SaturnPanel-formFields">
        <div className="jp-SaturnPanel-fieldHelp">
          {this._options.description}
        </div>
        <label className="jp-SaturnPanel-field">
          <span>{trans.__('Parameters (optional)')}</span>
          <textarea
            className="jp-mod-styled jp-SaturnPanel-parametersText"
            name="parameters"
            aria-label={trans.__('Papermill parameters')}
            aria-describedby="saturn-panel-parameters-help"
            aria-invalid={parsed.errors.length > 0 ? true : undefined}
            rows={6}
            spellCheck={false}
            placeholder={
              this._options.placeholder ??
              'epochs = 10\nlearning_rate = 0.01\nregion = "eu-west"'
            }
            value={this._text}
            onChange={event => {
              this._text = event.target.value;
              this.serverError = null;
              this.update();
            }}
          />
          <span
            id="saturn-panel-parameters-help"
            className="jp-SaturnPanel-fieldHelp"
          >
            {trans.__(
              'One name = value per line, passed to papermill as -p name value. Numbers and true/false are sent as such; quote a value to keep it text.'
            )}
          </span>
        </label>
        <FormErrors errors={parsed.errors} />
        {parsed.errors.length === 0 && names.length > 0 && (
          <div className="jp-SaturnPanel-parametersPreview" role="status">
            <span>{trans.__('Papermill will get:')}</span>{' '}
            <code>
              {names
                .map(name => `-p ${name} ${String(parsed.parameters[name])}`)
                .join(' ')}
            </code>
          </div>
        )}
        {this.renderFeedback(trans.__('Starting the job…'))}
      </div>
    );
  }

  /**
   * The parse of the current text.
   */
  private _parse(): IParametersParse {
    return this._parseText(this._text);
  }

  private _options: NotebookJobBody.IOptions;
  private _text: string;
  private _parseText = lastResultByText(text =>
    parseParameters(text, this._options.trans)
  );
}

/**
 * The namespace for `NotebookJobBody` statics.
 */
export namespace NotebookJobBody {
  /**
   * Options of the run-as-job body.
   */
  export interface IOptions {
    trans: TranslationBundle;
    /**
     * What will run, and how the job gets the notebook.
     */
    description: string;
    /**
     * The parameters text to start with (the last one used for the notebook).
     */
    text?: string;
    /**
     * The placeholder of the text area (the notebook's `parameters` cell,
     * when known).
     */
    placeholder?: string;
    /**
     * Start the job; resolve an error message to keep the dialog open.
     */
    submit: (parameters: IParameters) => Promise<string | null>;
  }
}
