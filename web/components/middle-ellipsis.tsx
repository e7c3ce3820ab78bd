// A name that loses its middle, not its end, when it does not fit: the end of a kube-manager name
// (`…clusterip-mp`, a pod's suffix) is what tells two rows apart. Pure CSS: the head shrinks with
// an ellipsis, the tail never does; the text stays whole for copy and screen readers.

export function MiddleEllipsis({ text, tail = 10 }: { text: string; tail?: number }) {
  if (text.length <= tail + 3) return <span className="mid-text">{text}</span>;
  return (
    <span className="mid-text">
      <span className="mid-head">{text.slice(0, -tail)}</span>
      <span className="mid-tail">{text.slice(-tail)}</span>
    </span>
  );
}
