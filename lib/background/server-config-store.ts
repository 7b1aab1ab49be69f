import Dexie, { type Table } from 'dexie';
import { cachedRead } from '../cached-read';
import { effectiveServerConfig, EMPTY_SERVER_CONFIG, managedServerFields, parseServerConfig, type ServerConfig, type ServerConfigField } from '../engine/server-config';

/**
 * Where the server engine's configuration lives: the extension origin's IndexedDB, not
 * `storage.local`. A content script can read and write `storage.local` (it reads the writer's
 * settings from there), so a compromised page renderer could otherwise read the API key or point
 * a site's text at a server of its choosing. IndexedDB of the extension origin is out of a
 * content script's reach; the background alone reads it, and changes it only when an extension
 * page asks (`engine.setServer`, refused to content scripts by lib/background/sender-scope.ts).
 */
export const SERVER_CONFIG_DB_NAME = 'ledgerline-server-engine';

interface ConfigRow {
  key: 'server';
  value: unknown;
}

class ServerConfigDb extends Dexie {
  config!: Table<ConfigRow, string>;
  constructor(name: string, deps: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange }) {
    super(name, deps.indexedDB ? { indexedDB: deps.indexedDB, IDBKeyRange: deps.IDBKeyRange! } : {});
    this.version(1).stores({ config: 'key' });
  }
}

export interface ServerConfigSource {
  /** The configuration in force (the admin's policy over the writer's own) and which fields the policy set. */
  current(): Promise<{ config: ServerConfig; managed: ServerConfigField[]; own: ServerConfig }>;
  /** Saves the writer's own configuration (fields the policy sets keep the policy's value in force). */
  save(config: ServerConfig): Promise<void>;
  /** Forgets what was read (the managed policy changed). */
  forget(): void;
}

export function openServerConfigSource(options: {
  /** storage.managed's contents ({} where the browser has no policy for this extension). */
  readManaged: () => Promise<unknown>;
  name?: string;
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}): ServerConfigSource {
  const db = new ServerConfigDb(options.name ?? SERVER_CONFIG_DB_NAME, options);
  const read = cachedRead(async () => {
    const [row, managed] = await Promise.all([db.config.get('server'), options.readManaged().catch(() => ({}))]);
    const own = row ? parseServerConfig(row.value) : EMPTY_SERVER_CONFIG;
    return { ...effectiveServerConfig(own, managedServerFields(managed)), own };
  });
  return {
    current: () => read.get(),
    async save(config) {
      await db.config.put({ key: 'server', value: { ...config, sites: [...config.sites] } });
      read.forget();
    },
    forget: () => read.forget(),
  };
}
