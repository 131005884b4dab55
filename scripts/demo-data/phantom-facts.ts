/**
 * What the phantoms contain, in patient coordinates (DICOM LPS, mm), so tests and demos can check
 * measurements against the truth. The phantoms read their geometry from here.
 */
export const PHANTOM_FACTS = {
  ctChest: {
    patientId: 'TND-100001',
    /** solid nodule in the right upper lobe (anterior segment); it grows between prior and current */
    nodule: {
      centreMm: [-78, -32, -115] as const,
      currentDiameterMm: 10,
      priorDiameterMm: 6,
      hu: 40,
      location: 'right upper lobe, anterior segment',
    },
    /**
     * Calibration insert outside the body, anterior to the chest: a cylinder along z of exactly
     * `hu` HU, rendered without noise (edges are softened over ~1.5 mm by the reconstruction blur).
     */
    calibrationInsert: { centreMm: [60, -140] as const, radiusMm: 15, hu: 100 },
    /** mean HU of aerated lung (anterior −875, posterior −835) */
    lungMeanHu: -855,
    current: { slices: 320, spacingMm: 1.0, sliceThicknessMm: 1.0, firstZMm: -10, noiseSdHu: 14 },
    prior: { slices: 160, spacingMm: 2.0, sliceThicknessMm: 2.0, firstZMm: -9.5, noiseSdHu: 10 },
    pixelSpacingMm: 0.68359375,
  },
  ctAbdomen: {
    patientId: 'TND-100005',
    /** hypodense hepatic metastasis in segment VII */
    liverLesion: {
      centreMm: [-85, 38, -205] as const,
      currentDiameterMm: 18,
      priorDiameterMm: 8,
      hu: 45,
    },
    /** simple cyst of the right kidney's lower pole, unchanged */
    renalCyst: { centreMm: [-82, 62, -350] as const, diameterMm: 16, hu: 5 },
  },
  ctChestScreening: {
    patientId: 'TND-100006',
    /** small solid nodule in the left lower lobe, unchanged between prior and current */
    nodule: { centreMm: [85, 30, -150] as const, currentDiameterMm: 5, priorDiameterMm: 5, hu: 35 },
  },
  mrBrain: {
    patientId: 'TND-100002',
    /** new FLAIR-hyperintense periventricular lesion, right frontal white matter (current only) */
    newLesion: { centreMm: [-20, -26, 52] as const, diameterMm: 9 },
    /** older lesions present on both exams */
    stableLesions: [
      { centreMm: [22, 12, 58] as const, diameterMm: 5 },
      { centreMm: [-26, 30, 44] as const, diameterMm: 6 },
      { centreMm: [14, -10, 74] as const, diameterMm: 4 },
    ],
  },
  crChest: {
    patientId: 'TND-100003',
    /** right lower zone consolidation on the current PA (image mm from the top-left corner) */
    consolidation: { centreImageMm: [105, 265] as const, radiusMm: 38 },
  },
  mammography: {
    patientId: 'TND-100004',
    /** spiculated mass in the left breast, upper outer quadrant, at ~2 o'clock */
    mass: {
      laterality: 'L',
      depthFromNippleMm: 55,
      lateralMm: 22,
      superiorMm: 24,
      currentDiameterMm: 9,
      /** on the prior, a faint focal asymmetry at the same place */
      priorAsymmetryDiameterMm: 7,
    },
  },
} as const;
