// Where the test runs write their JUnit reports (read by the hazard log's evidence check and the safety case).
export const PATHWAY_REPORT = "test-artifacts/test-results/pathway.xml";
export const UNIT_REPORT = "test-artifacts/test-results/unit.xml";
export const TEST_REPORTS = [PATHWAY_REPORT, UNIT_REPORT];
