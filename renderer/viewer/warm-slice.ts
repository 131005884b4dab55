import dcmjs from 'dcmjs';

/**
 * The slice the viewer's warm-up draws (`warm-render.ts`): a CT image of 16 × 16 pixels, a
 * diagonal ramp, under made-up UIDs. No patient data.
 */
export const WARM_SLICE_SIZE = 16;
const SIZE = WARM_SLICE_SIZE;
/** Made-up UIDs under 2.25 (a UUID as an integer): they name nothing outside this page. */
const UID_ROOT = '2.25.246813579024681357902468135790246';
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** A Part-10 CT slice of 16 × 16 pixels (a diagonal ramp), written with dcmjs. */
export function warmSlice(): ArrayBuffer {
  const pixels = new Uint16Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) pixels[y * SIZE + x] = (x + y) * 64;
  const sopInstanceUid = `${UID_ROOT}.3`;
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const dict = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: CT_IMAGE_STORAGE,
      MediaStorageSOPInstanceUID: sopInstanceUid,
      TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
      ImplementationClassUID: `${UID_ROOT}.9`,
    }),
  );
  dict.dict = DicomMetaDictionary.denaturalizeDataset({
    SOPClassUID: CT_IMAGE_STORAGE,
    SOPInstanceUID: sopInstanceUid,
    StudyInstanceUID: `${UID_ROOT}.1`,
    SeriesInstanceUID: `${UID_ROOT}.2`,
    Modality: 'CT',
    InstanceNumber: 1,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: SIZE,
    Columns: SIZE,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
    PixelSpacing: [1, 1],
    SliceThickness: 1,
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    ImagePositionPatient: [0, 0, 0],
    RescaleIntercept: -1024,
    RescaleSlope: 1,
    WindowCenter: 40,
    WindowWidth: 400,
    PixelData: pixels.buffer,
    _vrMap: { PixelData: 'OW' },
  });
  return dict.write() as ArrayBuffer;
}
