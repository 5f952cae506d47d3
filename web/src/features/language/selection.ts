/**
 * A text selection inside one element, as UTF-16 offsets into the element's text (which is the
 * entry's original `body.text`, shown as written), the way clarification requests address it.
 */
export interface Passage {
  start: number;
  end: number;
  quote: string;
}

/** The selected part of `element`'s text, clamped to it; null when nothing of it is selected. */
export function selectedPassage(element: Element, selection: Selection | null, text: string): Passage | null {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const startsIn = element.contains(range.startContainer);
  const endsIn = element.contains(range.endContainer);
  if (!startsIn && !endsIn) return null;
  /** Characters of the element's text before a boundary point inside it. */
  const offset = (node: Node, at: number): number => {
    const before = document.createRange();
    before.selectNodeContents(element);
    before.setEnd(node, at);
    return before.toString().length;
  };
  const start = startsIn ? offset(range.startContainer, range.startOffset) : 0;
  const end = endsIn ? offset(range.endContainer, range.endOffset) : text.length;
  if (end <= start) return null;
  return { start, end, quote: text.slice(start, end) };
}

/** Where a typed or pasted quote occurs in the text (its first occurrence), or null. */
export function passageOfQuote(text: string, quote: string, near = 0): Passage | null {
  if (!quote) return null;
  let at = text.indexOf(quote, Math.max(0, near));
  if (at < 0) at = text.indexOf(quote);
  return at < 0 ? null : { start: at, end: at + quote.length, quote };
}
