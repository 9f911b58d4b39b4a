// The admin token lives in sessionStorage: it survives reloads of this tab,
// is gone when the tab closes, and never appears in a URL.
const key = "thingstead.token";

export function token(): string | null {
  return sessionStorage.getItem(key);
}

export function setToken(value: string): void {
  sessionStorage.setItem(key, value);
}

export function clearToken(): void {
  sessionStorage.removeItem(key);
}
