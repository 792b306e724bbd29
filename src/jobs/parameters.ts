/**
 * Papermill parameters as the user types them: one `name = value` per line.
 * They reach the notebook with exactly the JSON type and value sent (the
 * server ships them as JSON); a number JSON from the browser cannot carry
 * exactly is refused here rather than changed on the way.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { IParameters, ParameterValue } from '../api';

/**
 * The outcome of parsing the parameters text.
 */
export interface IParametersParse {
  /**
   * The parameters of every valid line, in order.
   */
  readonly parameters: IParameters;
  /**
   * One translated message per invalid line; empty when all are valid.
   */
  readonly errors: ReadonlyArray<string>;
}

/**
 * Python's reserved words: not usable as parameter names.
 */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield'
]);

/**
 * Why a parameter name cannot be used, or null when it can: it must be an
 * ASCII Python identifier (what the server accepts) and not a keyword.
 */
export function validateParameterName(
  name: string,
  trans: TranslationBundle
): string | null {
  if (name === '') {
    return trans.__('A parameter needs a name.');
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return trans.__(
      '"%1" is not a valid Python identifier (letters, digits and _, not starting with a digit).',
      name
    );
  }
  if (PYTHON_KEYWORDS.has(name)) {
    return trans.__('"%1" is a Python keyword.', name);
  }
  return null;
}

/**
 * The text of a number as a person writes it (`42`, `-1.5e3`, `.5`).
 */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Why an unquoted value that reads as a number cannot be sent as one, or
 * null: an integer beyond what a JavaScript number holds exactly, or a
 * number beyond the largest float.
 */
export function numberProblem(
  text: string,
  trans: TranslationBundle
): string | null {
  const value = text.trim();
  if (!NUMBER.test(value)) {
    return null;
  }
  const number = Number(value);
  if (!Number.isFinite(number)) {
    return trans.__(
      '%1 is beyond the largest number (about 1.8e308); write "%1" to send it as text.',
      value
    );
  }
  if (/^[+-]?\d+$/.test(value) && !Number.isSafeInteger(number)) {
    return trans.__(
      '%1 is an integer too large to send exactly (the limit is ±9007199254740991); write "%1" to send it as text.',
      value
    );
  }
  return null;
}

/**
 * The value of a parameter from its text: a number or a boolean when it
 * looks like one (`42`, `-1.5e3`, `true`, `False`), the text between quotes
 * when quoted (`"42"` stays a string), else the text itself (a number that
 * cannot be sent exactly, see `numberProblem`, stays text here).
 */
export function parseParameterValue(text: string): ParameterValue {
  const value = text.trim();
  if (
    value.length >= 2 &&
    (value[0] === '"' || value[0] === "'") &&
    value[value.length - 1] === value[0]
  ) {
    return value.slice(1, -1);
  }
  const lower = value.toLowerCase();
  if (lower === 'true') {
    return true;
  }
  if (lower === 'false') {
    return false;
  }
  if (NUMBER.test(value)) {
    const number = Number(value);
    const integer = /^[+-]?\d+$/.test(value);
    if (Number.isFinite(number) && (!integer || Number.isSafeInteger(number))) {
      return number;
    }
  }
  return value;
}

/**
 * Parse the parameters text: one `name = value` per line; blank lines and
 * lines starting with `#` are skipped.
 */
export function parseParameters(
  text: string,
  trans: TranslationBundle
): IParametersParse {
  const parameters: IParameters = {};
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      return;
    }
    const number = index + 1;
    const at = trimmed.indexOf('=');
    if (at < 0) {
      errors.push(trans.__('Line %1: write name = value.', number));
      return;
    }
    const name = trimmed.slice(0, at).trim();
    const reason = validateParameterName(name, trans);
    if (reason) {
      errors.push(trans.__('Line %1: %2', number, reason));
      return;
    }
    if (Object.prototype.hasOwnProperty.call(parameters, name)) {
      errors.push(
        trans.__('Line %1: "%2" is already set above.', number, name)
      );
      return;
    }
    const problem = numberProblem(trimmed.slice(at + 1), trans);
    if (problem) {
      errors.push(trans.__('Line %1: %2', number, problem));
      return;
    }
    parameters[name] = parseParameterValue(trimmed.slice(at + 1));
  });
  return { parameters, errors };
}

/**
 * Write parameters back as text (one `name = value` per line); strings that
 * would read back as something else (or as a number) are quoted.
 */
export function formatParameters(parameters: IParameters): string {
  return Object.entries(parameters)
    .map(([name, value]) => {
      if (
        typeof value === 'string' &&
        (parseParameterValue(value) !== value || NUMBER.test(value.trim()))
      ) {
        return `${name} = "${value}"`;
      }
      return `${name} = ${String(value)}`;
    })
    .join('\n');
}
