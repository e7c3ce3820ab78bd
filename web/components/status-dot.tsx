// A coloured dot plus its text for Contrail operating/provisioning statuses and admin state, as the
// legacy grid shows them (green good, red bad, amber anything else).

const GOOD = new Set(['ONLINE', 'ACTIVE', 'UP']);
const BAD = new Set(['ERROR', 'OFFLINE', 'DOWN', 'DELETED', 'INACTIVE']);

export function statusTone(status: string | null | undefined): 'good' | 'bad' | 'warn' | 'none' {
  if (!status) return 'none';
  const upper = status.toUpperCase();
  if (GOOD.has(upper)) return 'good';
  if (BAD.has(upper)) return 'bad';
  return 'warn';
}

export function StatusDot({ status, label }: { status: string | null | undefined; label?: string }) {
  const tone = statusTone(status);
  return (
    <span className="status">
      <span className={`status-dot status-${tone}`} aria-hidden="true" />
      <span>{label ?? status ?? '—'}</span>
    </span>
  );
}

export function AdminState({ up }: { up: boolean }) {
  return <StatusDot status={up ? 'UP' : 'DOWN'} label={up ? 'Up' : 'Down'} />;
}
