import "express-session";
import type { Actor } from "./audit/audit.ts";
import type { PendingSignIn } from "./auth/oidc/client.ts";
import type { Role } from "./web/routing.ts";

export interface SignedInUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** The colour theme the user chose: "dark" is the low-glare theme for night shifts. */
  theme?: "light" | "dark";
}

declare module "express-session" {
  interface SessionData {
    userId: number;
    csrfToken: string;
    flash: string;
    /** A sign-in through the identity provider in progress (state, nonce, PKCE verifier). */
    oidcPending: PendingSignIn;
    /** The provider's ID token, for its sign-out page (id_token_hint). */
    oidcIdToken: string;
    /** "<issuer> <provider session id or subject>": lets a back-channel sign-out find this session. */
    oidcSession: string;
  }
}

declare global {
  namespace Express {
    interface Locals {
      user?: SignedInUser;
      actor?: Actor;
      /** The session's form token, made on first read (`{{@root.csrf.token}}` in templates). */
      csrf?: { readonly token: string };
      flash?: string;
      currentPath?: string;
      cspNonce?: string;
    }
  }
}
