import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemoData } from './generate.ts';

/** `node scripts/demo-data/cli.ts [--out DIR] [--force] [--workers N]` */
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '.cache/demo-data' },
    force: { type: 'boolean', default: false },
    workers: { type: 'string' },
  },
});

const result = await generateDemoData(path.resolve(values.out), {
  force: values.force,
  ...(values.workers !== undefined ? { workers: Number(values.workers) } : {}),
  log: (m) => console.log(m),
});
const seconds = (result.milliseconds / 1000).toFixed(1);
const megabytes = (result.bytes / 1e6).toFixed(1);
console.log(
  `${result.cached ? 'demo data already present' : 'demo data written'} in ${result.outDir}: ` +
    `${result.files} files, ${megabytes} MB, ${result.manifest.studies.length} studies, ${seconds} s`,
);
