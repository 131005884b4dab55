import { z } from 'zod';

/**
 * How stack viewports draw: through WebGL ("gpu"), or with Cornerstone's CPU path into a 2D
 * canvas ("cpu"); "auto" takes the CPU where the WebGL renderer is itself software (SwiftShader,
 * llvmpipe: a virtual machine or a remote desktop without a GPU), where drawing a slice on the
 * CPU is faster than rasterizing it through emulated WebGL. Reformats (MPR) always use WebGL.
 */
export const RenderingSetting = z.enum(['auto', 'gpu', 'cpu']);
export type RenderingSetting = z.infer<typeof RenderingSetting>;

export type StackRenderer = 'gpu' | 'cpu';

/** What Cornerstone found out about this computer's WebGL (`getRenderingCapabilities`). */
export interface RenderingFacts {
  webgl: boolean;
  softwareRasterizer: boolean;
  /** the WebGL renderer's name, e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device …))" */
  renderer: string;
}

export interface RendererChoice {
  renderer: StackRenderer;
  /** one sentence for the Settings dialog */
  reason: string;
}

/** The stack viewports' renderer for a setting on a computer with these facts. */
export function chooseStackRenderer(
  setting: RenderingSetting,
  facts: RenderingFacts,
): RendererChoice {
  if (!facts.webgl) {
    return {
      renderer: 'cpu',
      reason: 'This computer offers no WebGL: images are drawn by the CPU.',
    };
  }
  if (setting === 'gpu') return { renderer: 'gpu', reason: 'WebGL, as chosen.' };
  if (setting === 'cpu') return { renderer: 'cpu', reason: 'CPU, as chosen.' };
  return facts.softwareRasterizer
    ? {
        renderer: 'cpu',
        reason:
          'WebGL here is emulated in software, so the CPU draws images faster (reformats still use WebGL).',
      }
    : {
        renderer: 'gpu',
        reason: 'This computer has a graphics processor: images are drawn with WebGL.',
      };
}

// The choice in force in this page, for the Settings dialog (which must not load Cornerstone).
let current: RendererChoice | null = null;

export function currentRendererChoice(): RendererChoice | null {
  return current;
}

export function noteRendererChoice(choice: RendererChoice): void {
  current = choice;
}

const settingListeners = new Set<(setting: RenderingSetting) => void>();

/** The Settings dialog saved a new setting: the viewer takes it at the next opening. */
export function announceRenderingSetting(setting: RenderingSetting): void {
  for (const l of [...settingListeners]) l(setting);
}

export function onRenderingSetting(listener: (setting: RenderingSetting) => void): () => void {
  settingListeners.add(listener);
  return () => settingListeners.delete(listener);
}
