/**
 * The button that folds out a form or panel in place (a new statement, a revision, a term, a
 * public record), saying whether it is open to assistive technology (aria-expanded).
 */
export function ToggleButton(props: { label: string; open: boolean; onToggle: () => void }) {
  return (
    <button type="button" class="secondary" aria-expanded={props.open} onClick={props.onToggle}>
      {props.label}
    </button>
  );
}
