import type { CaseDetail, WorklistItem } from '../../api/contract.ts';
import { TandemError } from '../../api/errors.ts';
import type { FetchedInstance, InstanceBodyKind, RemoteInstance, SyncBackend } from '../ports.ts';
import {
  caseDetail,
  instancesOf,
  worklistItem,
  type CaseSpec,
  type StudySpec,
} from './fixtures.ts';
import { buildPart10 } from './part10.ts';

/** A way an answer can go wrong: an HTTP/network error, or bytes that arrive damaged. */
export type Fault =
  TandemError | 'truncated' | 'short-of-content-length' | 'wrong-instance' | 'not-dicom';

export const offline = () => new TandemError('offline', 'The server cannot be reached.');
export const httpError = (status: number) =>
  new TandemError(`http-${status}`, `The server answered ${status}.`, status);

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * An in-process teleradiology backend serving cases built from `CaseSpec`s and real Part-10 bytes.
 * Records every call (`worklist`, `detail:<caseId>`, `list:<studyUid>`, `fetch:<sopUid>`), counts
 * requests in flight, and lets a test inject faults or hold answers (`delay`).
 */
export class FakeBackend implements SyncBackend {
  readonly calls: string[] = [];
  /** requests in flight other than worklist polls, now and at most */
  inFlight = 0;
  maxInFlight = 0;
  offline = false;
  /** awaited before every answer; a test may hold or reorder requests with it */
  delay: (call: string) => Promise<void> = () => Promise.resolve();

  private readonly cases = new Map<string, CaseSpec>();
  protected readonly faults = new Map<string, Fault[]>();

  constructor(specs: readonly CaseSpec[] = []) {
    for (const spec of specs) this.setCase(spec);
  }

  setCase(spec: CaseSpec): void {
    this.cases.set(spec.caseId, spec);
  }

  removeCase(caseId: string): void {
    this.cases.delete(caseId);
  }

  /** The next calls named `call` fail with these faults, one each. */
  fail(call: string, ...faults: Fault[]): void {
    this.faults.set(call, [...(this.faults.get(call) ?? []), ...faults]);
  }

  /** SOP Instance UIDs fetched, in order, once per request. */
  fetched(): string[] {
    return this.calls.filter((c) => c.startsWith('fetch:')).map((c) => c.slice('fetch:'.length));
  }

  /** SOP Instance UIDs whose bytes were handed over, in order, however they were asked for. */
  arrived(): string[] {
    return this.fetched();
  }

  worklist(signal: AbortSignal): Promise<WorklistItem[]> {
    return this.call('worklist', signal, () => [...this.cases.values()].map(worklistItem));
  }

  caseDetail(caseId: string, signal: AbortSignal): Promise<CaseDetail> {
    return this.call(`detail:${caseId}`, signal, () => {
      const spec = this.cases.get(caseId);
      if (!spec) throw httpError(404);
      return caseDetail(spec);
    });
  }

  listInstances(studyInstanceUid: string, signal: AbortSignal): Promise<RemoteInstance[]> {
    return this.call(`list:${studyInstanceUid}`, signal, () => {
      const study = this.study(studyInstanceUid);
      if (!study) throw httpError(404);
      return instancesOf(study);
    });
  }

  /** bodies asked for as bytes (the rest as Blobs) */
  bytesFetched = 0;

  fetchInstance(
    instance: RemoteInstance,
    signal: AbortSignal,
    body: InstanceBodyKind = 'blob',
  ): Promise<FetchedInstance> {
    return this.call(`fetch:${instance.sopInstanceUid}`, signal, (fault): FetchedInstance => {
      const { bytes, contentLength } = this.answer(instance, fault);
      if (body !== 'bytes') {
        const type = fault === 'not-dicom' ? '' : 'application/dicom';
        return { blob: new Blob([bytes], { type }), contentLength };
      }
      this.bytesFetched++;
      return { bytes, contentLength };
    });
  }

  protected answer(
    instance: RemoteInstance,
    fault: Fault | undefined,
  ): { bytes: Uint8Array<ArrayBuffer>; contentLength?: number } {
    const bytes = buildPart10({
      sopInstanceUid:
        fault === 'wrong-instance' ? `${instance.sopInstanceUid}9` : instance.sopInstanceUid,
      studyInstanceUid: instance.studyInstanceUid,
      seriesInstanceUid: instance.seriesInstanceUid,
      instanceNumber: instance.instanceNumber ?? 1,
      rows: 16,
      columns: 16,
    }) as Uint8Array<ArrayBuffer>;
    switch (fault) {
      case 'truncated':
        return { bytes: bytes.slice(0, Math.floor(bytes.length * 0.6)) };
      case 'short-of-content-length':
        return { bytes: bytes.slice(0, bytes.length - 7), contentLength: bytes.length };
      case 'not-dicom':
        return { bytes: new TextEncoder().encode('<html>gateway error</html>'.padEnd(300, ' ')) };
      default:
        return { bytes, contentLength: bytes.length };
    }
  }

  protected study(uid: string): StudySpec | undefined {
    for (const spec of this.cases.values()) {
      for (const s of [spec.study, ...(spec.priors ?? [])]) if (s.uid === uid) return s;
    }
    return undefined;
  }

  protected async call<T>(
    name: string,
    signal: AbortSignal,
    answer: (fault: Exclude<Fault, TandemError> | undefined) => T | Promise<T>,
  ): Promise<T> {
    this.calls.push(name);
    const counted = name !== 'worklist';
    if (counted) {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    }
    try {
      await abortable(this.delay(name), signal);
      if (this.offline) throw offline();
      const fault = this.faults.get(name)?.shift();
      if (fault instanceof TandemError) throw fault;
      return await answer(fault);
    } finally {
      if (counted) this.inFlight--;
    }
  }
}

/** The fake backend with Tandem's batched retrieval (`SyncBackend.fetchInstances`). */
export class BatchingFakeBackend extends FakeBackend {
  /** `fetchInstances` delivers (a server without batched retrieval delivers nothing) */
  batching: 'on' | 'unsupported' = 'on';
  /** parts delivered by batched requests, per SOP Instance UID */
  readonly batchDelivered: string[] = [];

  /** parts of batched answers first, then images fetched alone */
  override arrived(): string[] {
    return [...this.batchDelivered, ...this.fetched()];
  }

  /**
   * Batched retrieval: one call `batch:<n>` (faults and delays keyed `batch`), then each instance
   * answered as `fetchInstance` answers it, faults keyed `fetch:<uid>` included (an HTTP fault
   * of one instance leaves it out of the answer, as a server leaves out what it cannot find).
   */
  fetchInstances(
    studyInstanceUid: string,
    instances: readonly RemoteInstance[],
    signal: AbortSignal,
    onInstance: (sopInstanceUid: string, fetched: FetchedInstance) => void,
  ): Promise<void> {
    return this.call('batch', signal, async () => {
      this.calls.push(`batch:${instances.map((i) => i.sopInstanceUid).join(',')}`);
      if (this.batching === 'unsupported') return;
      for (const instance of instances) {
        if (instance.studyInstanceUid !== studyInstanceUid) continue;
        // each part streams in on its own turn, as a real response does
        await abortable(this.delay(`part:${instance.sopInstanceUid}`), signal);
        if (this.offline) throw offline();
        const queued = this.faults.get(`fetch:${instance.sopInstanceUid}`);
        // an HTTP fault stays for the request of the image alone, which meets it too
        if (queued?.[0] instanceof TandemError) continue;
        const fault = queued?.shift() as Exclude<Fault, TandemError> | undefined;
        const answer = this.answer(instance, fault);
        this.batchDelivered.push(instance.sopInstanceUid);
        // a part's length is that of its bytes (a multipart part cannot announce more)
        onInstance(instance.sopInstanceUid, {
          bytes: answer.bytes,
          contentLength: answer.bytes.byteLength,
        });
      }
    });
  }
}

/** Holds answers until released, so a test can look at the engine mid-flight. */
export class Gate {
  private readonly waiting: Array<{ call: string; release: () => void }> = [];

  readonly delay = (call: string): Promise<void> =>
    new Promise((resolve) => this.waiting.push({ call, release: resolve }));

  /** Calls being held, oldest first. */
  held(): string[] {
    return this.waiting.map((w) => w.call);
  }

  /** Releases the held calls that match (all by default); returns how many. */
  release(match: (call: string) => boolean = () => true): number {
    let n = 0;
    for (let i = 0; i < this.waiting.length;) {
      const w = this.waiting[i]!;
      if (match(w.call)) {
        this.waiting.splice(i, 1);
        w.release();
        n++;
      } else i++;
    }
    return n;
  }
}
