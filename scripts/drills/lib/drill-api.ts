/**
 * The public API as a drill calls it: every request states its client address (X-Forwarded-For,
 * nginx's stickiness key and the registration limit's key), is bounded in time, and fails loudly.
 */

export interface LogMessage {
  id: string;
  seq: number;
  clientMsgId: string;
  createdAt: string;
}

export async function api<T>(
  base: string,
  method: string,
  route: string,
  options: { token?: string; body?: unknown; from: string },
): Promise<T> {
  const headers: Record<string, string> = { 'x-forwarded-for': options.from };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${route}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(15_000),
  }).catch((error: unknown) => {
    throw new Error(`${method} ${base}${route}: ${(error as Error).message}`);
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A channel's whole log, paged. */
export async function channelLog(
  base: string,
  channelId: string,
  token: string,
  from: string,
): Promise<LogMessage[]> {
  const items: LogMessage[] = [];
  for (let after = 0; ; ) {
    const page = await api<{ items: LogMessage[]; nextCursor: string | null }>(
      base,
      'GET',
      `/api/v1/channels/${channelId}/messages?after=${after}&limit=200`,
      { token, from },
    );
    items.push(...page.items);
    if (!page.nextCursor) return items;
    after = Number(page.nextCursor);
  }
}

export async function channelHead(
  base: string,
  channelId: string,
  token: string,
  from: string,
): Promise<number> {
  return (
    await api<{ head: number }>(base, 'GET', `/api/v1/channels/${channelId}/messages?limit=1`, {
      token,
      from,
    })
  ).head;
}
