/**
 * The start-with-options dialog: the hub's start options (a JSON Schema, as
 * the server gives `hub.spawnOptions`) rendered with JupyterLab's own form
 * component, the one the Settings editor uses. Its form data, less the
 * choices that only reveal a free-form field, is the `userOptions` of the
 * start: for a KubeSpawner `profile_list`, `profile`, `{option}` and
 * `{option}--unlisted-choice`, the keys KubeSpawner reads.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { FormComponent, launchIcon } from '@jupyterlab/ui-components';
import type { JSONObject, JSONValue } from '@lumino/coreutils';
import type { RJSFSchema, ValidatorType } from '@rjsf/utils';
import * as React from 'react';

import { FormBody, FormErrors } from './form';

/**
 * The keyword of a choice that only reveals a free-form field (KubeSpawner's
 * "Other..."): its value names that field, and the choice is never sent.
 */
export const UNLISTED_MARK = 'x-unlisted-choice';

/**
 * The keyword of the message shown when a text does not match its `pattern`.
 */
export const MESSAGE_KEY = 'x-validation-message';

/**
 * Whether a value matches a schema, for the keywords start options use:
 * `type`, `const`, `enum`, `minLength`, `pattern`, `properties`, `required`,
 * `oneOf`, `anyOf`, `allOf` (others are not checked: the hub checks the
 * options again).
 */
export function matchesSchema(schema: unknown, value: unknown): boolean {
  if (!isObject(schema)) {
    return true;
  }
  if (typeof value === 'string') {
    if (
      typeof schema.minLength === 'number' &&
      Array.from(value).length < schema.minLength
    ) {
      return false;
    }
    if (
      typeof schema.pattern === 'string' &&
      !patternMatches(schema.pattern, value)
    ) {
      return false;
    }
  }
  if ('const' in schema && !sameJSON(schema.const, value)) {
    return false;
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some(item => sameJSON(item, value))
  ) {
    return false;
  }
  if (typeof schema.type === 'string' && !hasType(schema.type, value)) {
    return false;
  }
  if (isObject(value)) {
    if (isObject(schema.properties)) {
      for (const [name, sub] of Object.entries(schema.properties)) {
        if (name in value && !matchesSchema(sub, value[name])) {
          return false;
        }
      }
    }
    if (
      Array.isArray(schema.required) &&
      schema.required.some(name => typeof name === 'string' && !(name in value))
    ) {
      return false;
    }
  }
  if (
    Array.isArray(schema.oneOf) &&
    schema.oneOf.filter(sub => matchesSchema(sub, value)).length !== 1
  ) {
    return false;
  }
  if (
    Array.isArray(schema.anyOf) &&
    !schema.anyOf.some(sub => matchesSchema(sub, value))
  ) {
    return false;
  }
  if (
    Array.isArray(schema.allOf) &&
    !schema.allOf.every(sub => matchesSchema(sub, value))
  ) {
    return false;
  }
  return true;
}

/**
 * The properties (and required names) of an object schema for some form
 * data: its own, and those of the `dependencies` branches the data selects
 * (and of theirs, as a profile's branch holds an option's "Other…" branch).
 */
export function resolveProperties(
  schema: JSONObject,
  data: JSONObject
): { properties: { [name: string]: JSONObject }; required: string[] } {
  const properties: { [name: string]: JSONObject } = {};
  const required: string[] = [];
  const visit = (part: unknown, depth: number) => {
    if (!isObject(part) || depth > 8) {
      return;
    }
    if (isObject(part.properties)) {
      for (const [name, sub] of Object.entries(part.properties)) {
        // A branch's `{const}` only selects it; the field is the first seen.
        if (isObject(sub) && !(name in properties)) {
          properties[name] = sub as unknown as JSONObject;
        }
      }
    }
    if (Array.isArray(part.required)) {
      for (const name of part.required) {
        if (typeof name === 'string' && !required.includes(name)) {
          required.push(name);
        }
      }
    }
    if (!isObject(part.dependencies)) {
      return;
    }
    for (const [name, dependency] of Object.entries(part.dependencies)) {
      if (!(name in data) || !isObject(dependency)) {
        continue;
      }
      const branches = Array.isArray(dependency.oneOf)
        ? dependency.oneOf
        : [dependency];
      // As rjsf does: a branch is chosen by its schema of that field alone.
      for (const branch of branches) {
        const condition =
          isObject(branch) && isObject(branch.properties)
            ? branch.properties[name]
            : undefined;
        if (condition !== undefined && matchesSchema(condition, data[name])) {
          visit(branch, depth + 1);
        }
      }
    }
  };
  visit(schema, 0);
  return { properties, required };
}

/**
 * The form data to open the dialog with: each field's remembered value when
 * the schema still offers it (a remembered free-form value selects the
 * choice that reveals its field), else its default.
 */
export function initialOptions(
  schema: JSONObject,
  remembered: JSONObject | null
): JSONObject {
  const data: JSONObject = {};
  // Fields select the branches that add more: until nothing is added.
  for (let pass = 0; pass < 8; pass++) {
    const { properties } = resolveProperties(schema, data);
    let added = false;
    for (const [name, sub] of Object.entries(properties)) {
      if (name in data) {
        continue;
      }
      const last = remembered ? remembered[name] : undefined;
      const value =
        last !== undefined && matchesSchema(sub, last)
          ? last
          : (revealingChoice(sub, remembered) ?? sub.default);
      if (value !== undefined) {
        data[name] = value;
        added = true;
      }
    }
    if (!added) {
      break;
    }
  }
  return data;
}

/**
 * The form data after a change: a choice the chosen branches do not offer
 * (another profile's image) becomes the field's default. Text is left as
 * typed.
 */
export function settleOptions(
  schema: JSONObject,
  data: JSONObject
): JSONObject {
  const settled: JSONObject = { ...data };
  for (let pass = 0; pass < 8; pass++) {
    const { properties } = resolveProperties(schema, settled);
    let changed = false;
    for (const [name, sub] of Object.entries(properties)) {
      const value = settled[name];
      if (
        sub.default !== undefined &&
        (value === undefined || !matchesSchema(sub, value))
      ) {
        settled[name] = sub.default;
        changed = true;
      }
    }
    if (!changed) {
      break;
    }
  }
  return settled;
}

/**
 * The form data as `userOptions`: without fields the chosen branches do not
 * have (a GPU image left over after choosing the CPU profile) and without
 * the choices that only reveal a free-form field.
 */
export function pruneOptions(schema: JSONObject, data: JSONObject): JSONObject {
  const { properties } = resolveProperties(schema, data);
  const pruned: JSONObject = {};
  for (const [name, value] of Object.entries(data)) {
    if (
      name in properties &&
      value !== undefined &&
      !isRevealingChoice(properties[name], value)
    ) {
      pruned[name] = value;
    }
  }
  return pruned;
}

/**
 * Whether form data is complete and each field holds a value it may.
 */
export function isCompleteOptions(
  schema: JSONObject,
  data: JSONObject
): boolean {
  const { properties, required } = resolveProperties(schema, data);
  return (
    required.every(name => data[name] !== undefined) &&
    Object.entries(properties).every(
      ([name, sub]) =>
        data[name] === undefined || matchesSchema(sub, data[name])
    )
  );
}

/**
 * Why typed values are refused: for each text that does not match its
 * pattern, the configured message (KubeSpawner's `validation_message`).
 */
export function optionErrors(
  schema: JSONObject,
  data: JSONObject,
  trans: TranslationBundle
): string[] {
  const { properties } = resolveProperties(schema, data);
  const errors: string[] = [];
  for (const [name, sub] of Object.entries(properties)) {
    const value = data[name];
    if (
      typeof value !== 'string' ||
      value === '' ||
      typeof sub.pattern !== 'string' ||
      patternMatches(sub.pattern, value)
    ) {
      continue;
    }
    const message = sub[MESSAGE_KEY];
    errors.push(
      typeof message === 'string' && message
        ? message
        : trans.__(
            '%1 must match %2',
            typeof sub.title === 'string' ? sub.title : name,
            sub.pattern
          )
    );
  }
  return errors;
}

/**
 * The form's validator: rjsf asks it which `dependencies` branch the data
 * selects; completeness is checked by the dialog, the options by the server.
 */
export const startOptionsValidator: ValidatorType = {
  validateFormData: () => ({ errors: [], errorSchema: {} }),
  toErrorList: () => [],
  isValid: (schema, formData) => matchesSchema(schema, formData),
  rawValidation: () => ({ errors: [] })
};

/**
 * Properties of `StartOptionsFields`.
 */
export interface IStartOptionsFieldsProps {
  readonly schema: JSONObject;
  readonly data: JSONObject;
  readonly trans: TranslationBundle;
  /**
   * The form data after a change (already settled, see `settleOptions`).
   */
  readonly onChange: (data: JSONObject) => void;
  /**
   * The prefix of the fields' ids (unique in the page).
   */
  readonly idPrefix?: string;
  /**
   * The hub's own start page of the server, linked for the choices the form
   * cannot offer; none when unknown.
   */
  readonly spawnPage?: string | null;
}

/**
 * The start options as a form (JupyterLab's own form component), with the
 * descriptions of the choices made, the refusals of typed values and a link
 * to the hub's own start page: the start-with-options dialog's body and the
 * new-server dialog's options.
 */
export function StartOptionsFields(
  props: IStartOptionsFieldsProps
): JSX.Element {
  const { schema, data, trans, onChange, spawnPage } = props;
  const idPrefix = props.idPrefix ?? 'jp-SaturnPanel-startOptions';
  const descriptions = choiceDescriptions(schema, data);
  const fields = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => {
    // JupyterLab's form templates show a field's title in a <div>, not a
    // <label>: give each control its title as its accessible name.
    const { properties } = resolveProperties(schema, data);
    for (const [name, sub] of Object.entries(properties)) {
      const control = fields.current?.querySelector<HTMLElement>(
        `[id="${idPrefix}_${name}"]`
      );
      if (control) {
        control.setAttribute(
          'aria-label',
          typeof sub.title === 'string' && sub.title ? sub.title : name
        );
      }
    }
  });
  return (
    <div className="jp-SaturnPanel-startOptionsFields" ref={fields}>
      <FormComponent
        schema={schema as RJSFSchema}
        formData={data}
        validator={startOptionsValidator}
        idPrefix={idPrefix}
        onChange={event => {
          onChange(settleOptions(schema, (event.formData ?? {}) as JSONObject));
        }}
      />
      <FormErrors errors={optionErrors(schema, data, trans)} />
      {descriptions.map(text => (
        <p key={text} className="jp-SaturnPanel-startOptionsDescription">
          {text}
        </p>
      ))}
      {spawnPage && <SpawnPageLink href={spawnPage} trans={trans} />}
    </div>
  );
}

/**
 * The link to the hub's own start page of a server (`/hub/spawn/{user}/{name}`),
 * which offers every choice of the hub, those the panel's form does not know
 * included. Opens in a new tab.
 */
export function SpawnPageLink(props: {
  href: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { href, trans } = props;
  return (
    <p className="jp-SaturnPanel-spawnPageLink">
      <a
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        title={trans.__('Open %1 in a new browser tab', href)}
      >
        {trans.__("More choices on the hub's own start page")}
        <launchIcon.react
          tag="span"
          elementSize="small"
          className="jp-SaturnPanel-spawnPageIcon"
        />
      </a>
    </p>
  );
}

/**
 * The body of the start-with-options dialog.
 */
export class StartOptionsBody extends FormBody<JSONObject> {
  /**
   * Create the body.
   *
   * @param schema - the options' JSON Schema
   * @param initial - the form data to open with (see `initialOptions`)
   * @param send - starts the server with the options; resolves the server's
   * refusal, or null
   * @param spawnPage - the hub's own start page of the server, linked
   */
  constructor(
    schema: JSONObject,
    initial: JSONObject,
    trans: TranslationBundle,
    send?: (value: JSONObject) => Promise<string | null>,
    spawnPage?: string | null
  ) {
    super(send);
    this._schema = schema;
    this._data = initial;
    this._trans = trans;
    this._spawnPage = spawnPage ?? null;
    this.addClass('jp-SaturnPanel-startOptions');
  }

  getValue(): JSONObject {
    return pruneOptions(this._schema, this._data);
  }

  isValid(): boolean {
    return isCompleteOptions(this._schema, this._data);
  }

  render(): JSX.Element {
    return (
      <>
        <StartOptionsFields
          schema={this._schema}
          data={this._data}
          trans={this._trans}
          spawnPage={this._spawnPage}
          onChange={data => {
            this._data = data;
            this.update();
          }}
        />
        {this.renderFeedback(this._trans.__('Starting…'))}
      </>
    );
  }

  private _schema: JSONObject;
  private _data: JSONObject;
  private _trans: TranslationBundle;
  private _spawnPage: string | null;
}

/**
 * The descriptions of the choices made (a profile's "1 T4 GPU").
 */
function choiceDescriptions(schema: JSONObject, data: JSONObject): string[] {
  const { properties } = resolveProperties(schema, data);
  const texts: string[] = [];
  for (const [name, sub] of Object.entries(properties)) {
    if (!Array.isArray(sub.oneOf)) {
      continue;
    }
    const chosen = sub.oneOf.find(
      choice => isObject(choice) && sameJSON(choice.const, data[name])
    );
    if (
      isObject(chosen) &&
      typeof chosen.description === 'string' &&
      chosen.description
    ) {
      texts.push(chosen.description);
    }
  }
  return texts;
}

/**
 * Whether a value is a plain object.
 */
function isObject(value: unknown): value is { [key: string]: JSONValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The choice of a field that reveals a remembered free-form value, if any.
 */
function revealingChoice(
  sub: JSONObject,
  remembered: JSONObject | null
): JSONValue | undefined {
  if (!remembered || !Array.isArray(sub.oneOf)) {
    return undefined;
  }
  for (const item of sub.oneOf) {
    if (!isObject(item)) {
      continue;
    }
    const field = item[UNLISTED_MARK];
    const value = typeof field === 'string' ? remembered[field] : undefined;
    if (typeof value === 'string' && value !== '') {
      return item.const;
    }
  }
  return undefined;
}

/**
 * Whether a value is a choice that only reveals a free-form field.
 */
function isRevealingChoice(sub: JSONObject, value: JSONValue): boolean {
  return (
    Array.isArray(sub.oneOf) &&
    sub.oneOf.some(
      item =>
        isObject(item) &&
        typeof item[UNLISTED_MARK] === 'string' &&
        sameJSON(item.const, value)
    )
  );
}

/**
 * Whether a text matches a JSON Schema `pattern` (an ECMAScript regular
 * expression, searched). A pattern this browser cannot compile is not
 * checked here: the hub checks the value with its own.
 */
function patternMatches(pattern: string, value: string): boolean {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(pattern, flags).test(value);
    } catch {
      // Try without the Unicode flag, then give up.
    }
  }
  return true;
}

/**
 * Whether a value is of a JSON Schema type.
 */
function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

/**
 * Whether two JSON values are equal.
 */
function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
