import { RULE_BOOK, rules } from "../pathway/index.ts";
import type { Block, LetterDoc } from "./document.ts";
import type { LetterFacts } from "./facts.ts";
import { LETTER_KIND_INFO } from "./model.ts";
import { bowelDoneText, twocSentence } from "./wording.ts";

const yes = (v: boolean) => (v ? "Yes" : "No");
const rule = (id: string) => ({ rule: id, text: rules[id].text });

function patientFields(f: LetterFacts): Block {
  return {
    type: "fields",
    rows: [
      { label: "Name", value: f.patient.name },
      { label: "NHS number", value: f.patient.nhsNumber },
      { label: "Date of birth", value: f.patient.dateOfBirth },
      { label: "Sex", value: f.patient.sex },
      { label: "GP practice", value: [f.gp.name, f.gp.address].filter(Boolean).join(", ") },
    ],
  };
}

function surgeryFields(f: LetterFacts): Block {
  const s = f.surgery;
  return {
    type: "fields",
    rows: [
      { label: "Presentation", value: s.presentation },
      { label: "MRI", value: s.mriAt },
      { label: "Anaesthesia started", value: s.anaesthesiaStartAt },
      { label: "Procedure", value: `${s.procedure}, level ${s.level}` },
      { label: "Surgeon", value: s.surgeon },
      { label: "Hospital", value: s.hospital },
      { label: "Discharged", value: s.destination ? `${s.discharged} to ${s.destination}` : s.discharged },
    ],
  };
}

function bladderBlocks(f: LetterFacts, withEvents: boolean): Block[] {
  const b = f.bladder;
  const blocks: Block[] = [
    { type: "heading", text: "Bladder" },
    {
      type: "paragraph",
      text: `${twocSentence(b.twocStatus, b.twocRules, b.twocReason)}${b.failedTwoc ? " A trial without catheter failed in this episode, so follow-up with the regional SCI service or a locally agreed urology service is needed (U7)." : ""}`,
    },
  ];
  if (withEvents) {
    blocks.push(
      b.events.length
        ? { type: "table", caption: "TWOC events and bladder scans (UK time)", head: ["Time", "Event", "Volume", "Detail"], rows: b.events.map((e) => [e.at, e.event, e.volume, e.detail]), widths: [0.33, 0.2, 0.12, 0.35] }
        : { type: "paragraph", text: "No bladder scans or voids are recorded for this episode." },
    );
  }
  blocks.push({
    type: "fields",
    rows: [
      { label: "Current management", value: b.management },
      { label: "Flip-flow valve", value: b.flipFlow + (b.flipFlowOpenings ? `; ${b.flipFlowOpenings} openings recorded` : "") },
      { label: "Referred to learn ISC (U5, U8)", value: yes(b.iscReferred) },
      { label: "ISC taught (U8)", value: yes(b.iscTaught) },
      { label: "SCI or urology follow-up arranged (U7)", value: yes(b.u7FollowUpArranged) },
    ],
  });
  return blocks;
}

function bowelBlocks(f: LetterFacts): Block[] {
  return [
    { type: "heading", text: "Bowel" },
    {
      type: "fields",
      rows: [
        { label: "Bowel regime (laxatives on the medication list)", value: f.bowel.regime.length ? f.bowel.regime.join("; ") : "None recorded" },
        { label: "Bowel issues", value: f.bowel.ongoing + (f.bowel.details ? `: ${f.bowel.details}` : "") },
        { label: "Bowel care done", value: bowelDoneText(f.bowel.done) },
      ],
    },
  ];
}

function painBlocks(f: LetterFacts): Block[] {
  const p = f.pain;
  return [
    { type: "heading", text: "Pain and current medication" },
    { type: "paragraph", text: `Pain phase on ${f.date}: ${p.phase}. The chronic phase starts on ${p.chronicFrom} (3 calendar months after surgery).` },
    p.medications.length
      ? { type: "table", caption: "Current medication, reviewed against the pathway", head: ["Medicine", "Dose", "Started", "Pathway review"], rows: p.medications.map((m) => [m.name, m.dose, m.started, m.flags.join(" ") || "No concern"]), widths: [0.22, 0.2, 0.16, 0.42] }
      : { type: "paragraph", text: "No current medication is recorded." },
    { type: "paragraph", text: `Persistent neuropathic pain: ${p.neuropathic}${p.details ? `: ${p.details}` : ""}.` },
  ];
}

function otherBlocks(f: LetterFacts): Block[] {
  const blocks: Block[] = [
    { type: "heading", text: "Sexual function" },
    { type: "paragraph", text: `Sexual dysfunction: ${f.sexual.ongoing}${f.sexual.details ? `: ${f.sexual.details}` : ""}.` },
    { type: "heading", text: "Psychological needs" },
    { type: "paragraph", text: `Ongoing cauda equina symptoms (such as saddle numbness or leg weakness): ${f.psychological.ongoing}${f.psychological.details ? `: ${f.psychological.details}` : ""}.` },
  ];
  if (f.reassessment) {
    const r = f.reassessment;
    blocks.push(
      { type: "heading", text: "Outpatient re-assessment (B6, X4)" },
      { type: "fields", rows: [{ label: "Date", value: r.date }, { label: "Bowel function", value: r.bowel }, { label: "Sexual function", value: r.sexual }, { label: "Outcome", value: r.outcome }, { label: "Referral", value: r.referral }] },
    );
  }
  return blocks;
}

function reasonsBlock(f: LetterFacts): Block {
  return f.reasons.length
    ? { type: "list", items: f.reasons }
    : { type: "paragraph", text: "No ongoing symptom is recorded, so the record does not indicate a referral (R1). The referrer's reasons are given below." };
}

function freeTextBlocks(f: LetterFacts): Block[] {
  return f.freeText ? [{ type: "heading", text: "Additional information" }, { type: "paragraph", text: f.freeText }] : [];
}

function bodyFor(f: LetterFacts): Block[] {
  switch (f.kind) {
    case "sci-referral":
      return [
        { type: "paragraph", text: `I would be grateful if you would see ${f.patient.name}, who had surgery for cauda equina syndrome on ${f.surgery.surgeryDate} and has ongoing symptoms after it. Under the regional pathway (R1) every such patient is referred to the regional spinal cord injury unit through the National Spinal Cord Injury Database; the referral pack with the same facts accompanies this letter.` },
        { type: "heading", text: "Reasons for referral" },
        reasonsBlock(f),
        { type: "heading", text: "Patient" },
        patientFields(f),
        { type: "heading", text: "Surgery" },
        surgeryFields(f),
        ...bladderBlocks(f, true),
        ...bowelBlocks(f),
        ...painBlocks(f),
        ...otherBlocks(f),
        ...freeTextBlocks(f),
      ];
    case "gp":
      return [
        { type: "paragraph", text: `${f.patient.name} had surgery for cauda equina syndrome on ${f.surgery.surgeryDate}. This letter sets out the bladder and bowel management and the pain guidance of the regional pathway.` },
        { type: "heading", text: "Surgery" },
        surgeryFields(f),
        ...bladderBlocks(f, false),
        ...bowelBlocks(f),
        ...painBlocks(f),
        { type: "heading", text: "Pain guidance (P1 to P8)" },
        { type: "paragraph", text: `Both phases:` },
        { type: "list", items: [rule("P1"), rule("P2")] },
        { type: "paragraph", text: `Acute phase (until ${f.pain.chronicFrom}):` },
        { type: "list", items: [rule("P3"), rule("P4")] },
        { type: "paragraph", text: `Chronic phase (from ${f.pain.chronicFrom}):` },
        { type: "list", items: [rule("P5"), rule("P6"), rule("P7"), rule("P8")] },
        { type: "heading", text: "Request" },
        {
          type: "paragraph",
          text: f.gpDrugReview
            ? `P4: please review ${f.patient.name}'s pain medicines 1 to 2 weeks after discharge, between ${f.gpDrugReview}.`
            : `P4: please review ${f.patient.name}'s pain medicines 1 to 2 weeks after discharge${f.surgery.discharged === "Not yet discharged" ? " (the discharge date is not yet recorded)" : ""}. In the chronic phase please review them against P5 and P6.`,
        },
        ...freeTextBlocks(f),
      ];
    case "continence":
      return [
        { type: "paragraph", text: `Please see ${f.patient.name}, who had surgery for cauda equina syndrome on ${f.surgery.surgeryDate}, to teach intermittent self-catheterisation (ISC) as quickly as possible (U5, U8).` },
        { type: "list", items: [rule("U5"), rule("U8")] },
        { type: "heading", text: "Patient" },
        patientFields(f),
        ...bladderBlocks(f, true),
        ...freeTextBlocks(f),
      ];
    case "failed-twoc":
      return [
        { type: "paragraph", text: `${f.patient.name} had surgery for cauda equina syndrome on ${f.surgery.surgeryDate}. ${f.bladder.failedTwoc ? "The trial without catheter failed" : "No failed trial without catheter is recorded"}; under U7 a failed TWOC must have follow-up with the regional SCI service or a locally agreed urology service. Please arrange that follow-up.` },
        { type: "list", items: [rule("U7")] },
        { type: "heading", text: "Patient" },
        patientFields(f),
        { type: "heading", text: "Surgery" },
        surgeryFields(f),
        ...bladderBlocks(f, true),
        ...freeTextBlocks(f),
      ];
  }
}

/** The letterhead's lines: the service an admin keeps; without one, the team and the episode's hospital. */
function letterheadLines(f: LetterFacts): string[] {
  const l = f.letterhead;
  // Letters generated before the letterhead existed have no such facts.
  if (l && (l.hospital || l.department || l.addressLines.length || l.phone)) {
    return [l.hospital, l.department, ...l.addressLines, l.phone ? `Telephone ${l.phone}` : ""].filter(Boolean);
  }
  return ["Spinal Surgery Team", ...(f.surgery.hospital !== "Not recorded" ? [f.surgery.hospital] : [])];
}

/** "Spinal Surgery, Pinderfields Hospital": who signs for, under the clinician's name. */
function teamLine(f: LetterFacts): string {
  const team = f.letterhead?.department || "Spinal Surgery Team";
  const hospital = f.letterhead?.hospital || (f.surgery.hospital !== "Not recorded" ? f.surgery.hospital : "");
  return [team, hospital].filter(Boolean).join(", ");
}

const RULE_ID = /\b(U-SAFE|U-REVIEW|[UFBPXYR]\d)\b/g;
const ruleOrder = (id: string) => "UFBPXYR".indexOf(id[0]) * 100 + (Number(id.slice(1)) || 50);

/** Every rule id the letter cites, in rule-book order, for its reference line. */
function citedRules(kindRules: string[], blocks: Block[]): string[] {
  const found = new Set(kindRules);
  for (const m of JSON.stringify(blocks).matchAll(RULE_ID)) found.add(m[1]);
  return [...found].sort((a, b) => ruleOrder(a) - ruleOrder(b) || a.localeCompare(b));
}

/** Which policy version the letter's decisions follow: a letter kept for years still says so. */
function ruleBookNote(): Block {
  return { type: "paragraph", text: `Rule ids in this letter refer to the ${RULE_BOOK.title}, version ${RULE_BOOK.version} (review due ${RULE_BOOK.reviewDueInWords}).` };
}

/** The letter as a document, from its facts. */
export function composeLetter(f: LetterFacts): LetterDoc {
  const gpLines = f.gp.addressLines ?? [f.gp.address].filter(Boolean);
  const to = f.kind === "gp" ? [f.gp.name, ...gpLines].filter(Boolean) : f.recipient ? [f.recipient.name, f.recipient.department, f.recipient.address].filter(Boolean) : ["Recipient not chosen"];
  const blocks = bodyFor(f);
  return {
    title: LETTER_KIND_INFO[f.kind].title,
    from: letterheadLines(f),
    consultant: f.consultant ? `Consultant: ${f.consultant}` : undefined,
    identifiers: `${f.patient.name}, born ${f.patient.dateOfBirth}, NHS number ${f.patient.nhsNumber}`,
    to,
    date: f.date,
    subject: `${f.patient.name}, NHS number ${f.patient.nhsNumber}, born ${f.patient.dateOfBirth}`,
    salutation: "Dear colleague,",
    blocks: [...blocks, ruleBookNote()],
    signOff: ["Yours sincerely,", f.referrer.name, teamLine(f), f.referrer.date],
    cc: f.ccGp ? [`cc: ${[f.gp.name, f.gp.address].filter(Boolean).join(", ")} (GP)`] : undefined,
    reference: `Regional CES pathway rules cited: ${citedRules(LETTER_KIND_INFO[f.kind].rules, blocks).join(", ")}.`,
  };
}
