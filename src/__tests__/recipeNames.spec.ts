/**
 * The dialog's recipe name rule is the server's: the same table of names
 * (tests/recipe_names.json) is checked against `check_recipe` by
 * tests/test_recipe_names.py.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { checkRecipe } from '../dialogs/recipeCheck';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

// Jest's own `require` reads JSON (the tests have no Node.js types).
declare const require: (path: string) => unknown;

const CASES = require('../../tests/recipe_names.json') as {
  current: [unknown, boolean][];
  legacy: [unknown, boolean][];
};

function accepted(recipe: unknown): boolean {
  return checkRecipe(JSON.stringify(recipe), trans).errors.length === 0;
}

describe('recipe names: the dialog agrees with the server', () => {
  it('has cases of both kinds', () => {
    for (const cases of [CASES.current, CASES.legacy]) {
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
