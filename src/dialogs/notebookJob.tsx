/**
 * The run-as-Saturn-job dialog: optional papermill parameters, checked as
 * the user types.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IParameters } from '../api';
import { IParametersParse, parseParameters } from '../jobs/parameters';
import { FormBody, FormErrors, lastResultByText } from './form';

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
              'One name = value per line. Numbers and true/false arrive in the notebook as such; quote a value to keep it text.'
            )}
          </span>
        </label>
        <FormErrors errors={parsed.errors} />
        {parsed.errors.length === 0 && names.length > 0 && (
          <div className="jp-SaturnPanel-parametersPreview" role="status">
            <span>{trans.__('The notebook will get:')}</span>{' '}
            <code>
              {names
                .map(
                  name =>
                    `${name} = ${Private.pythonLiteral(parsed.parameters[name])}`
                )
                .join('; ')}
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

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * How a parameter reads in the notebook's injected cell (Python).
   */
  export function pythonLiteral(value: string | number | boolean): string {
    if (typeof value === 'boolean') {
      return value ? 'True' : 'False';
    }
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  }
}
