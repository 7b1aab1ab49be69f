import { describe, expect, it } from 'vitest';
import { sseData } from '../../lib/engine/sse';

/** A body that arrives in exactly these byte pieces (a network splits anywhere). */
function body(pieces: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const data of sseData(stream)) out.push(data);
  return out;
}

describe('server-sent events', () => {
  it('yields each event’s data in order, joining multi-line data and skipping comments and other fields', async () => {
    const events = await all(body([': keep-alive\n\n', 'event: message\ndata: {"a":1}\n\n', 'data: one\ndata: two\nid: 7\n\n', 'data:[DONE]\n\n']));
    expect(events).toEqual(['{"a":1}', 'one\ntwo', '[DONE]']);
  });

  it('reads CR LF and CR line ends, split across pieces anywhere (inside a line, between CR and LF)', async () => {
    expect(await all(body(['data: a\r', '\n\r', '\ndata: b', 'c\r\rdata: d\n', '\n']))).toEqual(['a', 'bc', 'd']);
  });

  it('decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('data: Größe – “ok”\n\n');
    const cut = 9; // inside "ö"
    expect(await all(body([bytes.slice(0, cut), bytes.slice(cut)]))).toEqual(['Größe – “ok”']);
  });

  it('does not deliver an event the stream cut off before its blank line', async () => {
    expect(await all(body(['data: whole\n\n', 'data: {"choices":[{"delta":{"content":"hal']))).toEqual(['whole']);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: x\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const data of sseData(stream)) {
      expect(data).toBe('x');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
