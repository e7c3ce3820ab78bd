// `mpls --dump` text (tf-vrouter utils/mpls.c: the header main() prints, mpls_req_process)
// from KMplsInfo rows. Pure and streamable.

import type { MplsRow } from '@model/dataplane/vrouter-cli-input.ts';
import { padStart } from './printf.ts';

export const MPLS_DUMP_HEADER = 'MPLS Input Label Map\n\n   Label    NextHop\n-------------------\n';

/** `%8d    %6d` per label. */
export const mplsLine = (row: MplsRow): string => `${padStart(row.label, 8)}    ${padStart(row.nhid, 6)}\n`;

export function* renderMplsDump(rows: Iterable<MplsRow>): Generator<string> {
  yield MPLS_DUMP_HEADER;
  for (const row of rows) yield mplsLine(row);
}
