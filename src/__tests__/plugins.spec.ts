/**
 * Issue 19, finding 6: the jobs part is a plugin of its own (it can be turned
 * off with `disabledExtensions`), needing only the main plugin's token, and
 * its settings are in its own schema (schema/<name>.json maps to the plugin
 * id `jupyterlab-saturn-panel:<name>`).
 */
import plugins from '../index';
import {
  DEFAULT_JOB_SETTINGS,
  ISaturnPanelShell,
  JOBS_PLUGIN_ID,
  PLUGIN_ID
} from '../tokens';

// Jest's own `require` reads JSON (the tests have no Node.js types).
declare const require: (path: string) => any;

const SCHEMAS: { [name: string]: { [key: string]: any } } = {
  plugin: require('../../schema/plugin.json'),
  jobs: require('../../schema/jobs.json')
};

function schema(name: string): { [key: string]: any } {
  return SCHEMAS[name];
}

describe('the plugins', () => {
  it('are two: the main plugin provides the panel, the jobs plugin requires it', () => {
    const list = plugins as any[];
    expect(list.map(p => p.id)).toEqual([PLUGIN_ID, JOBS_PLUGIN_ID]);
    const [main, jobs] = list;
    expect(main.provides).toBe(ISaturnPanelShell);
    expect(main.requires ?? []).toEqual([]);
    expect(jobs.requires).toEqual([ISaturnPanelShell]);
    expect(jobs.autoStart).toBe(true);
  });

  it('each have their own settings schema, the job settings in jobs.json', () => {
    expect(PLUGIN_ID.split(':')[1]).toBe('plugin');
    expect(JOBS_PLUGIN_ID.split(':')[1]).toBe('jobs');
    const main = schema('plugin');
    const jobs = schema('jobs');
    for (const [name, value] of Object.entries(DEFAULT_JOB_SETTINGS)) {
      expect(jobs.properties[name]?.default).toEqual(value);
      expect(main.properties[name]).toBeUndefined();
    }
    expect(jobs.properties.showJobsSection.default).toBe(true);
    // The notebook toolbar's and file browser's job items go with the jobs plugin.
    expect(JSON.stringify(jobs['jupyter.lab.toolbars'])).toContain(
      'saturn-panel:run-notebook'
    );
    expect(JSON.stringify(main)).not.toContain('saturn-panel:run-notebook');
    // The panel's shortcut stays with the main plugin.
    expect(JSON.stringify(main['jupyter.lab.shortcuts'])).toContain(
      'saturn-panel:open-panel'
    );
  });
});
