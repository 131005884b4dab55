import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TRANSFER_SYNTAX, writePart10 } from './dicom-file.ts';
import { createJpegLsEncoder } from './jpeg-ls.ts';
import type { JpegLsEncoder } from './jpeg-ls.ts';
import { instanceDataset } from './study-plan.ts';
import type { SeriesPlan, StudyPlan } from './study-plan.ts';

/** A slice of work: instances [from, to) of one series. */
export interface RenderJob {
  study: number;
  series: number;
  from: number;
  to: number;
}

export interface RenderResult {
  files: number;
  bytes: number;
}

/** Where an instance's file lives under the output folder. */
export function instancePath(
  root: string,
  study: StudyPlan,
  series: SeriesPlan,
  sopInstanceUid: string,
): string {
  return path.join(root, 'dicom', study.uid, series.uid, `${sopInstanceUid}.dcm`);
}

/** Renders one instance to Part-10 bytes. */
export function renderInstance(
  study: StudyPlan,
  series: SeriesPlan,
  index: number,
  jpegLs: JpegLsEncoder | null,
): { sopInstanceUid: string; bytes: Uint8Array } {
  const { attributes, frame } = series.instance(index);
  const dataset = instanceDataset(study, series, index, attributes);
  const bytes = writePart10(dataset, frame, study.transferSyntax, jpegLs);
  return { sopInstanceUid: dataset.SOPInstanceUID as string, bytes };
}

/** Runs a job against a catalog, writing its files under `root`. */
export class JobRunner {
  private readonly catalog: StudyPlan[];
  private readonly root: string;
  private encoder: Promise<JpegLsEncoder> | null = null;

  constructor(catalog: StudyPlan[], root: string) {
    this.catalog = catalog;
    this.root = root;
  }

  async run(job: RenderJob): Promise<RenderResult> {
    const study = this.catalog[job.study]!;
    const series = study.series[job.series]!;
    const jpegLs =
      study.transferSyntax === TRANSFER_SYNTAX.jpegLsLossless
        ? await (this.encoder ??= createJpegLsEncoder())
        : null;
    let bytes = 0;
    let files = 0;
    mkdirSync(path.join(this.root, 'dicom', study.uid, series.uid), { recursive: true });
    for (let i = job.from; i < job.to; i++) {
      const out = renderInstance(study, series, i, jpegLs);
      writeFileSync(instancePath(this.root, study, series, out.sopInstanceUid), out.bytes);
      bytes += out.bytes.byteLength;
      files++;
    }
    return { files, bytes };
  }
}
