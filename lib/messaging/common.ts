import * as v from 'valibot';
import { ACTION_IDS } from '../engine/actions';

export const ActionSchema = v.picklist(ACTION_IDS);
export const RequestIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const ModelInfoSchema = v.object({
  id: v.string(),
  revision: v.string(),
  dtype: v.string(),
  /** 'builtin': the browser's own model (Chrome's Prompt API), not one this extension runs. */
  backend: v.picklist(['webgpu', 'wasm', 'builtin']),
});
export type ModelInfo = v.InferOutput<typeof ModelInfoSchema>;

/** A failed request, answered as a value: errors do not cross extension contexts as exceptions. */
export interface Failure {
  ok: false;
  /** Plain words the UI can show as is. */
  error: string;
  code: string;
}
