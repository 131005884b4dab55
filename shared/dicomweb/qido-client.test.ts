import { describe, expect, it } from 'vitest';
import { TandemError } from '../api/errors.ts';
import { QidoClient } from './qido-client.ts';
import { wadoUriUrl } from './wado-uri.ts';

function clientAnswering(respond: (url: string) => Response | Promise<Response>) {
  const urls: string[] = [];
  const client = new QidoClient({
    root: '/dicom-web',
    fetch: async (url) => {
      urls.push(url);
      return respond(url);
    },
  });
  return { client, urls };
}

describe('QidoClient.searchInstances', () => {
  it('reads instances from DICOM JSON, numbers given as strings included', async () => {
    const { client, urls } = clientAnswering(
      () =>
        new Response(
          JSON.stringify([
            {
              '00080018': { vr: 'UI', Value: ['1.2.3.2'] },
              '00200013': { vr: 'IS', Value: ['2'] },
              '00200032': { vr: 'DS', Value: ['-150', '-150', '-2.5'] },
              '00280008': { vr: 'IS', Value: [3] },
            },
            { '00080018': { vr: 'UI' } },
          ]),
          { status: 200, headers: { 'content-type': 'application/dicom+json' } },
        ),
    );
    const instances = await client.searchInstances('1.2', '1.2.3');
    expect(urls[0]).toBe(
      '/dicom-web/studies/1.2/series/1.2.3/instances?includefield=00200013,00200032,00200037,00280008,00280010,00280011',
    );
    expect(instances).toHaveLength(1); // the one without a SOP Instance UID is dropped
    expect(instances[0]).toMatchObject({
      studyInstanceUid: '1.2',
      seriesInstanceUid: '1.2.3',
      sopInstanceUid: '1.2.3.2',
      instanceNumber: 2,
      imagePositionPatient: [-150, -150, -2.5],
      numberOfFrames: 3,
    });
  });

  it('treats 204 No Content as an empty series', async () => {
    const { client } = clientAnswering(() => new Response(null, { status: 204 }));
    expect(await client.searchInstances('1', '2')).toEqual([]);
  });

  it("passes on the server's own error message and status", async () => {
    const { client } = clientAnswering(
      () =>
        new Response(JSON.stringify({ error: { code: 'forbidden', message: 'Not your case.' } }), {
          status: 403,
          headers: { 'content-type': 'application/json' },
        }),
    );
    const error = await client.searchInstances('1', '2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TandemError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'Not your case.', status: 403 });
  });

  it('says the server cannot be reached when the network fails', async () => {
    const { client } = clientAnswering(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(client.searchInstances('1', '2')).rejects.toMatchObject({ code: 'offline' });
  });
});

describe('wadoUriUrl', () => {
  it('builds a PS3.18 URI-service request for the Part-10 file', () => {
    expect(
      wadoUriUrl('/dicom-web/wado', {
        studyInstanceUid: '1.2',
        seriesInstanceUid: '1.2.3',
        sopInstanceUid: '1.2.3.4',
      }),
    ).toBe(
      '/dicom-web/wado?requestType=WADO&studyUID=1.2&seriesUID=1.2.3&objectUID=1.2.3.4&contentType=application%2Fdicom',
    );
  });
});
