/**
 * A tab list by the WAI-ARIA tabs pattern: one tab stop for the whole list (the selected tab), arrow keys
 * (and Home / End) move to and select the next tab, each tab names the panel it controls.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabsProps<T extends string> {
  tabs: readonly T[];
  selected: T;
  onSelect: (tab: T) => void;
  /** Id stem: tab `${id}-tab-${name}`, panel `${id}-panel`. */
  id: string;
  label: string;
  /** Extra controls at the end of the tab row (not tabs). */
  extra?: ReactNode;
}

export const tabId = (id: string, tab: string) => `${id}-tab-${tab.toLowerCase()}`;
export const panelId = (id: string) => `${id}-panel`;

export function Tabs<T extends string>({ tabs, selected, onSelect, id, label, extra }: TabsProps<T>) {
  const list = useRef<HTMLDivElement>(null);
  const move = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length];
    onSelect(target);
    list.current?.ownerDocument.getElementById(tabId(id, target))?.focus();
  };
  return (
    <div className="tabs">
      <div className="tab-list" role="tablist" aria-label={label} ref={list}>
        {tabs.map((t, i) => (
          <button
            key={t}
            id={tabId(id, t)}
            type="button"
            role="tab"
            aria-selected={selected === t}
            aria-controls={panelId(id)}
            tabIndex={selected === t ? 0 : -1}
            className={selected === t ? 'tab tab-on' : 'tab'}
            onClick={() => onSelect(t)}
            onKeyDown={(e) => move(e, i)}
          >
            {t}
          </button>
        ))}
      </div>
      {extra}
    </div>
  );
}
