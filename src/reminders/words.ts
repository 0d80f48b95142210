/**
 * Words that must never appear in an email to a patient: diagnosis, bladder, catheter, bowel,
 * sexual-function and drug words (rule book, section 8). Every patient template is tested against it.
 */
export const FORBIDDEN_PATIENT_WORDS = [
  "cauda", "equina", "CES", "CES-I", "CES-R", "syndrome", "diagnosis", "spinal cord", "SCI", "injury",
  "catheter", "catheterise", "catheterisation", "catheterization", "ISC", "self-catheterisation", "TWOC", "trial without",
  "bladder", "void", "voiding", "urine", "urinary", "urology", "continence", "incontinence", "retention",
  "flip-flow", "flip flow", "valve", "drain", "drainage", "scan",
  "bowel", "rectal", "DRS", "DRE", "constipation", "laxative", "stool",
  "sexual", "erectile", "dysfunction", "PDE5",
  "pain", "neuropathic", "chronic", "acute", "opioid", "opioids", "NSAID", "paracetamol", "codeine", "co-codamol",
  "morphine", "oxycodone", "tramadol", "ibuprofen", "naproxen", "diclofenac", "gabapentin", "pregabalin",
  "gabapentinoid", "steroid", "benzodiazepine", "diazepam", "senna", "docusate", "tadalafil", "sildenafil",
  "omeprazole", "lansoprazole", "medicine", "medication", "drug", "drugs", "prescription",
  "surgery", "laminectomy", "hemilaminectomy", "laminotomy", "MRI", "operation", "psychology", "psychological",
  "uro", "neurology", "neurological",
];

/**
 * Stems found anywhere inside a word: "neurosurgery", "neurosurgical", "spinal injuries",
 * "urodynamics", "psychologist" name what the whole words above name.
 */
export const FORBIDDEN_PATIENT_STEMS = ["surg", "injur", "urolog", "urodynam", "psycholog", "catheter", "continen", "laminect", "laminot"];

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
const EDGE_BEFORE = "(^|[^A-Za-z0-9])";
const EDGE_AFTER = "($|[^A-Za-z0-9])";

/**
 * How a word is matched: an abbreviation (capitals: CES, ISC, DRS, MRI) only as a whole word, as
 * "science" must not match SCI; a short word as a whole word with a plain ending (scans, voided);
 * a longer word at the start of a word with any ending (bladders, catheters, medicines).
 */
function patternFor(word: string): RegExp {
  const w = escape(word);
  if (/^[A-Z0-9-]+$/.test(word)) return new RegExp(`${EDGE_BEFORE}${w}${EDGE_AFTER}`, "i");
  if (word.length <= 4) return new RegExp(`${EDGE_BEFORE}${w}(s|es|ed|ing)?${EDGE_AFTER}`, "i");
  return new RegExp(`${EDGE_BEFORE}${w}[a-z]*${EDGE_AFTER}`, "i");
}

const PATTERNS = [
  ...FORBIDDEN_PATIENT_WORDS.map((word) => ({ word, pattern: patternFor(word) })),
  ...FORBIDDEN_PATIENT_STEMS.map((word) => ({ word, pattern: new RegExp(escape(word), "i") })),
];

/** The forbidden words and stems found in a text (any case; see patternFor). */
export function forbiddenWordsIn(text: string): string[] {
  return [...new Set(PATTERNS.filter((p) => p.pattern.test(text)).map((p) => p.word))];
}

/** The words of a text that hold a forbidden word or stem, as typed ("Neurosurgery", not "surg"), for messages to staff. */
export function clinicalWordsAsTyped(text: string): string[] {
  const words = text.match(/[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*/g) ?? [];
  const typed = words.filter((w) => forbiddenWordsIn(w).length > 0);
  // A phrase such as "trial without" or "spinal cord" is found only across words.
  return typed.length ? [...new Set(typed)] : forbiddenWordsIn(text);
}
