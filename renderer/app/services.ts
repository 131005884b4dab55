import { createContext, useContext } from 'react';
import { ApiClient, type FetchLike } from '../../shared/api/client.ts';
import { QidoClient } from '../../shared/dicomweb/qido-client.ts';
import { sessionStore } from './session-store.ts';

/** What the screens use to reach the backend; created once the host has told us where it is. */
export interface Services {
  api: ApiClient;
  /** Lists a series' instances while the cache does not hold it whole (images come from the cache). */
  qido: QidoClient;
}

export function createServices(backendBaseUrl: string): Services {
  // Every request goes through here: a 401 on any of them means the session is gone.
  const fetchWithSession: FetchLike = async (input, init) => {
    const res = await window.fetch(input, init);
    if (res.status === 401) sessionStore.expired();
    return res;
  };
  return {
    api: new ApiClient({ baseUrl: backendBaseUrl, fetch: fetchWithSession }),
    qido: new QidoClient({ root: `${backendBaseUrl}/dicom-web`, fetch: fetchWithSession }),
  };
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesContext');
  return services;
}
