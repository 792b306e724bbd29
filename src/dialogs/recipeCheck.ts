/**
 * Client-side checks of a Saturn Cloud recipe before it is sent to
 * `POST saturn-panel/saturn/recipes` (reference: Saturn recipe schema, the
 * `{schema_version, type, spec}` format).
 */
import type { JSONObject } from '@lumino/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * The recipe types the panel creates.
 */
export const RECIPE_TYPES = ['workspace', 'job', 'deployment'] as const;

/**
 * The outcome of `checkRecipe`.
 */
export interface IRecipeCheck {
  /**
   * The parsed recipe, when the text is a JSON object (even with errors).
   */
  readonly recipe: JSONObject | null;
  /**
   * Everything wrong with it (translated); empty when it can be sent.
   */
  readonly errors: ReadonlyArray<string>;
  /**
   * `type`, when it is a string.
   */
  readonly type: string | null;
  /**
   * `spec.name`, when it is a string.
   */
  readonly name: string | null;
}

/**
 * Check a recipe's text: valid JSON, an object, a known `type`, a `spec`
 * object with `name`, `image` and `instance_type`, and a `command` for jobs
 * and deployments.
 */
export function checkRecipe(
  text: string,
  trans: TranslationBundle
): IRecipeCheck {
  const empty = { recipe: null, type: null, name: null };
  if (text.trim() === '') {
    return {
      ...empty,
      errors: [trans.__('Paste a recipe, or load a .json file.')]
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ...empty,
      errors: [
        trans.__(
          'This is not valid JSON: %1',
          error instanceof Error ? error.message : String(error)
        )
      ]
    };
  }
  if (!Private.isObject(value)) {
    return {
      ...empty,
      errors: [trans.__('A recipe must be a JSON object ({...}).')]
    };
  }
  const recipe = value as JSONObject;
  const errors: string[] = [];
  const type = typeof value.type === 'string' ? value.type : null;
  const spec = Private.isObject(value.spec) ? value.spec : null;
  const name =
    spec && typeof spec.name === 'string' ? (spec.name as string) : null;

  if (
    value.type === undefined &&
    (value.jupyter_server !== undefined || value.rstudio_server !== undefined)
  ) {
    errors.push(
      trans.__(
        'This looks like a legacy (2022) recipe. Use the current format: {"type": "workspace", "spec": {...}}.'
      )
    );
  } else if (value.type === undefined) {
    errors.push(
      trans.__('"type" is missing: use one of %1.', RECIPE_TYPES.join(', '))
    );
  } else if (
    type === null ||
    !(RECIPE_TYPES as ReadonlyArray<string>).includes(type)
  ) {
    errors.push(
      trans.__(
        '"type" must be one of %1, not %2.',
        RECIPE_TYPES.join(', '),
        JSON.stringify(value.type)
      )
    );
  }

  if (value.spec === undefined) {
    errors.push(trans.__('"spec" is missing.'));
  } else if (!spec) {
    errors.push(trans.__('"spec" must be an object.'));
  } else {
    if (!Private.nonEmptyString(spec.name)) {
      errors.push(trans.__('"spec.name" is missing.'));
    }
    if (spec.image === undefined) {
      errors.push(trans.__('"spec.image" is missing.'));
    } else if (
      !Private.nonEmptyString(spec.image) &&
      !Private.isObject(spec.image)
    ) {
      errors.push(
        trans.__('"spec.image" must be a string like "owner/name:version".')
      );
    }
    if (!Private.nonEmptyString(spec.instance_type)) {
      errors.push(trans.__('"spec.instance_type" is missing.'));
    }
    if (type === 'job' || type === 'deployment') {
      const command = spec.command;
      const ok =
        Private.nonEmptyString(command) ||
        (Array.isArray(command) &&
          command.length > 0 &&
          command.every(part => typeof part === 'string'));
      if (!ok) {
        errors.push(
          trans.__(
            '"spec.command" is missing: a %1 needs a command to run.',
            type
          )
        );
      }
    }
  }
  return { recipe, errors, type, name };
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * A plain JSON object.
   */
  export type Dict = { [key: string]: unknown };

  /**
   * Whether a value is a plain object.
   */
  export function isObject(value: unknown): value is Dict {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /**
   * Whether a value is a string with something other than spaces.
   */
  export function nonEmptyString(value: unknown): boolean {
    return typeof value === 'string' && value.trim() !== '';
  }
}
