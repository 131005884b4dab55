import type { Readable } from 'node:stream';
import type { FileBody } from '../http/file-body.ts';
import type { DicomHeader } from './dicom-header.ts';
import type { DicomJsonDataset } from './dicom-json.ts';
import type { QidoLevel, QidoQuery } from './qido-query.ts';

/**
 * Where the images live. Two implementations behind one port: `LocalDicomStore` (Part-10 files in
 * the data directory, indexed in SQLite) and `ProxyDicomStore` (an upstream DICOMweb PACS).
 * Access control is the caller's business: stores only apply the study scope they are given.
 */
export interface DicomStore {
  readonly mode: 'local' | 'proxy';

  /**
   * QIDO-RS search at a level, optionally inside a study (and series). `scope`, when given,
   * limits results to those studies before paging applies.
   */
  search(
    level: QidoLevel,
    query: QidoQuery,
    within: { studyUid?: string; seriesUid?: string },
    scope: ReadonlySet<string> | null,
    links: PublicLinks,
  ): Promise<DicomJsonDataset[]>;

  /** WADO-RS retrieval of a study, series or instance as multipart/related; null if nothing matches. */
  retrieve(ref: InstanceRef, accept: string | undefined): Promise<BinaryResponse | null>;

  /** WADO-RS metadata of every instance the reference covers; null if nothing matches. */
  metadata(ref: InstanceRef, links: PublicLinks): Promise<DicomJsonDataset[] | null>;

  /**
   * The Part-10 files of several instances of one study, in the order asked, as one
   * multipart/related body whose parts carry Content-Length and Content-Location (the instance's
   * WADO-RS address): the sync's batched download. Instances not found are left out.
   */
  retrieveInstances(
    studyUid: string,
    instances: readonly { seriesUid: string; sopUid: string }[],
    links: PublicLinks,
  ): Promise<BinaryResponse>;

  /** WADO-URI: the bare Part-10 file of one instance; null if unknown. */
  wadoUri(ref: FullInstanceRef): Promise<BinaryResponse | null>;

  /** Bulk data of one attribute of one instance (what a BulkDataURI points at); null if unknown. */
  bulkData(
    ref: FullInstanceRef,
    tagPath: string,
    accept: string | undefined,
  ): Promise<BinaryResponse | null>;

  /** STOW-RS of already parsed and checked files; one outcome per file, in order. */
  store(files: StowFile[], links: PublicLinks): Promise<StowOutcome[]>;

  close(): Promise<void>;
}

export interface InstanceRef {
  studyUid: string;
  seriesUid?: string;
  sopUid?: string;
}

export interface FullInstanceRef {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
}

/** How to point at our own server in RetrieveURL / BulkDataURI values. */
export interface PublicLinks {
  /** e.g. `http://127.0.0.1:8800/dicom-web` */
  dicomwebBase: string;
}

export interface BinaryResponse {
  status: number;
  headers: Record<string, string>;
  /** a stream (an upstream answer passed through), or files written from disk (`writeFileBody`) */
  body: Readable | FileBody;
}

export interface StowFile {
  path: string;
  size: number;
  header: DicomHeader;
}

export type StowOutcome =
  | { ok: true; sopClassUid: string; sopUid: string; retrieveUrl: string }
  | { ok: false; sopClassUid: string; sopUid: string; failureReason: number };

/** PS3.18 failure reasons used in STOW-RS responses. */
export const FAILURE = {
  processingFailure: 0x0110,
  notAuthorized: 0x0124,
  cannotUnderstand: 0xc000,
  outOfResources: 0xa700,
} as const;

export function studyUrl(links: PublicLinks, ref: InstanceRef): string {
  let url = `${links.dicomwebBase}/studies/${ref.studyUid}`;
  if (ref.seriesUid) url += `/series/${ref.seriesUid}`;
  if (ref.sopUid) url += `/instances/${ref.sopUid}`;
  return url;
}
