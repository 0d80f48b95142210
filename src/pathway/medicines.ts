/**
 * Medicines the medication review recognises. DATA, for a pharmacist to extend:
 * add an entry { generic, brands, classes } (and `ingredients` for a combination).
 * Names are matched case-insensitively on whole words
 * (strength and form are ignored), so "Zapain 30mg/500mg tablets" matches the brand "Zapain".
 * A combination product lists the classes of all its components and names them in `generic`.
 * A brand name that covers products with different contents is either listed with every class its
 * products may contain and says so in `generic` (plain "Solpadeine": Plus and Max contain codeine,
 * so it is flagged as an opioid until the team checks which product), or left out, so that it is
 * reported as not classified rather than guessed (plain "Migraleve", whose Ultra is sumatriptan).
 * Every entry names its `source`: the BNF section or the dm+d virtual therapeutic moiety (VTM).
 *
 * Classes the review reads: opioid, nsaid, gabapentinoid, anti-epileptic, oral-corticosteroid,
 * benzodiazepine, laxative, gi-protection, pde5-inhibitor, paracetamol.
 * Classes that are known and carry no flag of the rule book (listed so that a common medicine after
 * spinal surgery is not reported as "not classified"): antidepressant, z-drug, muscle-relaxant,
 * topical-analgesic, local-anaesthetic, bladder-antimuscarinic, alpha-blocker, beta3-agonist.
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
  | "paracetamol"
  | "antidepressant"
  | "z-drug"
  | "muscle-relaxant"
  | "topical-analgesic"
  | "local-anaesthetic"
  | "bladder-antimuscarinic"
  | "alpha-blocker"
  | "beta3-agonist";

/** Each class in words, as the medicines page shows a medicine that is known. */
export const CLASS_IN_WORDS: Record<MedicineClass, string> = {
  opioid: "opioid",
  nsaid: "NSAID",
  gabapentinoid: "gabapentinoid",
  "anti-epileptic": "anti-epileptic",
  "oral-corticosteroid": "corticosteroid (oral forms only count as an oral steroid)",
  benzodiazepine: "benzodiazepine",
  laxative: "laxative",
  "gi-protection": "GI protection (proton pump inhibitor, H2 blocker or misoprostol)",
  "pde5-inhibitor": "PDE5 inhibitor",
  paracetamol: "paracetamol",
  antidepressant: "antidepressant (also used for neuropathic pain): not a P6 medicine",
  "z-drug": "Z-drug hypnotic: not a benzodiazepine",
  "muscle-relaxant": "muscle relaxant: not a benzodiazepine",
  "topical-analgesic": "topical analgesic",
  "local-anaesthetic": "local anaesthetic",
  "bladder-antimuscarinic": "bladder antimuscarinic",
  "alpha-blocker": "alpha-blocker",
  "beta3-agonist": "beta-3 agonist (bladder)",
};

export interface Medicine {
  generic: string;
  /** Where the entry comes from: the BNF section, or the dm+d VTM name. */
  source: string;
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
  /**
   * When the name does not say which product is meant (plain "Solpadeine"): what to check. The
   * review then says the medicine "may contain" an ingredient, and adds this sentence.
   */
  check?: string;
}

/** A medicine's active ingredients: its own list, or its generic name. */
export function ingredientsOf(medicine: Medicine): string[] {
  return medicine.ingredients ?? [medicine.generic];
}

/** The entries of one BNF section (or dm+d VTM), each given that source. */
function from(source: string, entries: Omit<Medicine, "source">[]): Medicine[] {
  return entries.map((entry) => ({ ...entry, source }));
}

export const medicines: readonly Medicine[] = [
  // Paracetamol (P2)
  ...from("BNF 4.7.1 Non-opioid analgesics", [
    { generic: "paracetamol", aliases: ["acetaminophen"], brands: ["Panadol", "Calpol", "Disprol", "Anadin Paracetamol", "Panadol Extra", "Solpadeine Headache"], classes: ["paracetamol"] },
  ]),

  // Opioids (P3, P5)
  ...from("BNF 4.7.2 Opioid analgesics", [
    { generic: "codeine", aliases: ["codeine phosphate"], brands: [], classes: ["opioid"] },
    { generic: "dihydrocodeine", brands: ["DF118", "DF118 Forte", "DHC Continus"], classes: ["opioid"] },
    { generic: "tramadol", brands: ["Zydol", "Zamadol", "Tramquel", "Maxitram", "Marol", "Invodol", "Tramulief", "Larapam"], classes: ["opioid"] },
    { generic: "tapentadol", brands: ["Palexia"], classes: ["opioid"] },
    { generic: "morphine", aliases: ["morphine sulfate", "morphine sulphate"], brands: ["Oramorph", "Zomorph", "MST Continus", "Sevredol", "MXL", "Morphgesic", "Actimorph"], classes: ["opioid"] },
    { generic: "oxycodone", brands: ["OxyContin", "OxyNorm", "Longtec", "Shortec", "Onexila", "Reltebon", "Oxypro", "Oxeltra", "Lynlor"], classes: ["opioid"] },
    { generic: "oxycodone with naloxone", ingredients: ["oxycodone", "naloxone"], brands: ["Targinact", "Myrenix"], classes: ["opioid"] },
    { generic: "buprenorphine", brands: ["Butrans", "Transtec", "Temgesic", "Reletrans", "Butec", "Sevodyne", "Bupeaze", "Hapoctasin", "Panitaz", "Buvidal", "Espranor", "Subutex"], classes: ["opioid"] },
    { generic: "fentanyl", brands: ["Durogesic", "Matrifen", "Abstral", "Effentora", "Instanyl", "PecFent", "Fencino", "Mezolar", "Opiodur"], classes: ["opioid"] },
    { generic: "hydromorphone", brands: ["Palladone"], classes: ["opioid"] },
    { generic: "methadone", brands: ["Physeptone", "Methadose"], classes: ["opioid"] },
    { generic: "pethidine", aliases: ["meperidine"], brands: [], classes: ["opioid"] },
    { generic: "diamorphine", brands: [], classes: ["opioid"] },
    { generic: "meptazinol", brands: ["Meptid"], classes: ["opioid"] },
    { generic: "pentazocine", brands: [], classes: ["opioid"] },
  ]),
  // Opioid combinations
  ...from("BNF 4.7.2 Opioid analgesics (compound preparations)", [
    { generic: "co-codamol (codeine with paracetamol)", ingredients: ["codeine", "paracetamol"], aliases: ["co-codamol", "cocodamol"], brands: ["Zapain", "Solpadol", "Kapake", "Tylex", "Codipar", "Emcozin", "Solpadeine Plus", "Solpadeine Max", "Migraleve Pink", "Migraleve Yellow", "Panadol Ultra", "Paracodol"], classes: ["opioid", "paracetamol"] },
    // Plain "Solpadeine" does not say which product: Plus and Max contain codeine, Headache does not.
    // The safer reading flags it as containing codeine, and the message says to check which product.
    {
      generic: "Solpadeine, product not named (Plus and Max contain codeine with paracetamol): check which",
      ingredients: ["codeine", "paracetamol"],
      brands: ["Solpadeine"],
      classes: ["opioid", "paracetamol"],
      check: "Plain Solpadeine does not say which product: Plus and Max contain codeine, Headache does not. Check which.",
    },
    { generic: "co-dydramol (dihydrocodeine with paracetamol)", ingredients: ["dihydrocodeine", "paracetamol"], aliases: ["co-dydramol", "codydramol"], brands: ["Remedeine", "Paramol"], classes: ["opioid", "paracetamol"] },
    { generic: "tramadol with paracetamol", ingredients: ["tramadol", "paracetamol"], brands: ["Tramacet"], classes: ["opioid", "paracetamol"] },
    { generic: "co-codaprin (codeine with aspirin)", ingredients: ["codeine", "aspirin"], aliases: ["co-codaprin"], brands: [], classes: ["opioid", "nsaid"] },
    { generic: "ibuprofen with codeine", ingredients: ["ibuprofen", "codeine"], brands: ["Nurofen Plus"], classes: ["opioid", "nsaid"] },
  ]),

  // NSAIDs (P2)
  ...from("BNF 10.1.1 Non-steroidal anti-inflammatory drugs", [
    { generic: "ibuprofen", brands: ["Nurofen", "Brufen", "Calprofen", "Fenbid", "Anadin Joint Pain", "Anadin Ultra", "Cuprofen", "Ibugel", "Ibuleve"], classes: ["nsaid"] },
    { generic: "naproxen", brands: ["Naprosyn", "Stirlescent", "Feminax Ultra", "Naxagolar"], classes: ["nsaid"] },
    { generic: "diclofenac", aliases: ["diclofenac sodium", "diclofenac potassium"], brands: ["Voltarol", "Diclomax", "Motifene", "Dyloject", "Defenac", "Fenactol", "Econac"], classes: ["nsaid"] },
    { generic: "celecoxib", brands: ["Celebrex"], classes: ["nsaid"] },
    { generic: "etoricoxib", brands: ["Arcoxia"], classes: ["nsaid"] },
    { generic: "meloxicam", brands: [], classes: ["nsaid"] },
    { generic: "mefenamic acid", brands: ["Ponstan"], classes: ["nsaid"] },
    { generic: "indometacin", aliases: ["indomethacin"], brands: [], classes: ["nsaid"] },
    { generic: "ketoprofen", brands: ["Oruvail", "Powergel"], classes: ["nsaid"] },
    { generic: "dexketoprofen", brands: ["Keral"], classes: ["nsaid"] },
    { generic: "etodolac", brands: [], classes: ["nsaid"] },
    { generic: "nabumetone", brands: [], classes: ["nsaid"] },
    { generic: "piroxicam", brands: ["Feldene"], classes: ["nsaid"] },
    { generic: "aceclofenac", brands: ["Preservex"], classes: ["nsaid"] },
    { generic: "ketorolac", brands: ["Toradol"], classes: ["nsaid"] },
    { generic: "flurbiprofen", brands: [], classes: ["nsaid"] },
    { generic: "parecoxib", brands: ["Dynastat"], classes: ["nsaid"] },
  ]),
  // NSAID with its own GI protection
  ...from("BNF 10.1.1 Non-steroidal anti-inflammatory drugs (with gastro-protection)", [
    { generic: "diclofenac with misoprostol", ingredients: ["diclofenac", "misoprostol"], brands: ["Arthrotec"], classes: ["nsaid", "gi-protection"] },
    { generic: "naproxen with esomeprazole", ingredients: ["naproxen", "esomeprazole"], brands: ["Vimovo"], classes: ["nsaid", "gi-protection"] },
  ]),

  // GI protection (P2): proton pump inhibitors, H2 blockers, misoprostol
  ...from("BNF 1.3.5 Proton pump inhibitors", [
    { generic: "omeprazole", brands: ["Losec", "Mepradec", "Losec MUPS"], classes: ["gi-protection"] },
    { generic: "lansoprazole", brands: ["Zoton"], classes: ["gi-protection"] },
    { generic: "esomeprazole", brands: ["Nexium", "Emozul"], classes: ["gi-protection"] },
    { generic: "pantoprazole", brands: ["Protium"], classes: ["gi-protection"] },
    { generic: "rabeprazole", brands: ["Pariet"], classes: ["gi-protection"] },
  ]),
  ...from("BNF 1.3.1 H2-receptor antagonists", [
    { generic: "famotidine", brands: ["Pepcid"], classes: ["gi-protection"] },
    { generic: "cimetidine", brands: ["Tagamet"], classes: ["gi-protection"] },
    { generic: "nizatidine", brands: ["Axid"], classes: ["gi-protection"] },
    { generic: "ranitidine", brands: ["Zantac"], classes: ["gi-protection"] },
  ]),
  ...from("BNF 1.3.4 Prostaglandin analogues", [
    { generic: "misoprostol", brands: ["Cytotec"], classes: ["gi-protection"] },
  ]),

  // Gabapentinoids (P6; also anti-epileptics)
  ...from("BNF 4.8.1 Control of epilepsy; 4.7.3 Neuropathic pain", [
    { generic: "gabapentin", brands: ["Neurontin"], classes: ["gabapentinoid", "anti-epileptic"] },
    { generic: "pregabalin", brands: ["Lyrica", "Alzain", "Lecaent", "Axalid", "Rewisca"], classes: ["gabapentinoid", "anti-epileptic"] },
  ]),

  // Anti-epileptics (P6)
  ...from("BNF 4.8.1 Control of epilepsy", [
    { generic: "carbamazepine", brands: ["Tegretol", "Carbagen"], classes: ["anti-epileptic"] },
    { generic: "sodium valproate", aliases: ["valproate", "valproic acid", "valproate semisodium"], brands: ["Epilim", "Episenta", "Epival", "Dyzantil", "Depakote", "Convulex", "Belvo"], classes: ["anti-epileptic"] },
    { generic: "lamotrigine", brands: ["Lamictal"], classes: ["anti-epileptic"] },
    { generic: "levetiracetam", brands: ["Keppra", "Desitrend"], classes: ["anti-epileptic"] },
    { generic: "topiramate", brands: ["Topamax"], classes: ["anti-epileptic"] },
    { generic: "phenytoin", brands: ["Epanutin"], classes: ["anti-epileptic"] },
    { generic: "oxcarbazepine", brands: ["Trileptal"], classes: ["anti-epileptic"] },
    { generic: "eslicarbazepine", brands: ["Zebinix"], classes: ["anti-epileptic"] },
    { generic: "lacosamide", brands: ["Vimpat"], classes: ["anti-epileptic"] },
    { generic: "zonisamide", brands: ["Zonegran"], classes: ["anti-epileptic"] },
    { generic: "phenobarbital", aliases: ["phenobarbitone"], brands: [], classes: ["anti-epileptic"] },
    { generic: "brivaracetam", brands: ["Briviact"], classes: ["anti-epileptic"] },
    { generic: "perampanel", brands: ["Fycompa"], classes: ["anti-epileptic"] },
  ]),

  // Benzodiazepines (P6)
  ...from("BNF 4.1.1 Hypnotics; 4.1.2 Anxiolytics (benzodiazepines)", [
    // Rimapam (tablets) and Diazemuls (injection) are current UK diazepam brands; Valium, Tensium and Dialar are older names still typed.
    { generic: "diazepam", brands: ["Diazemuls", "Stesolid", "Rimapam", "Valium", "Tensium", "Dialar", "Diazepam Rectubes"], classes: ["benzodiazepine"] },
    { generic: "lorazepam", brands: ["Ativan"], classes: ["benzodiazepine"] },
    { generic: "temazepam", brands: [], classes: ["benzodiazepine"] },
    { generic: "nitrazepam", brands: ["Mogadon"], classes: ["benzodiazepine"] },
    { generic: "oxazepam", brands: [], classes: ["benzodiazepine"] },
    { generic: "chlordiazepoxide", brands: ["Librium"], classes: ["benzodiazepine"] },
    { generic: "alprazolam", brands: ["Xanax"], classes: ["benzodiazepine"] },
    { generic: "clonazepam", brands: ["Rivotril"], classes: ["benzodiazepine", "anti-epileptic"] },
    { generic: "clobazam", brands: ["Frisium", "Tapclob", "Zacco", "Perizam"], classes: ["benzodiazepine", "anti-epileptic"] },
    { generic: "midazolam", brands: ["Buccolam", "Epistatus", "Hypnovel"], classes: ["benzodiazepine"] },
    { generic: "loprazolam", brands: [], classes: ["benzodiazepine"] },
    { generic: "lormetazepam", brands: [], classes: ["benzodiazepine"] },
  ]),

  // Oral corticosteroids (P6). Only forms taken by mouth count: see NOT_BY_MOUTH in medication-review.
  ...from("BNF 6.3.2 Glucocorticoid therapy", [
    { generic: "prednisolone", brands: ["Pevanti", "Dilacort", "Deltacortril"], classes: ["oral-corticosteroid"] },
    { generic: "prednisone", brands: [], classes: ["oral-corticosteroid"] },
    { generic: "dexamethasone", brands: ["Glensoludex", "Neofordex", "Martapan"], classes: ["oral-corticosteroid"] },
    { generic: "methylprednisolone", brands: ["Medrone"], classes: ["oral-corticosteroid"] },
    { generic: "hydrocortisone", brands: ["Plenadren", "Alkindi"], classes: ["oral-corticosteroid"] },
    { generic: "deflazacort", brands: ["Calcort"], classes: ["oral-corticosteroid"] },
  ]),

  // Laxatives (B2; P3 constipation adjuvant): senna (stimulant) and docusate (softener) are named in B2
  ...from("BNF 1.6 Laxatives", [
    { generic: "senna", aliases: ["sennosides"], brands: ["Senokot", "Manevac"], classes: ["laxative"] },
    { generic: "docusate sodium", aliases: ["docusate", "sodium docusate"], brands: ["Dioctyl", "Docusol", "Norgalax"], classes: ["laxative"] },
    { generic: "bisacodyl", brands: ["Dulcolax"], classes: ["laxative"] },
    { generic: "sodium picosulfate", aliases: ["sodium picosulphate"], brands: ["Dulcolax Pico"], classes: ["laxative"] },
    { generic: "lactulose", brands: ["Duphalac", "Lactugal"], classes: ["laxative"] },
    { generic: "macrogol", aliases: ["polyethylene glycol", "macrogol 3350"], brands: ["Movicol", "Laxido", "CosmoCol", "Molaxole", "Macilax", "Dulcobalance"], classes: ["laxative"] },
    { generic: "ispaghula husk", aliases: ["ispaghula", "psyllium"], brands: ["Fybogel", "Isogel"], classes: ["laxative"] },
    { generic: "glycerol suppositories", aliases: ["glycerol", "glycerin suppositories"], brands: [], classes: ["laxative"] },
    { generic: "co-danthramer (dantron with poloxamer)", ingredients: ["dantron", "poloxamer"], aliases: ["co-danthramer"], brands: [], classes: ["laxative"] },
    { generic: "co-danthrusate (dantron with docusate)", ingredients: ["dantron", "docusate sodium"], aliases: ["co-danthrusate"], brands: [], classes: ["laxative"] },
    { generic: "naloxegol", brands: ["Moventig"], classes: ["laxative"] },
    { generic: "methylnaltrexone", brands: ["Relistor"], classes: ["laxative"] },
    { generic: "magnesium hydroxide", brands: [], classes: ["laxative"] },
    { generic: "sodium citrate enema", brands: ["Micralax", "Micolette"], classes: ["laxative"] },
    { generic: "phosphate enema", aliases: ["sodium phosphate enema"], brands: ["Cleen Ready-to-Use Enema"], classes: ["laxative"] },
    { generic: "prucalopride", brands: ["Resolor"], classes: ["laxative"] },
  ]),

  // PDE5 inhibitors (X5)
  ...from("BNF 7.4.5 Drugs for erectile dysfunction", [
    { generic: "sildenafil", brands: ["Viagra", "Viagra Connect", "Nipatra"], classes: ["pde5-inhibitor"] },
    { generic: "tadalafil", brands: ["Cialis"], classes: ["pde5-inhibitor"] },
    { generic: "vardenafil", brands: ["Levitra"], classes: ["pde5-inhibitor"] },
    { generic: "avanafil", brands: ["Spedra"], classes: ["pde5-inhibitor"] },
  ]),

  // Known, no flag: antidepressants, several used for neuropathic pain (not gabapentinoids or anti-epileptics)
  ...from("BNF 4.3.1 Tricyclic antidepressants; 4.7.3 Neuropathic pain", [
    { generic: "amitriptyline", brands: [], classes: ["antidepressant"] },
    { generic: "nortriptyline", brands: ["Allegron"], classes: ["antidepressant"] },
    { generic: "imipramine", brands: [], classes: ["antidepressant"] },
    { generic: "dosulepin", aliases: ["dothiepin"], brands: [], classes: ["antidepressant"] },
    { generic: "clomipramine", brands: [], classes: ["antidepressant"] },
    { generic: "lofepramine", brands: [], classes: ["antidepressant"] },
  ]),
  ...from("BNF 4.3.4 Other antidepressant drugs; 4.7.3 Neuropathic pain", [
    { generic: "duloxetine", brands: ["Cymbalta", "Yentreve", "Depalta"], classes: ["antidepressant"] },
    { generic: "venlafaxine", brands: ["Efexor", "Vensir", "Venlalic", "Venaxx"], classes: ["antidepressant"] },
    { generic: "mirtazapine", brands: ["Zispin"], classes: ["antidepressant"] },
  ]),
  ...from("BNF 4.3.3 Selective serotonin re-uptake inhibitors", [
    { generic: "sertraline", brands: ["Lustral"], classes: ["antidepressant"] },
    { generic: "citalopram", brands: ["Cipramil"], classes: ["antidepressant"] },
    { generic: "escitalopram", brands: ["Cipralex"], classes: ["antidepressant"] },
    { generic: "fluoxetine", brands: ["Prozac", "Olena"], classes: ["antidepressant"] },
    { generic: "paroxetine", brands: ["Seroxat"], classes: ["antidepressant"] },
  ]),

  // Known, no flag: Z-drug hypnotics. They act at the benzodiazepine receptor but are not benzodiazepines,
  // and P6 names benzodiazepines only.
  ...from("BNF 4.1.1 Hypnotics (Z-drugs)", [
    { generic: "zopiclone", brands: ["Zimovane"], classes: ["z-drug"] },
    { generic: "zolpidem", brands: ["Stilnoct"], classes: ["z-drug"] },
    { generic: "zaleplon", brands: ["Sonata"], classes: ["z-drug"] },
  ]),

  // Known, no flag: skeletal muscle relaxants (diazepam, a benzodiazepine, is listed above)
  ...from("BNF 10.2.2 Skeletal muscle relaxants", [
    { generic: "baclofen", brands: ["Lioresal", "Lyflex", "Lyvispah"], classes: ["muscle-relaxant"] },
    { generic: "methocarbamol", brands: ["Robaxin"], classes: ["muscle-relaxant"] },
    { generic: "tizanidine", brands: ["Zanaflex"], classes: ["muscle-relaxant"] },
    { generic: "dantrolene", brands: ["Dantrium"], classes: ["muscle-relaxant"] },
    { generic: "orphenadrine", brands: [], classes: ["muscle-relaxant"] },
  ]),

  // Known, no flag: topical analgesics and local anaesthetics
  ...from("BNF 10.3.2 Rubefacients, topical NSAIDs, capsaicin", [
    { generic: "capsaicin", brands: ["Zacin", "Axsain", "Qutenza"], classes: ["topical-analgesic"] },
  ]),
  ...from("BNF 15.2 Local anaesthesia", [
    { generic: "lidocaine", aliases: ["lignocaine"], brands: ["Versatis", "Ralvo", "Xylocaine"], classes: ["local-anaesthetic"] },
    { generic: "lidocaine with prilocaine", ingredients: ["lidocaine", "prilocaine"], brands: ["Emla"], classes: ["local-anaesthetic"] },
  ]),

  // Known, no flag: bladder medicines
  ...from("BNF 7.4.2 Drugs for urinary frequency, enuresis and incontinence (antimuscarinics)", [
    { generic: "oxybutynin", brands: ["Ditropan", "Lyrinel", "Kentera"], classes: ["bladder-antimuscarinic"] },
    { generic: "tolterodine", brands: ["Detrusitol", "Neditol", "Mariosea"], classes: ["bladder-antimuscarinic"] },
    { generic: "solifenacin", brands: ["Vesicare"], classes: ["bladder-antimuscarinic"] },
    { generic: "fesoterodine", brands: ["Toviaz"], classes: ["bladder-antimuscarinic"] },
    { generic: "trospium", aliases: ["trospium chloride"], brands: ["Regurin", "Flotros"], classes: ["bladder-antimuscarinic"] },
    { generic: "darifenacin", brands: ["Emselex"], classes: ["bladder-antimuscarinic"] },
    { generic: "propiverine", brands: ["Detrunorm"], classes: ["bladder-antimuscarinic"] },
  ]),
  ...from("BNF 7.4.2 Drugs for urinary frequency (beta-3 adrenoceptor agonists)", [
    { generic: "mirabegron", brands: ["Betmiga"], classes: ["beta3-agonist"] },
    { generic: "vibegron", brands: ["Obgemsa"], classes: ["beta3-agonist"] },
  ]),
  ...from("BNF 7.4.1 Drugs for urinary retention (alpha-blockers)", [
    { generic: "tamsulosin", brands: ["Flomaxtra", "Contiflo", "Stronazon", "Pinexel", "Tabphyn", "Diffundox", "Flomax Relief"], classes: ["alpha-blocker"] },
    { generic: "alfuzosin", brands: ["Xatral", "Besavar", "Vasran"], classes: ["alpha-blocker"] },
    { generic: "doxazosin", brands: ["Cardura", "Doxadura", "Raporsin"], classes: ["alpha-blocker"] },
    { generic: "terazosin", brands: [], classes: ["alpha-blocker"] },
    { generic: "prazosin", brands: ["Hypovase"], classes: ["alpha-blocker"] },
    { generic: "tamsulosin with dutasteride", ingredients: ["tamsulosin", "dutasteride"], brands: ["Combodart"], classes: ["alpha-blocker"] },
    { generic: "tamsulosin with solifenacin", ingredients: ["tamsulosin", "solifenacin"], brands: ["Vesomni"], classes: ["alpha-blocker", "bladder-antimuscarinic"] },
  ]),
];
