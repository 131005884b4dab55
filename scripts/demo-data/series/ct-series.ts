import { SOP_CLASS } from '../dicom-file.ts';
import { CT_BITS_STORED, CT_RESCALE_INTERCEPT, renderCtSlice } from '../phantoms/ct-render.ts';
import type { CtScene } from '../phantoms/ct-render.ts';
import { addSeconds, ds, seriesUid } from '../study-plan.ts';
import type { SeriesPlan } from '../study-plan.ts';

export interface CtSeriesOptions {
  key: string;
  number: number;
  description: string;
  scene: () => CtScene;
  /** z of the first (most cranial) slice, mm; later slices step towards the feet */
  firstZ: number;
  spacing: number;
  thickness: number;
  count: number;
  noiseSd: number;
  kernel: string;
  windows: readonly { centre: number; width: number; name: string }[];
  contrast?: { agent: string; route: string; volumeMl: number };
  time: string;
  /** store HU directly as signed 16-bit values (Pixel Representation 1, intercept 0) */
  signed?: boolean;
  ctdiVol?: number;
}

/** An axial CT series through a phantom, with the CT Image and Image Plane modules filled in. */
export function ctAxialSeries(o: CtSeriesOptions): SeriesPlan {
  let scene: CtScene | null = null;
  const sceneOnce = () => (scene ??= o.scene());
  const uid = seriesUid(o.key);
  return {
    key: o.key,
    uid,
    number: o.number,
    description: o.description,
    modality: 'CT',
    sopClassUid: SOP_CLASS.ct,
    count: o.count,
    cost: 1,
    attributes: {
      ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
      PatientPosition: 'HFS',
      ManufacturerModelName: 'Phantom CT 64',
      StationName: 'CT01',
      ProtocolName: o.description,
      ScanOptions: 'HELICAL MODE',
      KVP: '120',
      XRayTubeCurrent: 180,
      ExposureTime: 500,
      Exposure: 90,
      FilterType: 'BODY FILTER',
      GeneratorPower: 22,
      FocalSpots: '1.2',
      ConvolutionKernel: o.kernel,
      DataCollectionDiameter: '500',
      ReconstructionDiameter: '350',
      DistanceSourceToDetector: '1040',
      DistanceSourceToPatient: '570',
      GantryDetectorTilt: '0',
      TableHeight: '150',
      RotationDirection: 'CW',
      SpiralPitchFactor: 0.984,
      RevolutionTime: 0.5,
      SingleCollimationWidth: 0.625,
      TotalCollimationWidth: 40,
      CTDIvol: o.ctdiVol ?? 8.4,
      AcquisitionNumber: 1,
      SliceThickness: ds(o.thickness),
      SpacingBetweenSlices: ds(o.spacing),
      ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
      PhotometricInterpretation: 'MONOCHROME2',
      RescaleIntercept: o.signed ? '0' : ds(CT_RESCALE_INTERCEPT),
      RescaleSlope: '1',
      RescaleType: 'HU',
      WindowCenter: o.windows.map((w) => ds(w.centre)),
      WindowWidth: o.windows.map((w) => ds(w.width)),
      WindowCenterWidthExplanation: o.windows.map((w) => w.name),
      ...(o.contrast
        ? {
            ContrastBolusAgent: o.contrast.agent,
            ContrastBolusRoute: o.contrast.route,
            ContrastBolusVolume: ds(o.contrast.volumeMl),
          }
        : {}),
    },
    instance(index) {
      const s = sceneOnce();
      const z = o.firstZ - index * o.spacing;
      const stored = renderCtSlice(s, z, o.noiseSd, `${o.key}/${index}`);
      const pixels = o.signed ? toSignedHu(stored) : stored;
      return {
        attributes: {
          ImagePositionPatient: [ds(s.grid.x0), ds(s.grid.y0), ds(z)],
          SliceLocation: ds(z),
          PixelSpacing: [ds(s.grid.dy, 8), ds(s.grid.dx, 8)],
          AcquisitionTime: addSeconds(o.time, 30),
        },
        frame: {
          rows: s.grid.rows,
          columns: s.grid.cols,
          bitsStored: o.signed ? 16 : CT_BITS_STORED,
          pixels,
        },
      };
    },
  };
}

/** Stored values (HU − intercept) to HU as signed 16-bit values. */
function toSignedHu(stored: Uint16Array): Int16Array {
  const out = new Int16Array(stored.length);
  for (let i = 0; i < stored.length; i++) out[i] = stored[i]! + CT_RESCALE_INTERCEPT;
  return out;
}
