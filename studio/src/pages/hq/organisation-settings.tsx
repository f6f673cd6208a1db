/**
 * /hq organisation: the name, whether API keys are accepted, how long a new key may live,
 * whether keys may hand out access (keys, role mappings, member roles), the model token budget
 * and how long finished runs are kept,
 * edited with PUT /api/hq/settings (admins; GET needs admin too, so whoever sees the values may
 * change them). The Entra tenants are shown, not edited. A save refetches the settings and the
 * audit log; the server's problems are shown as it words them, and the fields they name are
 * marked invalid.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { when } from '../../components/format';
import { ErrorState, Loading, RequestProblems } from '../../components/states';
import { ApiError, getOrgSettings, putOrgSettings, type OrgSettingsBody, type OrgSettingsView } from '../../services/api';
import { useMissing } from '../../state/capabilities';

interface Form {
  name: string;
  apiKeysEnabled: boolean;
  apiKeysMayGrantAccess: boolean;
  /** As typed; empty means no limit. */
  maxLifetimeDays: string;
  /** As typed; empty means no limit. */
  modelTokenBudget: string;
  /** As typed; empty means runs are kept forever. */
  retentionDays: string;
}

const formOf = (v: OrgSettingsView): Form => ({
  name: v.name,
  apiKeysEnabled: v.apiKeysEnabled,
  apiKeysMayGrantAccess: v.apiKeysMayGrantAccess,
  maxLifetimeDays: v.apiKeyMaxLifetimeDays === null ? '' : String(v.apiKeyMaxLifetimeDays),
  modelTokenBudget: v.modelTokenBudgetMonthly === null ? '' : String(v.modelTokenBudgetMonthly),
  retentionDays: v.runRetentionDays === null ? '' : String(v.runRetentionDays),
});

/**
 * The PUT body for the form. The lifetime is sent as typed (a number, or null when empty): the
 * server's schema is the one judge of 1..3650, and its 422 names the field.
 */
export function bodyOf(f: Form): OrgSettingsBody {
  const days = f.maxLifetimeDays.trim();
  const budget = (f.modelTokenBudget ?? '').trim();
  const retention = (f.retentionDays ?? '').trim();
  return {
    name: f.name,
    apiKeysEnabled: f.apiKeysEnabled,
    apiKeysMayGrantAccess: f.apiKeysMayGrantAccess,
    apiKeyMaxLifetimeDays: days === '' ? null : Number(days),
    modelTokenBudgetMonthly: budget === '' ? null : Number(budget),
    runRetentionDays: retention === '' ? null : Number(retention),
  };
}

/** The "Organisation" section of /hq. */
export function OrganisationSettings() {
  const q = useQuery({ queryKey: ['hq-settings'], queryFn: getOrgSettings });
  const { loading, missing } = useMissing(['PUT /api/hq/settings']);
  return (
    <section className="panel" aria-labelledby="hq-org-title">
      <h2 id="hq-org-title">Organisation</h2>
      {(q.isPending || loading) && <Loading what="settings" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && !loading && (
        <>
          <p className="muted">
            Entra tenants:{' '}
            {q.data.tenants.length
              ? q.data.tenants.map((t, i) => (
                  <Fragment key={t}>
                    {i > 0 && ', '}
                    <code>{t}</code>
                  </Fragment>
                ))
              : 'none linked'}{' '}
            <span className="small">(not edited here)</span>
          </p>
          {missing.length > 0 ? (
            <>
              <dl className="facts">
                <div>
                  <dt>Name</dt>
                  <dd>{q.data.name}</dd>
                </div>
                <div>
                  <dt>API keys</dt>
                  <dd>
                    {q.data.apiKeysEnabled
                      ? `enabled${q.data.apiKeyMaxLifetimeDays ? `, at most ${q.data.apiKeyMaxLifetimeDays} days` : ''}`
                      : 'disabled'}
                  </dd>
                </div>
              </dl>
              <p className="help">This deployment does not offer PUT /api/hq/settings; the settings are shown, not edited.</p>
            </>
          ) : (
            <SettingsForm view={q.data} />
          )}
        </>
      )}
    </section>
  );
}

function SettingsForm({ view }: { view: OrgSettingsView }) {
  const qc = useQueryClient();
  const [f, setF] = useState<Form>(() => formOf(view));
  const [saved, setSaved] = useState(false);
  // New settings (a save here or elsewhere) reset the form to what is stored. Not by remounting
  // (a key): the field that had focus keeps it after Enter saves.
  const [shown, setShown] = useState(view.updatedAt);
  if (view.updatedAt !== shown) {
    setShown(view.updatedAt);
    setF(formOf(view));
  }
  const save = useMutation({
    mutationFn: () => putOrgSettings(bodyOf(f)),
    onSuccess: async () => {
      await Promise.all([qc.invalidateQueries({ queryKey: ['hq-settings'] }), qc.invalidateQueries({ queryKey: ['hq-audit'] })]);
      setSaved(true);
    },
  });
  const set = (patch: Partial<Form>) => {
    setSaved(false);
    setF((prev) => ({ ...prev, ...patch }));
  };
  const issues = save.error instanceof ApiError ? save.error.issues : [];
  /** aria-invalid and a pointer to the problems for a field the server named. */
  const marks = (path: string, help?: string) => {
    const bad = issues.some((i) => i.path === path);
    const describedBy = [help, bad ? 'org-problems' : undefined].filter(Boolean).join(' ');
    return { 'aria-invalid': bad || undefined, 'aria-describedby': describedBy || undefined };
  };

  return (
    <form
      className="form"
      aria-labelledby="hq-org-title"
      // The server's schema is the one validator (1 to 3650 whole days, a name of 1 to 200
      // characters); its 422 names the field, so the browser's own checks are not used.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="field">
        <label htmlFor="org-name">Name</label>
        <input
          id="org-name"
          value={f.name}
          maxLength={200}
          autoComplete="organization"
          onChange={(e) => set({ name: e.target.value })}
          {...marks('name')}
        />
      </div>
      <div className="field">
        <span>
          <input
            id="org-keys-enabled"
            type="checkbox"
            checked={f.apiKeysEnabled}
            onChange={(e) => set({ apiKeysEnabled: e.target.checked })}
            {...marks('apiKeysEnabled', 'org-keys-enabled-help')}
          />{' '}
          <label htmlFor="org-keys-enabled">API keys enabled</label>
        </span>
        <p className="help" id="org-keys-enabled-help">
          Off: every API key of the organisation is refused until this is turned on again.
        </p>
      </div>
      <div className="field">
        <span>
          <input
            id="org-keys-grant"
            type="checkbox"
            checked={f.apiKeysMayGrantAccess}
            onChange={(e) => set({ apiKeysMayGrantAccess: e.target.checked })}
            {...marks('apiKeysMayGrantAccess', 'org-keys-grant-help')}
          />{' '}
          <label htmlFor="org-keys-grant">API keys may grant access</label>
        </span>
        <p className="help" id="org-keys-grant-help">
          Off: API keys cannot create API keys, role mappings or member roles. What keys do grant is audited as <code>….by_api_key</code>.
        </p>
      </div>
      <div className="field">
        <label htmlFor="org-key-lifetime">Maximum key lifetime (days)</label>
        <input
          id="org-key-lifetime"
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          step={1}
          value={f.maxLifetimeDays}
          onChange={(e) => set({ maxLifetimeDays: e.target.value })}
          {...marks('apiKeyMaxLifetimeDays', 'org-key-lifetime-help')}
        />
        <p className="help" id="org-key-lifetime-help">
          1 to 3650. New keys must expire within this many days. Empty: no limit.
        </p>
      </div>
      <div className="field">
        <label htmlFor="org-model-budget">Monthly model token budget</label>
        <input
          id="org-model-budget"
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          value={f.modelTokenBudget}
          onChange={(e) => set({ modelTokenBudget: e.target.value })}
          {...marks('modelTokenBudgetMonthly', 'org-model-budget-help')}
        />
        <p className="help" id="org-model-budget-help">
          Tokens (input + output) workflow model steps may spend per calendar month (UTC); calls past it fail with model_budget_exceeded.
          Empty: no limit.
        </p>
      </div>
      <div className="field">
        <label htmlFor="org-retention">Keep finished runs (days)</label>
        <input
          id="org-retention"
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          step={1}
          value={f.retentionDays}
          onChange={(e) => set({ retentionDays: e.target.value })}
          {...marks('runRetentionDays', 'org-retention-help')}
        />
        <p className="help" id="org-retention-help">
          1 to 3650. Succeeded, failed and cancelled runs that ended longer ago are deleted with their tasks and chunks by the hourly purge;
          the audit log is kept. Empty: runs are kept forever.
        </p>
      </div>
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save organisation settings'}
      </button>
      <div aria-live="polite">{saved && !save.isPending && <p className="ok-line">Saved.</p>}</div>
      {view.updatedAt && (
        <p className="small muted">
          Last changed by {view.updatedBy} {when(view.updatedAt)}.
        </p>
      )}
      {save.isError && (
        <div id="org-problems">
          <RequestProblems error={save.error} />
        </div>
      )}
    </form>
  );
}
