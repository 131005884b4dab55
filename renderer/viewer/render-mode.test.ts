import { describe, expect, it } from 'vitest';
import { chooseStackRenderer, type RenderingFacts } from './render-mode.ts';

const hardware: RenderingFacts = {
  webgl: true,
  softwareRasterizer: false,
  renderer: 'ANGLE (AMD)',
};
const swiftShader: RenderingFacts = {
  webgl: true,
  softwareRasterizer: true,
  renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))',
};
const noWebgl: RenderingFacts = { webgl: false, softwareRasterizer: false, renderer: '' };

describe('choosing how stack viewports draw', () => {
  it('draws with WebGL on a computer with a graphics processor when left on auto', () => {
    expect(chooseStackRenderer('auto', hardware).renderer).toBe('gpu');
  });

  it('draws on the CPU when left on auto and WebGL is emulated in software', () => {
    const choice = chooseStackRenderer('auto', swiftShader);
    expect(choice.renderer).toBe('cpu');
    expect(choice.reason).toMatch(/software/);
  });

  it('follows an explicit choice whatever the graphics', () => {
    expect(chooseStackRenderer('gpu', swiftShader).renderer).toBe('gpu');
    expect(chooseStackRenderer('cpu', hardware).renderer).toBe('cpu');
  });

  it('draws on the CPU without WebGL, even when WebGL was chosen', () => {
    const choice = chooseStackRenderer('gpu', noWebgl);
    expect(choice.renderer).toBe('cpu');
    expect(choice.reason).toMatch(/no WebGL/);
  });
});
