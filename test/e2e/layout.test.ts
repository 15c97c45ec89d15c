// The two-column workspace at common window widths: every control of the settings column must be
// inside that column and on top, not painted over by a card of the results column (at 1440 px a
// long option in a select once widened the settings cards under the plots).
import { describe, expect, it } from 'vitest';
import { usePageSession } from '../helpers/browser';

const session = usePageSession();

/** Controls of the settings column that stick out of it or lie under another element, described. */
function hiddenControls(): string[] {
  const problems: string[] = [];
  for (const column of document.querySelectorAll('.settings-column')) {
    const bounds = column.getBoundingClientRect();
    for (const control of column.querySelectorAll<HTMLElement>('input, select, button, textarea')) {
      const name =
        control.getAttribute('aria-label') || control.id || control.textContent?.trim().slice(0, 40) || control.tagName;
      control.scrollIntoView({ block: 'center', inline: 'center' });
      const box = control.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.left < bounds.left - 0.5 || box.right > bounds.right + 0.5) {
        problems.push(
          `${control.tagName} "${name}" spans x ${Math.round(box.left)}–${Math.round(box.right)}, outside its column ${Math.round(bounds.left)}–${Math.round(bounds.right)}`,
        );
        continue;
      }
      // Its left and right ends and its centre must each show the control itself (or its content).
      for (const x of [box.left + 2, (box.left + box.right) / 2, box.right - 2]) {
        const top = document.elementFromPoint(x, (box.top + box.bottom) / 2);
        if (!top || !(control === top || control.contains(top) || top.contains(control))) {
          problems.push(
            `${control.tagName} "${name}" is under ${top ? `${top.tagName}.${top.className}` : 'nothing'} at x ${Math.round(x)}`,
          );
          break;
        }
      }
    }
  }
  return problems;
}

describe('the settings column', () => {
  it.each([900, 1100, 1440, 1920])('keeps every control visible and inside its column at %i px', async (width) => {
    const page = await session.browser.context.newPage();
    try {
      await page.setViewportSize({ width, height: 1000 });
      await page.goto(session.server.url);
      // The first page a reader sees: the recorded comparison beside its (locked) settings.
      await page.getByTestId('shared-results').waitFor({ timeout: 90_000 });
      await page.locator('.settings-column select').first().waitFor({ timeout: 60_000 });
      const counted = await page.evaluate(
        () => document.querySelectorAll('.settings-column input, .settings-column select').length,
      );
      expect(counted).toBeGreaterThan(10);
      expect(await page.evaluate(hiddenControls)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
