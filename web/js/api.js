// The API client: JSON in and out, the bearer token from sessionStorage (never from the URL).
const TOKEN_KEY = 'orch-token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class APIError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  const t = token.get();
  // Reads carry the token too when signed in: a server bound beyond loopback asks for it on every request.
  if (t) headers.Authorization = `Bearer ${t}`;
  if (method !== 'GET') {
    if (!t) throw new APIError(401, 'Sign in with the API token first (box at the top right).');
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new APIError(response.status, data.message || `HTTP ${response.status}`);
  return data;
}

/** Encodes one path segment. */
export const seg = (s) => encodeURIComponent(s);
