/** The task set (tasks.json): read and checked, so a broken task fails with its id and the reason. */
import { readFileSync } from 'node:fs';
import { isActionId, type ActionId } from '../../lib/engine/actions';
import { PLATFORM_LIMITS, type Platform } from './score/constraints';
import type { SeededError } from './score/grammar';

export const TOPICS = ['local', 'politics', 'science', 'sport'] as const;
export type Topic = (typeof TOPICS)[number];

export interface QualityTask {
  id: string;
  action: ActionId;
  topic: Topic;
  /** The whole field. */
  text: string;
  /** The words selected (first occurrence); rewrites without it select the whole text. */
  select?: string;
  /** BCP 47 language of the text (default en). */
  language: string;
  /** fit: the composer the post is written in. */
  platform?: Platform;
  /** grammar: the errors seeded in the passage. */
  errors?: SeededError[];
}

export interface TaskSet {
  version: string;
  tasks: QualityTask[];
}

function fail(where: string, why: string): never {
  throw new Error(`${where}: ${why}`);
}

export function parseTaskSet(value: unknown, where = 'tasks.json'): TaskSet {
  const set = value as { version?: unknown; tasks?: unknown };
  if (typeof set !== 'object' || set === null) fail(where, 'not an object');
  if (typeof set.version !== 'string' || set.version.length === 0) fail(where, 'needs a "version" string');
  if (!Array.isArray(set.tasks) || set.tasks.length === 0) fail(where, 'needs a non-empty "tasks" array');
  const ids = new Set<string>();
  const tasks = set.tasks.map((raw: Record<string, unknown>, i): QualityTask => {
    const at = `${where} task ${i} (${String(raw?.id)})`;
    if (typeof raw?.id !== 'string' || raw.id.length === 0) fail(at, 'needs an id');
    if (ids.has(raw.id)) fail(at, 'duplicate id');
    ids.add(raw.id);
    if (!isActionId(raw.action)) fail(at, `unknown action ${String(raw.action)}`);
    if (!(TOPICS as readonly unknown[]).includes(raw.topic)) fail(at, `topic must be one of ${TOPICS.join(', ')}`);
    if (typeof raw.text !== 'string' || raw.text.trim().length === 0) fail(at, 'needs a text');
    if (raw.select !== undefined && (typeof raw.select !== 'string' || !raw.text.includes(raw.select))) fail(at, '"select" must be part of the text');
    if (raw.action === 'fit' && !Object.hasOwn(PLATFORM_LIMITS, String(raw.platform))) {
      fail(at, `a fit task needs a platform: ${Object.keys(PLATFORM_LIMITS).join(', ')}`);
    }
    const errors = raw.errors as SeededError[] | undefined;
    if (raw.action === 'grammar') {
      if (!Array.isArray(errors) || errors.length === 0) fail(at, 'a grammar task needs its seeded "errors"');
      const passage = (raw.select as string | undefined) ?? raw.text;
      for (const e of errors) {
        if (typeof e.kind !== 'string' || typeof e.wrong !== 'string' || !Array.isArray(e.right) || e.right.length === 0) {
          fail(at, 'each error needs kind, wrong and right[]');
        }
        if (!passage.toLowerCase().includes(e.wrong.toLowerCase())) fail(at, `seeded error "${e.wrong}" is not in the passage`);
      }
    }
    return {
      id: raw.id,
      action: raw.action,
      topic: raw.topic as Topic,
      text: raw.text,
      ...(raw.select !== undefined ? { select: raw.select as string } : {}),
      language: typeof raw.language === 'string' ? raw.language : 'en',
      ...(raw.platform !== undefined ? { platform: raw.platform as Platform } : {}),
      ...(errors ? { errors } : {}),
    };
  });
  return { version: set.version, tasks };
}

export function readTaskSet(path: string): TaskSet {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(path, `cannot read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseTaskSet(json, path);
}
