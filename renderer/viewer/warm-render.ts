import { cache, Enums, type RenderingEngine, type Types } from '@cornerstonejs/core';
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { drawnCanvas, viewportShowsImage } from './render-check.ts';
import { warmSlice } from './warm-slice.ts';

/**
 * The first image a page draws pays for code running for the first time: enabling a stack
 * viewport, the DICOM loader's parse and uncompressed decode, the metadata provider, the render
 * path (CPU or WebGL) and our own pixel check; after a reload that was ~100-150 ms of the first
 * case's opening. The viewer's warm-up (`warm-up.ts`) draws, once per page, a small CT slice made
 * here (no patient data: a ramp of 16 × 16 pixels under made-up UIDs) in a viewport of its own,
 * off screen, then gives everything back: the viewport, the image and its parsed file.
 */
const WARM_VIEWPORT_ID = 'tandem-warm-render';
const RENDER_TIMEOUT_MS = 3_000;

/**
 * Draws the warm slice once in an off-screen viewport of `engine` (enabled by `enable`, as the
 * viewer enables its own), waits for it to be drawn and checked, then disables the viewport and
 * drops the image and its file. Never throws: a failure only means the first case pays as before.
 */
export async function warmFirstRender(
  engine: RenderingEngine,
  enable: (input: Types.PublicViewportInput) => void,
  cpu: () => boolean,
): Promise<void> {
  const element = document.createElement('div');
  // laid out (Cornerstone sizes its canvas from the element) but never seen nor hit
  element.style.cssText =
    'position:fixed;left:0;top:0;width:64px;height:64px;visibility:hidden;pointer-events:none;contain:strict';
  element.setAttribute('aria-hidden', 'true');
  document.body.append(element);
  const imageId = wadouri.fileManager.add(
    new File([warmSlice()], 'warm.dcm', { type: 'application/dicom' }),
  );
  let enabled = false;
  try {
    enable({
      viewportId: WARM_VIEWPORT_ID,
      type: Enums.ViewportType.STACK,
      element,
      defaultOptions: { background: [0, 0, 0] },
    });
    enabled = true;
    const viewport = engine.getViewport(WARM_VIEWPORT_ID) as Types.IStackViewport;
    const rendered = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, RENDER_TIMEOUT_MS);
      element.addEventListener(
        Enums.Events.IMAGE_RENDERED,
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    await viewport.setStack([imageId], 0);
    viewport.render();
    await rendered;
    const image = viewport.getCornerstoneImage();
    if (image) {
      viewportShowsImage(
        drawnCanvas(viewport, image, cpu()),
        image,
        viewport.getProperties().voiRange,
      );
    }
  } catch (err) {
    console.warn('viewer: warming the first render failed', err);
  } finally {
    if (enabled) engine.disableElement(WARM_VIEWPORT_ID);
    element.remove();
    // the image's decache gives its parsed file back to the DICOM loader
    if (cache.getImageLoadObject(imageId)) cache.removeImageLoadObject(imageId, { force: true });
    const { url } = wadouri.parseImageId(imageId); // the file's index, the loader's key for it
    for (let i = 0; i < 8 && wadouri.dataSetCacheManager.isLoaded(url); i++) {
      wadouri.dataSetCacheManager.unload(url);
    }
    wadouri.fileManager.remove(Number(url));
  }
}
