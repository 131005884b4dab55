import type { CaseDetail, WorklistItem } from '../api/contract.ts';
import type { OrderableInstance } from '../dicomweb/instance-order.ts';
import type { CaseProgress, VerifiedInstance } from './records.ts';

/**
 * The sync engine's ports: everything it needs from the outside world, as small interfaces.
 * The renderer's sync worker fills them with the API/DICOMweb clients and the Dexie adapter
 * (`shared/cache/sync-store.ts`); tests fill them with in-process fakes.
 *
 * Errors at the backend port: throw `TandemError` — code `offline` when the server cannot be
 * reached, `http-<status>` with `status` set for HTTP errors. The engine retries `offline`, 5xx,
 * 408 and 429 with backoff, and treats other 4xx as final. An abort through the given signal
 * rejects with the signal's reason (as `fetch` does).
 */

/** One instance of a study as QIDO-RS lists it. */
export interface RemoteInstance extends OrderableInstance {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid?: string | undefined;
  /** bytes of the Part-10 file when the server says so */
  size?: number | undefined;
}

/**
 * How the engine wants an instance's body: `blob` keeps the bytes out of JavaScript (the socket
 * feeds IndexedDB); `bytes` reads them into memory once, for a store that must read every file
 * anyway (sealing at rest), so they are not first stored as a Blob and read back.
 */
export type InstanceBodyKind = 'blob' | 'bytes';

/** The Part-10 file of one instance as received, before verification: exactly one body. */
export type FetchedInstance = (
  { blob: Blob; bytes?: undefined } | { bytes: Uint8Array<ArrayBuffer>; blob?: undefined }
) & {
  /** the response's Content-Length when it had one */
  contentLength?: number | undefined;
};

/** A verified instance's bytes as the store will keep them (sealed at rest, or as received). */
export interface PreparedBlob {
  blob: Blob;
  /** encrypted with the workstation key */
  sealed: boolean;
  /** the file's header (its bytes before the pixels), sealed as `blob` is (`VerifiedInstance.header`) */
  header?: Uint8Array<ArrayBuffer>;
}

export interface SyncBackend {
  worklist(signal: AbortSignal): Promise<WorklistItem[]>;
  /** Clinical context, the study, its priors and the priors' reports (never an original report). */
  caseDetail(caseId: string, signal: AbortSignal): Promise<CaseDetail>;
  /** All instances of a study (QIDO-RS `/studies/{uid}/instances`). */
  listInstances(studyInstanceUid: string, signal: AbortSignal): Promise<RemoteInstance[]>;
  /**
   * The Part-10 bytes of one instance: as a Blob so they need not pass through JavaScript, or,
   * when `body` is `bytes`, read into memory (a backend may answer a Blob either way).
   */
  fetchInstance(
    instance: RemoteInstance,
    signal: AbortSignal,
    body?: InstanceBodyKind,
  ): Promise<FetchedInstance>;
  /**
   * Several instances of one study in one request, where the backend offers it (Tandem's does:
   * one request instead of one per image spares the server and the browser per-request work).
   * `onInstance` is called with each instance whose bytes arrived whole, as they arrive, in
   * memory. Resolves when the response has ended: an instance not handed over was not found, or
   * the backend cannot retrieve several at once (the engine then fetches it alone). Rejects as
   * `fetchInstance` does when the request fails or its response is cut off; the instances handed
   * over before that are whole.
   */
  fetchInstances?(
    studyInstanceUid: string,
    instances: readonly RemoteInstance[],
    signal: AbortSignal,
    onInstance: (sopInstanceUid: string, fetched: FetchedInstance) => void,
  ): Promise<void>;
}

/**
 * What the engine reads from and writes to the cache. Only verified instances are ever stored:
 * an instance is in the store if and only if its bytes were verified, which is what makes
 * downloads resumable per instance after a crash or restart.
 */
export interface SyncStore {
  /** How the store prefers instance bodies (default `blob`): `bytes` when it reads every file. */
  readonly instanceBody?: InstanceBodyKind;
  /**
   * Turns a verified instance's bytes into the blob the store keeps (sealed at rest, or as it
   * came). The engine calls it per instance as soon as it is verified, in parallel with other
   * downloads and outside any store transaction, and hands the result to `putInstances` with
   * `sealed` set. Without it the engine stores the bytes as received. It may take `body` (and so
   * `header`, a view of it): the engine uses neither afterwards. A `SEAL_LOST` rejection
   * (`failure.ts`) means the bytes were lost on the way, not that the store failed.
   */
  prepareBlob?(
    body: Blob | Uint8Array<ArrayBuffer>,
    header?: Uint8Array<ArrayBuffer>,
  ): Promise<PreparedBlob>;
  /**
   * Which of these instances are already stored (verified), with their sizes in bytes; all of
   * `studyInstanceUid` when it is named (the store may then read that study's index only).
   */
  presentInstances(
    sopInstanceUids: readonly string[],
    studyInstanceUid?: string,
  ): Promise<Map<string, number>>;
  /** Cases the store holds anything for (assignments, studies, instances, status). */
  storedCaseIds(): Promise<string[]>;
  /**
   * Worklist items as received, for reading offline: the engine passes those new or changed
   * since it last put them (every item at its first poll); a case leaves only with `removeCase`.
   */
  putAssignments(items: readonly WorklistItem[]): Promise<void>;
  /** A case's clinical context, study and series metadata, priors and their reports. */
  putCase(detail: CaseDetail): Promise<void>;
  /**
   * Verified instances of cases already put with `putCase`; an instance whose `sealed` is unset
   * is sealed here if the store seals at rest. Throws `TandemError('storage-full')`
   * when they do not fit in the cache even after evicting what may be evicted. `statuses`, as
   * `saveCaseStatus` takes them, are written in the same transaction (one write per batch, and
   * the progress stored never runs ahead of the instances stored).
   */
  putInstances(
    instances: readonly VerifiedInstance[],
    statuses?: readonly CaseProgress[],
  ): Promise<void>;
  /** Removes a case and whatever no other case still needs (shared priors stay). */
  removeCase(caseId: string): Promise<void>;
  /** True while the case has a signed report the backend has not yet confirmed. */
  holdsUnsentReport(caseId: string): Promise<boolean>;
  /** Per-case progress, state and errors (`mark error`), for the worklist to follow. */
  saveCaseStatus(statuses: readonly CaseProgress[]): Promise<void>;
  /** The case the radiologist has open (protected from eviction), `null` when none; `at` is its last access. */
  openCase(caseId: string | null, at: number): Promise<void>;
}

export type TimerHandle = unknown;

/** Time, injected so tests control it. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Uniform random numbers in [0, 1), injected for jitter. */
export interface Random {
  next(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const mathRandom: Random = { next: () => Math.random() };
