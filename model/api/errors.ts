// The JSON body every error from the UI server (:8080) has, whatever the route: what the SPA reads
// in web/api/client.ts and what the server's one error handler writes. Types only.

export interface ApiErrorBody {
  /** The HTTP reason phrase: `Bad Request`, `Not Found`, `Bad Gateway`. */
  error: string;
  /** What is wrong and where, in words a user can act on; generic for internal errors. */
  detail: string;
  status: number;
  /** The request id the server logged this answer under (also the `x-request-id` header). */
  requestId?: string;
}
