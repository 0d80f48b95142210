/** OpenAPI schemas for the ward's API. */
const instant = { type: "string", format: "date-time", description: "ISO 8601 with an offset; not in the future, at most 24 hours ago" };

export const bladderEventBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["type", "at"],
  properties: {
    type: { type: "string", enum: ["catheter-removed", "scan", "void", "recatheterised", "flip-flow-opening"] },
    at: instant,
    phase: { type: "string", enum: ["pre-void", "post-void"], description: "scan only; required for a scan" },
    volumeMl: { type: "integer", minimum: 0, maximum: 3000, description: "Whole millilitres. Required for a scan and a flip-flow opening (drained volume); optional for a void" },
    sensationToVoid: { type: "boolean", description: "scan only; required for a pre-void scan (U3)" },
    catheterType: { type: "string", enum: ["long-term-flip-flow", "other"], description: "recatheterised only; optional" },
    sensate: { type: "boolean", description: "recatheterised only; optional: whether the patient is sensate (U-SAFE)" },
    catheterTugDone: { type: "boolean", description: "recatheterised only; optional: whether a catheter tug was done (U-SAFE)" },
    catheterTugResult: { type: "string", maxLength: 300, description: "recatheterised only; required when catheterTugDone is true" },
    clientId: { type: "string", maxLength: 100, description: "The caller's id for this event: sent again, nothing new is stored (unique per episode)" },
  },
};

export const twocSchema = {
  type: "object",
  properties: {
    status: { type: "string", enum: ["not-started", "in-progress", "passed", "failed", "review"] },
    rules: { type: "array", items: { type: "string" }, description: "Rule ids of the pathway, e.g. U3, U-SAFE" },
    reason: { type: "string" },
    noVoidDeadline: { type: "string", nullable: true, description: "U4 deadline in Europe/London with its offset, while the TWOC is open" },
  },
};
