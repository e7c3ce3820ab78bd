// The Trace tab: send one packet from a pod to an IP and port and see what the vRouters did —
// the ECMP slot and hash, the member pod it landed on, the flows on each compute, or why it
// dropped — and a traffic control that sends N flows and shows how they spread over members.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { TraceFlow, TraceRequest, TraceResult, TrafficResult } from '@model/dataplane/types.ts';
import { podKey } from '@model/kubernetes/pods.ts';
import { clusterQueries, type KubeService } from '@web/api/cluster.ts';
import { dataplaneQueries, sendTraffic, tracePacket } from '@web/api/dataplane.ts';
import { ErrorState } from '@web/components/error-state.tsx';
import { dataplaneUrl } from './dataplane-url-state.ts';
import { protocolName } from './flow-rows.ts';
import { NumberField } from './number-field.tsx';
import { TableHead } from './table-head.tsx';

interface ServiceTarget {
  key: string;
  text: string;
  ip: string;
  port: number;
  protocol: string;
}

function serviceTargets(services: readonly KubeService[]): ServiceTarget[] {
  return services.flatMap((s) =>
    s.spec.clusterIP && s.spec.clusterIP !== 'None'
      ? s.spec.ports.map((p) => ({
          key: `${s.metadata.namespace ?? 'default'}/${s.metadata.name}:${p.port}`,
          text: `${s.metadata.namespace ?? 'default'}/${s.metadata.name} ${s.spec.clusterIP}:${p.port}/${p.protocol}`,
          ip: s.spec.clusterIP!,
          port: p.port,
          protocol: p.protocol,
        }))
      : [],
  );
}

const DEFAULT_TRAFFIC_FLOWS = 100;
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

export function TraceTab() {
  const queryClient = useQueryClient();
  const pods = useQuery(clusterQueries.pods());
  const services = useQuery(clusterQueries.services());
  const podNames = (pods.data ?? []).filter((p) => p.status.podIP).map(podKey);
  const targets = serviceTargets(services.data ?? []);

  // Until the user picks, the form follows the cluster: the client pod, the first Service port.
  const [from, setFrom] = useState<string | null>(null);
  const [target, setTarget] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [protocol, setProtocol] = useState<string | null>(null);
  const [port, setPort] = useState<string | null>(null);
  const [sourcePort, setSourcePort] = useState('');
  const [flowCount, setFlowCount] = useState(String(DEFAULT_TRAFFIC_FLOWS));

  const firstTarget = targets[0];
  const fromValue = from ?? podNames.find((p) => p.endsWith('/client')) ?? podNames[0] ?? '';
  const targetValue = target ?? firstTarget?.key ?? '';
  const toValue = to ?? firstTarget?.ip ?? '';
  const protocolValue = protocol ?? firstTarget?.protocol ?? 'TCP';
  const portValue = port ?? (firstTarget ? String(firstTarget.port) : '');

  const invalidate = () => void queryClient.invalidateQueries({ queryKey: dataplaneQueries.all() });
  const trace = useMutation({ mutationFn: tracePacket, onSuccess: invalidate });
  const traffic = useMutation({ mutationFn: sendTraffic, onSuccess: invalidate });

  const request = (): TraceRequest => ({
    from: fromValue.trim(),
    to: toValue.trim(),
    protocol: protocolValue,
    port: Number(portValue),
    ...(sourcePort.trim() ? { sourcePort: Number(sourcePort) } : {}),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    trace.mutate(request());
  };

  const pickTarget = (key: string) => {
    setTarget(key);
    const t = targets.find((x) => x.key === key);
    if (t) {
      setTo(t.ip);
      setPort(String(t.port));
      setProtocol(t.protocol);
    }
  };

  return (
    <div className="dp-trace">
      <form className="dp-form" aria-label="Trace a packet" onSubmit={submit}>
        <label className="field">
          From pod
          {pods.isSuccess ? (
            <select value={fromValue} onChange={(e) => setFrom(e.target.value)} required>
              {podNames.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          ) : (
            <input
              value={fromValue}
              onChange={(e) => setFrom(e.target.value)}
              placeholder="namespace/pod"
              required
            />
          )}
        </label>
        {targets.length > 0 && (
          <label className="field">
            Service
            <select value={targetValue} onChange={(e) => pickTarget(e.target.value)}>
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
            onChange={(e) => setTo(e.target.value)}
            required
            placeholder="10.105.53.64"
          />
        </label>
        <label className="field">
          Protocol
          <select value={protocolValue} onChange={(e) => setProtocol(e.target.value)}>
            <option>TCP</option>
            <option>UDP</option>
          </select>
        </label>
        <NumberField label="Port" min={1} max={65535} value={portValue} onChange={setPort} required />
        <NumberField
          label="Source port (optional)"
          min={1}
          max={65535}
          value={sourcePort}
          onChange={setSourcePort}
          placeholder="random"
        />
        <button type="submit" disabled={trace.isPending}>
          Trace
        </button>
      </form>
      {trace.isError && <ErrorState error={trace.error} />}
      {trace.data && <TraceView result={trace.data} />}

      <h2>Traffic</h2>
      <form
        className="dp-form"
        aria-label="Send traffic"
        onSubmit={(e) => {
          e.preventDefault();
          traffic.mutate({ ...request(), flows: Number(flowCount) });
        }}
      >
        <NumberField
          label="Number of flows"
          min={1}
          max={100000}
          value={flowCount}
          onChange={setFlowCount}
          required
        />
        <button type="submit" disabled={traffic.isPending}>
          Send {flowCount || 0} flows
        </button>
        <span className="count">
          from {fromValue || '—'} to {toValue || '—'}:{portValue || '—'} {protocolValue}, source ports in
          sequence
        </span>
      </form>
      {traffic.isError && <ErrorState error={traffic.error} />}
      {traffic.data && <TrafficView result={traffic.data} />}
    </div>
  );
}

function TraceView({ result }: { result: TraceResult }) {
  const byNode = new Map<string, TraceFlow[]>();
  for (const f of result.flows) byNode.set(f.node, [...(byNode.get(f.node) ?? []), f]);
  return (
    <section className="dp-result" aria-label="Trace result">
      <dl className="basic-view">
        <div className="basic-row">
          <dt>Outcome</dt>
          <dd>
            {result.dropReason ? (
              <strong className="dp-drop">Dropped: {result.dropReason}</strong>
            ) : (
              <strong className="dp-ok">Delivered</strong>
            )}
            {result.reused && ' (the existing flow was reused)'}
          </dd>
        </div>
        <div className="basic-row">
          <dt>Source compute</dt>
          <dd>{result.sourceNode}</dd>
        </div>
        <div className="basic-row">
          <dt>ECMP choice</dt>
          <dd>
            {result.ecmp ? (
              <>
                <Link to={dataplaneUrl(result.sourceNode, 'nexthops', { nh: String(result.ecmp.nexthopId) })}>
                  Composite NH {result.ecmp.nexthopId}
                </Link>{' '}
                slot {result.ecmp.slot} of {result.ecmp.slots} (hash {result.ecmp.hash} % {result.ecmp.slots})
              </>
            ) : (
              'none (not an ECMP destination)'
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
      </dl>
      {[...byNode].map(([node, flows]) => (
        <div key={node}>
          <h3>
            Flows on {node} <Link to={dataplaneUrl(node, 'flows')}>(open {node} flows)</Link>
          </h3>
          <table className="dp-table" aria-label={`Trace flows on ${node}`}>
            <TableHead columns={TRACE_FLOW_COLUMNS} />
            <tbody>
              {flows.map((f) => (
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
      ))}
    </section>
  );
}

function TrafficView({ result }: { result: TrafficResult }) {
  const max = Math.max(1, ...result.members.map((m) => m.flows));
  return (
    <section className="dp-result" aria-label="Traffic result">
      <p>
        {result.flows} flows sent: {result.dropped} dropped, {result.reused} reused existing flows.
      </p>
      <ul className="dp-bars">
        {result.members.map((m) => (
          <li key={`${m.pod}:${m.port}`}>
            <span className="dp-bar-label">
              {m.pod} <span className="count">on {m.node}</span>
            </span>
            <meter min={0} max={max} value={m.flows} aria-label={`Flows to ${m.pod}`} />
            <span className="mono">
              {m.flows} ({result.flows ? Math.round((m.flows / result.flows) * 100) : 0}%)
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
