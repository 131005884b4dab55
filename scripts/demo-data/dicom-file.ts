import dcmjs from 'dcmjs';
import { demoUid } from './uids.ts';
import type { JpegLsEncoder } from './jpeg-ls.ts';

export const TRANSFER_SYNTAX = {
  implicitLittleEndian: '1.2.840.10008.1.2',
  explicitLittleEndian: '1.2.840.10008.1.2.1',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
} as const;
export type TransferSyntaxUid = (typeof TRANSFER_SYNTAX)[keyof typeof TRANSFER_SYNTAX];

export const SOP_CLASS = {
  ct: '1.2.840.10008.5.1.4.1.1.2',
  mr: '1.2.840.10008.5.1.4.1.1.4',
  cr: '1.2.840.10008.5.1.4.1.1.1',
  mammoForPresentation: '1.2.840.10008.5.1.4.1.1.1.2',
} as const;

export const IMPLEMENTATION_CLASS_UID = demoUid('implementation-class');
export const IMPLEMENTATION_VERSION_NAME = 'TANDEM_DEMO_1';

/** One grey-scale frame, 16 bits allocated. */
export interface Frame {
  rows: number;
  columns: number;
  bitsStored: number;
  /** signed frames carry Pixel Representation 1 */
  pixels: Uint16Array | Int16Array;
}

/**
 * Writes a DICOM Part-10 file with dcmjs: the File Meta Information, then the data set in the
 * requested transfer syntax. For JPEG-LS the frame is encoded first and dcmjs writes it
 * encapsulated: a Basic Offset Table item, one fragment for the frame, and a sequence delimiter.
 */
export function writePart10(
  dataset: Record<string, unknown>,
  frame: Frame,
  transferSyntax: TransferSyntaxUid,
  jpegLs: JpegLsEncoder | null,
): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const signed = frame.pixels instanceof Int16Array;
  const image: Record<string, unknown> = {
    ...dataset,
    SamplesPerPixel: 1,
    Rows: frame.rows,
    Columns: frame.columns,
    BitsAllocated: 16,
    BitsStored: frame.bitsStored,
    HighBit: frame.bitsStored - 1,
    PixelRepresentation: signed ? 1 : 0,
  };
  const raw = frame.pixels;
  let pixelData: ArrayBuffer;
  let vr: 'OW' | 'OB';
  if (transferSyntax === TRANSFER_SYNTAX.jpegLsLossless) {
    if (!jpegLs) throw new Error('JPEG-LS requested but no encoder was given');
    if (signed) throw new Error('JPEG-LS frames are written unsigned here');
    const encoded = jpegLs.encode(raw as Uint16Array, frame.columns, frame.rows, frame.bitsStored);
    pixelData = toArrayBuffer(encoded);
    vr = 'OB';
  } else {
    pixelData = toArrayBuffer(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    vr = 'OW';
  }
  image.PixelData = [pixelData];
  image._vrMap = { PixelData: vr };
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: transferSyntax,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
  });
  const dict = new DicomDict(meta);
  dict.dict = DicomMetaDictionary.denaturalizeDataset(image);
  return new Uint8Array(dict.write({ fragmentMultiframe: false }));
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}
