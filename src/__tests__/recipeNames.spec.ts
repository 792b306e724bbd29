/**
 * The dialog's recipe name rule is the server's: the same table of names
 * (tests/recipe_names.json) is checked against `check_recipe` by
 * tests/test_recipe_names.py.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { isSaturnUserName } from '../dialogs/recipe';
import { checkRecipe } from '../dialogs/recipeCheck';
import { validateServerName } from '../dialogs/slug';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

// Jest's own `require` reads JSON (the tests have no Node.js types).
declare const require: (path: string) => unknown;

const CASES = require('../../tests/recipe_names.json') as {
  current: [unknown, boolean][];
  legacy: [unknown, boolean][];
  server_names: [string, boolean][];
  saturn_users: [string, boolean][];
};

function accepted(recipe: unknown): boolean {
  return checkRecipe(JSON.stringify(recipe), trans).errors.length === 0;
}

describe('recipe names: the dialog agrees with the server', () => {
  it('has cases of both kinds', () => {
    for (const cases of [
      CASES.current,
      CASES.legacy,
      CASES.server_names,
      CASES.saturn_users
    ]) {
      expect(cases.some(([, ok]) => ok)).toBe(true);
      expect(cases.some(([, ok]) => !ok)).toBe(true);
    }
  });

  it.each(CASES.current)(
    'current format: spec.name %j accepted: %s',
    (name, ok) => {
      const recipe = {
        schema_version: '2025.10.01',
        type: 'workspace',
        spec: {
          name,
          image: 'saturncloud/saturn-python:2023.09.01',
          instance_type: 'large'
        }
      };
      expect(accepted(recipe)).toBe(ok);
    }
  );

  it.each(CASES.legacy)(
    '2022.08.01 format: name %j accepted: %s',
    (name, ok) => {
      const recipe = {
        schema_version: '2022.08.01',
        name,
        jupyter_server: { instance_type: 'large' }
      };
      expect(accepted(recipe)).toBe(ok);
    }
  );
});

describe('other names: the dialogs agree with the server', () => {
  it.each(CASES.server_names)('new server name %j accepted: %s', (name, ok) => {
    expect(validateServerName(name, trans) === null).toBe(ok);
  });

  it.each(CASES.saturn_users)('Saturn user %j accepted: %s', (user, ok) => {
    expect(isSaturnUserName(user)).toBe(ok);
  });
});
