import { nullTranslator } from '@jupyterlab/translation';

import { notebookJobRequest } from '../jobs/notebookJob';
import { DEFAULT_JOB_SETTINGS } from '../tokens';
import {
  formatParameters,
  numberProblem,
  parseParameters,
  parseParameterValue,
  validateParameterName
} from '../jobs/parameters';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

describe('parseParameterValue', () => {
  it.each([
    ['42', 42],
    ['-7', -7],
    ['+3', 3],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['-2.5E-2', -0.025],
    ['true', true],
    ['False', false],
    ['TRUE', true],
    ['"42"', '42'],
    ["'true'", 'true'],
    ['""', ''],
    ['', ''],
    ['eu-west', 'eu-west'],
    ['  spaced out  ', 'spaced out'],
    ['1.2.3', '1.2.3'],
    ['0x10', '0x10'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['1_000', '1_000'],
    ['12345678901234567890', '12345678901234567890'],
    ['"unbalanced', '"unbalanced'],
    ['a = b', 'a = b']
  ])('reads %p as %p', (text, expected) => {
    expect(parseParameterValue(text)).toEqual(expected);
  });
});

describe('validateParameterName', () => {
  it.each(['x', '_private', 'learning_rate', 'Epochs2', '__dunder__'])(
    'accepts %p',
    name => {
      expect(validateParameterName(name, trans)).toBeNull();
    }
  );

  it.each([
    ['', 'needs a name'],
    ['2fast', 'not a valid Python identifier'],
    ['has-dash', 'not a valid Python identifier'],
    ['has space', 'not a valid Python identifier'],
    ['café', 'not a valid Python identifier'],
    ['class', 'Python keyword'],
    ['None', 'Python keyword'],
    ['lambda', 'Python keyword']
  ])('refuses %p', (name, reason) => {
    expect(validateParameterName(name, trans)).toContain(reason);
  });
});

describe('parseParameters', () => {
  it('reads one name = value per line, skipping blanks and comments', () => {
    const result = parseParameters(
      '# training run\n\nepochs = 10\r\nlearning_rate=0.01\n  region = "eu-west"  \ndry_run = false\nnote = a = b\n',
      trans
    );
    expect(result.errors).toEqual([]);
    expect(result.parameters).toEqual({
      epochs: 10,
      learning_rate: 0.01,
      region: 'eu-west',
      dry_run: false,
      note: 'a = b'
    });
    expect(Object.keys(result.parameters)).toEqual([
      'epochs',
      'learning_rate',
      'region',
      'dry_run',
      'note'
    ]);
  });

  it('is empty for an empty text', () => {
    expect(parseParameters('', trans)).toEqual({ parameters: {}, errors: [] });
    expect(parseParameters('  \n\n', trans).errors).toEqual([]);
  });

  it('names the line of every error', () => {
    const result = parseParameters(
      'ok = 1\njust text\n1bad = 2\n= 3\nok = 4\nfor = 5',
      trans
    );
    expect(result.errors).toEqual([
      'Line 2: write name = value.',
      expect.stringMatching(/^Line 3: "1bad" is not a valid Python identifier/),
      'Line 4: A parameter needs a name.',
      'Line 5: "ok" is already set above.',
      'Line 6: "for" is a Python keyword.'
    ]);
    // The valid lines are still read.
    expect(result.parameters).toEqual({ ok: 1 });
  });

  it('refuses numbers it cannot send exactly, and says how to send text', () => {
    const result = parseParameters(
      'ok = 9007199254740991\nbig = 12345678901234567890\nneg = -9007199254740993\nhuge = 1e400\nquoted = "12345678901234567890"\nzip = "02134"',
      trans
    );
    expect(result.errors).toEqual([
      expect.stringMatching(
        /^Line 2: 12345678901234567890 is an integer too large to send exactly .*write "12345678901234567890"/
      ),
      expect.stringMatching(
        /^Line 3: -9007199254740993 is an integer too large/
      ),
      expect.stringMatching(/^Line 4: 1e400 is beyond the largest number/)
    ]);
    expect(result.parameters).toEqual({
      ok: 9007199254740991,
      quoted: '12345678901234567890',
      zip: '02134'
    });
    expect(numberProblem('1.5e300', trans)).toBeNull();
    expect(numberProblem('text', trans)).toBeNull();
  });

  it('writes parameters back so they read the same', () => {
    const parameters = {
      n: 3,
      flag: true,
      text: 'hello world',
      numeric_text: '42',
      bool_text: 'false',
      quoted: '"q"',
      empty: '',
      big_text: '12345678901234567890',
      float_text: '1e400'
    };
    const text = formatParameters(parameters);
    expect(text).toContain('numeric_text = "42"');
    expect(parseParameters(text, trans)).toEqual({ parameters, errors: [] });
  });
});

describe('notebookJobRequest', () => {
  it('sends only the path, parameters and source by default', () => {
    expect(
      notebookJobRequest('dir/nb.ipynb', { a: 1 }, DEFAULT_JOB_SETTINGS, trans)
    ).toEqual({ path: 'dir/nb.ipynb', parameters: { a: 1 }, source: 'recipe' });
  });

  it('adds git, image and size from the settings', () => {
    expect(
      notebookJobRequest(
        'nb.ipynb',
        {},
        {
          ...DEFAULT_JOB_SETTINGS,
          jobSource: 'git',
          gitRepository: ' https://github.com/me/repo.git ',
          gitReference: 'main',
          gitDirectory: '/notebooks/',
          jobImage: 'saturncloud/saturn-python:2024.08.01',
          jobInstanceType: 'xlarge'
        },
        trans
      )
    ).toEqual({
      path: 'nb.ipynb',
      parameters: {},
      source: 'git',
      git: {
        url: 'https://github.com/me/repo.git',
        reference: 'main',
        directory: 'notebooks'
      },
      image: 'saturncloud/saturn-python:2024.08.01',
      instanceType: 'xlarge'
    });
  });

  it('refuses the git source without a repository', () => {
    const result = notebookJobRequest(
      'nb.ipynb',
      {},
      { ...DEFAULT_JOB_SETTINGS, jobSource: 'git' },
      trans
    );
    expect(typeof result).toBe('string');
    expect(result).toContain('gitRepository');
  });
});
