import path from 'node:path';

export interface DemoDataContext {
  /** main's environment */
  env: Readonly<Record<string, string | undefined>>;
  isPackaged: boolean;
  /** process.resourcesPath */
  resourcesPath: string;
  exists: (file: string) => boolean;
}

/**
 * Where the embedded backend finds the demo studies for `--seed demo`, as environment for it.
 *
 * The backend would otherwise run the demo-data generator with `process.execPath`, which in a
 * utility process is Electron, not Node. So the generator runs beforehand with real Node —
 * `npm start` does it and passes TANDEM_DEMO_CACHE / TANDEM_DEMO_SKIP_GENERATE through main's
 * environment — and a packaged app uses the copy electron-builder shipped in resources/demo-data.
 */
export function demoDataEnv(context: DemoDataContext): Record<string, string> {
  if (context.env['TANDEM_DEMO_CACHE']) return {};
  const shipped = path.join(context.resourcesPath, 'demo-data');
  if (context.isPackaged && context.exists(path.join(shipped, 'demo-manifest.json'))) {
    return { TANDEM_DEMO_CACHE: shipped, TANDEM_DEMO_SKIP_GENERATE: '1' };
  }
  return {};
}
