/**
 * What the DICOM loader's metadata provider answers about a decoded image, kept once its parsed
 * file is given back (tandem-image-loader.ts). The loader keeps every parsed Part-10 file, pixels
 * included, beside the image decoded from it until Cornerstone's image cache lets the image go,
 * only so that its metadata provider can read the header: for a CT that doubles the memory of
 * every image in the cache. Each module is read once from the file before it goes, and answered
 * from here (a provider of a higher priority than the loader's) while the image is in the cache.
 */

/** The modules the loader's provider reads from a file (its legacy path), asked for by name. */
export const HEADER_MODULES = [
  'generalStudyModule',
  'generalSeriesModule',
  'generalImageModule',
  'patientModule',
  'patientStudyModule',
  'imagePlaneModule',
  'imagePixelModule',
  'voiLutModule',
  'modalityLutModule',
  'sopCommonModule',
  'cineModule',
  'petIsotopeModule',
  'petSeriesModule',
  'petImageModule',
  'overlayPlaneModule',
  'ultrasoundEnhancedRegionModule',
  'calibrationModule',
  'nmMultiframeGeometryModule',
  'multiframeModule',
  'transferSyntax',
  'instance',
] as const;

/** The header strings the viewport's overlay reads itself (laterality, view, frames). */
export interface HeaderLabels {
  laterality: string | undefined;
  viewPosition: string | undefined;
  numberOfFrames: number | undefined;
}

const LABELS = 'tandemHeaderLabels';

export interface DecodedHeaders {
  /** reads every module of `imageId` now, while its file is parsed */
  keep(imageId: string, labels: HeaderLabels): void;
  /** the metadata provider: a module kept, or undefined (the next provider answers) */
  get(type: string, imageId: string): unknown;
  labels(imageId: string): HeaderLabels | undefined;
  has(imageId: string): boolean;
  /** the image has left Cornerstone's cache */
  forget(imageId: string): void;
  /** signed out: nothing of any patient stays */
  clear(): void;
  readonly size: number;
}

export function decodedHeaders(read: (type: string, imageId: string) => unknown): DecodedHeaders {
  const byImage = new Map<string, Map<string, unknown>>();
  return {
    keep(imageId, labels) {
      const modules = new Map<string, unknown>([[LABELS, labels]]);
      for (const type of HEADER_MODULES) {
        let value: unknown;
        try {
          value = read(type, imageId);
        } catch {
          value = undefined; // as when the file is not parsed: the module is not there
        }
        if (value !== undefined) modules.set(type, value);
      }
      byImage.set(imageId, modules);
    },
    get(type, imageId) {
      return type === LABELS ? undefined : byImage.get(imageId)?.get(type);
    },
    labels(imageId) {
      return byImage.get(imageId)?.get(LABELS) as HeaderLabels | undefined;
    },
    has(imageId) {
      return byImage.has(imageId);
    },
    forget(imageId) {
      byImage.delete(imageId);
    },
    clear() {
      byImage.clear();
    },
    get size() {
      return byImage.size;
    },
  };
}
