/**
 * llama.cpp's OpenAI-compatible server (llama-cpp-python's `llama_cpp.server`), as
 * scripts/llama-server/make.sh installs it, started by the test on 127.0.0.1 and a free port and
 * stopped after it: nothing has to stay running.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(process.env.LEDGERLINE_CACHE ?? join(homedir(), '.cache', 'ledgerline'), 'llama-server');
export const LLAMA_SERVER_PYTHON = join(ROOT, 'venv', 'bin', 'python');
export const LLAMA_SERVER_GGUF = join(ROOT, 'SmolLM2-135M-Instruct.Q4_1.gguf');
/** The model's name on the server (what the extension's settings name). */
export const LLAMA_SERVER_MODEL = 'smollm2';

export function llamaServerInstalled(): boolean {
  return existsSync(LLAMA_SERVER_PYTHON) && existsSync(LLAMA_SERVER_GGUF);
}

export interface LlamaServer {
  origin: string;
  /** The server's own output (its request log among it). */
  output(): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startLlamaServer(timeoutMs = 120_000): Promise<LlamaServer> {
  const port = await freePort();
  const child = spawn(
    LLAMA_SERVER_PYTHON,
    ['-m', 'llama_cpp.server', '--model', LLAMA_SERVER_GGUF, '--model_alias', LLAMA_SERVER_MODEL, '--host', '127.0.0.1', '--port', String(port), '--n_ctx', '2048', '--n_threads', '2'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (part: Buffer) => (output += part.toString()));
  child.stderr.on('data', (part: Buffer) => (output += part.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  // Ready when it lists its model (loading the GGUF takes a moment).
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama_cpp.server exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${origin}/v1/models`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`llama_cpp.server did not answer on ${origin} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { origin, output: () => output, close };
}
