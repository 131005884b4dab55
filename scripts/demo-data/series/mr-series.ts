import { SOP_CLASS } from '../dicom-file.ts';
import { MR_BITS_STORED, renderMrSlice } from '../phantoms/mr-brain.ts';
import type { BrainScene, MrSequence } from '../phantoms/mr-brain.ts';
import { addSeconds, ds, seriesUid } from '../study-plan.ts';
import type { SeriesPlan } from '../study-plan.ts';

/** Acquisition parameters of each sequence, as a 1.5 T scanner would record them. */
const SEQUENCES: Record<
  MrSequence,
  { attributes: Record<string, unknown>; window: [number, number] }
> = {
  T1: {
    attributes: {
      ScanningSequence: 'SE',
      SequenceVariant: 'SP',
      ScanOptions: '',
      SequenceName: 'se2d1',
      RepetitionTime: '520',
      EchoTime: '12',
      EchoTrainLength: 1,
      FlipAngle: '90',
    },
    window: [560, 1100],
  },
  T2: {
    attributes: {
      ScanningSequence: 'SE',
      SequenceVariant: ['SK', 'SP'],
      ScanOptions: '',
      SequenceName: 'tse2d1_15',
      RepetitionTime: '4200',
      EchoTime: '98',
      EchoTrainLength: 15,
      FlipAngle: '150',
    },
    window: [1000, 2000],
  },
  FLAIR: {
    attributes: {
      ScanningSequence: ['SE', 'IR'],
      SequenceVariant: ['SK', 'SP', 'MP'],
      ScanOptions: 'IR',
      SequenceName: 'tir2d1_21',
      RepetitionTime: '9000',
      EchoTime: '110',
      InversionTime: '2500',
      EchoTrainLength: 21,
      FlipAngle: '150',
    },
    window: [700, 1400],
  },
};

export interface MrSeriesOptions {
  key: string;
  number: number;
  description: string;
  sequence: MrSequence;
  scene: () => BrainScene;
  /** z of the first (most caudal) slice; later slices step towards the head */
  firstZ: number;
  spacing: number;
  thickness: number;
  count: number;
  time: string;
}

/** An axial 2-D MR series of the brain phantom, with the MR Image and Image Plane modules. */
export function mrAxialSeries(o: MrSeriesOptions): SeriesPlan {
  const seq = SEQUENCES[o.sequence];
  return {
    key: o.key,
    uid: seriesUid(o.key),
    number: o.number,
    description: o.description,
    modality: 'MR',
    sopClassUid: SOP_CLASS.mr,
    count: o.count,
    cost: 1.5,
    attributes: {
      ImageType: ['ORIGINAL', 'PRIMARY', 'M', 'ND'],
      PatientPosition: 'HFS',
      ManufacturerModelName: 'Phantom MR 1.5T',
      StationName: 'MR01',
      ProtocolName: o.description,
      MRAcquisitionType: '2D',
      ...seq.attributes,
      NumberOfAverages: '1',
      ImagingFrequency: '63.8765',
      ImagedNucleus: '1H',
      EchoNumbers: 1,
      MagneticFieldStrength: '1.5',
      NumberOfPhaseEncodingSteps: 205,
      PercentSampling: '80',
      PercentPhaseFieldOfView: '100',
      PixelBandwidth: '180',
      ReceiveCoilName: 'HEAD 20',
      TransmitCoilName: 'BODY',
      AcquisitionMatrix: [0, 256, 205, 0],
      InPlanePhaseEncodingDirection: 'ROW',
      VariableFlipAngleFlag: 'N',
      SAR: '0.9',
      dBdt: '0',
      AcquisitionNumber: 1,
      SliceThickness: ds(o.thickness),
      SpacingBetweenSlices: ds(o.spacing),
      ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
      PhotometricInterpretation: 'MONOCHROME2',
      WindowCenter: ds(seq.window[0]),
      WindowWidth: ds(seq.window[1]),
    },
    instance(index) {
      const scene = o.scene();
      const z = o.firstZ + index * o.spacing;
      const { grid } = scene;
      return {
        attributes: {
          ImagePositionPatient: [ds(grid.x0), ds(grid.y0), ds(z)],
          SliceLocation: ds(z),
          PixelSpacing: [ds(grid.dy, 8), ds(grid.dx, 8)],
          AcquisitionTime: addSeconds(o.time, 20),
        },
        frame: {
          rows: grid.rows,
          columns: grid.cols,
          bitsStored: MR_BITS_STORED,
          pixels: renderMrSlice(scene, o.sequence, z, o.thickness, `${o.key}/${index}`),
        },
      };
    },
  };
}
