/** The pharmacist's review checklist for the medicines dictionary, written from the data itself. */
import { CLASS_IN_WORDS, type MedicineClass, medicines } from "../pathway/medicines.ts";

export const CHECKLIST_PATH = "docs/clinical-safety/pharmacist-review-checklist.md";

/** The rule each class feeds; a class with none is listed so that it is not reported "not classified". */
const RULES: Record<MedicineClass, string> = {
  opioid: "P3 (acute: needs a laxative), P5 (chronic: do not offer)",
  nsaid: "P2 (needs GI protection)",
  gabapentinoid: "P6 (chronic: do not offer)",
  "anti-epileptic": "P6 (chronic: do not offer)",
  "oral-corticosteroid": "P6 (chronic: do not offer; oral forms only)",
  benzodiazepine: "P6 (chronic: do not offer)",
  laxative: "P3 and B2 (the laxative an opioid needs)",
  "gi-protection": "P2 (the GI protection an NSAID needs)",
  "pde5-inhibitor": "X5 (erectile dysfunction)",
  paracetamol: "P2 (first line); same-ingredient check",
  antidepressant: "no flag",
  "z-drug": "no flag (not a benzodiazepine)",
  "muscle-relaxant": "no flag",
  "topical-analgesic": "no flag",
  "local-anaesthetic": "no flag",
  "bladder-antimuscarinic": "no flag",
  "alpha-blocker": "no flag",
  "beta3-agonist": "no flag",
};

const cell = (text: string) => text.replace(/\|/g, "\\|");

export function pharmacistChecklist(): string {
  const classes = Object.keys(CLASS_IN_WORDS) as MedicineClass[];
  const lines = [
    "# Pharmacist review checklist: the medicines dictionary",
    "",
    "Written by `npm run safety-case` from src/pathway/medicines.ts; a test fails if this file and the data differ.",
    "For each class, check the rule it feeds; for each entry, check its generic name, brands, classes, ingredients and source,",
    "and tick it. Add local brands to the data (not here), then run `npm run safety-case` again.",
    "A name that is in no entry is shown to staff as \"Not classified — check by hand\" and keeps P5/P6 from being shown as clear.",
    "",
    "Reviewed by (name, GPhC number): ____________________   Date: ____________",
    "",
  ];
  for (const cls of classes) {
    const entries = medicines.filter((m) => m.classes.includes(cls));
    lines.push(`## ${CLASS_IN_WORDS[cls]} (${cls})`, "", `Rule: ${RULES[cls]}. ${entries.length} entries.`, "", "| Checked | Generic | Brands and other names | All classes | Ingredients | Source |", "| --- | --- | --- | --- | --- | --- |");
    for (const m of entries) {
      lines.push(`| [ ] | ${cell(m.generic)} | ${cell([...(m.aliases ?? []), ...m.brands].join(", ") || "—")} | ${m.classes.join(", ")} | ${cell((m.ingredients ?? [m.generic]).join(", "))} | ${cell(m.source)} |`);
    }
    lines.push("");
  }
  lines.push("## Known gaps to decide", "", "- Plain \"Migraleve\" is not classified (Pink and Yellow contain codeine; Ultra is sumatriptan): decide whether to flag it like plain Solpadeine.", "- Aspirin, triptans, antihistamines and other classes outside the rule book are not classified.", "");
  return lines.join("\n");
}
