/**
 * Keys of the hanging protocols: `s` / `S` next / previous stage, `d` / `D` next / previous
 * protocol. They are part of the reader's shortcut map (renderer/viewer/shortcuts.ts), so the help
 * lists them, the settings change them, and the conflict check covers them.
 */
export const HANGING_SHORTCUTS = [
  { id: 'hp-next-stage', label: 'Hanging protocol: next stage', keys: ['s'] },
  { id: 'hp-prev-stage', label: 'Hanging protocol: previous stage', keys: ['S'] },
  { id: 'hp-next-protocol', label: 'Hanging protocol: next protocol', keys: ['d'] },
  { id: 'hp-prev-protocol', label: 'Hanging protocol: previous protocol', keys: ['D'] },
] as const;

export type HangingAction = (typeof HANGING_SHORTCUTS)[number]['id'];

export function isHangingAction(action: string | undefined): action is HangingAction {
  return HANGING_SHORTCUTS.some((a) => a.id === action);
}
