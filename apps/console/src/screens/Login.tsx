import { useState, type FormEvent } from 'react';

/** API-key sign-in: the key is checked against GET /v1/me before anything else loads. */
export function Login(props: { onSignIn: (key: string) => Promise<void>; notice: string | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onSignIn(key.trim());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="login">
      <form onSubmit={(e) => void submit(e)} className="card stack" aria-labelledby="login-title">
        <h1 id="login-title">cxfold console</h1>
        <p className="muted">Sign in with an analyst API key (admin or supervisor). It is kept in this tab only.</p>
        {props.notice ? <p role="status" className="notice">{props.notice}</p> : null}
        <label>
          API key
          <input name="apiKey" type="password" autoComplete="off" spellCheck={false} required autoFocus value={key} onChange={(e) => setKey(e.target.value)} />
        </label>
        {error ? (
          <p role="alert" className="error-text">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          Create a key with <code>npm run cxfold -- api-keys create --tenant &lt;slug&gt; --role admin</code>.
        </p>
      </form>
    </main>
  );
}
