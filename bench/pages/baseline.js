// The bare-canvas baselines of `npm run bench`: the least work a page can do to show the same CT
// image, measured in the same browser as the viewer. Plain JavaScript, no dependencies; the
// harness serves this page on the backend's origin (so WADO-URI requests carry the session cookie).
//
// Only what the demo CT needs is parsed: Explicit VR Little Endian, 16-bit grey-scale, one frame.

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const UNDEFINED_LENGTH = 0xffffffff;

/** The attributes the baseline needs, read from a Part-10 file's bytes. */
function parsePart10(buffer) {
  const view = new DataView(buffer);
  const text = (offset, length) =>
    new TextDecoder('latin1').decode(new Uint8Array(buffer, offset, length)).replace(/[\0 ]+$/, '');
  if (text(128, 4) !== 'DICM') throw new Error('not a DICOM Part-10 file');
  const found = {};
  let offset = 132;
  const end = buffer.byteLength;
  while (offset < end) {
    const group = view.getUint16(offset, true);
    const element = view.getUint16(offset + 2, true);
    const tag = ((group << 16) | element) >>> 0;
    const vr = String.fromCharCode(view.getUint8(offset + 4), view.getUint8(offset + 5));
    let length;
    let valueOffset;
    if (LONG_LENGTH_VRS.has(vr)) {
      length = view.getUint32(offset + 8, true);
      valueOffset = offset + 12;
    } else {
      length = view.getUint16(offset + 6, true);
      valueOffset = offset + 8;
    }
    if (group === 0x0002 && element === 0x0010) {
      const syntax = text(valueOffset, length);
      if (syntax !== EXPLICIT_VR_LITTLE_ENDIAN) {
        throw new Error(`the baseline reads Explicit VR Little Endian only, not ${syntax}`);
      }
    }
    if (tag === 0x7fe00010) {
      found.pixelOffset = valueOffset;
      found.pixelLength = length;
      break;
    }
    if (length === UNDEFINED_LENGTH) {
      offset = skipUndefinedLength(view, valueOffset);
      continue;
    }
    switch (tag) {
      case 0x00280010:
        found.rows = view.getUint16(valueOffset, true);
        break;
      case 0x00280011:
        found.columns = view.getUint16(valueOffset, true);
        break;
      case 0x00280100:
        found.bitsAllocated = view.getUint16(valueOffset, true);
        break;
      case 0x00280103:
        found.pixelRepresentation = view.getUint16(valueOffset, true);
        break;
      case 0x00281050:
        found.windowCenter = Number(text(valueOffset, length).split('\\')[0]);
        break;
      case 0x00281051:
        found.windowWidth = Number(text(valueOffset, length).split('\\')[0]);
        break;
      case 0x00281052:
        found.rescaleIntercept = Number(text(valueOffset, length));
        break;
      case 0x00281053:
        found.rescaleSlope = Number(text(valueOffset, length));
        break;
    }
    offset = valueOffset + length;
  }
  if (found.pixelOffset === undefined) throw new Error('no pixel data');
  if (found.bitsAllocated !== 16) throw new Error('the baseline reads 16-bit pixels only');
  return found;
}

/** Skips a sequence (or item) of undefined length: nested items until the matching delimiter. */
function skipUndefinedLength(view, offset) {
  let depth = 1;
  while (depth > 0) {
    const group = view.getUint16(offset, true);
    const element = view.getUint16(offset + 2, true);
    if (group === 0xfffe) {
      const length = view.getUint32(offset + 4, true);
      offset += 8;
      if (element === 0xe0dd || element === 0xe00d) depth--;
      else if (element === 0xe000 && length === UNDEFINED_LENGTH) depth++;
      else if (element === 0xe000) offset += length;
      continue;
    }
    const vr = String.fromCharCode(view.getUint8(offset + 4), view.getUint8(offset + 5));
    const long = LONG_LENGTH_VRS.has(vr);
    const length = long ? view.getUint32(offset + 8, true) : view.getUint16(offset + 6, true);
    offset += long ? 12 : 8;
    if (length === UNDEFINED_LENGTH) depth++;
    else offset += length;
  }
  return offset;
}

/** Rescale, then a linear window (as the DICOM VOI LUT function LINEAR), into grey RGBA. */
function toImageData(buffer, header) {
  const count = header.rows * header.columns;
  const Pixels = header.pixelRepresentation === 1 ? Int16Array : Uint16Array;
  const pixels = new Pixels(buffer.slice(header.pixelOffset, header.pixelOffset + count * 2));
  const slope = header.rescaleSlope ?? 1;
  const intercept = header.rescaleIntercept ?? 0;
  const width = Math.max(1, header.windowWidth ?? 400);
  const lower = (header.windowCenter ?? 40) - 0.5 - (width - 1) / 2;
  const scale = 255 / Math.max(1, width - 1);
  const image = new ImageData(header.columns, header.rows);
  const out = image.data;
  for (let i = 0; i < count; i++) {
    const value = pixels[i] * slope + intercept;
    const grey = value <= lower ? 0 : Math.min(255, (value - lower) * scale);
    const j = i * 4;
    out[j] = out[j + 1] = out[j + 2] = grey;
    out[j + 3] = 255;
  }
  return image;
}

/** Two canvases like the viewer's: the image at its own size, drawn scaled to fit the display canvas. */
function makeCanvases(displayWidth, displayHeight, rows, columns) {
  document.body.replaceChildren();
  const display = document.createElement('canvas');
  display.width = displayWidth;
  display.height = displayHeight;
  document.body.append(display);
  const image = document.createElement('canvas');
  image.width = columns;
  image.height = rows;
  const displayContext = display.getContext('2d');
  const imageContext = image.getContext('2d');
  const scale = Math.min(displayWidth / columns, displayHeight / rows);
  const w = columns * scale;
  const h = rows * scale;
  const draw = (imageData) => {
    imageContext.putImageData(imageData, 0, 0);
    displayContext.fillStyle = '#000';
    displayContext.fillRect(0, 0, displayWidth, displayHeight);
    displayContext.drawImage(image, (displayWidth - w) / 2, (displayHeight - h) / 2, w, h);
  };
  return { display, draw };
}

async function fetchPart10(url) {
  const response = await fetch(url, { cache: 'no-store', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`WADO-URI answered ${response.status}`);
  return response.arrayBuffer();
}

/**
 * Baseline of "time to first image": fetch one instance by WADO-URI, parse, rescale and window,
 * draw it at the viewer's display size, read one pixel back. Milliseconds from start to drawn.
 */
async function firstImage(url, displayWidth, displayHeight) {
  const started = performance.now();
  const buffer = await fetchPart10(url);
  const header = parsePart10(buffer);
  const imageData = toImageData(buffer, header);
  const { display, draw } = makeCanvases(displayWidth, displayHeight, header.rows, header.columns);
  draw(imageData);
  const probe = display
    .getContext('2d')
    .getImageData(displayWidth >> 1, displayHeight >> 1, 1, 1).data;
  const elapsed = performance.now() - started;
  return { ms: elapsed, centrePixel: probe[0] };
}

/** Frames decoded and windowed up front for the scroll baseline; `draw` shows frame i. */
async function prepareFrames(urls, displayWidth, displayHeight) {
  const frames = [];
  let canvases;
  for (const url of urls) {
    const buffer = await fetchPart10(url);
    const header = parsePart10(buffer);
    canvases ??= makeCanvases(displayWidth, displayHeight, header.rows, header.columns);
    frames.push(toImageData(buffer, header));
  }
  window.benchFrames = { frames, ...canvases };
  return frames.length;
}

/**
 * Baseline of sync throughput: the same instances fetched by WADO-URI with `parallel` requests in
 * flight, each body read whole and then dropped (nothing parsed, nothing stored).
 */
async function fetchAll(urls, parallel) {
  const started = performance.now();
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++];
      const body = await fetchPart10(url);
      bytes += body.byteLength;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, urls.length) }, worker));
  return { ms: performance.now() - started, bytes };
}

window.tandemBench = { firstImage, prepareFrames, fetchAll };
