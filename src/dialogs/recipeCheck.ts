/**
 * Client-side checks of a Saturn Cloud recipe before it is sent to
 * `POST saturn-panel/saturn/recipes`. They mirror the server's own
 * (`check_recipe` and `check_legacy_recipe` in
 * jupyterlab_saturn_panel/validation.py), so the dialog's live check accepts
 * exactly what the server does: the current `{schema_version, type, spec}`
 * format field by field, and the older flat format (schema_version
 * "2022.08.01") for its shape only, leaving the rest to Saturn.
 */
import type { JSONObject } from '@lumino/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * The recipe types the panel creates.
 */
export const RECIPE_TYPES = ['workspace', 'job', 'deployment'] as const;

/**
 * The server blocks of a recipe in the older flat format, and the type of
 * resource each one creates.
 */
export const LEGACY_BLOCKS: { readonly [block: string]: string } = {
  jupyter_server: 'workspace',
  rstudio_server: 'workspace',
  job: 'job',
  deployment: 'deployment'
};

/**
 * What a Saturn recipe name may hold (the server's `_RECIPE_NAME`, matched
 * whole with `fullmatch`: JavaScript's `$` never accepts a trailing
 * newline, and neither does the server).
 */
export const RECIPE_NAME = /^[-a-zA-Z0-9]+$/;

/**
 * Python's whitespace (`str.isspace`, what `str.strip()` removes): not quite
 * JavaScript's `trim()`, which keeps U+001C-U+001F and U+0085 but removes
 * U+FEFF.
 */
const PYTHON_BLANK =
  // eslint-disable-next-line no-control-regex -- U+001C-U+001F are Python whitespace
  /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/**
 * Whether a name is blank as the server sees it (`not name.strip()`).
 */
export function isBlankName(name: string): boolean {
  return PYTHON_BLANK.test(name);
}

/**
 * Whether a `spec.name` of a recipe in the current format is one the server
 * takes (`check_recipe`): a string of letters, digits and dashes.
 */
export function isValidRecipeName(name: unknown): boolean {
  return typeof name === 'string' && RECIPE_NAME.test(name);
}

/**
 * The required `spec` fields per recipe type (the server's `RECIPE_REQUIRED`).
 */
const REQUIRED: { readonly [type: string]: ReadonlyArray<string> } = {
  workspace: ['name', 'image', 'instance_type'],
  job: ['name', 'image', 'instance_type', 'command'],
  deployment: ['name', 'image', 'instance_type', 'command']
};

/**
 * The `spec` fields that must be strings when given.
 */
const STRING_FIELDS = [
  'name',
  'instance_type',
  'description',
  'working_directory',
  'start_script',
  'disk_space'
];

/**
 * The `spec` fields that must be objects when given.
 */
const OBJECT_FIELDS = [
  'environment_variables',
  'config_files',
  'tags',
  'extra_packages'
];

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
   * `type` (for the flat format: the type its server block creates), when
   * it is a string.
   */
  readonly type: string | null;
  /**
   * `spec.name` (for the flat format: `name`), when it is a string.
   */
  readonly name: string | null;
  /**
   * `current` for `{schema_version, type, spec}`, `legacy` for the flat
   * 2022.08.01 format, null when not a JSON object.
   */
  readonly format: 'current' | 'legacy' | null;
}

/**
 * Whether a recipe is in the flat 2022.08.01 format (Saturn's recipe
 * repository's examples): no `spec` and no `type`, and a server block.
 */
export function isLegacyRecipe(recipe: { [key: string]: unknown }): boolean {
  return (
    !Private.has(recipe, 'spec') &&
    !Private.has(recipe, 'type') &&
    Object.keys(LEGACY_BLOCKS).some(block => Private.has(recipe, block))
  );
}

/**
 * Check a recipe's text as the server will: valid JSON, an object, then the
 * rules of its format. Every problem is reported at once.
 */
export function checkRecipe(
  text: string,
  trans: TranslationBundle
): IRecipeCheck {
  const empty = { recipe: null, type: null, name: null, format: null };
  if (text.trim() === '') {
    return {
      ...empty,
      errors: [trans.__('Paste a recipe, or choose a .json or .yaml file.')]
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
  return isLegacyRecipe(value)
    ? Private.checkLegacy(value, trans)
    : Private.checkCurrent(value, trans);
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
   * Whether an object has its own key (Python's `key in dict`).
   */
  export function has(value: Dict, key: string): boolean {
    return Object.prototype.hasOwnProperty.call(value, key);
  }

  /**
   * Whether a field counts as missing for the server: absent, null, "", []
   * or {}.
   */
  export function missing(value: unknown): boolean {
    return (
      value === undefined ||
      value === null ||
      value === '' ||
      (Array.isArray(value) && value.length === 0) ||
      (isObject(value) && Object.keys(value).length === 0)
    );
  }

  /**
   * The flat format, checked for shape only (the server's
   * `check_legacy_recipe`): a `name`, and exactly one server block, as an
   * object.
   */
  export function checkLegacy(
    value: Dict,
    trans: TranslationBundle
  ): IRecipeCheck {
    const errors: string[] = [];
    const name = typeof value.name === 'string' ? value.name : null;
    if (name === null || isBlankName(name)) {
      errors.push(
        trans.__('"name" is missing: the name of the resource to create.')
      );
    }
    const blocks = Object.keys(LEGACY_BLOCKS).filter(b => has(value, b));
    if (blocks.length !== 1 || !isObject(value[blocks[0]])) {
      errors.push(
        trans.__(
          'A recipe in the 2022.08.01 format has exactly one of jupyter_server, rstudio_server, job or deployment, as an object.'
        )
      );
    }
    return {
      recipe: value as JSONObject,
      errors,
      type: blocks.length === 1 ? LEGACY_BLOCKS[blocks[0]] : null,
      name,
      format: 'legacy'
    };
  }

  /**
   * The current format, field by field (the server's `check_recipe`).
   */
  export function checkCurrent(
    value: Dict,
    trans: TranslationBundle
  ): IRecipeCheck {
    const errors: string[] = [];
    const type = typeof value.type === 'string' ? value.type : null;
    const spec = isObject(value.spec) ? value.spec : null;
    const name = spec && typeof spec.name === 'string' ? spec.name : null;
    const known =
      type !== null && (RECIPE_TYPES as ReadonlyArray<string>).includes(type);

    if (value.type === undefined || value.type === null) {
      errors.push(
        trans.__('"type" is missing: use one of %1.', RECIPE_TYPES.join(', '))
      );
    } else if (!known) {
      errors.push(
        trans.__(
          '"type" must be one of %1, not %2.',
          RECIPE_TYPES.join(', '),
          JSON.stringify(value.type)
        )
      );
    }
    const version = value.schema_version;
    if (
      version !== undefined &&
      version !== null &&
      typeof version !== 'string'
    ) {
      errors.push(
        trans.__('"schema_version" must be a string such as "2025.10.01".')
      );
    }

    if (value.spec === undefined || value.spec === null) {
      errors.push(trans.__('"spec" is missing.'));
    } else if (!spec) {
      errors.push(trans.__('"spec" must be an object.'));
    } else {
      const required = REQUIRED[known && type ? type : 'workspace'];
      for (const field of required) {
        if (!missing(spec[field])) {
          continue;
        }
        errors.push(
          field === 'command'
            ? trans.__(
                '"spec.command" is missing: a %1 needs a command to run.',
                type ?? ''
              )
            : trans.__('"spec.%1" is missing.', field)
        );
      }
      for (const field of STRING_FIELDS) {
        const v = spec[field];
        if (v !== undefined && v !== null && typeof v !== 'string') {
          errors.push(trans.__('"spec.%1" must be a string.', field));
        }
      }
      if (name !== null && name !== '' && !RECIPE_NAME.test(name)) {
        errors.push(
          trans.__(
            '"spec.name" may only have letters, digits and dashes, not %1.',
            JSON.stringify(name)
          )
        );
      }
      const image = spec.image;
      if (!missing(image) && typeof image !== 'string' && !isObject(image)) {
        errors.push(
          trans.__('"spec.image" must be a string like "owner/name:version".')
        );
      }
      const command = spec.command;
      if (
        command !== undefined &&
        command !== null &&
        typeof command !== 'string' &&
        !Array.isArray(command)
      ) {
        errors.push(
          trans.__('"spec.command" must be a string or a list of strings.')
        );
      }
      for (const field of OBJECT_FIELDS) {
        const v = spec[field];
        if (v !== undefined && v !== null && !isObject(v)) {
          errors.push(trans.__('"spec.%1" must be an object.', field));
        }
      }
      if (
        has(spec, 'git_repositories') &&
        !Array.isArray(spec.git_repositories)
      ) {
        errors.push(trans.__('"spec.git_repositories" must be a list.'));
      }
      if (type === 'workspace') {
        const ide = has(spec, 'ide') ? spec.ide : 'jupyter';
        if (ide !== 'jupyter' && ide !== 'rstudio') {
          errors.push(trans.__('"spec.ide" must be jupyter or rstudio.'));
        }
      }
    }
    return {
      recipe: value as JSONObject,
      errors,
      type,
      name,
      format: 'current'
    };
  }
}
