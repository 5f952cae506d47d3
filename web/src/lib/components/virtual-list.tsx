/**
 * A virtualised list of fixed-height rows: only the rows in view (plus a few either side) are in
 * the DOM, so a channel of 100,000 entries scrolls as smoothly as one of ten. Keyboard: the list
 * keeps one focusable row (roving tabindex); arrow keys, Page Up/Down, Home and End move it and
 * Enter opens it.
 */
import type { VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

const OVERSCAN = 6;

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  label: string;
  itemKey: (item: T) => string;
  renderRow: (item: T, index: number) => VNode;
  /** The row's accessible name (what a screen reader announces on focus). */
  rowLabel: (item: T) => string;
  onOpen: (item: T, index: number) => void;
  selectedKey?: string | null;
  /** Scrolls to and focuses this row each time `token` changes (e.g. "jump to the first unread"). */
  jumpTo?: { index: number; token: number } | null;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight } = props;
  const container = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);
  const frame = useRef(0);

  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    setHeight(element.clientHeight);
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const count = items.length;
  const activeIndex = Math.min(active, Math.max(0, count - 1));
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);

  useEffect(() => {
    if (!focusPending.current) return;
    focusPending.current = false;
    container.current
      ?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`)
      ?.focus({ preventScroll: true });
  });

  const moveTo = (index: number): void => {
    const element = container.current;
    if (!element || count === 0) return;
    const next = Math.max(0, Math.min(count - 1, index));
    const top = next * rowHeight;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + rowHeight > element.scrollTop + element.clientHeight)
      element.scrollTop = top + rowHeight - element.clientHeight;
    setScrollTop(element.scrollTop);
    focusPending.current = true;
    setActive(next);
  };

  const jumpToken = props.jumpTo?.token;
  useEffect(() => {
    if (props.jumpTo) moveTo(props.jumpTo.index);
    // Only a new token asks for a jump; new items alone never move the reader.
  }, [jumpToken]);

  const onKeyDown = (event: KeyboardEvent): void => {
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: count - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    moveTo(target);
  };

  const rows: VNode[] = [];
  for (let index = first; index < last; index += 1) {
    const item = items[index]!;
    const key = props.itemKey(item);
    rows.push(
      <div
        key={key}
        role="listitem"
        aria-setsize={count}
        aria-posinset={index + 1}
        class={`vrow${props.selectedKey === key ? ' selected' : ''}`}
        style={{ transform: `translateY(${index * rowHeight}px)`, height: `${rowHeight}px` }}
      >
        <button
          type="button"
          class="vrow-button"
          data-index={index}
          tabIndex={index === activeIndex ? 0 : -1}
          aria-label={props.rowLabel(item)}
          aria-current={props.selectedKey === key ? 'true' : undefined}
          onClick={() => {
            setActive(index);
            props.onOpen(item, index);
          }}
          onFocus={() => setActive(index)}
        />
        {props.renderRow(item, index)}
      </div>,
    );
  }

  return (
    <div
      ref={container}
      class="vlist"
      role="list"
      aria-label={props.label}
      onKeyDown={onKeyDown}
      onScroll={(event) => {
        const element = event.currentTarget;
        cancelAnimationFrame(frame.current);
        frame.current = requestAnimationFrame(() => setScrollTop(element.scrollTop));
      }}
    >
      <div class="vlist-inner" style={{ height: `${count * rowHeight}px` }}>
        {rows}
      </div>
    </div>
  );
}
