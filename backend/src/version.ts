/** Reported by GET /api/health; bump with the package version. */
export const BACKEND_VERSION = '0.1.0';
