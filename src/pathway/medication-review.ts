import { PathwayInputError } from "./errors.ts";
import { CLASS_IN_WORDS, ingredientsOf, type Medicine, type MedicineClass, medicines } from "./medicines.ts";
import type { PainPhase } from "./pain.ts";

export interface MedicationFlag {
  /** The medicine as entered. */
  medication: string;
  rule: "P2" | "P3" | "P5" | "P6";
  /** The flag in clinical English, naming the medicine as entered and ending with its rule. */
  message: string;
  /** What the medicine is or contains, without its name: "contains codeine, an opioid", "is a benzodiazepine". */
  finding: string;
  /** When the name does not say which product is meant: what to check (plain "Solpadeine"). */
  check?: string;
}

/**
 * Two or more medicines on the list that contain the same ingredient (paracetamol with co-codamol).
 * A safety check outside the pathway: the rule book has no rule for it and names no dose limit,
 * so it cites no rule id and asks for the total daily dose to be checked by a clinician.
 */
export interface SharedIngredient {
  ingredient: string;
  medications: string[];
  message: string;
}

export interface MedicationReview {
  flags: MedicationFlag[];
  unclassified: string[];
  sharedIngredients: SharedIngredient[];
}

/** Said beside every shared-ingredient flag: it is not a rule of the pathway. */
export const OUTSIDE_PATHWAY_NOTE =
  "A safety check outside the pathway: the rule book has no rule for it and gives no dose limit. For clinical review.";

/** Lower-case words: "Co-codamol 30mg/500mg" -> ["co", "codamol", "30mg", "500mg"]. */
function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== "");
}

/** `phrase` occurs in `text` as whole consecutive words. */
function containsPhrase(text: string[], phrase: string[]): boolean {
  for (let i = 0; i + phrase.length <= text.length; i++) {
    if (phrase.every((w, j) => text[i + j] === w)) return true;
  }
  return false;
}

/** Names a medicine is known by: its generic name (without the bracketed note), aliases and brands. */
function namesOf(m: Medicine): string[][] {
  return [m.generic.replace(/\(.*\)/, ""), ...(m.aliases ?? []), ...m.brands].map(words);
}

const CATALOGUE = medicines.map((m) => ({ medicine: m, names: namesOf(m) }));

/** A corticosteroid in one of these forms is not an oral steroid (P6). "Depo" and "Solu" are the injectable brands (Depo-Medrone, Solu-Medrone). */
const NOT_BY_MOUTH = [
  "cream", "ointment", "gel", "emulgel", "lotion", "foam", "drops", "spray", "inhaler", "inhalation", "enema",
  "suppository", "suppositories", "injection", "epidural", "intra articular", "depo", "solu",
].map(words);
/** An NSAID in one of these forms acts on the skin: P2's GI protection is not needed. */
const ON_THE_SKIN = ["cream", "ointment", "gel", "emulgel", "lotion", "foam", "spray", "plaster", "patch", "drops"].map(words);

export interface Classification {
  /** Matched medicines' generic names. */
  generics: string[];
  classes: Set<MedicineClass>;
  /** The active ingredients of the matched medicines, each once. */
  ingredients: string[];
  /** For each class, the ingredients that give it (none for a class not found): co-codamol's opioid is codeine. */
  contents: Record<MedicineClass, string[]>;
  /** When the name does not say which product is meant: what to check (see Medicine.check). */
  check?: string;
}

/** Single-ingredient medicines by generic name: what a combination's ingredients are. */
const SINGLE = new Map(medicines.filter((m) => m.ingredients === undefined).map((m) => [m.generic, m]));

/**
 * The ingredients of a medicine that give it a class: a single-ingredient medicine is its own; a
 * combination's are those whose own entry has the class, else those with no entry of their own
 * (co-codaprin's NSAID is aspirin). The data test checks every class names at least one.
 */
function ingredientsGiving(m: Medicine, cls: MedicineClass): string[] {
  if (m.ingredients === undefined) return [m.generic];
  const own = m.ingredients.filter((i) => SINGLE.get(i)?.classes.includes(cls) === true);
  return own.length > 0 ? own : m.ingredients.filter((i) => !SINGLE.has(i));
}

/**
 * The medicines a free-text medication line names, and their classes. Matching ignores case,
 * strength and form, and works on whole words so a short name never matches inside another word.
 * Returns undefined when nothing in the catalogue matches.
 */
export function classifyMedication(name: string): Classification | undefined {
  const text = words(name);
  const hits = CATALOGUE.map((c) => ({
    medicine: c.medicine,
    phrase: c.names.filter((n) => containsPhrase(text, n)).sort((a, b) => b.length - a.length)[0],
  })).filter((h): h is { medicine: Medicine; phrase: string[] } => h.phrase !== undefined);
  if (hits.length === 0) return undefined;
  // "Nurofen Plus" names ibuprofen with codeine; the shorter "Nurofen" inside it is not a second medicine.
  const matched = hits
    .filter((h) => !hits.some((o) => o.phrase.length > h.phrase.length && containsPhrase(o.phrase, h.phrase)))
    .map((h) => h.medicine);
  const classes = new Set(matched.flatMap((m) => m.classes));
  if (NOT_BY_MOUTH.some((f) => containsPhrase(text, f))) classes.delete("oral-corticosteroid");
  if (ON_THE_SKIN.some((f) => containsPhrase(text, f))) classes.delete("nsaid");
  const contents = Object.fromEntries(
    (Object.keys(CLASS_IN_WORDS) as MedicineClass[]).map((cls) => [cls, [...new Set(matched.filter((m) => classes.has(cls) && m.classes.includes(cls)).flatMap((m) => ingredientsGiving(m, cls)))]]),
  ) as Classification["contents"];
  const check = matched.find((m) => m.check !== undefined)?.check;
  return { generics: matched.map((m) => m.generic), classes, ingredients: [...new Set(matched.flatMap(ingredientsOf))], contents, ...(check === undefined ? {} : { check }) };
}

/**
 * What a recognised medicine is, in words, for the medicines page ("zopiclone: Z-drug hypnotic: not a
 * benzodiazepine"); undefined when the name is not classified.
 */
export function describeMedication(name: string): string | undefined {
  const found = classifyMedication(name);
  if (found === undefined) return undefined;
  const what = found.generics.join(" + ");
  if (found.classes.size === 0) return `${what}, in a form on the skin or not by mouth: no rule applies`;
  return `${what}: ${[...found.classes].map((c) => CLASS_IN_WORDS[c]).join("; ")}`;
}

const P6_CLASSES: { cls: MedicineClass; label: string }[] = [
  { cls: "gabapentinoid", label: "gabapentinoid" },
  { cls: "anti-epileptic", label: "anti-epileptic" },
  { cls: "oral-corticosteroid", label: "oral steroid" },
  { cls: "benzodiazepine", label: "benzodiazepine" },
];
const OPIOID = [{ cls: "opioid" as const, label: "opioid" }];
const NSAID = [{ cls: "nsaid" as const, label: "NSAID" }];

/**
 * What a medicine is or contains, in the flagged classes, without its name: "is a gabapentinoid and
 * anti-epileptic" when its name names its one ingredient; otherwise "contains codeine, an opioid" (or
 * "may contain", when the name does not say which product).
 */
function findingOf(name: string, found: Classification, classes: { cls: MedicineClass; label: string }[]): string {
  const labels = new Map<string, string[]>();
  for (const { cls, label } of classes) {
    for (const ingredient of found.contents[cls]) labels.set(ingredient, [...(labels.get(ingredient) ?? []), label]);
  }
  const parts = [...labels].map(([ingredient, l]) => ({ ingredient, what: article(l.join(" and ")) }));
  const verb = found.check === undefined ? "contains" : "may contain";
  if (parts.length > 1) return `${verb} ${listInWords(parts.map((p) => `${p.ingredient} (${p.what})`))}`;
  const [{ ingredient, what }] = parts;
  // "is" only for a line naming one medicine by its ingredient: a line of two medicines "contains" each.
  return found.check === undefined && found.generics.length === 1 && containsPhrase(words(name), words(ingredient)) ? `is ${what}` : `${verb} ${ingredient}, ${what}`;
}

/**
 * Check the current medication list against the pain phase.
 * Chronic: an opioid -> P5; a gabapentinoid, anti-epileptic, oral steroid or benzodiazepine -> P6.
 * Acute: an opioid with no laxative on the list -> P3. Either phase: an NSAID with no GI
 * protection on the list -> P2. A name not recognised goes to `unclassified`.
 */
export function reviewMedications(phase: PainPhase, medications: string[]): MedicationReview {
  if (phase !== "acute" && phase !== "chronic") {
    throw new PathwayInputError("invalid-value", "phase", `phase must be "acute" or "chronic".`);
  }
  if (!Array.isArray(medications)) {
    throw new PathwayInputError("missing-field", "medications", "medications must be a list of medicine names (it may be empty).");
  }
  const lines = medications.map((name, i) => {
    if (typeof name !== "string" || name.trim() === "") {
      throw new PathwayInputError("invalid-value", `medications[${i}]`, `medications[${i}] is empty: enter the medicine's name or remove the line.`);
    }
    return { name, found: classifyMedication(name) };
  });
  const anyHas = (cls: MedicineClass): boolean => lines.some((l) => l.found?.classes.has(cls) === true);
  const hasLaxative = anyHas("laxative");
  const hasGiProtection = anyHas("gi-protection");

  const flags: MedicationFlag[] = [];
  const unclassified: string[] = [];
  for (const { name, found } of lines) {
    if (found === undefined) {
      unclassified.push(name);
      continue;
    }
    const has = (cls: MedicineClass): boolean => found.classes.has(cls);
    const check = found.check === undefined ? "" : ` ${found.check}`;
    const flag = (rule: MedicationFlag["rule"], finding: string, message: string) =>
      flags.push({ medication: name, rule, message: `${name} ${finding}${message} (${rule}).${check}`, finding, ...(found.check === undefined ? {} : { check: found.check }) });
    if (phase === "chronic" && has("opioid")) flag("P5", findingOf(name, found, OPIOID), ": not offered in the chronic phase");
    if (phase === "chronic") {
      const p6 = P6_CLASSES.filter((c) => has(c.cls));
      if (p6.length > 0) flag("P6", findingOf(name, found, p6), ": not offered in the chronic phase");
    }
    if (phase === "acute" && has("opioid") && !hasLaxative) {
      flag("P3", findingOf(name, found, OPIOID), ", and there is no laxative on the list: add a laxative to avoid constipation");
    }
    if (has("nsaid") && !hasGiProtection) {
      flag("P2", findingOf(name, found, NSAID), ", and there is no GI protection on the list: add a proton pump inhibitor, H2 blocker or misoprostol");
    }
  }
  return { flags, unclassified, sharedIngredients: sharedIngredients(lines) };
}

/** Each ingredient that two or more lines of the list contain, in the order first met. */
function sharedIngredients(lines: { name: string; found: Classification | undefined }[]): SharedIngredient[] {
  const byIngredient = new Map<string, string[]>();
  for (const { name, found } of lines) {
    for (const ingredient of found?.ingredients ?? []) byIngredient.set(ingredient, [...(byIngredient.get(ingredient) ?? []), name]);
  }
  return [...byIngredient]
    .filter(([, names]) => names.length > 1)
    .map(([ingredient, names]) => ({
      ingredient,
      medications: names,
      message: `${listInWords(names)} ${names.length === 2 ? "both" : "all"} contain ${ingredient}: check the total daily dose.`,
    }));
}

/** "A", "A and B", "A, B and C". */
function listInWords(items: string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * P5 and P6 are prohibitions, not tasks: their status is what the medication review found.
 * `clear` when no current medicine of the rule's classes was recognised; a medicine the review could
 * not classify keeps it from being shown as clear ("check by hand").
 */
export interface ProhibitionStatus {
  rule: "P5" | "P6";
  clear: boolean;
  /** The current medicines that the rule says not to offer. */
  medications: string[];
  /** Medicines the review could not check. */
  unchecked: string[];
  text: string;
}

const PROHIBITED = {
  P5: { kinds: "opioid", advice: "do not offer opioids in the chronic phase" },
  P6: {
    kinds: "gabapentinoid, anti-epileptic, oral steroid or benzodiazepine",
    advice: "do not offer gabapentinoids, anti-epileptics, oral steroids or benzodiazepines in the chronic phase",
  },
} as const;

export function prohibitionStatus(review: MedicationReview, rule: "P5" | "P6"): ProhibitionStatus {
  if (rule !== "P5" && rule !== "P6") throw new PathwayInputError("invalid-value", "rule", `rule must be "P5" or "P6".`);
  const { kinds, advice } = PROHIBITED[rule];
  const medications = [...new Set(review.flags.filter((f) => f.rule === rule).map((f) => f.medication))];
  const unchecked = review.unclassified;
  const status = (clear: boolean, text: string): ProhibitionStatus => ({ rule, clear, medications, unchecked, text });
  if (medications.length > 0) return status(false, `Takes ${article(kinds)}: ${listInWords(medications)} (${advice}).`);
  if (unchecked.length > 0) return status(false, `No ${kinds} among the medicines the review knows, but it does not know ${listInWords(unchecked)}: check by hand.`);
  return status(true, `Not on any ${kinds} ✓`);
}

/** "an opioid", "a benzodiazepine", "an NSAID" (said "en-said"). */
function article(label: string): string {
  return /^([aeiou]|NSAID)/.test(label) ? `an ${label}` : `a ${label}`;
}
