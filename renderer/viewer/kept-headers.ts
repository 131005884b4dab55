import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { decodedHeaders } from './decoded-headers.ts';

/**
 * The page's headers of decoded images whose parsed files were given back (decoded-headers.ts),
 * read from the DICOM loader's own provider while the file is still parsed.
 */
export const keptHeaders = decodedHeaders((type, imageId) =>
  wadouri.metaData.metaDataProvider(type, imageId),
);
