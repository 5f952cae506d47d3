/**
 * The Ctrl+K (⌘K) switcher: from any screen, a dialog whose one field filters the channels by
 * name or id and offers to search all of one's channels for what was typed. Keyboard first: the
 * field is a combobox over a listbox (WAI-ARIA APG "combobox" pattern), ↑/↓ choose, Enter opens,
 * Escape or a click outside closes and gives focus back to where it was.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Channel } from '../../lib/api';
import { navigate } from '../../lib/router';
import { signal, useSignal } from '../../lib/signal';
import { t } from './messages';

/** Whether the switcher is open; the topbar button and the shortcut set it. */
const open = signal(false);
/** Channels offered at most, before the search option. */
const MAX_CHANNELS = 8;

export function openSwitcher(): void {
  open.set(true);
}

/** A topbar button that opens the switcher, for those who do not use the shortcut. */
export function SwitcherButton() {
  return (
    <button
      type="button"
      class="secondary switcher-button"
      aria-keyshortcuts="Control+K"
      onClick={openSwitcher}
    >
      {t('switcherOpen')}
    </button>
  );
}

type Option = { type: 'channel'; channel: Channel } | { type: 'search'; q: string };

/** Mounted once in the frame: listens for Ctrl+K and shows the dialog while open. */
export function Switcher() {
  const isOpen = useSignal(open);
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        open.set(!open.get());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return isOpen ? <SwitcherDialog onClose={() => open.set(false)} /> : null;
}

function SwitcherDialog({ onClose }: { onClose: () => void }) {
  const [text, setText] = useState('');
  const [channels, setChannels] = useState<Channel[]>([]);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    input.current?.focus();
    api.channels().then(setChannels, () => setChannels([]));
    return () => before?.focus();
  }, []);

  const wanted = text.trim().toLowerCase();
  const options: Option[] = [
    ...channels
      .filter((c) => !wanted || c.name.toLowerCase().includes(wanted) || c.id.includes(wanted))
      .slice(0, MAX_CHANNELS)
      .map((channel) => ({ type: 'channel' as const, channel })),
    ...(wanted ? [{ type: 'search' as const, q: text.trim() }] : []),
  ];
  const current = Math.min(active, Math.max(options.length - 1, 0));

  function choose(option: Option | undefined): void {
    if (!option) return;
    onClose();
    if (option.type === 'channel') navigate({ screen: 'timeline', channel: option.channel.id });
    else navigate({ screen: 'search', q: option.q });
  }

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((current + 1) % Math.max(options.length, 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current - 1 + options.length) % Math.max(options.length, 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(options[current]);
    } else if (event.key === 'Tab') {
      // The dialog holds one control: focus stays in it while it is open.
      event.preventDefault();
    }
  }

  const optionId = (i: number): string => `switcher-option-${i}`;
  return (
    <div class="switcher-backdrop" onClick={onClose}>
      <div
        class="switcher"
        role="dialog"
        aria-modal="true"
        aria-labelledby="switcher-title"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="switcher-title" class="switcher-title">
          {t('switcherTitle')}
        </h2>
        <input
          ref={input}
          class="switcher-input"
          type="text"
          role="combobox"
          aria-label={t('switcherPlaceholder')}
          aria-expanded="true"
          aria-controls="switcher-options"
          aria-autocomplete="list"
          aria-activedescendant={options.length > 0 ? optionId(current) : undefined}
          placeholder={t('switcherPlaceholder')}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <ul id="switcher-options" role="listbox" aria-label={t('switcherChannels')} class="switcher-options">
          {options.map((option, i) => (
            <li
              key={option.type === 'channel' ? option.channel.id : 'search'}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              class={`switcher-option${i === current ? ' active' : ''}`}
              onMouseMove={() => setActive(i)}
              onClick={() => choose(option)}
            >
              {option.type === 'channel' ? (
                <>
                  <span>{option.channel.name}</span> <span class="muted">{option.channel.id}</span>
                </>
              ) : (
                <>
                  {t('switcherSearchFor')} <strong>“{option.q}”</strong>
                </>
              )}
            </li>
          ))}
        </ul>
        {wanted && options.length === 1 && <p class="muted switcher-note">{t('switcherNoChannel')}</p>}
        <p class="muted switcher-note">{t('switcherHint')}</p>
      </div>
    </div>
  );
}
