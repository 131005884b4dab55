/**
 * Keys of the hanging protocols, chosen clear of the viewer's map (renderer/viewer/shortcuts.ts
 * binds neither `s` nor `d`): `s` / `S` next / previous stage, `d` / `D` next / previous protocol.
 * Same shape as the viewer's `ShortcutAction`, so its help and settings can list them.
 */
export const HANGING_SHORTCUTS = [
  { id: 'hp-next-stage', label: 'Hanging protocol: next stage', keys: ['s'] },
  { id: 'hp-prev-stage', label: 'Hanging protocol: previous stage', keys: ['S'] },
  { id: 'hp-next-protocol', label: 'Hanging protocol: next protocol', keys: ['d'] },
  { id: 'hp-prev-protocol', label: 'Hanging protocol: previous protocol', keys: ['D'] },
] as const;

export type HangingAction = (typeof HANGING_SHORTCUTS)[number]['id'];

export function hangingActionForKey(key: string): HangingAction | undefined {
  return HANGING_SHORTCUTS.find((a) => (a.keys as readonly string[]).includes(key))?.id;
}
