// The vRouter utilities' text (`rt`, `nh`, `flow`, `mpls`, `vif`, `vrfstats`, `dropstats`) of one
// compute, rendered by server/vrouter-cli from the kernel records its agent's introspect gives
// (the K* requests) — what the tools print on the host, less the kernel fields the agent does not
// relay (docs/data-sources.md). The long ones page: `limit` rows from the `cursor`-th on.

import type { VrfSandeshData } from '@model/dataplane/sandesh/agent.ts';
import type { FlowSlot, FlowTableInfo } from '@model/dataplane/vrouter-cli-input.ts';
import { renderDropStats } from '@server/vrouter-cli/dropstats.ts';
import { flowListHeader, flowSlotText } from '@server/vrouter-cli/flow.ts';
import { renderMplsDump } from '@server/vrouter-cli/mpls.ts';
import { nhBlock, renderNhGet } from '@server/vrouter-cli/nh.ts';
import { rtDumpHeader, rtDumpLine } from '@server/vrouter-cli/rt.ts';
import { renderVifList } from '@server/vrouter-cli/vif.ts';
import { renderVrfStats } from '@server/vrouter-cli/vrfstats.ts';
import { NotFound } from '../../errors.ts';
import type { Compute } from './computes.ts';
import type { DataplaneReader } from './reader.ts';
import { rowsOf } from './tables.ts';

/** Text in pieces, and where the next page starts (null: the last page, or not paged). */
export interface CliText {
  pieces: Iterable<string>;
  next: number | null;
}

export interface CliPage {
  limit?: number | undefined;
  cursor?: number | undefined;
}

/**
 * The `flow -l` header through introspect: the kernel's flow-table size and counters
 * (vr_flow_table_data) are not in any agent response (KFlowResp carries flows only), so they print
 * as 0 — the rows below are the kernel's, read through the agent.
 */
const INTROSPECT_FLOW_TABLE: FlowTableInfo = {
  ft_span: 0,
  ft_num_entries: 0,
  ft_created: 0,
  ft_added: 0,
  ft_deleted: 0,
  ft_changed: 0,
  ft_processed: 0,
  ft_oflow_entries: 0,
  ft_hold_stat: [0],
  ft_hold_oflows: 0,
};

/** Rows [cursor, cursor + limit) and the next cursor; the whole list when not paged. */
function cut<T>(rows: readonly T[], page: CliPage): { rows: readonly T[]; next: number | null } {
  if (page.limit === undefined && page.cursor === undefined) return { rows, next: null };
  const start = page.cursor ?? 0;
  const end = page.limit === undefined ? rows.length : start + page.limit;
  return { rows: rows.slice(start, end), next: end < rows.length ? end : null };
}

export class DataplaneCli {
  constructor(private readonly reader: DataplaneReader) {}

  /** `rt --dump <vrf>`: the VRF's mtrie entries. */
  async rt(c: Compute, vrf: VrfSandeshData, page: CliPage): Promise<CliText> {
    const rows = (await this.reader.kroutes(c, vrf.ucindex)).value;
    if (rows === null)
      throw new NotFound(`the kernel of ${c.name} has no route table for VRF ${vrf.ucindex}`);
    const { rows: shown, next } = cut(rows, page);
    const first = (page.cursor ?? 0) === 0;
    return {
      pieces: (function* () {
        if (first) yield rtDumpHeader(vrf.ucindex);
        for (const r of shown) yield rtDumpLine(r);
      })(),
      next,
    };
  }

  /** `nh --list` (paged), or `nh --get <id>` with its components. */
  async nh(c: Compute, id: number | undefined, page: CliPage): Promise<CliText> {
    const rows = (await this.reader.knhs(c)).value;
    if (id === undefined) {
      const { rows: shown, next } = cut(rows, page);
      return { pieces: shown.map(nhBlock), next };
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    const row = byId.get(id);
    if (!row) throw new NotFound(`no next hop ${id} in the kernel of ${c.name}`);
    return { pieces: renderNhGet(row, (i) => byId.get(i)), next: null };
  }

  /** `flow -l`: the kernel flow table through KFlowReq / NextKFlowReq (paged). */
  async flow(c: Compute, page: CliPage): Promise<CliText> {
    const rows = await rowsOf((await this.reader.flows(c)).value);
    const { rows: shown, next } = cut(rows, page);
    const first = (page.cursor ?? 0) === 0;
    return {
      pieces: (function* () {
        if (first) yield flowListHeader(INTROSPECT_FLOW_TABLE);
        for (const row of shown) yield flowSlotText({ index: row.index, row } satisfies FlowSlot);
      })(),
      next,
    };
  }

  async mpls(c: Compute): Promise<CliText> {
    return { pieces: renderMplsDump((await this.reader.kmpls(c)).value), next: null };
  }

  async vif(c: Compute): Promise<CliText> {
    return { pieces: renderVifList((await this.reader.kinterfaces(c)).value), next: null };
  }

  /** `vrfstats --get <vrf>`, or `--dump` without one. */
  async vrfstats(c: Compute, vrf: VrfSandeshData | undefined): Promise<CliText> {
    const rows = (await this.reader.kvrfStats(c, vrf?.ucindex ?? -1)).value;
    if (rows === null)
      throw new NotFound(`the kernel of ${c.name} has no statistics for VRF ${vrf?.ucindex}`);
    return { pieces: renderVrfStats(rows), next: null };
  }

  async dropstats(c: Compute): Promise<CliText> {
    return { pieces: [renderDropStats((await this.reader.kdropStats(c)).value)], next: null };
  }
}
