// electron-builder afterPack hook: flips Electron's fuses in the packed app, before signing.
// See ARCHITECTURE.md (Electron shell) and the Electron security checklist ("fuses").
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';
import path from 'node:path';

/**
 * - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn Tandem into a plain Node (the embedded backend
 *   runs in a utility process instead);
 * - cookie encryption on: the session cookie store is encrypted with the OS key;
 * - NODE_OPTIONS / NODE_EXTRA_CA_CERTS and --inspect flags ignored: no code injection through the
 *   environment or the command line;
 * - app.asar integrity checked, and app code loaded only from app.asar;
 * - no extra privileges for file:// (Tandem never uses it; it serves app://).
 * @type {import('@electron/fuses').FuseV1Config}
 */
export const TANDEM_FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

// builder-util's Arch enum: ia32 0, x64 1, armv7l 2, arm64 3, universal 4.
const ARM64 = 3;
const UNIVERSAL = 4;

/**
 * What the hook reads of electron-builder's AfterPackContext (a real context satisfies it).
 * @typedef {Pick<import('electron-builder').AfterPackContext, 'appOutDir' | 'electronPlatformName' | 'arch'> &
 *   { packager: { executableName?: string, appInfo: { productFilename: string } } }} FuseHookContext
 */

/**
 * The Electron executable electron-builder produced: <appOutDir>/<name>{.app,.exe,} — on Linux
 * named after `executableName`, elsewhere after the product file name.
 * @param {FuseHookContext} context
 */
export function electronExecutablePath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, packager.executableName ?? packager.appInfo.productFilename);
    default:
      throw new Error(`Tandem's afterPack hook does not know platform ${electronPlatformName}`);
  }
}

/** @param {FuseHookContext} context */
export default async function afterPack(context) {
  const executable = electronExecutablePath(context);
  const isMac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  // Flipping fuses breaks the ad-hoc signature that arm64 macOS requires; re-sign ad hoc.
  const resetAdHocDarwinSignature = isMac && (context.arch === ARM64 || context.arch === UNIVERSAL);
  await flipFuses(executable, { ...TANDEM_FUSES, resetAdHocDarwinSignature });
  console.log(`  • Tandem fuses flipped  file=${path.relative(process.cwd(), executable)}`);
}
