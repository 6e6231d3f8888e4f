export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any; // test assertions read arbitrary JSON
}

export async function getJson(url: string): Promise<JsonResponse> {
  const r = await fetch(url);
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text.length > 0 ? JSON.parse(text) : undefined };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await r.text();
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: r.status, headers: r.headers, body: parsed };
}
