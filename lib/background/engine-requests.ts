import type { EngineService } from '../engine/engine-service';
import type { EngineResponses, Request } from '../messaging';

type EngineRequest = Extract<Request, { type: `engine.${string}` }>;

export interface EngineRequestContext {
  engine: EngineService;
}

export async function handleEngineRequest(
  request: EngineRequest,
  context: EngineRequestContext,
): Promise<EngineResponses[EngineRequest['type']]> {
  switch (request.type) {
    case 'engine.status':
      return context.engine.status();
  }
}
