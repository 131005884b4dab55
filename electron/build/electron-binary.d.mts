/** The Electron executable, or null when none is installed (see electron-binary.mjs). */
export function findElectronBinary(): string | null;
