import * as v from 'valibot';
import type { ModelInfo } from './common';

/** Engine requests (pages → background). */

export const ENGINE_REQUEST_SCHEMAS = [v.object({ type: v.literal('engine.status') })] as const;

export type EngineStatus =
  | { state: 'idle' }
  | { state: 'loading'; modelId: string; loadedBytes: number; totalBytes: number }
  | { state: 'ready'; model: ModelInfo; reason: string }
  | { state: 'error'; modelId: string; message: string };

export interface EngineResponses {
  'engine.status': EngineStatus;
}
