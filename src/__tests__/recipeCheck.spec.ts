import { nullTranslator } from '@jupyterlab/translation';

import { checkRecipe } from '../dialogs/recipeCheck';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

const WORKSPACE = {
  schema_version: '2025.10.01',
  type: 'workspace',
  spec: {
    name: 'my-ws',
    image: 'saturncloud/saturn-python:2023.09.01',
    instance_type: 'large'
  }
};

const JOB = {
  schema_version: '2025.10.01',
  type: 'job',
  spec: { ...WORKSPACE.spec, name: 'my-job', command: 'python train.py' }
};

function check(value: unknown) {
  return checkRecipe(
    typeof value === 'string' ? value : JSON.stringify(value),
    trans
  );
}

describe('checkRecipe', () => {
  it('accepts the minimal workspace and job recipes', () => {
    const ws = check(WORKSPACE);
    expect(ws.errors).toEqual([]);
    expect(ws.recipe).toEqual(WORKSPACE);
    expect(ws.type).toBe('workspace');
    expect(ws.name).toBe('my-ws');
    expect(check(JOB).errors).toEqual([]);
  });

  it('accepts a job command given as a list, and an image given as an object', () => {
    expect(
      check({ ...JOB, spec: { ...JOB.spec, command: ['python', 'train.py'] } })
        .errors
    ).toEqual([]);
    expect(
      check({
        ...WORKSPACE,
        spec: {
          ...WORKSPACE.spec,
          image: { name: 'saturn-python', version: '2023.09.01' }
        }
      }).errors
    ).toEqual([]);
  });

  it('asks for something when empty', () => {
    expect(check('  ').errors).toEqual([
      'Paste a recipe, or choose a .json or .yaml file.'
    ]);
  });

  it('reports invalid JSON', () => {
    const result = check('{"type": "workspace",');
    expect(result.recipe).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^This is not valid JSON: /);
  });

  it('requires an object', () => {
    expect(check([WORKSPACE]).errors).toEqual([
      'A recipe must be a JSON object ({...}).'
    ]);
  });

  it('reports a missing or unknown type', () => {
    const { type, ...noType } = WORKSPACE;
    expect(type).toBe('workspace');
    expect(check(noType).errors).toEqual([
      '"type" is missing: use one of workspace, job, deployment.'
    ]);
    expect(check({ ...WORKSPACE, type: 'image' }).errors).toEqual([
      '"type" must be one of workspace, job, deployment, not "image".'
    ]);
  });

  it('reports every missing spec field at once', () => {
    expect(check({ type: 'workspace', spec: {} }).errors).toEqual([
      '"spec.name" is missing.',
      '"spec.image" is missing.',
      '"spec.instance_type" is missing.'
    ]);
    expect(check({ type: 'workspace' }).errors).toEqual(['"spec" is missing.']);
    expect(check({ type: 'workspace', spec: 'x' }).errors).toEqual([
      '"spec" must be an object.'
    ]);
  });

  it('rejects blank and mistyped fields', () => {
    expect(
      check({ ...WORKSPACE, spec: { ...WORKSPACE.spec, name: '', image: 3 } })
        .errors
    ).toEqual([
      '"spec.name" is missing.',
      '"spec.image" must be a string like "owner/name:version".'
    ]);
    expect(
      check({ ...WORKSPACE, spec: { ...WORKSPACE.spec, instance_type: 4 } })
        .errors
    ).toEqual(['"spec.instance_type" must be a string.']);
  });

  it('refuses a name the server refuses: letters, digits and dashes only', () => {
    expect(
      check({ ...WORKSPACE, spec: { ...WORKSPACE.spec, name: 'My WS!' } })
        .errors
    ).toEqual([
      '"spec.name" may only have letters, digits and dashes, not "My WS!".'
    ]);
    expect(
      check({ ...WORKSPACE, spec: { ...WORKSPACE.spec, name: '  ' } }).errors
    ).toHaveLength(1);
    expect(
      check({ ...WORKSPACE, spec: { ...WORKSPACE.spec, name: 'My-WS-2' } })
        .errors
    ).toEqual([]);
  });

  it('mirrors the server on the other fields', () => {
    const ws = (spec: { [key: string]: unknown }) =>
      check({ ...WORKSPACE, spec: { ...WORKSPACE.spec, ...spec } }).errors;
    expect(ws({ ide: 'vscode' })).toEqual([
      '"spec.ide" must be jupyter or rstudio.'
    ]);
    expect(ws({ ide: 'rstudio' })).toEqual([]);
    expect(ws({ environment_variables: ['A=1'] })).toEqual([
      '"spec.environment_variables" must be an object.'
    ]);
    expect(ws({ environment_variables: null })).toEqual([]);
    expect(ws({ git_repositories: {} })).toEqual([
      '"spec.git_repositories" must be a list.'
    ]);
    expect(ws({ command: 7 })).toEqual([
      '"spec.command" must be a string or a list of strings.'
    ]);
    expect(ws({ image: {} })).toEqual(['"spec.image" is missing.']);
    expect(check({ ...WORKSPACE, schema_version: 2025 }).errors).toEqual([
      '"schema_version" must be a string such as "2025.10.01".'
    ]);
    // What the server leaves to Saturn, the dialog does too.
    expect(ws({ disk_space: '10Gi', unknown_field: { a: 1 } })).toEqual([]);
  });

  it('requires a command for jobs only', () => {
    const { command, ...noCommand } = JOB.spec;
    expect(command).toBe('python train.py');
    expect(check({ ...JOB, spec: noCommand }).errors).toEqual([
      '"spec.command" is missing: a job needs a command to run.'
    ]);
    expect(
      check({ ...JOB, spec: { ...noCommand, command: [] } }).errors
    ).toHaveLength(1);
    expect(check({ ...WORKSPACE, spec: noCommand }).errors).toEqual([]);
  });

  it('accepts the older flat 2022.08.01 format, checking its shape only', () => {
    const legacy = {
      schema_version: '2022.08.01',
      name: 'old',
      image: { name: 'saturn', version: '1' },
      jupyter_server: { instance_type: 'large' }
    };
    const result = check(legacy);
    expect(result.errors).toEqual([]);
    expect(result.format).toBe('legacy');
    expect(result.type).toBe('workspace');
    expect(result.name).toBe('old');
    // Saturn decides the rest (here, a name the current format refuses).
    expect(check({ ...legacy, name: 'My Old WS' }).errors).toEqual([]);
    const job = check({ name: 'nightly', job: { command: 'python x.py' } });
    expect(job.errors).toEqual([]);
    expect(job.type).toBe('job');
    expect(
      check({ name: 'r', rstudio_server: {}, deployment: {} }).errors
    ).toEqual([
      'A recipe in the 2022.08.01 format has exactly one of jupyter_server, rstudio_server, job or deployment, as an object.'
    ]);
    expect(check({ name: 'r', jupyter_server: 'large' }).errors).toHaveLength(
      1
    );
    expect(check({ name: ' ', jupyter_server: {} }).errors).toEqual([
      '"name" is missing: the name of the resource to create.'
    ]);
    // With a "type" or a "spec" it is the current format.
    expect(
      check({ type: 'workspace', name: 'x', jupyter_server: {} }).format
    ).toBe('current');
    expect(check(WORKSPACE).format).toBe('current');
  });
});
