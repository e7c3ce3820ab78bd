// The agent introspect HTTP listener of one simulated compute (plain node:http): `/Snh_<Request>`
// answered with Sandesh XML exactly as contrail-sandesh's HTTP server frames it, streamed with
// backpressure and in slices so a long table never holds the event loop; anything else is the
// agent's 404. The answers themselves come from agent-requests.ts.
//
// Framing (contrail-sandesh library/cpp/sandesh_http.cc HttpSendXML):
// - one response (more=false at once): `Content-Type: text/xml`, `Content-Length`, and the body
//   `<?xml-stylesheet type="text/xsl" href="/universal_parse.xsl"?>` + the response's XML;
// - several (the first has more=true): chunked; the stylesheet instruction, then
//   `<__<FirstResponseName>_list type="slist">`, every response's XML, and
//   `</__<FirstResponseName>_list>` after the one with more=false.
// The 404 for any other path is contrail-common http/http_session.cc's NotFound page (46 bytes,
// `text/html`, ending in a NUL). node:http adds `Connection`/`Keep-Alive` headers the agent's
// server does not send; the bodies are byte for byte the agent's.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answer, type IntrospectTarget, type SandeshMessage } from './agent-requests.ts';
import { SandeshXmlWriter, XSL_PROCESSING_INSTRUCTION } from './sandesh-xml.ts';

const NOT_FOUND_BODY = Buffer.from('<html>\n<title>404 Not Found</title>\n</html>\r\n\0', 'latin1');

/** Synchronous work between two yields to the event loop while one answer streams. */
const SLICE_MS = 8;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface IntrospectListener {
  readonly port: number;
  close(): Promise<void>;
}

export interface IntrospectListenOptions {
  port: number;
  host?: string;
  /** Called with an error a request's answer threw (the request is cut short). */
  onError?: (err: unknown) => void;
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, 'Not Found', { 'Content-Type': 'text/html', 'Content-Length': NOT_FOUND_BODY.length });
  res.end(NOT_FOUND_BODY);
}

function renderOne(m: SandeshMessage): string {
  let xml = '';
  const writer = new SandeshXmlWriter((chunk) => {
    xml += chunk;
  });
  writer.response(m.def, m.record as never, m.more);
  writer.flush();
  return xml;
}

/** Writes a multi-response answer: chunked, paced by the socket and by slices of work. */
async function streamAnswer(
  res: ServerResponse,
  first: SandeshMessage,
  rest: Iterator<SandeshMessage>,
): Promise<void> {
  const listName = `__${first.def.name}_list`;
  res.writeHead(200, { 'Content-Type': 'text/xml' });
  const writer = new SandeshXmlWriter((chunk) => {
    res.write(chunk);
  });
  writer.raw(`${XSL_PROCESSING_INSTRUCTION}<${listName} type="slist">`);
  let sliceStart = performance.now();
  let m: SandeshMessage | undefined = first;
  while (m) {
    writer.response(m.def, m.record as never, m.more);
    if (!m.more) break;
    if (res.writableNeedDrain) {
      writer.flush();
      await once(res, 'drain');
    } else if (performance.now() - sliceStart > SLICE_MS) {
      writer.flush();
      await yieldToLoop();
    }
    if (res.destroyed) return;
    if (performance.now() - sliceStart > SLICE_MS) sliceStart = performance.now();
    const step = rest.next();
    m = step.done ? undefined : step.value;
  }
  writer.raw(`</${listName}>`);
  writer.flush();
  res.end();
}

async function handle(target: IntrospectTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const messages = path.startsWith('/Snh_') ? answer(target, path.slice(5), query) : undefined;
  if (!messages) return notFound(res);
  const it = messages[Symbol.iterator]();
  const step = it.next();
  if (step.done) return notFound(res);
  const first = step.value;
  if (!first.more) {
    const body = Buffer.from(XSL_PROCESSING_INSTRUCTION + renderOne(first), 'utf8');
    res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': body.length });
    res.end(body);
    return;
  }
  await streamAnswer(res, first, it);
}

/** Starts one compute's introspect listener (port 0: any free port). */
export async function listenIntrospect(
  target: IntrospectTarget,
  opts: IntrospectListenOptions,
): Promise<IntrospectListener> {
  const server: Server = createServer((req, res) => {
    res.sendDate = false;
    handle(target, req, res).catch((err: unknown) => {
      opts.onError?.(err);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.listen(opts.port, opts.host ?? '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
