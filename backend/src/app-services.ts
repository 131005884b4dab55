import type { AuditLog } from './audit/audit-log.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import type { SessionStore } from './auth/session-store.ts';
import type { AccessPolicy } from './cases/access-policy.ts';
import type { StudyCatalog } from './cases/study-catalog.ts';
import type { BackendOptions } from './config/cli-args.ts';
import type { Db } from './db/database.ts';
import type { DicomStore } from './dicom/dicom-store.ts';

/** The services route plugins are given (constructed once in app.ts, injected, never global). */
export interface AppServices {
  options: BackendOptions;
  version: string;
  db: Db;
  sessions: SessionStore;
  throttle: LoginThrottle;
  audit: AuditLog;
  store: DicomStore;
  catalog: StudyCatalog;
  access: AccessPolicy;
  /** drops cached study facts and access sets after the store changed */
  storeChanged(): void;
}
