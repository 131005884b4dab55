import { SOP_CLASS } from '../dicom-file.ts';
import { CR_GRID } from '../phantoms/cr-chest.ts';
import { MG_GRID } from '../phantoms/mammo.ts';
import { addSeconds, ds, seriesUid } from '../study-plan.ts';
import type { SeriesPlan } from '../study-plan.ts';

export interface CrSeriesOptions {
  key: string;
  number: number;
  view: 'PA' | 'LL';
  render: () => Uint16Array;
  time: string;
}

/** One chest radiograph as a CR series of one image (CR Series, CR Image modules). */
export function crSeries(o: CrSeriesOptions): SeriesPlan {
  const pa = o.view === 'PA';
  return {
    key: o.key,
    uid: seriesUid(o.key),
    number: o.number,
    description: pa ? 'Chest PA' : 'Chest Lateral',
    modality: 'CR',
    sopClassUid: SOP_CLASS.cr,
    count: 1,
    cost: 14,
    attributes: {
      ImageType: ['DERIVED', 'PRIMARY'],
      ManufacturerModelName: 'Phantom CR',
      StationName: 'CR02',
      ProtocolName: pa ? 'CHEST PA' : 'CHEST LAT',
      FrameOfReferenceUID: undefined,
      PositionReferenceIndicator: undefined,
      ViewPosition: o.view,
      // Rows run towards the patient's left on a PA (viewed as if facing the patient) and towards
      // the back on a left lateral; columns run towards the feet.
      PatientOrientation: pa ? ['L', 'F'] : ['P', 'F'],
      KVP: pa ? '120' : '125',
      ExposureTime: pa ? 12 : 25,
      XRayTubeCurrent: 320,
      Exposure: pa ? 4 : 8,
      DistanceSourceToDetector: '1800',
      ImagerPixelSpacing: [ds(CR_GRID.pixelMm), ds(CR_GRID.pixelMm)],
      PlateType: 'ST-VI',
      PhosphorType: 'BaFBr:Eu',
      PhotometricInterpretation: 'MONOCHROME2',
      WindowCenter: '2300',
      WindowWidth: '2800',
      AcquisitionNumber: 1,
    },
    instance() {
      return {
        attributes: { AcquisitionTime: addSeconds(o.time, pa ? 40 : 140) },
        frame: {
          rows: CR_GRID.rows,
          columns: CR_GRID.columns,
          bitsStored: CR_GRID.bitsStored,
          pixels: o.render(),
        },
      };
    },
  };
}

export interface MgSeriesOptions {
  key: string;
  number: number;
  laterality: 'R' | 'L';
  view: 'CC' | 'MLO';
  render: () => Uint16Array;
  time: string;
  breastThicknessMm: number;
}

const VIEW_CODES = {
  CC: { CodeValue: '399162004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'cranio-caudal' },
  MLO: {
    CodeValue: '399368009',
    CodingSchemeDesignator: 'SCT',
    CodeMeaning: 'medio-lateral oblique',
  },
} as const;

/**
 * Orientation of the rows and columns of each view as hung back to back: the right breast with its
 * nipple to the left (rows run posterior), the left with its nipple to the right (rows run
 * anterior); CC columns run lateral-to-medial (towards the other breast), MLO columns run towards
 * the feet and the other breast.
 */
const ORIENTATION: Record<string, [string, string]> = {
  'R/CC': ['P', 'L'],
  'L/CC': ['A', 'R'],
  'R/MLO': ['P', 'FL'],
  'L/MLO': ['A', 'FR'],
};

/** One mammographic view as its own series (Digital Mammography X-Ray Image, For Presentation). */
export function mgSeries(o: MgSeriesOptions): SeriesPlan {
  return {
    key: o.key,
    uid: seriesUid(o.key),
    number: o.number,
    description: `${o.laterality} ${o.view}`,
    modality: 'MG',
    sopClassUid: SOP_CLASS.mammoForPresentation,
    count: 1,
    cost: 24,
    attributes: {
      ImageType: ['ORIGINAL', 'PRIMARY'],
      ManufacturerModelName: 'Phantom Mammo',
      StationName: 'MG01',
      ProtocolName: `${o.laterality}${o.view}`,
      FrameOfReferenceUID: undefined,
      PositionReferenceIndicator: undefined,
      PresentationIntentType: 'FOR PRESENTATION',
      ImageLaterality: o.laterality,
      ViewPosition: o.view,
      ViewCodeSequence: [{ ...VIEW_CODES[o.view], ViewModifierCodeSequence: [] }],
      AnatomicRegionSequence: [
        { CodeValue: '76752008', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Breast' },
      ],
      PatientOrientation: ORIENTATION[`${o.laterality}/${o.view}`],
      PositionerType: 'MAMMOGRAPHIC',
      PositionerPrimaryAngle: o.view === 'CC' ? '0' : o.laterality === 'R' ? '45' : '-45',
      OrganExposed: 'BREAST',
      BreastImplantPresent: 'NO',
      PartialView: 'NO',
      BodyPartThickness: ds(o.breastThicknessMm),
      CompressionForce: '110',
      KVP: '29',
      ExposureTime: 1200,
      XRayTubeCurrent: 100,
      Exposure: 120,
      ExposureInuAs: 120000,
      AnodeTargetMaterial: 'TUNGSTEN',
      FilterMaterial: 'RHODIUM',
      FocalSpots: '0.3',
      DistanceSourceToDetector: '660',
      DistanceSourceToPatient: '600',
      EstimatedRadiographicMagnificationFactor: '1.0',
      ImagerPixelSpacing: [ds(MG_GRID.pixelMm), ds(MG_GRID.pixelMm)],
      DetectorType: 'DIRECT',
      DetectorConfiguration: 'AREA',
      RelativeXRayExposure: 800,
      EntranceDoseInmGy: '4.8',
      OrganDose: '1.6',
      PhotometricInterpretation: 'MONOCHROME2',
      PixelIntensityRelationship: 'LOG',
      PixelIntensityRelationshipSign: 1,
      RescaleIntercept: '0',
      RescaleSlope: '1',
      RescaleType: 'US',
      PresentationLUTShape: 'IDENTITY',
      WindowCenter: '2200',
      WindowWidth: '3600',
      VOILUTFunction: 'LINEAR',
      AcquisitionNumber: 1,
      BurnedInAnnotation: 'NO',
    },
    instance() {
      return {
        attributes: { AcquisitionTime: addSeconds(o.time, 60 * o.number) },
        frame: {
          rows: MG_GRID.rows,
          columns: MG_GRID.columns,
          bitsStored: MG_GRID.bitsStored,
          pixels: o.render(),
        },
      };
    },
  };
}
