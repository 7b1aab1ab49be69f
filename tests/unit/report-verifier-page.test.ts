import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReportVerifierHtml } from '../../scripts/build-report-verifier';

/**
 * The offline report checker is one file that needs nothing else: its script and styles are
 * inline, it names no other file or address, and its CSP lets only those two blocks run.
 */
let html: string;
beforeAll(async () => {
  html = await buildReportVerifierHtml();
}, 60_000);

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('report checker page', () => {
  it('is one HTML file with one inline script and one inline style', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script>']);
    expect(html.match(/<style\b[^>]*>/g)).toEqual(['<style>']);
    expect(html).toContain('<title>Ledgerline: check a report</title>');
  });

  it('loads nothing: no src, href, import, url() or fetch of its own', () => {
    expect(html).not.toMatch(/\ssrc=|\shref=|@import|\burl\((?!data:)|<link\b|<iframe\b/i);
    // Addresses in the bundle are names (XML namespaces, the IPTC vocabulary), never fetched. (`\burl(`:
    // identifiers such as ToBase64Url( are not CSS.)
    const addresses = [...new Set(html.match(/https?:\/\/[\w./-]+/g) ?? [])].sort();
    // The C2PA library (reading a text's Content Credentials) adds metadata namespace names and
    // the IPTC vocabulary it maps, and uuid one in an error message: names, not requests.
    expect(addresses).toEqual([
      'http://cipa.jp/exif/1.0/',
      'http://cipa.jp/exif/2.32/',
      'http://cv.iptc.org/newscodes/digitalsourcetype/',
      'http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/',
      'http://iptc.org/std/Iptc4xmpExt/2008-02-29/',
      'http://ns.adobe.com/camera-raw-settings/1.0/',
      'http://ns.adobe.com/exif/1.0/',
      'http://ns.adobe.com/pdf/1.3/',
      'http://ns.adobe.com/photoshop/1.0/',
      'http://ns.adobe.com/tiff/1.0/',
      'http://ns.adobe.com/xap/1.0/',
      'http://ns.adobe.com/xap/1.0/mm/',
      'http://ns.adobe.com/xap/1.0/t/pg/',
      'http://ns.adobe.com/xmp/1.0/DynamicMedia/',
      'http://ns.useplus.org/ldf/xmp/1.0/',
      'http://purl.org/dc/elements/1.1/',
      'http://schema.org',
      'http://www.w3.org/1998/Math/MathML',
      'http://www.w3.org/1999/xhtml',
      'http://www.w3.org/2000/svg',
      'https://cv.iptc.org/',
      'https://github.com/uuidjs/uuid',
    ]);
  });

  it('allows exactly its own script and style by hash, and nothing from anywhere', () => {
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)![1]!;
    const script = html.match(/<script>([\s\S]*)<\/script>/)![1]!;
    const style = html.match(/<style>([\s\S]*?)<\/style>/)![1]!;
    expect(csp).toBe(`default-src 'none'; script-src ${hashOf(script)}; style-src ${hashOf(style)}; img-src data:; form-action 'none'; base-uri 'none'`);
  });

  it('carries the verifier the command line runs, and the English strings', () => {
    expect(html).toContain('report signature is invalid: the file was changed after it was exported');
    expect(html).toContain('ledgerline.report.v1');
    expect(html).toContain('The report carries this key itself');
  });
});
