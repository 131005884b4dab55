import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HealthResponse } from '../../../shared/api/contract.ts';
import type { AppServices } from '../app-services.ts';
import { checkResponse, parseRequest } from '../http/api-errors.ts';

export function healthRoutes(services: AppServices) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/health', async (request) => {
      parseRequest(z.strictObject({}), request.query, 'query string');
      return checkResponse(HealthResponse, {
        status: 'ok',
        version: services.version,
        dicomweb: services.store.mode,
      });
    });
  };
}
