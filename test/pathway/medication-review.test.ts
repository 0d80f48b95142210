import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { describeMedication, OUTSIDE_PATHWAY_NOTE, prohibitionStatus, reviewMedications } from "../../src/pathway/index.ts";
import { medicines } from "../../src/pathway/medicines.ts";
import { classifyMedication } from "../../src/pathway/medication-review.ts";
import { throwsInput } from "./helpers.ts";

const ruleIds = (phase: "acute" | "chronic", meds: string[]) => reviewMedications(phase, meds).flags.map((f) => `${f.medication}:${f.rule}`);

describe("medicine data", () => {
  test("P2/P3/P6/B2/X5: every medicine the rule book names is in the data", () => {
    for (const name of ["paracetamol", "senna", "sodium docusate", "tadalafil", "sildenafil"]) {
      assert.ok(classifyMedication(name), name);
    }
  });
  test("P2-P6: every class the review reads has members, and every entry has a class", () => {
    const classes = new Set(medicines.flatMap((m) => m.classes));
    for (const c of ["opioid", "nsaid", "gabapentinoid", "anti-epileptic", "oral-corticosteroid", "benzodiazepine", "laxative", "gi-protection", "pde5-inhibitor", "paracetamol"]) {
      assert.ok(classes.has(c as never), c);
    }
    for (const m of medicines) assert.ok(m.classes.length > 0, m.generic);
  });
  const combos: [string, string[]][] = [
    ["co-codamol", ["opioid", "paracetamol"]],
    ["Co-Codamol 30/500 effervescent tablets", ["opioid", "paracetamol"]],
    ["co-dydramol 10/500", ["opioid", "paracetamol"]],
    ["Zapain 30mg/500mg tablets", ["opioid", "paracetamol"]],
    ["TRAMACET 37.5mg/325mg", ["opioid", "paracetamol"]],
    ["Solpadeine Plus tablets", ["opioid", "paracetamol"]],
    ["Solpadeine Max", ["opioid", "paracetamol"]],
    ["Nurofen Plus", ["nsaid", "opioid"]],
    ["Migraleve Pink", ["opioid", "paracetamol"]],
    ["DF118 30mg", ["opioid"]],
    ["Arthrotec 75", ["gi-protection", "nsaid"]],
    ["Dulcolax Pico liquid", ["laxative"]],
    ["gabapentin 300 mg capsules", ["anti-epileptic", "gabapentinoid"]],
  ];
  for (const [name, classes] of combos) {
    test(`P3/P5: "${name}" matches all its components' classes`, () => {
      assert.deepEqual([...(classifyMedication(name)?.classes ?? [])].sort(), classes);
    });
  }
  const unknown = ["Migraleve", "Migraleve Ultra 50mg", "aspirin 75mg", "xyz", "codamol", "paracetamolx", "amitriptylin 10mg", "zapainful", "omeprazol", "zopiclon", "Frobnicol"];
  for (const name of unknown) {
    test(`P2-P6: "${name}" is not classified (no guessing, whole words only)`, () => {
      assert.equal(classifyMedication(name), undefined);
      assert.deepEqual(reviewMedications("chronic", [name]).unclassified, [name]);
    });
  }
});

describe("medicine data: known with no flag", () => {
  // [name as typed, the words the medicines page shows]
  const table: [string, RegExp][] = [
    ["amitriptyline 10mg at night", /^amitriptyline: antidepressant \(also used for neuropathic pain\): not a P6 medicine$/],
    ["Nortriptyline 25mg", /^nortriptyline: antidepressant/],
    ["duloxetine 60mg", /^duloxetine: antidepressant/],
    ["Cymbalta 30mg", /^duloxetine: antidepressant/],
    ["zopiclone 7.5mg", /^zopiclone: Z-drug hypnotic: not a benzodiazepine$/],
    ["Zimovane", /^zopiclone: Z-drug hypnotic: not a benzodiazepine$/],
    ["zolpidem 10mg", /^zolpidem: Z-drug hypnotic: not a benzodiazepine$/],
    ["baclofen 10mg TDS", /^baclofen: muscle relaxant: not a benzodiazepine$/],
    ["methocarbamol 750mg", /^methocarbamol: muscle relaxant/],
    ["Capsaicin 0.075% cream", /^capsaicin: topical analgesic$/],
    ["lidocaine 5% medicated plasters", /^lidocaine: local anaesthetic$/],
    ["Versatis plaster", /^lidocaine: local anaesthetic$/],
    ["oxybutynin 5mg", /^oxybutynin: bladder antimuscarinic$/],
    ["Tamsulosin MR 400 micrograms", /^tamsulosin: alpha-blocker$/],
    ["mirabegron 50mg", /^mirabegron: beta-3 agonist/],
    ["Betmiga 25mg", /^mirabegron: beta-3 agonist/],
    ["sertraline 50mg", /^sertraline: antidepressant/],
    ["Lansoprazole 30mg", /^lansoprazole: GI protection/],
    ["Laxido sachets", /^macrogol: laxative$/],
    ["Solpadeine Headache", /^paracetamol: paracetamol$/],
    ["Vesomni 6mg/0.4mg", /^tamsulosin with solifenacin: alpha-blocker; bladder antimuscarinic$/],
  ];
  for (const [name, words] of table) {
    test(`P2-P6: "${name}" is known, carries no flag in either phase, and is named in words`, () => {
      for (const phase of ["acute", "chronic"] as const) {
        const review = reviewMedications(phase, [name]);
        assert.deepEqual(review.flags, [], phase);
        assert.deepEqual(review.unclassified, [], phase);
      }
      assert.match(describeMedication(name) ?? "", words);
    });
  }
  test("P6: a Z-drug or a muscle relaxant leaves P6 clear; a benzodiazepine does not", () => {
    assert.equal(prohibitionStatus(reviewMedications("chronic", ["zopiclone 7.5mg", "baclofen 10mg"]), "P6").clear, true);
    assert.equal(prohibitionStatus(reviewMedications("chronic", ["zopiclone 7.5mg", "Rimapam 2mg"]), "P6").clear, false);
  });
  test("a medicine known only in a form that carries no flag says so; an unknown name has no words", () => {
    assert.match(describeMedication("Ibuprofen 5% gel") ?? "", /^ibuprofen, in a form on the skin or not by mouth: no rule applies$/);
    assert.equal(describeMedication("Frobnicol"), undefined);
  });
  test("every entry names its source (BNF section or dm+d VTM)", () => {
    for (const m of medicines) assert.match(m.source, /^(BNF \d|dm\+d VTM )/, m.generic);
  });
});

describe("medicine data: known with a flag", () => {
  // [name as typed, phase, the rule ids flagged]
  const table: [string, "acute" | "chronic", string[]][] = [
    ["Rimapam 2mg", "chronic", ["P6"]],
    ["Valium 5mg", "chronic", ["P6"]],
    ["Diazemuls injection", "chronic", ["P6"]],
    ["Solpadeine", "chronic", ["P5"]],
    ["Solpadeine", "acute", ["P3"]],
    ["Panadol Ultra", "chronic", ["P5"]],
    ["Paramol", "acute", ["P3"]],
    ["Rewisca 75mg", "chronic", ["P6"]],
    ["Pevanti 5mg tablets", "chronic", ["P6"]],
    ["Oxypro 5mg", "chronic", ["P5"]],
    ["Cuprofen 200mg", "acute", ["P2"]],
    ["parecoxib 40mg injection", "acute", ["P2"]],
    ["Briviact 50mg", "chronic", ["P6"]],
  ];
  for (const [name, phase, rules] of table) {
    test(`${rules.join(", ")}: "${name}" in the ${phase} phase is flagged`, () => {
      assert.deepEqual(reviewMedications(phase, [name]).flags.map((f) => f.rule), rules);
    });
  }
  test("P5: plain Solpadeine is flagged as maybe containing codeine, and the message says to check which product", () => {
    const [flag] = reviewMedications("chronic", ["Solpadeine"]).flags;
    assert.equal(flag.message, "Solpadeine may contain codeine, an opioid: not offered in the chronic phase (P5). Plain Solpadeine does not say which product: Plus and Max contain codeine, Headache does not. Check which.");
    assert.equal(flag.finding, "may contain codeine, an opioid");
    assert.match(flag.check ?? "", /^Plain Solpadeine does not say which product/);
    assert.equal(reviewMedications("chronic", ["Solpadeine Plus"]).flags[0].check, undefined, "Plus names its product");
  });
  test("P2-P6: every class of every medicine names the ingredient that gives it (what a flag says it contains)", () => {
    for (const m of medicines) {
      const name = m.brands[0] ?? m.aliases?.[0] ?? m.generic.replace(/\(.*\)/, "");
      const found = classifyMedication(name)!;
      for (const cls of found.classes) assert.ok(found.contents[cls].length > 0, `${name}: ${cls}`);
    }
  });
});

describe("P2-P6: each flag in clinical English, naming the medicine as entered and what it contains", () => {
  // [phase, the list as entered, the messages in order]
  const table: ["acute" | "chronic", string[], string[]][] = [
    ["chronic", ["Co-codamol 30/500"], ["Co-codamol 30/500 contains codeine, an opioid: not offered in the chronic phase (P5)."]],
    ["chronic", ["Codeine phosphate 30mg"], ["Codeine phosphate 30mg is an opioid: not offered in the chronic phase (P5)."]],
    ["chronic", ["Targinact 10mg/5mg"], ["Targinact 10mg/5mg contains oxycodone, an opioid: not offered in the chronic phase (P5)."]],
    ["chronic", ["Pregabalin 75 mg"], ["Pregabalin 75 mg is a gabapentinoid and anti-epileptic: not offered in the chronic phase (P6)."]],
    ["chronic", ["Lyrica 75mg"], ["Lyrica 75mg contains pregabalin, a gabapentinoid and anti-epileptic: not offered in the chronic phase (P6)."]],
    ["chronic", ["Clonazepam 500 micrograms"], ["Clonazepam 500 micrograms is an anti-epileptic and benzodiazepine: not offered in the chronic phase (P6)."]],
    ["chronic", ["Rimapam 2mg"], ["Rimapam 2mg contains diazepam, a benzodiazepine: not offered in the chronic phase (P6)."]],
    ["chronic", ["prednisolone 5mg tablets"], ["prednisolone 5mg tablets is an oral steroid: not offered in the chronic phase (P6)."]],
    ["chronic", ["codeine 30mg with diazepam 2mg"], ["codeine 30mg with diazepam 2mg contains codeine, an opioid: not offered in the chronic phase (P5).", "codeine 30mg with diazepam 2mg contains diazepam, a benzodiazepine: not offered in the chronic phase (P6)."]],
    ["chronic", ["pregabalin and diazepam"], ["pregabalin and diazepam contains pregabalin (a gabapentinoid and anti-epileptic) and diazepam (a benzodiazepine): not offered in the chronic phase (P6)."]],
    ["acute", ["Oramorph 10 mg/5 ml"], ["Oramorph 10 mg/5 ml contains morphine, an opioid, and there is no laxative on the list: add a laxative to avoid constipation (P3)."]],
    ["acute", ["Ibuprofen 400mg"], ["Ibuprofen 400mg is an NSAID, and there is no GI protection on the list: add a proton pump inhibitor, H2 blocker or misoprostol (P2)."]],
    [
      "acute",
      ["Nurofen Plus"],
      [
        "Nurofen Plus contains codeine, an opioid, and there is no laxative on the list: add a laxative to avoid constipation (P3).",
        "Nurofen Plus contains ibuprofen, an NSAID, and there is no GI protection on the list: add a proton pump inhibitor, H2 blocker or misoprostol (P2).",
      ],
    ],
    ["chronic", ["co-codaprin 8/400", "omeprazole"], ["co-codaprin 8/400 contains codeine, an opioid: not offered in the chronic phase (P5)."]],
    ["acute", ["co-codaprin 8/400", "senna"], ["co-codaprin 8/400 contains aspirin, an NSAID, and there is no GI protection on the list: add a proton pump inhibitor, H2 blocker or misoprostol (P2)."]],
  ];
  for (const [phase, meds, messages] of table) {
    test(`${phase}: ${meds.join(" + ")}`, () => {
      const flags = reviewMedications(phase, meds).flags;
      assert.deepEqual(flags.map((f) => f.message), messages);
      for (const f of flags) {
        assert.doesNotMatch(f.message, /recognised as|\(.*\+.*\)/, "no matching notes");
        assert.ok(f.message.startsWith(`${f.medication} ${f.finding}`), "the medicine as entered, then what it is or contains");
        assert.ok(f.message.includes(`(${f.rule}).`), "ends with its rule");
      }
    });
  }
});

describe("P5 chronic: do not offer opioids", () => {
  const table: [string, string[], string[]][] = [
    ["P5: codeine in chronic", ["Codeine phosphate 30mg"], ["Codeine phosphate 30mg:P5"]],
    ["P5: co-codamol contains codeine", ["co-codamol 8/500"], ["co-codamol 8/500:P5"]],
    ["P5: brand names (OxyContin, Butrans patch, Zapain)", ["OxyContin 10mg", "BuTrans 5 patch", "zapain"], ["OxyContin 10mg:P5", "BuTrans 5 patch:P5", "zapain:P5"]],
    ["P5: a laxative does not excuse an opioid in chronic", ["tramadol 50mg", "senna 7.5mg"], ["tramadol 50mg:P5"]],
    ["P5 not in acute (with laxative)", ["morphine sulfate 10mg", "Laxido"], []],
  ];
  for (const [name, meds, expected] of table) {
    test(name, () => assert.deepEqual(ruleIds(name.includes("acute") ? "acute" : "chronic", meds), expected));
  }
});

describe("P6 chronic: no gabapentinoids, anti-epileptics, oral steroids, benzodiazepines", () => {
  const table: [string, string, boolean][] = [
    ["P6: pregabalin (Lyrica)", "Lyrica 75mg", true],
    ["P6: gabapentin", "Gabapentin 300mg", true],
    ["P6: carbamazepine", "carbamazepine 200mg", true],
    ["P6: sodium valproate", "Sodium Valproate MR", true],
    ["P6: prednisolone tablets", "prednisolone 5mg tablets", true],
    ["P6: dexamethasone", "Dexamethasone 2mg", true],
    ["P6: diazepam", "diazepam 2 mg", true],
    ["P6: clonazepam (benzodiazepine and anti-epileptic)", "Clonazepam 500 micrograms", true],
    ["P6: hydrocortisone cream is not an oral steroid", "Hydrocortisone 1% cream", false],
    ["P6: methylprednisolone injection (root block) is not an oral steroid", "methylprednisolone injection 40mg", false],
    ["P6: Depo-Medrone (the root block's depot injection) is not an oral steroid", "Depo-Medrone 40mg/ml", false],
    ["P6: Depo-Medrone with Lidocaine is not an oral steroid", "Depo-Medrone with Lidocaine", false],
    ["P6: Solu-Medrone is not an oral steroid", "Solu-Medrone 500 mg", false],
    ["P6: Medrone tablets are an oral steroid", "Medrone 4mg tablets", true],
    ["P6: sildenafil is not a P6 drug", "Sildenafil 50mg", false],
  ];
  for (const [name, med, flagged] of table) {
    test(name, () => {
      const chronic = reviewMedications("chronic", [med]);
      assert.equal(chronic.flags.some((f) => f.rule === "P6"), flagged);
      assert.deepEqual(chronic.unclassified, []);
      assert.equal(reviewMedications("acute", [med]).flags.length, 0, "P6 is chronic only");
    });
  }
  test("P6: the message names the classes found", () => {
    const [flag] = reviewMedications("chronic", ["Gabapentin 300mg"]).flags;
    assert.equal(flag.message, "Gabapentin 300mg is a gabapentinoid and anti-epileptic: not offered in the chronic phase (P6).");
    assert.match(reviewMedications("chronic", ["diazepam"]).flags[0].message, /is a benzodiazepine/);
    assert.match(reviewMedications("chronic", ["prednisolone"]).flags[0].message, /is an oral steroid/);
  });
});

describe("P3 acute: an opioid needs a laxative", () => {
  const table: [string, string[], string[]][] = [
    ["P3: opioid, no laxative", ["Oramorph 10mg/5ml"], ["Oramorph 10mg/5ml:P3"]],
    ["P3: opioid with senna", ["Oramorph 10mg/5ml", "Senna"], []],
    ["P3: opioid with sodium docusate", ["tramadol", "sodium docusate 100mg"], []],
    ["P3: opioid with Movicol", ["co-dydramol", "Movicol sachets"], []],
    ["P3: each opioid is flagged", ["codeine", "Tramacet"], ["codeine:P3", "Tramacet:P3"]],
    ["P3: paracetamol alone is fine", ["Paracetamol 1g QDS"], []],
  ];
  for (const [name, meds, expected] of table) test(name, () => assert.deepEqual(ruleIds("acute", meds), expected));
  test("P3: message explains the constipation adjuvant", () => {
    assert.match(reviewMedications("acute", ["codeine"]).flags[0].message, /no laxative on the list/);
  });
});

describe("P2 either phase: NSAID needs GI protection", () => {
  const table: [string, "acute" | "chronic", string[], string[]][] = [
    ["P2: ibuprofen without GI protection (acute)", "acute", ["Ibuprofen 400mg"], ["Ibuprofen 400mg:P2"]],
    ["P2: naproxen without GI protection (chronic)", "chronic", ["NAPROXEN 500MG"], ["NAPROXEN 500MG:P2"]],
    ["P2: naproxen with omeprazole", "chronic", ["naproxen 500mg", "Omeprazole 20mg"], []],
    ["P2: diclofenac with lansoprazole (Zoton)", "acute", ["Voltarol 50mg", "Zoton FasTab"], []],
    ["P2: celecoxib with famotidine (H2 blocker)", "acute", ["celecoxib", "famotidine 20mg"], []],
    ["P2: ibuprofen with misoprostol", "acute", ["ibuprofen", "misoprostol"], []],
    ["P2: Arthrotec carries its own misoprostol", "acute", ["Arthrotec 50"], []],
    ["P2: topical ibuprofen gel needs none", "acute", ["Ibuprofen 5% gel"], []],
    ["P2: Voltarol Emulgel (diclofenac on the skin) needs none", "acute", ["Voltarol 12 Hour Emulgel 2.32%"], []],
    ["P2 and P3: Nurofen Plus, nothing else", "acute", ["Nurofen Plus"], ["Nurofen Plus:P3", "Nurofen Plus:P2"]],
    ["P2 and P5: Nurofen Plus in chronic", "chronic", ["Nurofen Plus"], ["Nurofen Plus:P5", "Nurofen Plus:P2"]],
  ];
  for (const [name, phase, meds, expected] of table) test(name, () => assert.deepEqual(ruleIds(phase, meds), expected));
  test("P2: message names the missing protection", () => {
    assert.match(reviewMedications("acute", ["ibuprofen"]).flags[0].message, /proton pump inhibitor, H2 blocker or misoprostol/);
  });
});

describe("P2-P6 medication review: unclassified and input", () => {
  test("P2-P6: unrecognised names are listed, recognised ones are not", () => {
    const r = reviewMedications("chronic", ["Paracetamol", "Frobnicol 5mg", "Zentrafix 50mg"]);
    assert.deepEqual(r.unclassified, ["Frobnicol 5mg", "Zentrafix 50mg"]);
    assert.deepEqual(r.flags, []);
  });
  test("P2-P6: an empty list has nothing to flag", () => {
    assert.deepEqual(reviewMedications("acute", []), { flags: [], unclassified: [], sharedIngredients: [] });
  });
  test("P2-P6 PathwayInputError: bad phase, not a list, blank line", () => {
    throwsInput(() => reviewMedications("subacute" as "acute", []), "invalid-value", "phase");
    throwsInput(() => reviewMedications("acute", "codeine" as unknown as string[]), "missing-field", "medications");
    throwsInput(() => reviewMedications("acute", ["codeine", "  "]), "invalid-value", "medications[1]");
    throwsInput(() => reviewMedications("acute", [42 as unknown as string]), "invalid-value", "medications[0]");
  });
});

describe("same ingredient twice: check the total daily dose (a safety check outside the pathway)", () => {
  const shared = (meds: string[]) => reviewMedications("acute", meds).sharedIngredients.map((s) => `${s.ingredient}: ${s.medications.join(" | ")}`);
  const table: [string[], string[]][] = [
    [["Paracetamol 1 g", "Zapain 30/500"], ["paracetamol: Paracetamol 1 g | Zapain 30/500"]],
    [["Zapain 30/500", "co-codamol 8/500"], ["codeine: Zapain 30/500 | co-codamol 8/500", "paracetamol: Zapain 30/500 | co-codamol 8/500"]],
    [["Tramacet", "tramadol 50 mg", "Calpol"], ["tramadol: Tramacet | tramadol 50 mg", "paracetamol: Tramacet | Calpol"]],
    [["Nurofen Plus", "ibuprofen 400 mg", "codeine 30 mg"], ["ibuprofen: Nurofen Plus | ibuprofen 400 mg", "codeine: Nurofen Plus | codeine 30 mg"]],
    [["Arthrotec 75", "misoprostol"], ["misoprostol: Arthrotec 75 | misoprostol"]],
    [["co-dydramol 10/500", "co-codamol 30/500", "paracetamol 500 mg"], ["paracetamol: co-dydramol 10/500 | co-codamol 30/500 | paracetamol 500 mg"]],
    // different ingredients of one class are not the same ingredient
    [["ibuprofen 400 mg", "naproxen 500 mg"], []],
    [["co-dydramol", "codeine 30 mg"], []],
    [["paracetamol", "Zzylotrex 5 mg"], []],
    [["paracetamol"], []],
  ];
  for (const [meds, expected] of table) {
    test(`${meds.join(" + ")} -> ${expected.length ? expected.join("; ") : "no flag"}`, () => assert.deepEqual(shared(meds), expected));
  }
  test("the message names the medicines and the ingredient, and no dose threshold", () => {
    const [two] = reviewMedications("chronic", ["Paracetamol 500mg", "Zapain 30mg/500mg"]).sharedIngredients;
    assert.equal(two.message, "Paracetamol 500mg and Zapain 30mg/500mg both contain paracetamol: check the total daily dose.");
    const [three] = reviewMedications("acute", ["co-dydramol", "co-codamol", "Panadol"]).sharedIngredients;
    assert.equal(three.message, "co-dydramol, co-codamol and Panadol all contain paracetamol: check the total daily dose.");
    assert.match(OUTSIDE_PATHWAY_NOTE, /outside the pathway.*clinical review/);
  });
});

describe("P5 and P6 as a status from the medication review", () => {
  const status = (meds: string[], rule: "P5" | "P6") => prohibitionStatus(reviewMedications("chronic", meds), rule);
  const table: [string[], "P5" | "P6", boolean, string][] = [
    [["paracetamol"], "P5", true, "Not on any opioid ✓"],
    [[], "P6", true, "Not on any gabapentinoid, anti-epileptic, oral steroid or benzodiazepine ✓"],
    [["Co-codamol 30/500", "Pregabalin 75 mg"], "P5", false, "Takes an opioid: Co-codamol 30/500 (do not offer opioids in the chronic phase)."],
    [["Co-codamol 30/500", "Pregabalin 75 mg"], "P6", false, "Takes a gabapentinoid, anti-epileptic, oral steroid or benzodiazepine: Pregabalin 75 mg (do not offer gabapentinoids, anti-epileptics, oral steroids or benzodiazepines in the chronic phase)."],
    [["tramadol", "morphine", "senna"], "P5", false, "Takes an opioid: tramadol and morphine (do not offer opioids in the chronic phase)."],
    [["paracetamol", "Zzylotrex 5 mg"], "P5", false, "No opioid among the medicines the review knows, but it does not know Zzylotrex 5 mg: check by hand."],
    [["Zzylotrex 5 mg", "Frobnicol"], "P6", false, "No gabapentinoid, anti-epileptic, oral steroid or benzodiazepine among the medicines the review knows, but it does not know Zzylotrex 5 mg and Frobnicol: check by hand."],
  ];
  for (const [meds, rule, clear, text] of table) {
    test(`${rule} with ${meds.join(", ") || "no medicines"}: ${clear ? "clear" : "flagged"}`, () => {
      const s = status(meds, rule);
      assert.equal(s.clear, clear);
      assert.equal(s.text, text);
      assert.equal(s.rule, rule);
    });
  }
  test("only P5 and P6 have a status", () => throwsInput(() => prohibitionStatus(reviewMedications("chronic", []), "P7" as "P5"), "invalid-value", "rule"));
});
