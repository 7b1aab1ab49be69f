/**
 * Server-sent events (the `text/event-stream` format OpenAI-compatible servers stream chat
 * completions in): the `data` of each event, in order. Only what those servers use is read:
 * `data:` fields (several lines join with "\n"), comments and other fields are skipped; lines
 * may end in LF, CR LF or CR; an event ends at a blank line. An event cut off by the end of the
 * stream (no blank line after it) is not delivered: a server that stops mid-event sent nothing whole.
 */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let data: string[] = [];
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/);
        // A lone CR at the buffer's end may be the first half of CR LF: wait for more.
        if (end < 0 || (buffer[end] === '\r' && end === buffer.length - 1 && !done)) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) yield data.join('\n');
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        }
      }
      if (done) {
        ended = true;
        return;
      }
    }
  } finally {
    // The reader stopped early (cancelled, or enough text): close the connection too.
    if (!ended) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
