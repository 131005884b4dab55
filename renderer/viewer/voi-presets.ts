/** Window/level presets by modality, bound to the number keys. CT values in Hounsfield units. */
export interface VoiPreset {
  key: string;
  name: string;
  windowWidth: number;
  windowCenter: number;
}

export const CT_PRESETS: readonly VoiPreset[] = [
  { key: '1', name: 'Lung', windowWidth: 1500, windowCenter: -600 },
  { key: '2', name: 'Mediastinum', windowWidth: 350, windowCenter: 50 },
  { key: '3', name: 'Bone', windowWidth: 2000, windowCenter: 500 },
  { key: '4', name: 'Brain', windowWidth: 80, windowCenter: 40 },
  { key: '5', name: 'Abdomen', windowWidth: 400, windowCenter: 40 },
  { key: '6', name: 'Liver', windowWidth: 150, windowCenter: 90 },
];

/** Presets of a modality; MR and the rest have none but the header's window (key 0 / "Auto"). */
export function presetsFor(modality: string | undefined): readonly VoiPreset[] {
  return modality === 'CT' ? CT_PRESETS : [];
}

export function ctPresetForKey(key: string): VoiPreset | undefined {
  return CT_PRESETS.find((p) => p.key === key);
}

export function presetByName(modality: string, name: string): VoiPreset | undefined {
  const lower = name.toLowerCase();
  return presetsFor(modality).find((p) => p.name.toLowerCase() === lower);
}
