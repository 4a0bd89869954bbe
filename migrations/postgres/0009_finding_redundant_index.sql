-- 0009: finding_on_state_severity (state, severityLevel) is the leading part of finding_on_state_sla (state,
-- severityLevel, fixedVersion IS NOT NULL, firstDetected), which answers every query the shorter one did. Each
-- inserted or re-opened finding updated both; now it updates one index fewer (a new advisory's matching inserts
-- hundreds of findings in one statement).
DROP INDEX finding_on_state_severity;
