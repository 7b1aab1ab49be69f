import { describe, expect, it } from 'vitest';
import { hostAccessChange, hostAccessPattern } from '../../lib/model-host-access';
import { DEFAULT_MODEL_HOST } from '../../lib/settings';

const CHROMIUM = { ports: true };
const FIREFOX = { ports: false };

describe('model host access', () => {
  it('asks nothing for the default hub (it sends CORS headers) or for a URL that is no web origin', () => {
    for (const host of [DEFAULT_MODEL_HOST, 'https://huggingface.co/', 'not a url', 'ftp://mirror.example', 'file:///models']) {
      expect(hostAccessPattern(host, CHROMIUM), host).toBeNull();
    }
  });

  it('asks for exactly the mirror’s origin, with its port where the browser’s patterns have ports', () => {
    expect(hostAccessPattern('https://models.newsroom.example/hub/', CHROMIUM)).toBe('https://models.newsroom.example/*');
    expect(hostAccessPattern('http://127.0.0.1:8765', CHROMIUM)).toBe('http://127.0.0.1:8765/*');
    expect(hostAccessPattern('http://127.0.0.1:8765', FIREFOX)).toBe('http://127.0.0.1/*');
    // A subdomain of the hub is another origin: a mirror like any other.
    expect(hostAccessPattern('https://mirror.huggingface.co', CHROMIUM)).toBe('https://mirror.huggingface.co/*');
  });

  it('withdraws the previous mirror’s access when the host moves to another origin, and keeps it when it stays', () => {
    expect(hostAccessChange(DEFAULT_MODEL_HOST, 'https://a.example', CHROMIUM)).toEqual({ request: 'https://a.example/*', release: null });
    expect(hostAccessChange('https://a.example', 'https://b.example', CHROMIUM)).toEqual({ request: 'https://b.example/*', release: 'https://a.example/*' });
    expect(hostAccessChange('https://a.example', DEFAULT_MODEL_HOST, CHROMIUM)).toEqual({ request: null, release: 'https://a.example/*' });
    expect(hostAccessChange('https://a.example/old/', 'https://a.example/new/', CHROMIUM)).toEqual({ request: 'https://a.example/*', release: null });
    // Firefox's pattern has no port: another port of the same host keeps the same access.
    expect(hostAccessChange('http://127.0.0.1:1', 'http://127.0.0.1:2', FIREFOX)).toEqual({ request: 'http://127.0.0.1/*', release: null });
    expect(hostAccessChange('http://127.0.0.1:1', 'http://127.0.0.1:2', CHROMIUM)).toEqual({ request: 'http://127.0.0.1:2/*', release: 'http://127.0.0.1:1/*' });
  });
});
