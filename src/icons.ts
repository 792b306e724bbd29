/**
 * The panel's icon.
 */
import { LabIcon } from '@jupyterlab/ui-components';

/**
 * A ringed planet; `jp-icon3` makes it follow the theme.
 */
const SATURN_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <circle cx="12" cy="12" r="5.5"/>
  </g>
  <g fill="none">
    <ellipse class="jp-icon3" stroke="#616161" stroke-width="1.8" cx="12" cy="12" rx="10.5" ry="3.6" transform="rotate(-22 12 12)"/>
  </g>
</svg>`;

/**
 * The icon of the panel's sidebar tab and of its commands.
 */
export const saturnPanelIcon = new LabIcon({
  name: 'jupyterlab-saturn-panel:saturn',
  svgstr: SATURN_SVG
});

/**
 * A planet with a "play" badge: run something as a Saturn Cloud job.
 */
const SATURN_JOB_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <circle cx="10" cy="10" r="4.5"/>
  </g>
  <g fill="none">
    <ellipse class="jp-icon3" stroke="#616161" stroke-width="1.6" cx="10" cy="10" rx="8.8" ry="3" transform="rotate(-22 10 10)"/>
  </g>
  <g class="jp-icon-accent0" fill="#fff" stroke="#fff" stroke-width="1.5">
    <circle cx="17.5" cy="17.5" r="5.5"/>
  </g>
  <g class="jp-icon3" fill="#616161">
    <path d="M15.8 14.6v5.8l4.8-2.9z"/>
  </g>
</svg>`;

/**
 * The icon of job commands: launcher cards, the notebook toolbar button,
 * run-log tabs.
 */
export const saturnJobIcon = new LabIcon({
  name: 'jupyterlab-saturn-panel:saturn-job',
  svgstr: SATURN_JOB_SVG
});
