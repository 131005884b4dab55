// The slice of dcmjs the backend and the SR writer use (the package ships no type declarations).
// It lives here because every project that compiles shared/report/sr.ts needs it.
declare module 'dcmjs' {
  /** One element of dcmjs' dictionary form: tag → { vr, Value }. */
  export interface DcmjsElement {
    vr: string;
    Value?: unknown[] | number;
    InlineBinary?: string;
  }
  export type DcmjsDict = Record<string, DcmjsElement>;

  export interface ReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }

  export class DicomDict {
    constructor(meta: DcmjsDict);
    meta: DcmjsDict;
    dict: DcmjsDict;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }

  export interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
  }

  const dcmjs: {
    data: {
      DicomDict: typeof DicomDict;
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: ReadOptions): DicomDict;
      };
      DicomMetaDictionary: {
        nameMap: Record<string, DictionaryEntry>;
        dictionary: Record<string, DictionaryEntry>;
        denaturalizeDataset(dataset: Record<string, unknown>): DcmjsDict;
        naturalizeDataset(dict: DcmjsDict): Record<string, unknown>;
        uid(): string;
      };
    };
    log: { setLevel(level: string): void };
  };
  export default dcmjs;
}
