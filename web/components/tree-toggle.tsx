// The small triangle that expands a tree row in place, named `Expand <name>` with aria-expanded.

export function TreeToggle({
  label,
  isExpanded,
  onToggle,
}: {
  label: string;
  isExpanded: boolean;
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      className="tree-toggle"
      aria-label={label}
      aria-expanded={isExpanded}
      tabIndex={-1}
      onClick={(e) => {
        e.stopPropagation();
        onToggle();
      }}
    >
      <span aria-hidden="true">{isExpanded ? '▾' : '▸'}</span>
    </button>
  );
}
