/**
 * What an overlay over a field (the proofreading marks, the in-page audit) holds while it is
 * shown: window listeners, observers, the next frame's redraw, and its shadow host. `end()`
 * undoes all of it, so nothing of a closed overlay keeps listening to the page.
 */
export class OverlayLifetime {
  private frame = 0;
  private readonly undo: (() => void)[] = [];

  constructor(
    readonly host: HTMLElement,
    private readonly view: Window,
  ) {}

  /** A capturing window listener (scroll does not bubble, but reaches the window's capture phase). */
  listen<K extends keyof WindowEventMap>(type: K, handler: (event: WindowEventMap[K]) => void, { passive = true } = {}): void {
    this.view.addEventListener(type, handler, { capture: true, passive });
    this.undo.push(() => this.view.removeEventListener(type, handler, { capture: true }));
  }

  /** Observes the field's size for as long as the overlay is shown. */
  observeSize(element: Element, onResize: () => void): void {
    const observer = new ResizeObserver(onResize);
    observer.observe(element);
    this.undo.push(() => observer.disconnect());
  }

  /** Runs `draw` in the next frame, once however often asked before it. */
  redrawSoon(draw: () => void): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(draw);
  }

  end(): void {
    cancelAnimationFrame(this.frame);
    for (const undo of this.undo) undo();
    this.host.remove();
  }
}
