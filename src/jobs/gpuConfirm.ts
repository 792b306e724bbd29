/**
 * A confirmation before a run on a size with a GPU: GPU sizes cost more,
 * and a launcher card or a palette entry is one click away.
 *
 * #### Notes
 * Whether a size has a GPU is what Saturn Cloud says: the server reads its
 * sizes (`GET /api/info/servers`: `gpu`, `gpu_type`) and puts them in the
 * job's details as `gpus` and `gpuType` (null `gpus`: unknown, then nothing
 * is asked). The `confirmGpuRuns` setting turns the question off.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { IResource, resourceLabel } from '../api';
import { jobNotebook } from './names';

/**
 * The GPUs of a resource's size: how many, of which type (null: not said).
 */
export interface IGpuSize {
  readonly gpus: number;
  readonly gpuType: string | null;
}

/**
 * The GPUs of a job's size, or null when it has none or nothing says.
 */
export function jobGpus(job: IResource): IGpuSize | null {
  const { gpus, gpuType } = job.details;
  if (typeof gpus !== 'number' || !Number.isFinite(gpus) || gpus < 1) {
    return null;
  }
  return {
    gpus: Math.floor(gpus),
    gpuType: typeof gpuType === 'string' && gpuType ? gpuType : null
  };
}

/**
 * Whether running `job` asks first: its size has a GPU and the
 * `confirmGpuRuns` setting is on.
 */
export function needsGpuConfirmation(
  job: IResource,
  settings: { readonly confirmGpuRuns: boolean }
): boolean {
  return settings.confirmGpuRuns && jobGpus(job) !== null;
}

/**
 * The text of the question: what runs, on which size, with which GPUs.
 */
export function gpuConfirmationText(
  job: IResource,
  trans: TranslationBundle
): string {
  const gpu = jobGpus(job) ?? { gpus: 1, gpuType: null };
  const size =
    typeof job.details.size === 'string' && job.details.size
      ? job.details.size
      : trans.__('its size');
  const gpus = gpu.gpuType
    ? trans._n('%1 %2 GPU', '%1 %2 GPUs', gpu.gpus, gpu.gpuType)
    : trans._n('%1 GPU', '%1 GPUs', gpu.gpus);
  const notebook = jobNotebook(job);
  const command = job.details.command;
  const what = notebook
    ? trans.__('the notebook %1', notebook)
    : typeof command === 'string' && command
      ? trans.__('the command "%1"', command)
      : trans.__('the job %1', resourceLabel(job, trans));
  return trans.__(
    'This starts a run of %1 on %2, with %3. GPU sizes cost more than others; the run goes on until it ends or you stop it.',
    what,
    size,
    gpus
  );
}

/**
 * Ask whether to run a job on its GPU size; Cancel has the focus.
 *
 * @returns whether to run
 */
export async function confirmGpuRun(
  job: IResource,
  trans: TranslationBundle
): Promise<boolean> {
  const label = resourceLabel(job, trans);
  const result = await showDialog({
    title: trans.__('Run %1 on a GPU?', label),
    body: gpuConfirmationText(job, trans),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({
        label: trans.__('Run on GPU'),
        ariaLabel: trans.__('Run %1 on a GPU', label)
      })
    ],
    defaultButton: 0
  });
  return result.button.accept;
}
