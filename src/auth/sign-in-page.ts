import type { OidcClient } from "./oidc/client.ts";

/** Where a user lands after sign-in: nurses on the ward board, clinicians on the patient list, admins on users. */
export const HOME_BY_ROLE = { nurse: "/ward", clinician: "/patients", admin: "/admin/users" } as const;

/** Only a path on this site, never another host. */
export function safeReturnTo(value: unknown): string | null {
  return typeof value === "string" && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 500 ? value : null;
}

/** The sign-in page's view: the provider's button when configured, and the password form unless turned off. */
export function signInView(oidcClient: OidcClient | null, extra: { returnTo?: string | null; showPasswords?: boolean; username?: string }) {
  const returnTo = extra.returnTo ?? null;
  return {
    title: "Sign in",
    oidcLabel: oidcClient?.settings.label,
    oidcStart: `/auth/oidc/start${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ""}`,
    passwordsOff: Boolean(oidcClient?.settings.only),
    showPasswords: extra.showPasswords ?? !oidcClient?.settings.only,
    returnTo,
    username: extra.username,
  };
}
