// The ACL action string struct agent.sandesh declares and pkt.sandesh reuses in flow records.

import { f, struct, type RecordOfDef } from './schema.ts';

export const ActionStr = struct('ActionStr', { action: f.string(1) });

export type ActionStr = RecordOfDef<typeof ActionStr>;
