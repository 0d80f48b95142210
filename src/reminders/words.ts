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
];

/** The forbidden words found in a text (whole words, any case). */
export function forbiddenWordsIn(text: string): string[] {
  return FORBIDDEN_PATIENT_WORDS.filter((word) => {
    const escaped = word.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
    return new RegExp(`(^|[^A-Za-z0-9])${escaped}($|[^A-Za-z0-9])`, "i").test(text);
  });
}
