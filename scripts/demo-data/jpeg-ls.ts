import { createRequire } from 'node:module';

/**
 * JPEG-LS lossless coding with CharLS compiled to WebAssembly (@cornerstonejs/codec-charls, the
 * codec Cornerstone's image loader decodes with), so what we write is what the viewer reads.
 */

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}

interface CharlsEncoder {
  getDecodedBuffer(frameInfo: FrameInfo): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setNearLossless(near: number): void;
  encode(): void;
  delete(): void;
}

interface CharlsDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

interface CharlsModule {
  JpegLSEncoder: new () => CharlsEncoder;
  JpegLSDecoder: new () => CharlsDecoder;
}

type CharlsFactory = (options?: object) => Promise<CharlsModule>;

const require = createRequire(import.meta.url);
let encoderModule: Promise<CharlsModule> | null = null;
let decoderModule: Promise<CharlsModule> | null = null;

function loadEncoder(): Promise<CharlsModule> {
  encoderModule ??= (require('@cornerstonejs/codec-charls/wasmjs') as CharlsFactory)();
  return encoderModule;
}

function loadDecoder(): Promise<CharlsModule> {
  decoderModule ??= (require('@cornerstonejs/codec-charls/decodewasmjs') as CharlsFactory)();
  return decoderModule;
}

export interface JpegLsEncoder {
  /** Encodes one grey-scale frame losslessly; `bitsPerSample` is the DICOM Bits Stored. */
  encode(
    pixels: Uint16Array | Uint8Array,
    width: number,
    height: number,
    bitsPerSample: number,
  ): Uint8Array;
}

export async function createJpegLsEncoder(): Promise<JpegLsEncoder> {
  const charls = await loadEncoder();
  return {
    encode(pixels, width, height, bitsPerSample) {
      const encoder = new charls.JpegLSEncoder();
      try {
        const input = encoder.getDecodedBuffer({ width, height, bitsPerSample, componentCount: 1 });
        input.set(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
        encoder.setNearLossless(0);
        encoder.encode();
        return encoder.getEncodedBuffer().slice();
      } finally {
        encoder.delete();
      }
    },
  };
}

export interface DecodedJpegLs {
  width: number;
  height: number;
  bitsPerSample: number;
  /** raw samples, little-endian 16-bit when bitsPerSample > 8 */
  bytes: Uint8Array;
}

export async function decodeJpegLs(encoded: Uint8Array): Promise<DecodedJpegLs> {
  const charls = await loadDecoder();
  const decoder = new charls.JpegLSDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    return {
      width: info.width,
      height: info.height,
      bitsPerSample: info.bitsPerSample,
      bytes: decoder.getDecodedBuffer().slice(),
    };
  } finally {
    decoder.delete();
  }
}
