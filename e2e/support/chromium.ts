/**
 * How tests and the bench start Chromium: Debian's build (never a downloaded one), with no network
 * of its own and WebGL through SwiftShader since these machines have no GPU.
 */
export const CHROMIUM_PATH = process.env['TANDEM_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // WebGL without a GPU: Chromium's SwiftShader fallback, which it offers only with this flag.
  // Nothing else about the GPU: the page is rasterized and composited in software, as Chromium
  // does by default on a machine without a GPU. Forcing SwiftShader as the GPU for everything
  // (`--use-angle=swiftshader`, `--ignore-gpu-blocklist`) had it emulate a GPU compositor too,
  // a setup no workstation runs, whose frames cost ~10 % of a sync's throughput here.
  '--enable-unsafe-swiftshader',
];
