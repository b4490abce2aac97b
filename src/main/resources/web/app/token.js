// The operator token of this tab: typed once into a password field (import page, bandwidth tab,
// plan pages) and kept in session storage only, never in local storage or a cookie.

const TOKEN_KEY = 'fabricscope.operatorToken';

/** The stored token, or '' (also when storage is disabled). */
export function readToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  } catch (e) {
    return '';
  }
}

/** Keeps a token for this tab; an empty one forgets it. */
export function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) { /* storage disabled: the field keeps it for this page */ }
}
