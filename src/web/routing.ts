import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Actor } from "../audit/audit.ts";
import { HttpError } from "../errors.ts";

export const ROLES = ["nurse", "clinician", "admin"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may use a route: a list of roles, "public" (sign-in, health check), or "display": a wall
 * screen's own page, opened by the display link in its address and by nothing else (src/displays).
 */
export type Access = readonly Role[] | "public" | "display";

/** The HTTP methods a RoleRouter declares routes for (PATCH on the API only, for corrections). */
export type RouteMethod = "get" | "post" | "patch";

export interface RouteSpec {
  method: RouteMethod;
  path: string;
  access: Access;
  kind: "page" | "api" | "display";
}

/** A public route's handlers: plain Express middleware. */
type PublicHandler = (req: Request, res: Response, next: NextFunction) => unknown;

/** A signed-in route's one handler: it is given who is acting (a user or an API token), never undefined. */
export type SignedInHandler = (req: Request, res: Response, actor: Actor) => unknown;

/**
 * A router on which every route must say who may use it. The declared routes are kept
 * so that tests can check every one of them is locked.
 */
export class RoleRouter {
  readonly router = express.Router({ mergeParams: true });
  readonly routes: RouteSpec[] = [];
  /** OpenAPI operations by path and method, for the API's self-description. */
  readonly docs: Record<string, Record<string, unknown>> = {};

  constructor(
    private readonly kind: RouteSpec["kind"],
    private readonly guard: (access: Access) => RequestHandler,
  ) {}

  get(path: string, access: "public", ...handlers: PublicHandler[]): this;
  get(path: string, access: readonly Role[], handler: SignedInHandler): this;
  get(path: string, access: Access, ...handlers: PublicHandler[] | [SignedInHandler]): this {
    return this.add("get", path, access, handlers);
  }

  post(path: string, access: "public", ...handlers: PublicHandler[]): this;
  post(path: string, access: readonly Role[], handler: SignedInHandler): this;
  post(path: string, access: Access, ...handlers: PublicHandler[] | [SignedInHandler]): this {
    return this.add("post", path, access, handlers);
  }

  /** A wall screen's page (GET only): the guard has checked the display link in the address. */
  display(path: string, handler: PublicHandler): this {
    return this.add("get", path, "display", [handler]);
  }

  patch(path: string, access: readonly Role[], handler: SignedInHandler): this {
    return this.add("patch", path, access, [handler]);
  }

  /** Describes an API operation for /api/v1/openapi.json (path in OpenAPI form: /patients/{patientId}). */
  document(method: RouteMethod, path: string, operation: Record<string, unknown>): this {
    (this.docs[path] ??= {})[method] = operation;
    return this;
  }

  private add(method: RouteMethod, path: string, access: Access, handlers: PublicHandler[] | [SignedInHandler]): this {
    this.routes.push({ method, path, access, kind: this.kind });
    const run = access === "public" || access === "display" ? (handlers as RequestHandler[]) : [withActor(handlers[0] as SignedInHandler)];
    this.router[method](path, this.guard(access), ...run);
    return this;
  }
}

/** The guard has checked the role; the handler is handed the actor it set (or a 401 if none was). */
function withActor(handler: SignedInHandler): RequestHandler {
  return async (req, res, next) => {
    const actor = res.locals.actor;
    if (!actor) return next(new HttpError(401, "Sign in first", "unauthorised"));
    await handler(req, res, actor);
  };
}

export function roleAllowed(access: Access, role: Role | undefined): boolean {
  if (access === "public") return true;
  if (access === "display") return false;
  return role !== undefined && access.includes(role);
}

export const STAFF: readonly Role[] = ["nurse", "clinician", "admin"];
export const CLINICAL: readonly Role[] = ["nurse", "clinician"];
export const CLINICIANS: readonly Role[] = ["clinician"];
export const ADMINS: readonly Role[] = ["admin"];
