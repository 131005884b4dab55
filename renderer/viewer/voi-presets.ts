/** Window/level presets for CT, bound to the number keys. Values in Hounsfield units. */
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
];

export function ctPresetForKey(key: string): VoiPreset | undefined {
  return CT_PRESETS.find((p) => p.key === key);
}
