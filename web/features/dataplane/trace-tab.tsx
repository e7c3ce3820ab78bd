// The Trace tab: trace one packet from a pod to an IP and port — predicted from the computes'
// tables (any cluster) or simulated (the embedded one sends it) — and see every ECMP pick in order
// (slot, hash, fields), the member pod it lands on, the flows on each compute or why it dropped,
// and the flow observed for that 5-tuple with whether it agrees; and, in the simulation, a traffic
// control that sends N flows and shows how they spread over members and computes. The form lives
// in the URL (it survives a reload or a reconnect), results are announced, and nothing is sent
// while the server is away.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { TraceMode, TraceView, TraceViewRequest } from '@model/api/dataplane-views.ts';
import type { TraceEcmp, TraceFlow, TrafficMember, TrafficResult } from '@model/dataplane/types.ts';
import { podKey } from '@model/kubernetes/pods.ts';
import { clusterQueries, type KubeService } from '@web/api/cluster.ts';
import { dataplaneQueries, sendTraffic, tracePacket } from '@web/api/dataplane.ts';
import { MISSING_CAPABILITY, useCapabilities } from '@web/components/capabilities.ts';
import { useOfflineReason } from '@web/components/connection.ts';
import { ErrorState } from '@web/components/error-state.tsx';
import { dataplaneUrl, useDataplaneUrlState } from './dataplane-url-state.ts';
import { protocolName } from './flow-rows.ts';
import { NumberField } from './number-field.tsx';
import { TableHead } from './table-head.tsx';

interface ServiceTarget {
  key: string;
  service: string;
  text: string;
  ip: string;
  port: number;
  protocol: string;
}

function serviceTargets(services: readonly KubeService[]): ServiceTarget[] {
  return services.flatMap((s) => {
    const service = `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
    return s.spec.clusterIP && s.spec.clusterIP !== 'None'
      ? s.spec.ports.map((p) => ({
          key: `${service}:${p.port}`,
          service,
          text: `${service} ${s.spec.clusterIP}:${p.port}/${p.protocol}`,
          ip: s.spec.clusterIP!,
          port: p.port,
          protocol: p.protocol,
        }))
      : [];
  });
}

const DEFAULT_TRAFFIC_FLOWS = 100;
/** Source ports run from 1024 to 65535 and then wrap (TrafficRequest.firstSourcePort). */
const SOURCE_PORTS = 65535 - 1024 + 1;
const TRACE_FLOW_COLUMNS = [
  'Index',
  'Direction',
  'Source:Port',
  'Destination:Port',
  'Proto(V)',
  'Action',
  'ECMP',
  'Stats',
];

const MODE_TEXT: Readonly<Record<TraceMode, string>> = {
  predicted: 'Prediction',
  simulated: 'Simulated packet',
};

function pickText(pick: TraceEcmp): string {
  return `composite next hop ${pick.nexthopId} on ${pick.node}, slot ${pick.slot} of ${pick.slots}`;
}

/** One sentence for the live region: what happened (or would happen) to the packet. */
export function traceSummary(result: TraceView): string {
  const lead = result.mode === 'predicted' ? 'Prediction' : 'Trace';
  if (result.dropReason)
    return `${lead}: ${result.mode === 'predicted' ? 'would be dropped' : 'dropped'} on ${result.sourceNode}, ${result.dropReason}.`;
  const member = result.member
    ? ` to ${result.member.pod} on ${result.member.node} (${result.member.ip}:${result.member.port})`
    : '';
  const picks = result.ecmpPicks.length > 0 ? ` via ${result.ecmpPicks.map(pickText).join(', then ')}` : '';
  const verb = result.mode === 'predicted' ? 'goes' : 'delivered';
  const reused = result.reused ? ', on the existing flow' : '';
  const observed =
    result.mode !== 'predicted'
      ? result.agrees === false
        ? `; the observed flow went to ${result.observed?.member?.pod ?? 'another member'}`
        : ''
      : result.observed === null
        ? '; no flow of this 5-tuple is in the computes’ tables'
        : result.agrees
          ? `; the flow observed on ${result.observed.node} agrees`
          : `; the flow observed on ${result.observed.node} went to ${result.observed.member?.pod ?? 'another member'} instead`;
  return `${lead}: ${verb}${member}${picks}${reused}${observed}.`;
}

export function TraceTab() {
  const queryClient = useQueryClient();
  const { params, svc, setParams } = useDataplaneUrlState();
  const capabilities = useCapabilities();
  const canSimulate = capabilities?.simulate ?? false;
  const mode: TraceMode = params.get('mode') === 'predicted' || !canSimulate ? 'predicted' : 'simulated';
  const pods = useQuery(clusterQueries.pods());
  const services = useQuery(clusterQueries.services());
  const offline = useOfflineReason();
  const reasonId = useId();
  const podNames = (pods.data ?? []).filter((p) => p.status.podIP).map(podKey);
  const targets = serviceTargets(services.data ?? []);

  // Until the user picks, the form follows the cluster: the client pod, the Service the page is
  // about (or the first), its first port. What the user typed is in the URL and stays.
  const firstTarget = targets.find((t) => t.service === svc) ?? targets[0];
  const fromValue = params.get('from') ?? podNames.find((p) => p.endsWith('/client')) ?? podNames[0] ?? '';
  const toValue = params.get('to') ?? firstTarget?.ip ?? '';
  const protocolValue = params.get('proto') ?? firstTarget?.protocol ?? 'TCP';
  const portValue = params.get('port') ?? (firstTarget ? String(firstTarget.port) : '');
  const sourcePort = params.get('sport') ?? '';
  const flowCount = params.get('flows') ?? String(DEFAULT_TRAFFIC_FLOWS);
  const targetValue =
    targets.find((t) => t.ip === toValue && String(t.port) === portValue && t.protocol === protocolValue)
      ?.key ?? '';

  const invalidate = () => void queryClient.invalidateQueries({ queryKey: dataplaneQueries.all() });
  const trace = useMutation({ mutationFn: tracePacket, onSuccess: invalidate });
  const traffic = useMutation({ mutationFn: sendTraffic, onSuccess: invalidate });

  const request = (): TraceViewRequest => ({
    mode,
    from: fromValue.trim(),
    to: toValue.trim(),
    protocol: protocolValue,
    port: Number(portValue),
    ...(sourcePort.trim() ? { sourcePort: Number(sourcePort) } : {}),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!offline) trace.mutate(request());
  };

  const pickTarget = (key: string) => {
    const t = targets.find((x) => x.key === key);
    if (t) setParams({ to: t.ip, port: String(t.port), proto: t.protocol, svc: t.service });
  };

  const announcement = trace.isPending
    ? mode === 'predicted'
      ? 'Predicting…'
      : 'Tracing…'
    : trace.data
      ? traceSummary(trace.data)
      : trace.isError
        ? 'Trace failed.'
        : '';

  return (
    <div className="dp-trace">
      <h2>Trace a packet</h2>
      <form className="dp-form" aria-label="Trace a packet" onSubmit={submit}>
        <label className="field">
          From pod
          {pods.isSuccess ? (
            <select value={fromValue} onChange={(e) => setParams({ from: e.target.value })} required>
              {fromValue !== '' && !podNames.includes(fromValue) && (
                <option value={fromValue}>{fromValue} (not in the cluster now)</option>
              )}
              {podNames.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          ) : (
            <input
              value={fromValue}
              onChange={(e) => setParams({ from: e.target.value })}
              placeholder="namespace/pod"
              required
            />
          )}
        </label>
        {targets.length > 0 && (
          <label className="field">
            Service
            <select value={targetValue} onChange={(e) => pickTarget(e.target.value)}>
              {targetValue === '' && <option value="">(another address)</option>}
              {targets.map((t) => (
                <option key={t.key} value={t.key}>
                  {t.text}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          To IP
          <input
            value={toValue}
            onChange={(e) => setParams({ to: e.target.value })}
            required
            placeholder="10.105.53.64"
          />
        </label>
        <label className="field">
          Protocol
          <select value={protocolValue} onChange={(e) => setParams({ proto: e.target.value })}>
            <option>TCP</option>
            <option>UDP</option>
          </select>
        </label>
        <NumberField
          label="Port"
          min={1}
          max={65535}
          value={portValue}
          onChange={(v) => setParams({ port: v })}
          required
        />
        <NumberField
          label="Source port (optional)"
          min={1}
          max={65535}
          value={sourcePort}
          onChange={(v) => setParams({ sport: v })}
          placeholder="random"
        />
        {canSimulate ? (
          <fieldset className="field dp-mode">
            <legend>Mode</legend>
            <label className="checkbox">
              <input
                type="radio"
                name="trace-mode"
                checked={mode === 'simulated'}
                onChange={() => setParams({ mode: null })}
              />
              Simulated (send the packet)
            </label>
            <label className="checkbox">
              <input
                type="radio"
                name="trace-mode"
                checked={mode === 'predicted'}
                onChange={() => setParams({ mode: 'predicted' })}
              />
              Predicted (from the computes’ tables)
            </label>
          </fieldset>
        ) : (
          capabilities && (
            <p className="dp-mode-note" id={`${reasonId}-mode`}>
              <strong>Predicted only.</strong> {MISSING_CAPABILITY.simulate}
            </p>
          )
        )}
        <button
          type="submit"
          disabled={trace.isPending || offline !== null}
          aria-describedby={offline ? reasonId : undefined}
        >
          {mode === 'predicted' ? 'Predict' : 'Trace'}
        </button>
        {offline && (
          <p id={reasonId} className="form-reason">
            {offline}
          </p>
        )}
      </form>
      <p role="status" className="dp-announce">
        {announcement}
      </p>
      {trace.isError && <ErrorState error={trace.error} />}
      {trace.data && <TraceResultView result={trace.data} />}

      <h2>Traffic</h2>
      {!canSimulate ? (
        capabilities && <p className="count">{MISSING_CAPABILITY.simulate}</p>
      ) : (
        <TrafficForm
          request={request}
          flowCount={flowCount}
          setFlows={(v) => setParams({ flows: v })}
          traffic={traffic}
          offline={offline}
          reasonId={reasonId}
          summary={`from ${fromValue || '—'} to ${toValue || '—'}:${portValue || '—'} ${protocolValue}`}
        />
      )}
    </div>
  );
}

function TrafficForm({
  request,
  flowCount,
  setFlows,
  traffic,
  offline,
  reasonId,
  summary,
}: {
  request: () => TraceViewRequest;
  flowCount: string;
  setFlows: (value: string) => void;
  traffic: ReturnType<typeof useMutation<TrafficResult, Error, Parameters<typeof sendTraffic>[0]>>;
  offline: string | null;
  reasonId: string;
  summary: string;
}) {
  return (
    <>
      <form
        className="dp-form"
        aria-label="Send traffic"
        onSubmit={(e) => {
          e.preventDefault();
          const { mode: _mode, ...packet } = request();
          if (!offline) traffic.mutate({ ...packet, flows: Number(flowCount) });
        }}
      >
        <NumberField
          label="Number of flows"
          min={1}
          max={100000}
          value={flowCount}
          onChange={setFlows}
          required
        />
        <button
          type="submit"
          disabled={traffic.isPending || offline !== null}
          aria-describedby={offline ? reasonId : undefined}
        >
          Send {flowCount || 0} flows
        </button>
        <span className="count">
          {summary}, source ports in sequence
          {Number(flowCount) > SOURCE_PORTS &&
            ` (they wrap after ${SOURCE_PORTS.toLocaleString('en-US')}: the flows past that reuse a 5-tuple and count as reused)`}
        </span>
      </form>
      <p role="status" className="dp-announce">
        {traffic.isPending
          ? 'Sending traffic…'
          : traffic.data
            ? `Traffic: ${traffic.data.flows} flows sent, ${traffic.data.dropped} dropped.`
            : ''}
      </p>
      {traffic.isError && <ErrorState error={traffic.error} />}
      {traffic.data && <TrafficView result={traffic.data} />}
    </>
  );
}

function FlowTables({ flows, prefix }: { flows: readonly TraceFlow[]; prefix: string }) {
  const byNode = new Map<string, TraceFlow[]>();
  for (const f of flows) byNode.set(f.node, [...(byNode.get(f.node) ?? []), f]);
  return [...byNode].map(([node, list]) => (
    <div key={node}>
      <h3>
        {prefix} on {node} <Link to={dataplaneUrl(node, 'flows')}>(open {node} flows)</Link>
      </h3>
      <table className="dp-table" aria-label={`${prefix} on ${node}`}>
        <TableHead columns={TRACE_FLOW_COLUMNS} />
        <tbody>
          {list.map((f) => (
            <tr key={`${f.index}-${f.direction}`}>
              <td className="mono">
                {f.index}&lt;=&gt;{f.reverseIndex}
              </td>
              <td>{f.direction}</td>
              <td className="mono">
                {f.sip}:{f.sport}
              </td>
              <td className="mono">
                {f.dip}:{f.dport}
              </td>
              <td className="mono" title={protocolName(f.proto)}>
                {f.proto} ({f.vrf})
              </td>
              <td className="mono">
                {f.action}
                {f.evicted && ' (evicted)'}
              </td>
              <td className="mono">{f.ecmpIndex === null ? '' : `E:${f.ecmpIndex}`}</td>
              <td className="mono">
                {f.packets}/{f.bytes}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  ));
}

function TraceResultView({ result }: { result: TraceView }) {
  const predicted = result.mode === 'predicted';
  return (
    <section className="dp-result" aria-label="Trace result">
      <p className="dp-result-mode">
        <span className={`badge badge-${result.mode}`}>{MODE_TEXT[result.mode]}</span>{' '}
        {predicted
          ? 'What the computes’ tables say this packet would do: nothing was sent.'
          : 'A packet was sent through the simulated vRouters.'}
      </p>
      <dl className="basic-view">
        <div className="basic-row">
          <dt>Outcome</dt>
          <dd>
            {result.dropReason ? (
              <strong className="dp-drop">
                {predicted ? 'Would be dropped' : 'Dropped'}: {result.dropReason}
              </strong>
            ) : (
              <strong className="dp-ok">{predicted ? 'Would be delivered' : 'Delivered'}</strong>
            )}
            {result.reused && ' (the existing flow was reused)'}
          </dd>
        </div>
        <div className="basic-row">
          <dt>Source compute</dt>
          <dd>{result.sourceNode}</dd>
        </div>
        <div className="basic-row">
          <dt>ECMP picks</dt>
          <dd>
            {result.ecmpPicks.length === 0 ? (
              'none (not an ECMP destination)'
            ) : (
              <ol className="dp-picks" aria-label="ECMP picks, in order">
                {result.ecmpPicks.map((pick, i) => (
                  <li key={`${pick.node}-${pick.nexthopId}-${i}`}>
                    {pick.node}:{' '}
                    <Link to={dataplaneUrl(pick.node, 'nexthops', { nh: String(pick.nexthopId) })}>
                      Composite NH {pick.nexthopId}
                    </Link>{' '}
                    slot {pick.slot} of {pick.slots} (hash {pick.hash} % {pick.slots})
                    <span className="dp-pick-fields">
                      seed {pick.seed}, over{' '}
                      {pick.hashFields.length ? pick.hashFields.join(', ') : 'the 5-tuple'}
                    </span>
                  </li>
                ))}
              </ol>
            )}
            {result.whatIf === 'maglev' && (
              <p className="form-reason">
                What-if: this Service uses a Maglev table instead of the agent&apos;s slot pick (not Contrail
                behaviour).
              </p>
            )}
          </dd>
        </div>
        <div className="basic-row">
          <dt>Member</dt>
          <dd>
            {result.member
              ? `${result.member.pod} on ${result.member.node}, ${result.member.ip}:${result.member.port}`
              : '—'}
          </dd>
        </div>
        <div className="basic-row">
          <dt>Observed</dt>
          <dd>
            {result.observed === null ? (
              'No flow of this 5-tuple is in the computes’ flow tables.'
            ) : (
              <>
                Flow on {result.observed.node} to{' '}
                {result.observed.member
                  ? `${result.observed.member.pod} (${result.observed.member.ip}:${result.observed.member.port})`
                  : 'no member'}
                {': '}
                {result.agrees === null ? null : result.agrees ? (
                  <strong className="dp-ok">agrees</strong>
                ) : (
                  <strong className="dp-drop">disagrees</strong>
                )}
              </>
            )}
          </dd>
        </div>
      </dl>
      <FlowTables flows={result.flows} prefix="Trace flows" />
      {predicted && result.observed && <FlowTables flows={result.observed.flows} prefix="Observed flows" />}
    </section>
  );
}

/** `12.5%`: one decimal, so 100 members at about 1% each still differ. */
function percent(part: number, whole: number): string {
  return `${whole === 0 ? '0.0' : ((part / whole) * 100).toFixed(1)}%`;
}

interface TrafficShares {
  delivered: number;
  /** Members by share, largest first (then by pod name). */
  members: TrafficMember[];
  /** Per compute: its members' flows, largest first. */
  nodes: { node: string; flows: number; members: number }[];
}

function trafficShares(result: TrafficResult): TrafficShares {
  const members = [...result.members].sort((a, b) => b.flows - a.flows || a.pod.localeCompare(b.pod));
  const delivered = members.reduce((n, m) => n + m.flows, 0);
  const byNode = new Map<string, { node: string; flows: number; members: number }>();
  for (const m of members) {
    const entry = byNode.get(m.node) ?? { node: m.node, flows: 0, members: 0 };
    entry.flows += m.flows;
    entry.members += 1;
    byNode.set(m.node, entry);
  }
  const nodes = [...byNode.values()].sort((a, b) => b.flows - a.flows || a.node.localeCompare(b.node));
  return { delivered, members, nodes };
}

function TrafficView({ result }: { result: TrafficResult }) {
  const { delivered, members, nodes } = trafficShares(result);
  const max = Math.max(1, ...members.map((m) => m.flows));
  return (
    <section className="dp-result" aria-label="Traffic result">
      <p>
        {result.flows} flows sent: {delivered} delivered to {members.length} member
        {members.length === 1 ? '' : 's'}, {result.dropped} dropped, {result.reused} reused existing flows.
        Shares are of the delivered flows.
      </p>
      <table className="dp-table dp-node-totals" aria-label="Flows per compute">
        <TableHead columns={['Compute', 'Members', 'Flows', 'Share']} />
        <tbody>
          {nodes.map((n) => (
            <tr key={n.node}>
              <td>{n.node}</td>
              <td className="mono">{n.members}</td>
              <td className="mono">{n.flows}</td>
              <td className="mono">{percent(n.flows, delivered)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="dp-bars" aria-label="Flows per member, largest share first">
        {members.map((m) => (
          <li key={`${m.pod}:${m.port}`}>
            <span className="dp-bar-label">
              {m.pod} <span className="count">on {m.node}</span>
            </span>
            <meter min={0} max={max} value={m.flows} aria-label={`Flows to ${m.pod}`} />
            <span className="mono">
              {m.flows} ({percent(m.flows, delivered)})
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
