import * as v from 'valibot';
import { isSiteDisabled } from '../fields/eligibility';
import type { ModelSpec } from './text-generator';

/**
 * The newsroom server engine's configuration: an OpenAI-compatible chat-completions server
 * (Ollama, llama.cpp's server, vLLM), the model it runs, an optional API key, and the sites whose
 * text goes there. Every other site stays on the device: the server is opt-in per site.
 *
 * Kept out of `storage.local` (lib/background/server-config-store.ts says why); a newsroom's
 * admin may set any part of it by policy (`storage.managed`, public/managed_schema.json), which
 * then wins over the writer's own value.
 */
export interface ServerConfig {
  /** The server's base URL, e.g. `http://10.0.0.5:11434` or `https://llm.example.org/v1`; '' = none. */
  url: string;
  /** The model name the server knows (`llama3.1:8b`, `smollm2`). */
  model: string;
  /** Sent as `Authorization: Bearer …` to that server only; '' = none. Never logged nor recorded. */
  apiKey: string;
  /** Hostnames (a subdomain matches its parent, as for the excluded sites) whose text goes to the server. */
  sites: string[];
}

export type ServerConfigField = keyof ServerConfig;

export const EMPTY_SERVER_CONFIG: ServerConfig = { url: '', model: '', apiKey: '', sites: [] };

const UrlSchema = v.pipe(
  v.string(),
  v.trim(),
  v.check((url) => url === '' || serverOrigin(url) !== null, 'an http or https URL'),
);
const SitesSchema = v.pipe(
  v.array(v.pipe(v.string(), v.trim(), v.toLowerCase())),
  v.transform((sites) => [...new Set(sites.filter(Boolean))].sort()),
);

const FIELD_SCHEMAS = {
  url: UrlSchema,
  model: v.pipe(v.string(), v.trim(), v.maxLength(200)),
  apiKey: v.pipe(v.string(), v.trim(), v.maxLength(4096)),
  sites: SitesSchema,
} as const;

const ServerConfigSchema = v.object({
  url: v.fallback(FIELD_SCHEMAS.url, ''),
  model: v.fallback(FIELD_SCHEMAS.model, ''),
  apiKey: v.fallback(FIELD_SCHEMAS.apiKey, ''),
  sites: v.fallback(FIELD_SCHEMAS.sites, []),
});

/** A stored configuration, each damaged field replaced by its empty value. */
export function parseServerConfig(stored: unknown): ServerConfig {
  return v.parse(ServerConfigSchema, typeof stored === 'object' && stored !== null ? stored : {});
}

/** What the writer asks to save, refused (with the field) when it is not valid rather than silently changed. */
export function validateServerConfig(input: ServerConfig): { ok: true; config: ServerConfig } | { ok: false; field: ServerConfigField } {
  for (const field of Object.keys(FIELD_SCHEMAS) as ServerConfigField[]) {
    if (!v.safeParse(FIELD_SCHEMAS[field], input[field]).success) return { ok: false, field };
  }
  const config = parseServerConfig(input);
  if (config.url !== '' && config.model === '') return { ok: false, field: 'model' };
  return { ok: true, config };
}

/** Policy names (public/managed_schema.json) of the fields an admin may set. */
export const MANAGED_POLICY_NAMES: Record<ServerConfigField, string> = {
  url: 'serverUrl',
  model: 'serverModel',
  apiKey: 'serverApiKey',
  sites: 'serverSites',
};

/** The fields an admin's policy sets (storage.managed): those present and valid; an invalid one is not applied. */
export function managedServerFields(managed: unknown): Partial<ServerConfig> {
  const policy = typeof managed === 'object' && managed !== null ? (managed as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(FIELD_SCHEMAS) as ServerConfigField[]) {
    const raw = policy[MANAGED_POLICY_NAMES[field]];
    if (raw === undefined) continue;
    const parsed = v.safeParse(FIELD_SCHEMAS[field], raw);
    if (parsed.success) out[field] = parsed.output;
  }
  return out as Partial<ServerConfig>;
}

/** The configuration in force: the admin's fields over the writer's. */
export function effectiveServerConfig(own: ServerConfig, managed: Partial<ServerConfig>): { config: ServerConfig; managed: ServerConfigField[] } {
  return { config: { ...own, ...managed }, managed: Object.keys(managed) as ServerConfigField[] };
}

/** The server's origin (`http://host:port`), or null for a URL that is not http(s). */
export function serverOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * The API's base (the part before `/chat/completions`). A bare server address gets `/v1`, the
 * path every OpenAI-compatible server serves; an address with a path is taken as the base itself.
 */
export function apiBase(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path === '' ? '/v1' : path}`;
}

/** True when this site's text goes to the server (a server and model are set, and the site is one of the chosen). */
export function usesServer(config: ServerConfig, site: string | null): boolean {
  return site !== null && config.url !== '' && config.model !== '' && isSiteDisabled(site, config.sites);
}

/** The model spec of the server engine: `host` is the API base, the model the server's name for it. */
export function serverSpec(config: ServerConfig): ModelSpec {
  return { host: apiBase(config.url), modelId: config.model, revision: 'server', device: 'server', dtype: 'server' };
}
