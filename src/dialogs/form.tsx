/**
 * The form framework of the panel's dialogs: a body that validates as the
 * user types and submits while the dialog stays open, showing the server's
 * refusal inline.
 */
import { Dialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';

/**
 * `compute` of a text, computed again only when the text changes: a form
 * renders on every keystroke and whenever its dialog updates.
 */
export function lastResultByText<R>(
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
export function FormErrors(props: {
  errors: ReadonlyArray<string>;
}): JSX.Element | null {
  if (props.errors.length === 0) {
    return null;
  }
  return (
    // The alert wraps the list: on the <ul> itself the role would take its list semantics away
    // (axe: listitem).
    <div role="alert">
      <ul className="jp-SaturnPanel-formErrors">
        {props.errors.map(error => (
          <li key={error}>{error}</li>
        ))}
      </ul>
    </div>
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
   * Close the dialog as Cancel does, for a body that hands over to another
   * dialog (JupyterLab shows one dialog at a time: a second one waits until
   * the first is closed). A no-op outside a form dialog.
   */
  protected closeDialog(): void {
    Private.closers.get(this)?.();
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
    Private.closers.set(options.body, () => this.reject());
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
 * A module-private namespace.
 */
namespace Private {
  /**
   * How each form body in a dialog closes it.
   */
  export const closers = new WeakMap<object, () => void>();
}
