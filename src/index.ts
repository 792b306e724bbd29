import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-saturn-panel:plugin',
  description: 'Saturn Cloud and JupyterHub servers panel.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    console.log('jupyterlab-saturn-panel is activated');
  }
};
export default plugin;
