#!/usr/bin/env node
// Draws Tandem's app icon (two linked rings on a dark rounded square: two reads of one case) and
// writes resources/icons/NxN.png for Linux plus icon.png (1024 px) that electron-builder converts
// for Windows and macOS. Pure Node (zlib), so it runs anywhere: `node electron/build/make-icons.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

export const ICON_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];

/** @typedef {readonly [number, number, number]} Rgb */

/** @type {Rgb} */
const BACKGROUND = [15, 27, 42];
/** @type {Rgb} */
const RING_A = [56, 189, 248];
/** @type {Rgb} */
const RING_B = [245, 158, 11];

/**
 * Signed distance (in icon units, 0..1) to a rounded square covering the icon.
 * @param {number} x
 * @param {number} y
 */
function roundedSquare(x, y) {
  const half = 0.46;
  const radius = 0.18;
  const qx = Math.abs(x - 0.5) - (half - radius);
  const qy = Math.abs(y - 0.5) - (half - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

/**
 * Signed distance to a ring centred on (cx, cy).
 * @param {number} x
 * @param {number} y
 * @param {number} cx
 * @param {number} cy
 */
function ring(x, y, cx, cy) {
  return Math.abs(Math.hypot(x - cx, y - cy) - 0.2) - 0.055;
}

/**
 * Colour of one sample point, or null outside the icon.
 * @param {number} x
 * @param {number} y
 * @returns {Rgb | null}
 */
function sample(x, y) {
  if (roundedSquare(x, y) > 0) return null;
  const a = ring(x, y, 0.38, 0.5);
  const b = ring(x, y, 0.62, 0.5);
  // Ring A passes over ring B in the upper half, under it in the lower: the rings interlock.
  if (a <= 0 && b <= 0) return y < 0.5 ? RING_A : RING_B;
  if (a <= 0) return RING_A;
  if (b <= 0) return RING_B;
  return BACKGROUND;
}

/**
 * RGBA pixels of the icon at `size` × `size`, anti-aliased by supersampling.
 * @param {number} size
 */
export function drawIcon(size) {
  const samples = size <= 64 ? 8 : 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = sample(
            (px + (sx + 0.5) / samples) / size,
            (py + (sy + 0.5) / samples) / size,
          );
          if (!colour) continue;
          r += colour[0];
          g += colour[1];
          b += colour[2];
          covered += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (covered > 0) {
        rgba[i] = Math.round(r / covered);
        rgba[i + 1] = Math.round(g / covered);
        rgba[i + 2] = Math.round(b / covered);
      }
      rgba[i + 3] = Math.round((255 * covered) / (samples * samples));
    }
  }
  return rgba;
}

/**
 * @param {string} type
 * @param {Buffer} data
 */
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * An 8-bit RGBA PNG of a square image.
 * @param {number} size
 * @param {Buffer} rgba
 */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (import.meta.main) {
  const outDir = path.resolve(import.meta.dirname, '../../resources/icons');
  mkdirSync(outDir, { recursive: true });
  for (const size of ICON_SIZES) {
    const png = encodePng(size, drawIcon(size));
    writeFileSync(path.join(outDir, `${size}x${size}.png`), png);
    if (size === 1024) writeFileSync(path.join(outDir, 'icon.png'), png);
  }
  console.log(`wrote ${ICON_SIZES.length + 1} icons to ${path.relative(process.cwd(), outDir)}`);
}
