/** The ward feature's routes: see routes/ (board, bladder, flip-flow, api). */
export { wardRoutes } from "./routes/index.ts";
