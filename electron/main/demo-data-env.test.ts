import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoDataEnv } from './demo-data-env.ts';

const resourcesPath = path.join('/opt', 'Tandem', 'resources');
const shippedManifest = path.join(resourcesPath, 'demo-data', 'demo-manifest.json');

describe('demo data for the embedded backend', () => {
  it('leaves a demo cache chosen by npm start alone', () => {
    const env = { TANDEM_DEMO_CACHE: '/repo/.cache/demo-data', TANDEM_DEMO_SKIP_GENERATE: '1' };
    expect(demoDataEnv({ env, isPackaged: true, resourcesPath, exists: () => true })).toEqual({});
  });

  it('points a packaged app at the demo studies it ships, without generating', () => {
    expect(
      demoDataEnv({
        env: {},
        isPackaged: true,
        resourcesPath,
        exists: (f) => f === shippedManifest,
      }),
    ).toEqual({
      TANDEM_DEMO_CACHE: path.join(resourcesPath, 'demo-data'),
      TANDEM_DEMO_SKIP_GENERATE: '1',
    });
  });

  it('adds nothing when no demo data is shipped or in development', () => {
    expect(demoDataEnv({ env: {}, isPackaged: true, resourcesPath, exists: () => false })).toEqual(
      {},
    );
    expect(demoDataEnv({ env: {}, isPackaged: false, resourcesPath, exists: () => true })).toEqual(
      {},
    );
  });
});
