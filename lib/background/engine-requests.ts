import type { EngineService } from '../engine/engine-service';
import type { ModelFileCache } from '../engine/model-file-cache';
import { validateServerConfig } from '../engine/server-config';
import { t } from '../i18n';
import type { EngineResponses, Failure, Request, ServerEngineView } from '../messaging';
import type { ServerConfigSource } from './server-config-store';

type EngineRequest = Extract<Request, { type: `engine.${string}` }>;

export interface EngineRequestContext {
  engine: EngineService;
  modelFiles: ModelFileCache;
  /** navigator.storage.estimate where the browser has it. */
  estimateStorage?: () => Promise<{ usage?: number; quota?: number }>;
  /** The newsroom server engine's configuration (absent: no server engine in this context). */
  serverConfig?: ServerConfigSource;
}

async function serverView(source: ServerConfigSource): Promise<{ ok: true } & ServerEngineView> {
  const { config, managed } = await source.current();
  return { ok: true, url: config.url, model: config.model, sites: config.sites, hasApiKey: config.apiKey !== '', managed };
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
    case 'engine.server':
      if (!context.serverConfig) return failure(t('serverUnavailable'), 'unsupported');
      return serverView(context.serverConfig);
    case 'engine.setServer': {
      const source = context.serverConfig;
      if (!source) return failure(t('serverUnavailable'), 'unsupported');
      const { own } = await source.current();
      const checked = validateServerConfig({ url: request.url, model: request.model, sites: request.sites, apiKey: request.apiKey ?? own.apiKey });
      if (!checked.ok) return { ok: false, code: 'invalid', field: checked.field, error: t('serverInvalidField', t(SERVER_FIELD_LABEL[checked.field])) };
      await source.save(checked.config);
      // Sites and server changed: the next request resolves its engine again.
      engine.forgetSpec();
      return serverView(source);
    }
  }
}

const SERVER_FIELD_LABEL = { url: 'optionsServerUrlLabel', model: 'optionsServerModelLabel', apiKey: 'optionsServerKeyLabel', sites: 'optionsServerSitesLabel' } as const;
