import type { AppDeps } from "../deps.ts";
import type { RoleRouter } from "../web/routing.ts";

/** Registers this feature's pages and API endpoints. */
export function wardRoutes(_pages: RoleRouter, _api: RoleRouter, _deps: AppDeps): void {}
