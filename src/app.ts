import path from "node:path";
import express, { type Express } from "express";
import session from "express-session";
import { adminRoutes } from "./admin/routes.ts";
import { apiRoutes } from "./api/routes.ts";
import { csrfProtection } from "./auth/csrf.ts";
import { apiGuard, loadUser, pageGuard } from "./auth/middleware.ts";
import { authRoutes } from "./auth/routes.ts";
import { DbSessionStore } from "./auth/session-store.ts";
import type { AppDeps } from "./deps.ts";
import { followupRoutes } from "./followup/routes.ts";
import { clinicRoutes } from "./clinic/routes.ts";
import { clinicalSafetyRoutes } from "./clinical-safety/routes.ts";
import { RULE_BOOK_LINE } from "./pathway/index.ts";
import { letterRoutes } from "./letters/routes.ts";
import { patientAuditRoutes } from "./patients/audit-page.ts";
import { patientRoutes } from "./patients/routes.ts";
import { reminderRoutes } from "./reminders/routes.ts";
import { wardRoutes } from "./ward/routes.ts";
import { errorHandler, notFound } from "./web/error-handler.ts";
import { HttpError } from "./errors.ts";
import { RoleRouter, type RouteSpec } from "./web/routing.ts";
import { oncePerForm } from "./web/once.ts";
import { noStore, securityHeaders } from "./web/security.ts";
import { setUpViews } from "./web/views.ts";
import { rootDir as root } from "./paths.ts";
import { openRecord } from "./record.ts";


export interface App extends Express {
  /** Every route the app declared, with the roles allowed: tests check each one is locked. */
  routeSpecs: RouteSpec[];
}

export function createApp(deps: AppDeps): App {
  openRecord(deps.db);
  const app = express() as unknown as App;
  app.disable("x-powered-by");
  app.set("trust proxy", deps.config.env === "production" ? 1 : false);
  // Compiled templates are cached everywhere but development, where edits should show at once.
  setUpViews(app, { cache: deps.config.env !== "development" });
  app.locals.ruleBookLine = RULE_BOOK_LINE;

  app.use(securityHeaders());
  app.use("/assets", express.static(path.join(root, "node_modules/nhsuk-frontend/dist/nhsuk/assets"), { maxAge: "1d" }));
  app.use("/assets", express.static(path.join(root, "public"), { maxAge: "1h" }));
  app.use("/vendor/nhsuk-frontend.min.js", express.static(path.join(root, "node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js")));
  // Declared like every other route, so the route-lock tests see it (public: load balancers call it).
  const open = new RoleRouter("page", pageGuard);
  open.get("/health", "public", async (_req, res) => {
    await deps.db.raw("select 1");
    res.json({ status: "ok" });
  });
  app.use(open.router);

  // The JSON API: bearer tokens, no cookies, so no session or CSRF.
  const api = new RoleRouter("api", (access) => apiGuard(deps.db, access));
  apiRoutes(api, deps);
  app.use("/api/v1", noStore, express.json({ limit: "100kb" }), api.router);
  // An unknown API path is a JSON 404, never the page router's sign-in or CSRF answer.
  app.use("/api", (_req, _res, next) => next(new HttpError(404, "No such API endpoint", "not-found")));

  // Pages: session, signed-in user, CSRF, then the features.
  app.use(
    session({
      store: new DbSessionStore(deps.db),
      secret: deps.config.sessionSecret,
      name: "ces.sid",
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: "lax",
        secure: deps.config.env === "production",
        maxAge: deps.config.sessionIdleMinutes * 60_000,
      },
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: "100kb", parameterLimit: 500 }));
  app.use(noStore, loadUser(deps.db), csrfProtection, oncePerForm(deps.db), (req, res, next) => {
    res.locals.currentPath = req.path;
    if (req.session.flash) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  });

  const pages = new RoleRouter("page", pageGuard);
  authRoutes(pages, deps);
  patientRoutes(pages, deps);
  patientAuditRoutes(pages, deps);
  wardRoutes(pages, api, deps);
  followupRoutes(pages, api, deps);
  letterRoutes(pages, api, deps);
  reminderRoutes(pages, api, deps);
  clinicRoutes(pages, deps);
  adminRoutes(pages, deps);
  clinicalSafetyRoutes(pages, deps);
  app.use(pages.router);

  app.use(notFound);
  app.use(errorHandler());
  app.routeSpecs = [
    ...open.routes,
    ...api.routes.map((r) => ({ ...r, path: `/api/v1${r.path}` })),
    ...pages.routes,
  ];
  return app;
}
