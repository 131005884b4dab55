import type { Page } from '@playwright/test';

/**
 * Looks into the workstation cache (the IndexedDB database `tandem`) from the test, with the raw
 * IndexedDB API in the page — independently of the app's own code.
 */

export interface StoredInstance {
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  size: number;
  caseIds: string[];
}

export interface StoredSyncState {
  caseId: string;
  state: string;
  instancesDone: number;
  instancesTotal: number;
  bytesDone: number;
  errors: Array<{ subject: string; code: string; message: string }>;
}

/** Every instance the cache holds (metadata only; the Part-10 blobs stay where they are). */
export function storedInstances(page: Page): Promise<StoredInstance[]> {
  return page.evaluate(
    () =>
      new Promise<StoredInstance[]>((resolve, reject) => {
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('instances')) {
            db.close();
            resolve([]);
            return;
          }
          const out: StoredInstance[] = [];
          const cursor = db.transaction('instances').objectStore('instances').openCursor();
          cursor.onerror = () => reject(cursor.error);
          cursor.onsuccess = () => {
            const c = cursor.result;
            if (!c) {
              db.close();
              resolve(out);
              return;
            }
            const v = c.value as StoredInstance & { blob: Blob };
            out.push({
              sopInstanceUid: v.sopInstanceUid,
              studyInstanceUid: v.studyInstanceUid,
              seriesInstanceUid: v.seriesInstanceUid,
              size: v.blob.size,
              caseIds: v.caseIds,
            });
            c.continue();
          };
        };
      }),
  );
}

/** Every row of one of the cache's object stores, as IndexedDB holds it. */
function storeRows(page: Page, storeName: string): Promise<unknown[]> {
  return page.evaluate(
    (name) =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(name).objectStore(name).getAll();
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
        };
      }),
    storeName,
  );
}

/** The sync state the worker recorded per case. */
export async function storedSyncStates(page: Page): Promise<StoredSyncState[]> {
  return (await storeRows(page, 'syncState')) as StoredSyncState[];
}

/** The labels of the measurements the viewer keeps in the cache, by annotation id. */
export async function storedMeasurementLabels(page: Page): Promise<Record<string, string>> {
  const rows = (await storeRows(page, 'annotations')) as Array<{
    annotationId: string;
    data: { label?: string };
  }>;
  return Object.fromEntries(rows.map((r) => [r.annotationId, r.data.label ?? '']));
}

/**
 * Puts a signed report for the case in the outbox, not yet sent — as the report editor will when
 * a radiologist signs offline (that editor comes later; the cache's rules are what is tested).
 */
export function seedUnsentReport(page: Page, caseId: string): Promise<void> {
  return page.evaluate(
    (id) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('outbox', 'readwrite');
          tx.objectStore('outbox').put({
            idempotencyKey: `test-${id}`,
            caseId: id,
            reportId: `report-${id}`,
            state: 'pending',
            attempts: 0,
            createdAt: Date.now(),
            payload: null,
          });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    caseId,
  );
}

/** How one cached instance is kept: whether its row says sealed, and the first bytes of its blob. */
export function storedBlobHead(
  page: Page,
  sopInstanceUid: string,
): Promise<{ sealed: boolean; head: string; dicmAt128: boolean }> {
  return page.evaluate(
    (uid) =>
      new Promise<{ sealed: boolean; head: string; dicmAt128: boolean }>((resolve, reject) => {
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('instances').objectStore('instances').get(uid);
          req.onerror = () => reject(req.error);
          req.onsuccess = async () => {
            db.close();
            const row = req.result as { sealed?: boolean; blob: Blob };
            const bytes = new Uint8Array(await row.blob.slice(0, 132).arrayBuffer());
            resolve({
              sealed: row.sealed === true,
              head: new TextDecoder('latin1').decode(bytes.slice(0, 4)),
              dicmAt128: new TextDecoder('latin1').decode(bytes.slice(128, 132)) === 'DICM',
            });
          };
        };
      }),
    sopInstanceUid,
  );
}
