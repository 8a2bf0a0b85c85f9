// Thin fetch wrapper for the same-origin JSON API. The session lives in the
// HttpOnly cookie set by the server, so no token is kept in page storage.

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 for network failure)
   * @param {object|null} problem RFC 9457 problem details, if the server sent one
   * @param {Headers|null} headers response headers
   */
  constructor(status, problem, headers) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.headers = headers;
  }

  get code() {
    return (this.problem && this.problem.code) || (this.status === 0 ? 'network' : null);
  }
}

export async function api(method, path, body) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json' },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, null, null);
  }
  const type = res.headers.get('Content-Type') || '';
  const isJson = type.includes('json');
  if (!res.ok) {
    let problem = null;
    if (isJson) {
      try {
        problem = await res.json();
      } catch {
        problem = null;
      }
    }
    throw new ApiError(res.status, problem, res.headers);
  }
  if (res.status === 204 || !isJson) return null;
  return res.json();
}

export const getMe = () => api('GET', '/api/v1/me');
export const login = (username, password) => api('POST', '/api/v1/auth/login', { username, password });
export const logout = () => api('POST', '/api/v1/auth/logout');
