/**
 * Which fields the extension may read. Secrets and code are never touched: the check runs before
 * any text is read, and a refused field is ignored entirely.
 */

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'email', 'url', '']);

const SECRET_AUTOCOMPLETE = /(^|\s)(cc-[a-z-]+|one-time-code|current-password|new-password)(\s|$)/i;

const CODE_EDITOR_SELECTOR = '.cm-editor, .cm-content, .CodeMirror, .monaco-editor, .ace_editor';

export type FieldKind = 'textarea' | 'input' | 'contenteditable';

export function fieldKindOf(element: Element): FieldKind | null {
  if (element instanceof HTMLTextAreaElement) return 'textarea';
  if (element instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(element.type) ? 'input' : null;
  if (element instanceof HTMLElement && element.isContentEditable) return 'contenteditable';
  return null;
}

/** Why a field is refused, or null when it may be used. */
export function refusalReason(element: HTMLElement): string | null {
  if (element instanceof HTMLInputElement && element.type === 'password') return 'password field';
  if ((element as HTMLInputElement).readOnly || (element as HTMLInputElement).disabled) return 'read-only field';
  const autocomplete = element.getAttribute('autocomplete') ?? '';
  if (SECRET_AUTOCOMPLETE.test(autocomplete)) return 'payment, password or one-time-code field';
  if (/(^|[-_\s])(otp|cvv|cvc|card-?number|ccnum)([-_\s]|$)/i.test(`${element.id} ${element.getAttribute('name') ?? ''}`)) {
    return 'payment or one-time-code field';
  }
  const optOut = element.closest('[data-gramm="false"], [data-enable-grammarly="false"], [data-ledgerline="off"]');
  if (optOut) return 'the page opted this field out of writing assistants';
  if (element.closest(CODE_EDITOR_SELECTOR)) return 'code editor';
  return null;
}

/** Still a field we may read, as it is now (a page can turn a field into a password field after focus). */
export function isUsableField(element: HTMLElement): boolean {
  return element.isConnected && fieldKindOf(element) !== null && refusalReason(element) === null;
}

/**
 * Whether a pause may open the panel on its own here: long-form fields only. A single-line input
 * (a headline, search, email, URL or tags box) is filled and left with Tab; the shortcut still works.
 */
export function opensOnPause(element: HTMLElement): boolean {
  return fieldKindOf(element) !== 'input';
}

/**
 * The editable root for an event target: the textarea/input itself, or the outermost
 * contenteditable element (editors nest contenteditable regions).
 */
export function editableRootOf(target: EventTarget | null): HTMLElement | null {
  if (!(target instanceof Element)) return null;
  const kind = fieldKindOf(target);
  if (kind === 'textarea' || kind === 'input') return target as HTMLElement;
  if (!(target instanceof HTMLElement) || !target.isContentEditable) return null;
  let root: HTMLElement = target;
  while (root.parentElement?.isContentEditable) root = root.parentElement;
  return root;
}

/** Whether the writer turned the extension off for this host (a listed domain covers its subdomains). */
export function isSiteDisabled(hostname: string, disabledSites: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (!host) return false;
  return disabledSites.some((site) => {
    const entry = site.trim().toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
    return entry.length > 0 && (host === entry || host.endsWith(`.${entry}`));
  });
}
