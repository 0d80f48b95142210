import path from "node:path";
import express, { type Express } from "express";
import session from "express-session";
import { adminRoutes } from "./admin/routes.ts";
import { apiRoutes } from "./api/routes.ts";
import { csrfProtection } from "./auth/csrf.ts";
import { keepFormAfterTimeout, restoreKeptForm } from "./auth/kept-form.ts";
import { apiGuard, loadUser, pageGuard } from "./auth/middleware.ts";
import { OidcClient } from "./auth/oidc/client.ts";
import { oidcBackChannelRoute, oidcRoutes } from "./auth/oidc/routes.ts";
import { authRoutes } from "./auth/routes.ts";
import { autoRefreshIsNotActivity, DbSessionStore } from "./auth/session-store.ts";
import type { AppDeps } from "./deps.ts";
import { fhirErrorHandler, fhirFallback } from "./fhir/outcome.ts";
import { fhirRoutes } from "./fhir/routes.ts";
import { displayAdminRoutes, displayGuard, wallRoutes } from "./displays/routes.ts";
import { followupRoutes } from "./followup/routes.ts";
import { feedRoutes } from "./hl7/routes.ts";
import { clinicRoutes } from "./clinic/routes.ts";
import { clinicalSafetyRoutes } from "./clinical-safety/routes.ts";
import { RULE_BOOK_LINE } from "./pathway/index.ts";
import { letterRoutes } from "./letters/routes.ts";
import { patientAuditRoutes } from "./patients/audit-page.ts";
import { patientRoutes } from "./patients/routes.ts";
import { reminderRoutes } from "./reminders/routes.ts";
import { reportRoutes } from "./reports/routes.ts";
import { wardRoutes } from "./ward/routes.ts";
import { errorHandler, notFound } from "./web/error-handler.ts";
import { HttpError } from "./errors.ts";
import { RoleRouter, type RouteSpec } from "./web/routing.ts";
import { oncePerForm } from "./web/once.ts";
import { parseQuery } from "./web/query.ts";
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
  app.set("query parser", parseQuery);
  app.set("trust proxy", deps.config.trustProxy);
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
  const oidcClient = deps.oidcClient !== undefined ? deps.oidcClient : deps.config.oidc ? new OidcClient(deps.config.oidc) : null;
  if (oidcClient) oidcBackChannelRoute(open, deps, oidcClient);
  app.use(open.router);

  // The JSON API: bearer tokens, no cookies, so no session or CSRF.
  const api = new RoleRouter("api", (access) => apiGuard(deps.db, access));
  apiRoutes(api, deps);
  app.use("/api/v1", noStore, express.json({ limit: "100kb" }), api.router);
  // An unknown API path is a JSON 404, never the page router's sign-in or CSRF answer.
  app.use("/api", (_req, _res, next) => next(new HttpError(404, "No such API endpoint", "not-found")));

  // The read-only FHIR R4 API: the API's bearer tokens; every answer, errors included, is FHIR JSON.
  // Its routes carry their full paths (/fhir/R4/...), so the router is mounted at the root.
  const fhir = new RoleRouter("api", (access) => apiGuard(deps.db, access));
  fhirRoutes(fhir, deps);
  app.use("/fhir", noStore);
  app.use(fhir.router);
  app.use("/fhir", fhirFallback, fhirErrorHandler());
  // Wall screens: a display link per ward in the address, no session, cookie or form (src/displays).
  const wall = new RoleRouter("display", () => displayGuard(deps));
  wallRoutes(wall, deps);
  app.use(wall.router);

  // Pages: session, signed-in user, CSRF, then the features.
  const sessionStore = new DbSessionStore(deps.db, deps.sessionClock, deps.config.sessionIdleMinutes);
  app.use(
    session({
      store: sessionStore,
      secret: deps.config.sessionSecret,
      name: "ces.sid",
      resave: false,
      saveUninitialized: false,
      // The idle limit is the session row's expiry, renewed by each request of the user's (the
      // store's touch), not by a page's automatic refresh; the cookie lasts until the browser closes.
      cookie: {
        httpOnly: true,
        sameSite: "lax",
        secure: deps.config.env === "production",
      },
    }),
    autoRefreshIsNotActivity,
  );
  app.use(express.urlencoded({ extended: false, limit: "100kb", parameterLimit: 500 }));
  // A form posted after a timeout is kept (not saved) and shown again after sign-in.
  const keepForm = keepFormAfterTimeout({ store: sessionStore, secret: deps.config.sessionSecret, cookieName: "ces.sid", pageRoutes: () => pages.routes, clock: deps.clock });
  app.use(noStore, loadUser(deps.db), keepForm, csrfProtection(deps.config.sessionSecret), restoreKeptForm, oncePerForm(deps.db), (req, res, next) => {
    res.locals.currentPath = req.path;
    res.locals.currentUrl = req.method === "GET" ? req.originalUrl : null;
    if (req.session.flash) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  });

  const pages = new RoleRouter("page", pageGuard);
  authRoutes(pages, deps, oidcClient);
  if (oidcClient) oidcRoutes(pages, deps, oidcClient);
  patientRoutes(pages, deps);
  patientAuditRoutes(pages, deps);
  wardRoutes(pages, api, deps);
  followupRoutes(pages, api, deps);
  letterRoutes(pages, api, deps);
  reminderRoutes(pages, api, deps);
  clinicRoutes(pages, deps);
  reportRoutes(pages, deps);
  adminRoutes(pages, deps);
  feedRoutes(pages, deps);
  displayAdminRoutes(pages, deps);
  clinicalSafetyRoutes(pages, deps);
  app.use(pages.router);

  app.use(notFound);
  app.use(errorHandler());
  app.routeSpecs = [
    ...open.routes,
    ...api.routes.map((r) => ({ ...r, path: `/api/v1${r.path}` })),
    ...pages.routes,
    ...fhir.routes,
    ...wall.routes,
  ];
  return app;
}
