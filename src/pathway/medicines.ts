/**
 * Medicines the medication review recognises. DATA, for a pharmacist to extend:
 * add an entry { generic, brands, classes } (and `ingredients` for a combination).
 * Names are matched case-insensitively on whole words
 * (strength and form are ignored), so "Zapain 30mg/500mg tablets" matches the brand "Zapain".
 * A combination product lists the classes of all its components and names them in `generic`.
 * A brand name that covers products with different contents (e.g. plain "Solpadeine", or plain
 * "Migraleve", whose Ultra is sumatriptan) is left out on purpose, so that it is reported as not
 * classified rather than guessed.
 *
 * Classes the review reads: opioid, nsaid, gabapentinoid, anti-epileptic, oral-corticosteroid,
 * benzodiazepine, laxative, gi-protection, pde5-inhibitor, paracetamol.
 */
export type MedicineClass =
  | "opioid"
  | "nsaid"
  | "gabapentinoid"
  | "anti-epileptic"
  | "oral-corticosteroid"
  | "benzodiazepine"
  | "laxative"
  | "gi-protection"
  | "pde5-inhibitor"
  | "paracetamol";

export interface Medicine {
  generic: string;
  brands: string[];
  classes: MedicineClass[];
  /** Other names that mean the same product (older or international generic names). */
  aliases?: string[];
  /**
   * The active ingredients, by generic name, for a combination product; a single-ingredient
   * medicine leaves it out (its ingredient is its generic name). Two medicines on a list that share
   * an ingredient are flagged for the total daily dose (see sharedIngredients in medication-review).
   */
  ingredients?: string[];
}

/** A medicine's active ingredients: its own list, or its generic name. */
export function ingredientsOf(medicine: Medicine): string[] {
  return medicine.ingredients ?? [medicine.generic];
}

export const medicines: readonly Medicine[] = [
  // Paracetamol (P2)
  { generic: "paracetamol", aliases: ["acetaminophen"], brands: ["Panadol", "Calpol", "Disprol", "Anadin Paracetamol"], classes: ["paracetamol"] },

  // Opioids (P3, P5)
  { generic: "codeine", aliases: ["codeine phosphate"], brands: [], classes: ["opioid"] },
  { generic: "dihydrocodeine", brands: ["DF118", "DF118 Forte", "DHC Continus"], classes: ["opioid"] },
  { generic: "tramadol", brands: ["Zydol", "Zamadol", "Tramquel", "Maxitram", "Marol", "Invodol"], classes: ["opioid"] },
  { generic: "tapentadol", brands: ["Palexia"], classes: ["opioid"] },
  { generic: "morphine", aliases: ["morphine sulfate", "morphine sulphate"], brands: ["Oramorph", "Zomorph", "MST Continus", "Sevredol", "MXL"], classes: ["opioid"] },
  { generic: "oxycodone", brands: ["OxyContin", "OxyNorm", "Longtec", "Shortec", "Onexila", "Reltebon"], classes: ["opioid"] },
  { generic: "oxycodone with naloxone", ingredients: ["oxycodone", "naloxone"], brands: ["Targinact"], classes: ["opioid"] },
  { generic: "buprenorphine", brands: ["Butrans", "Transtec", "Temgesic", "Reletrans", "Butec", "Sevodyne", "Bupeaze"], classes: ["opioid"] },
  { generic: "fentanyl", brands: ["Durogesic", "Matrifen", "Abstral", "Effentora", "Instanyl", "PecFent"], classes: ["opioid"] },
  { generic: "hydromorphone", brands: ["Palladone"], classes: ["opioid"] },
  { generic: "methadone", brands: ["Physeptone"], classes: ["opioid"] },
  { generic: "pethidine", aliases: ["meperidine"], brands: [], classes: ["opioid"] },
  { generic: "diamorphine", brands: [], classes: ["opioid"] },
  { generic: "meptazinol", brands: ["Meptid"], classes: ["opioid"] },
  { generic: "pentazocine", brands: [], classes: ["opioid"] },
  // Opioid combinations
  { generic: "co-codamol (codeine with paracetamol)", ingredients: ["codeine", "paracetamol"], aliases: ["co-codamol", "cocodamol"], brands: ["Zapain", "Solpadol", "Kapake", "Tylex", "Codipar", "Emcozin", "Solpadeine Plus", "Solpadeine Max", "Migraleve Pink", "Migraleve Yellow"], classes: ["opioid", "paracetamol"] },
  { generic: "co-dydramol (dihydrocodeine with paracetamol)", ingredients: ["dihydrocodeine", "paracetamol"], aliases: ["co-dydramol", "codydramol"], brands: ["Remedeine"], classes: ["opioid", "paracetamol"] },
  { generic: "tramadol with paracetamol", ingredients: ["tramadol", "paracetamol"], brands: ["Tramacet"], classes: ["opioid", "paracetamol"] },
  { generic: "co-codaprin (codeine with aspirin)", ingredients: ["codeine", "aspirin"], aliases: ["co-codaprin"], brands: [], classes: ["opioid", "nsaid"] },
  { generic: "ibuprofen with codeine", ingredients: ["ibuprofen", "codeine"], brands: ["Nurofen Plus"], classes: ["opioid", "nsaid"] },

  // NSAIDs (P2)
  { generic: "ibuprofen", brands: ["Nurofen", "Brufen", "Calprofen", "Fenbid", "Anadin Joint Pain"], classes: ["nsaid"] },
  { generic: "naproxen", brands: ["Naprosyn", "Stirlescent", "Feminax Ultra"], classes: ["nsaid"] },
  { generic: "diclofenac", aliases: ["diclofenac sodium", "diclofenac potassium"], brands: ["Voltarol", "Diclomax", "Motifene", "Dyloject"], classes: ["nsaid"] },
  { generic: "celecoxib", brands: ["Celebrex"], classes: ["nsaid"] },
  { generic: "etoricoxib", brands: ["Arcoxia"], classes: ["nsaid"] },
  { generic: "meloxicam", brands: [], classes: ["nsaid"] },
  { generic: "mefenamic acid", brands: ["Ponstan"], classes: ["nsaid"] },
  { generic: "indometacin", aliases: ["indomethacin"], brands: [], classes: ["nsaid"] },
  { generic: "ketoprofen", brands: ["Oruvail"], classes: ["nsaid"] },
  { generic: "dexketoprofen", brands: ["Keral"], classes: ["nsaid"] },
  { generic: "etodolac", brands: [], classes: ["nsaid"] },
  { generic: "nabumetone", brands: [], classes: ["nsaid"] },
  { generic: "piroxicam", brands: ["Feldene"], classes: ["nsaid"] },
  { generic: "aceclofenac", brands: ["Preservex"], classes: ["nsaid"] },
  { generic: "ketorolac", brands: ["Toradol"], classes: ["nsaid"] },
  { generic: "flurbiprofen", brands: [], classes: ["nsaid"] },
  // NSAID with its own GI protection
  { generic: "diclofenac with misoprostol", ingredients: ["diclofenac", "misoprostol"], brands: ["Arthrotec"], classes: ["nsaid", "gi-protection"] },
  { generic: "naproxen with esomeprazole", ingredients: ["naproxen", "esomeprazole"], brands: ["Vimovo"], classes: ["nsaid", "gi-protection"] },

  // GI protection (P2): proton pump inhibitors, H2 blockers, misoprostol
  { generic: "omeprazole", brands: ["Losec", "Mepradec"], classes: ["gi-protection"] },
  { generic: "lansoprazole", brands: ["Zoton"], classes: ["gi-protection"] },
  { generic: "esomeprazole", brands: ["Nexium", "Emozul"], classes: ["gi-protection"] },
  { generic: "pantoprazole", brands: ["Protium"], classes: ["gi-protection"] },
  { generic: "rabeprazole", brands: ["Pariet"], classes: ["gi-protection"] },
  { generic: "famotidine", brands: ["Pepcid"], classes: ["gi-protection"] },
  { generic: "cimetidine", brands: ["Tagamet"], classes: ["gi-protection"] },
  { generic: "nizatidine", brands: ["Axid"], classes: ["gi-protection"] },
  { generic: "ranitidine", brands: ["Zantac"], classes: ["gi-protection"] },
  { generic: "misoprostol", brands: ["Cytotec"], classes: ["gi-protection"] },

  // Gabapentinoids (P6; also anti-epileptics)
  { generic: "gabapentin", brands: ["Neurontin"], classes: ["gabapentinoid", "anti-epileptic"] },
  { generic: "pregabalin", brands: ["Lyrica", "Alzain", "Lecaent", "Axalid"], classes: ["gabapentinoid", "anti-epileptic"] },

  // Anti-epileptics (P6)
  { generic: "carbamazepine", brands: ["Tegretol", "Carbagen"], classes: ["anti-epileptic"] },
  { generic: "sodium valproate", aliases: ["valproate", "valproic acid", "valproate semisodium"], brands: ["Epilim", "Episenta", "Epival", "Dyzantil", "Depakote", "Convulex"], classes: ["anti-epileptic"] },
  { generic: "lamotrigine", brands: ["Lamictal"], classes: ["anti-epileptic"] },
  { generic: "levetiracetam", brands: ["Keppra", "Desitrend"], classes: ["anti-epileptic"] },
  { generic: "topiramate", brands: ["Topamax"], classes: ["anti-epileptic"] },
  { generic: "phenytoin", brands: ["Epanutin"], classes: ["anti-epileptic"] },
  { generic: "oxcarbazepine", brands: ["Trileptal"], classes: ["anti-epileptic"] },
  { generic: "eslicarbazepine", brands: ["Zebinix"], classes: ["anti-epileptic"] },
  { generic: "lacosamide", brands: ["Vimpat"], classes: ["anti-epileptic"] },
  { generic: "zonisamide", brands: ["Zonegran"], classes: ["anti-epileptic"] },
  { generic: "phenobarbital", aliases: ["phenobarbitone"], brands: [], classes: ["anti-epileptic"] },

  // Benzodiazepines (P6)
  { generic: "diazepam", brands: ["Diazemuls", "Stesolid"], classes: ["benzodiazepine"] },
  { generic: "lorazepam", brands: ["Ativan"], classes: ["benzodiazepine"] },
  { generic: "temazepam", brands: [], classes: ["benzodiazepine"] },
  { generic: "nitrazepam", brands: ["Mogadon"], classes: ["benzodiazepine"] },
  { generic: "oxazepam", brands: [], classes: ["benzodiazepine"] },
  { generic: "chlordiazepoxide", brands: ["Librium"], classes: ["benzodiazepine"] },
  { generic: "alprazolam", brands: ["Xanax"], classes: ["benzodiazepine"] },
  { generic: "clonazepam", brands: ["Rivotril"], classes: ["benzodiazepine", "anti-epileptic"] },
  { generic: "clobazam", brands: ["Frisium", "Tapclob", "Zacco"], classes: ["benzodiazepine", "anti-epileptic"] },
  { generic: "midazolam", brands: ["Buccolam", "Epistatus"], classes: ["benzodiazepine"] },
  { generic: "loprazolam", brands: [], classes: ["benzodiazepine"] },
  { generic: "lormetazepam", brands: [], classes: ["benzodiazepine"] },

  // Oral corticosteroids (P6). Only forms taken by mouth count: see TOPICAL_FORMS in medication-review.
  { generic: "prednisolone", brands: [], classes: ["oral-corticosteroid"] },
  { generic: "prednisone", brands: [], classes: ["oral-corticosteroid"] },
  { generic: "dexamethasone", brands: ["Glensoludex", "Neofordex"], classes: ["oral-corticosteroid"] },
  { generic: "methylprednisolone", brands: ["Medrone"], classes: ["oral-corticosteroid"] },
  { generic: "hydrocortisone", brands: ["Plenadren", "Alkindi"], classes: ["oral-corticosteroid"] },
  { generic: "deflazacort", brands: ["Calcort"], classes: ["oral-corticosteroid"] },

  // Laxatives (B2; P3 constipation adjuvant): senna (stimulant) and docusate (softener) are named in B2
  { generic: "senna", aliases: ["sennosides"], brands: ["Senokot", "Manevac"], classes: ["laxative"] },
  { generic: "docusate sodium", aliases: ["docusate", "sodium docusate"], brands: ["Dioctyl", "Docusol", "Norgalax"], classes: ["laxative"] },
  { generic: "bisacodyl", brands: ["Dulcolax"], classes: ["laxative"] },
  { generic: "sodium picosulfate", aliases: ["sodium picosulphate"], brands: ["Dulcolax Pico"], classes: ["laxative"] },
  { generic: "lactulose", brands: ["Duphalac", "Lactugal"], classes: ["laxative"] },
  { generic: "macrogol", aliases: ["polyethylene glycol"], brands: ["Movicol", "Laxido", "CosmoCol", "Molaxole", "Macilax"], classes: ["laxative"] },
  { generic: "ispaghula husk", aliases: ["ispaghula", "psyllium"], brands: ["Fybogel", "Isogel"], classes: ["laxative"] },
  { generic: "glycerol suppositories", aliases: ["glycerol", "glycerin suppositories"], brands: [], classes: ["laxative"] },
  { generic: "co-danthramer (dantron with poloxamer)", ingredients: ["dantron", "poloxamer"], aliases: ["co-danthramer"], brands: [], classes: ["laxative"] },
  { generic: "co-danthrusate (dantron with docusate)", ingredients: ["dantron", "docusate sodium"], aliases: ["co-danthrusate"], brands: [], classes: ["laxative"] },
  { generic: "naloxegol", brands: ["Moventig"], classes: ["laxative"] },
  { generic: "methylnaltrexone", brands: ["Relistor"], classes: ["laxative"] },

  // PDE5 inhibitors (X5)
  { generic: "sildenafil", brands: ["Viagra", "Viagra Connect", "Nipatra"], classes: ["pde5-inhibitor"] },
  { generic: "tadalafil", brands: ["Cialis"], classes: ["pde5-inhibitor"] },
  { generic: "vardenafil", brands: ["Levitra"], classes: ["pde5-inhibitor"] },
  { generic: "avanafil", brands: ["Spedra"], classes: ["pde5-inhibitor"] },
];
