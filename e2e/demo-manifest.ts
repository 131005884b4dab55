import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DemoManifest } from '../shared/domain/demo-seed.ts';
import { REPO_ROOT } from '../backend/test-support/processes.ts';

/** What the generator seeded: tests compute their expectations from it, independently of the UI. */
export function demoManifest(): DemoManifest {
  const dir = process.env.TANDEM_DEMO_CACHE ?? path.join(REPO_ROOT, '.cache', 'demo-data');
  return DemoManifest.parse(JSON.parse(readFileSync(path.join(dir, 'demo-manifest.json'), 'utf8')));
}

export const PRIORITY_RANK = { stat: 0, urgent: 1, routine: 2 } as const;

/** radiologist1's CT chest case that has a prior (the nodule case). */
export function ctChestCase(manifest: DemoManifest): DemoManifest['cases'][number] {
  const found = manifest.cases.find((c) => {
    const study = manifest.studies.find((s) => s.studyInstanceUid === c.studyInstanceUid);
    const priors = manifest.studies.filter(
      (s) => s.patientId === study?.patientId && s.studyInstanceUid !== study?.studyInstanceUid,
    );
    return (
      c.assignee === 'radiologist1' &&
      /CT/i.test(study?.description ?? '') &&
      /chest|thorax/i.test(study?.description ?? '') &&
      priors.length > 0
    );
  });
  if (!found) throw new Error('the demo data has no CT chest case with a prior for radiologist1');
  return found;
}
