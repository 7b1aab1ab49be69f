import type { EngineService } from '../engine/engine-service';
import type { ModelFileCache } from '../engine/model-file-cache';
import type { EngineResponses, Failure, Request } from '../messaging';

type EngineRequest = Extract<Request, { type: `engine.${string}` }>;

export interface EngineRequestContext {
  engine: EngineService;
  modelFiles: ModelFileCache;
  /** navigator.storage.estimate where the browser has it. */
  estimateStorage?: () => Promise<{ usage?: number; quota?: number }>;
}

function failure(error: unknown, code = 'engine'): Failure {
  return { ok: false, code, error: error instanceof Error ? error.message : String(error) };
}

export async function handleEngineRequest(
  request: EngineRequest,
  context: EngineRequestContext,
): Promise<EngineResponses[EngineRequest['type']]> {
  const { engine, modelFiles } = context;
  switch (request.type) {
    case 'engine.status':
      return engine.status();
    case 'engine.stats':
      return engine.stats();
    case 'engine.warmUp':
      return engine.warmUp();
    case 'engine.unload':
      await engine.unload();
      return engine.status();
    case 'engine.runtime':
      try {
        const { spec, reason, expectedBytes } = await engine.resolve();
        return {
          ok: true,
          modelId: spec.modelId,
          revision: spec.revision,
          device: spec.device,
          dtype: spec.dtype,
          reason,
          webgpuFailure: engine.webgpuFallback(),
          expectedBytes: expectedBytes ?? null,
          queue: engine.queueState(),
        };
      } catch (error) {
        return failure(error, 'model-choice');
      }
    case 'engine.storage':
      try {
        const models = await modelFiles.list();
        const estimate = (await context.estimateStorage?.().catch(() => undefined)) ?? {};
        return {
          ok: true,
          models,
          modelBytes: models.reduce((sum, m) => sum + m.bytes, 0),
          usage: estimate.usage ?? null,
          quota: estimate.quota ?? null,
        };
      } catch (error) {
        return failure(error, 'storage');
      }
    case 'engine.deleteModel':
      try {
        await engine.unload(request.modelId);
        return { ok: true, removedFiles: await modelFiles.remove(request.modelId, request.revision) };
      } catch (error) {
        return failure(error, 'storage');
      }
  }
}
