import { render } from 'preact';
import { browser } from 'wxt/browser';
import { PopupView, type PopupViewProps } from '@/components/PopupView';
import type { Response } from '@/lib/messaging';
import './style.css';

const app = document.getElementById('app')!;

async function refresh(): Promise<void> {
  const props: PopupViewProps = { engine: null, ledger: null, error: null };
  try {
    const [engine, ledger] = await Promise.all([
      browser.runtime.sendMessage({ type: 'engine.status' }) as Promise<Response<'engine.status'>>,
      browser.runtime.sendMessage({ type: 'ledger.summary', limit: 10 }) as Promise<Response<'ledger.summary'>>,
    ]);
    props.engine = engine;
    if (ledger.ok) props.ledger = ledger.summary;
    else props.error = `The ledger could not be read: ${ledger.error}`;
  } catch (error) {
    props.error = `The background is not answering: ${error instanceof Error ? error.message : String(error)}`;
  }
  render(<PopupView {...props} />, app);
}

void refresh();
// Model download progress changes while the popup is open.
setInterval(() => void refresh(), 1000);
