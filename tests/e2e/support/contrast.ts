import type { Locator, Page } from 'playwright-core';

type Rgba = { r: number; g: number; b: number; a: number };

const rgba = (css: string): Rgba => {
  const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number);
  return { r, g, b, a: css.startsWith('rgba') ? a : 1 };
};

/** WCAG relative luminance. */
const luminance = ({ r, g, b }: Rgba) => {
  const channel = (value: number) => ((value /= 255) <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4);
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
};

/** The colours behind `element`, nearest first: its own and its ancestors' (through shadow hosts); past our UI's host, `under`'s. */
async function backgroundsOf(element: Locator, under: Locator | undefined): Promise<{ color: string; backgrounds: string[] }> {
  const behind = under ? await under.elementHandle() : null;
  return element.evaluate((start, underElement) => {
    const backgrounds: string[] = [];
    for (let node: Element | null = start; node; ) {
      if (underElement && node.localName.startsWith('ledgerline-')) node = underElement;
      backgrounds.push(getComputedStyle(node).backgroundColor);
      node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null);
    }
    return { color: getComputedStyle(start).color, backgrounds };
  }, behind);
}

/**
 * The WCAG contrast of a piece of our UI's text on what shows behind it, in the light and the dark
 * scheme: its own background and its ancestors', translucent ones laid over what is under them,
 * `under` standing for the page behind an overlay (a field's corner), white below all. Axe cannot
 * tell it for our UI: it hangs from a fixed 0×0 host, and axe marks its contrast "unable to
 * determine".
 */
export async function contrastInBothSchemes(page: Page, text: Locator, under?: Locator): Promise<Record<'light' | 'dark', number>> {
  const found = { light: 0, dark: 0 };
  try {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const { color, backgrounds } = await backgroundsOf(text, under);
      let back: Rgba = { r: 255, g: 255, b: 255, a: 1 };
      for (const layer of backgrounds.map(rgba).reverse()) {
        const mix = (key: 'r' | 'g' | 'b') => layer[key] * layer.a + back[key] * (1 - layer.a);
        back = { r: mix('r'), g: mix('g'), b: mix('b'), a: 1 };
      }
      const [fore, behind] = [luminance(rgba(color)), luminance(back)];
      found[scheme] = Math.round(((Math.max(fore, behind) + 0.05) / (Math.min(fore, behind) + 0.05)) * 100) / 100;
    }
  } finally {
    await page.emulateMedia({ colorScheme: null });
  }
  return found;
}
