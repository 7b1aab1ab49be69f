/**
 * The server engine's configuration: what a writer may save, what an admin's policy sets, which
 * sites go to the server (only those chosen), who may change it (extension pages only), and what
 * the ledger records of it (engine, server, model; never the key).
 */
import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { EngineService } from '../../lib/engine/engine-service';
import { apiBase, effectiveServerConfig, managedServerFields, parseServerConfig, serverSpec, usesServer, validateServerConfig, type ServerConfig } from '../../lib/engine/server-config';
import { openServerConfigSource } from '../../lib/background/server-config-store';
import { createRequestHandler } from '../../lib/background/request-handler';
import { senderScope, senderSite } from '../../lib/background/sender-scope';
import { openLedger } from '../../lib/ledger';
import { makeAcceptance } from '../../lib/ledger/testing';
import type { ModelFileCache } from '../../lib/engine/model-file-cache';

const CONFIG: ServerConfig = { url: 'http://10.0.0.5:11434', model: 'llama3.1:8b', apiKey: '', sites: ['cms.example.org'] };

describe('server configuration', () => {
  it('keeps the default on the device: no server, no site, or a site not chosen', () => {
    expect(usesServer(parseServerConfig(undefined), 'cms.example.org')).toBe(false);
    expect(usesServer({ ...CONFIG, sites: [] }, 'cms.example.org')).toBe(false);
    expect(usesServer(CONFIG, 'news.example.com')).toBe(false);
    expect(usesServer(CONFIG, null)).toBe(false);
    expect(usesServer({ ...CONFIG, model: '' }, 'cms.example.org')).toBe(false);
    expect(usesServer(CONFIG, 'cms.example.org')).toBe(true);
    // A subdomain goes with its parent, as the excluded sites do.
    expect(usesServer(CONFIG, 'edit.cms.example.org')).toBe(true);
  });

  it('finds the API base: a bare address gets /v1, an address with a path is the base', () => {
    expect(apiBase('http://10.0.0.5:11434')).toBe('http://10.0.0.5:11434/v1');
    expect(apiBase('http://10.0.0.5:11434/')).toBe('http://10.0.0.5:11434/v1');
    expect(apiBase('https://llm.example.org/api/openai/v1/')).toBe('https://llm.example.org/api/openai/v1');
    expect(serverSpec(CONFIG)).toMatchObject({ host: 'http://10.0.0.5:11434/v1', modelId: 'llama3.1:8b', device: 'server' });
  });

  it('refuses an address that is not http(s) and a server without a model, naming the field', () => {
    expect(validateServerConfig({ ...CONFIG, url: 'ftp://x' })).toEqual({ ok: false, field: 'url' });
    expect(validateServerConfig({ ...CONFIG, url: 'not a url' })).toEqual({ ok: false, field: 'url' });
    expect(validateServerConfig({ ...CONFIG, model: ' ' })).toEqual({ ok: false, field: 'model' });
    expect(validateServerConfig({ ...CONFIG, sites: [' CMS.example.org ', 'cms.example.org', ''] })).toEqual({ ok: true, config: { ...CONFIG, sites: ['cms.example.org'] } });
  });

  it('applies an admin’s policy field by field, over the writer’s own, ignoring invalid policy values', () => {
    const managed = managedServerFields({ serverUrl: 'https://llm.newsroom.example', serverSites: ['cms.newsroom.example'], serverModel: 42 });
    expect(managed).toEqual({ url: 'https://llm.newsroom.example', sites: ['cms.newsroom.example'] });
    expect(effectiveServerConfig({ ...CONFIG, apiKey: 'k' }, managed)).toEqual({
      config: { url: 'https://llm.newsroom.example', model: 'llama3.1:8b', apiKey: 'k', sites: ['cms.newsroom.example'] },
      managed: ['url', 'sites'],
    });
    expect(managedServerFields(undefined)).toEqual({});
  });
});

describe('who may change it', () => {
  const own = { id: 'ext', pagesOrigin: 'chrome-extension://ext/' };
  function handler(managed: unknown = {}) {
    const serverConfig = openServerConfigSource({ readManaged: async () => managed, indexedDB: new IDBFactory(), IDBKeyRange });
    const engine = new EngineService({ resolveSpec: async () => ({ spec: serverSpec(CONFIG), reason: '' }), load: async () => Promise.reject(new Error('unused')) });
    const handle = createRequestHandler({ ledger: () => openLedger({ indexedDB: new IDBFactory(), IDBKeyRange }), extensionVersion: '0', engine, modelFiles: {} as ModelFileCache, serverConfig, proofreader: () => ({ lint: async () => [] }) });
    return { handle, serverConfig };
  }
  const page = senderScope({ id: 'ext', url: 'chrome-extension://ext/options.html' }, own)!;
  const content = senderScope({ id: 'ext', url: 'https://cms.example.org/edit', origin: 'https://cms.example.org' }, own)!;

  it('an extension page saves it; the answer says whether a key is set, never the key', async () => {
    const { handle, serverConfig } = handler();
    const saved = await handle({ type: 'engine.setServer', url: CONFIG.url, model: CONFIG.model, sites: CONFIG.sites, apiKey: 'sk-secret' }, page);
    expect(saved).toEqual({ ok: true, url: CONFIG.url, model: CONFIG.model, sites: CONFIG.sites, hasApiKey: true, managed: [] });
    expect(JSON.stringify(await handle({ type: 'engine.server' }, page))).not.toContain('sk-secret');
    // No key in the next save: the saved one stays; '' removes it.
    await handle({ type: 'engine.setServer', url: CONFIG.url, model: 'other', sites: [] }, page);
    expect((await serverConfig.current()).config.apiKey).toBe('sk-secret');
    await handle({ type: 'engine.setServer', url: CONFIG.url, model: 'other', sites: [], apiKey: '' }, page);
    expect((await serverConfig.current()).config.apiKey).toBe('');
  });

  it('refuses an invalid configuration and keeps the saved one', async () => {
    const { handle, serverConfig } = handler();
    await handle({ type: 'engine.setServer', url: CONFIG.url, model: CONFIG.model, sites: CONFIG.sites }, page);
    expect(await handle({ type: 'engine.setServer', url: 'javascript:alert(1)', model: 'x', sites: [] }, page)).toMatchObject({ ok: false, code: 'invalid', field: 'url', error: 'Not saved: “Server address” is not valid.' });
    expect((await serverConfig.current()).config).toEqual(CONFIG);
  });

  it('a content script may neither read nor change it', async () => {
    const { handle, serverConfig } = handler();
    expect(await handle({ type: 'engine.setServer', url: 'https://evil.example', model: 'x', sites: ['cms.example.org'] }, content)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await handle({ type: 'engine.server' }, content)).toMatchObject({ ok: false, code: 'forbidden' });
    expect((await serverConfig.current()).config.url).toBe('');
  });

  it('the policy’s fields win and are reported as managed', async () => {
    const { handle } = handler({ serverUrl: 'https://llm.newsroom.example', serverApiKey: 'fleet-key' });
    await handle({ type: 'engine.setServer', url: CONFIG.url, model: CONFIG.model, sites: CONFIG.sites }, page);
    expect(await handle({ type: 'engine.server' }, page)).toMatchObject({ url: 'https://llm.newsroom.example', model: CONFIG.model, hasApiKey: true, managed: ['url', 'apiKey'] });
  });

  it('the site a generate port speaks for is its frame’s (its creator’s for about:blank), none for extension pages', () => {
    expect(senderSite({ url: 'https://cms.example.org/post?id=1' }, own)).toBe('cms.example.org');
    expect(senderSite({ url: 'about:blank', origin: 'https://cms.example.org' }, own)).toBe('cms.example.org');
    expect(senderSite({ url: 'chrome-extension://ext/engine-lab.html' }, own)).toBeNull();
  });
});

describe('what the ledger records', () => {
  it('records the engine, the server and the model of a server acceptance; an entry without a server hashes as before', async () => {
    const ledger = openLedger({ name: 'server-engine', indexedDB: new IDBFactory(), IDBKeyRange });
    try {
      const server = await ledger.append(makeAcceptance({ model: { id: 'llama3.1:8b', revision: 'server', dtype: 'server', backend: 'server', server: 'http://10.0.0.5:11434' } }));
      expect(server.model).toEqual({ id: 'llama3.1:8b', revision: 'server', dtype: 'server', backend: 'server', server: 'http://10.0.0.5:11434' });
      const device = await ledger.append(makeAcceptance());
      expect(Object.keys(device.model).sort()).toEqual(['backend', 'dtype', 'id', 'revision']);
      expect(await ledger.verify()).toMatchObject({ ok: true, entries: 2 });
    } finally {
      ledger.close();
    }
  });
});
