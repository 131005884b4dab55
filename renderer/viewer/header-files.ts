/**
 * Files read for their headers only (slice linking looks up every image's position; a volume's
 * geometry needs every slice's header): the DICOM loader keeps each parsed file, pixels included,
 * until as many `unload`s as `load`s. A decoded image holds its own count, released when
 * Cornerstone's image cache lets the image go; the header reads hold theirs until the case is
 * left, or every CT series ever linked would stay in memory (about 100 MB per 200-slice CT).
 */
export interface HeaderFiles {
  /** a header read has loaded this file (one count of it is ours) */
  hold(url: string): void;
  /** the case is left: give back every count held (and any that arrives later, when it does) */
  release(): void;
}

export function headerFiles(unload: (url: string) => void): HeaderFiles {
  let released = false;
  let held: string[] = [];
  return {
    hold(url) {
      if (released) unload(url);
      else held.push(url);
    },
    release() {
      released = true;
      const urls = held;
      held = [];
      for (const url of urls) unload(url);
    },
  };
}

/** The header reads of the case on screen, and what ends them when it is left. */
export function headerFileLeases(unload: (url: string) => void): {
  current(): HeaderFiles;
  releaseAll(): void;
} {
  let lease = headerFiles(unload);
  return {
    current: () => lease,
    releaseAll() {
      lease.release();
      lease = headerFiles(unload);
    },
  };
}
