/**
 * A short, human reason for an image that failed to load or decode. Loader errors arrive in many
 * shapes (an XMLHttpRequest, `{ error, dataSet }`, an Error, a string); none of them is shown raw.
 */
export function imageErrorReason(error: unknown): string {
  const status = httpStatus(error);
  if (status !== undefined) {
    if (status === 0) return 'the image server cannot be reached';
    if (status === 401) return 'your session has expired';
    if (status === 403) return 'you are not allowed to see this image';
    if (status === 404) return 'the image was not found on the server';
    return `the image server answered ${status}`;
  }
  const text = errorText(error);
  if (!text) return 'the file could not be decoded';
  if (/DICM prefix|not a valid DICOM|no meta/i.test(text))
    return 'the file is not a valid DICOM file';
  if (/no pixel data|pixel data.*(missing|not found)/i.test(text))
    return 'the file has no pixel data';
  if (
    /overrun|out of (bounds|range)|outside the bounds|truncat|RangeError|end of buffer|beyond/i.test(
      text,
    )
  ) {
    return 'the file is truncated or damaged';
  }
  if (/transfer syntax|no decoder|unsupported|not supported/i.test(text)) {
    return 'its compression is not supported';
  }
  // A loader's own bug tripped by the damaged file (a TypeError about `undefined`): no use to a reader.
  if (/Cannot read propert|is not a function|is not defined|\bundefined\b|\bnull\b/.test(text)) {
    return 'the file could not be decoded';
  }
  // Keep the first sentence, without the "module.function:" prefix loaders put in front.
  const firstLine = text.split('\n')[0]!.replace(/^[\w.[\]]+:\s*/, '');
  return firstLine.length > 120 ? `${firstLine.slice(0, 117)}…` : firstLine;
}

function httpStatus(error: unknown): number | undefined {
  if (typeof XMLHttpRequest !== 'undefined' && error instanceof XMLHttpRequest) return error.status;
  if (typeof error === 'object' && error !== null) {
    const inner = (error as { error?: unknown }).error;
    if (inner !== undefined && inner !== error) return httpStatus(inner);
    const request = (error as { request?: unknown }).request;
    if (typeof XMLHttpRequest !== 'undefined' && request instanceof XMLHttpRequest) {
      return request.status;
    }
  }
  return undefined;
}

function errorText(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const inner = (error as { error?: unknown }).error;
    if (inner !== undefined && inner !== error) return errorText(inner);
    // dicom-parser rejects with { exception: string }
    for (const key of ['message', 'exception'] as const) {
      const text = (error as Record<string, unknown>)[key];
      if (typeof text === 'string') return text;
    }
  }
  return undefined;
}
