import * as v from 'valibot';
import { ACTION_IDS } from '../engine/actions';

export const ActionSchema = v.picklist(ACTION_IDS);
export const RequestIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const ModelInfoSchema = v.object({
  id: v.string(),
  revision: v.string(),
  dtype: v.string(),
  /**
   * 'builtin': the browser's own model (Chrome's Prompt API), not one this extension runs;
   * 'server': a newsroom's OpenAI-compatible server, named in `server`.
   */
  backend: v.picklist(['webgpu', 'wasm', 'builtin', 'server']),
  /** The server's origin (`https://llm.example.org`) when backend is 'server'; the text went there. */
  server: v.optional(v.pipe(v.string(), v.maxLength(2048))),
});
export type ModelInfo = v.InferOutput<typeof ModelInfoSchema>;

/** A failed request, answered as a value: errors do not cross extension contexts as exceptions. */
export interface Failure {
  ok: false;
  /** Plain words the UI can show as is. */
  error: string;
  code: string;
}
