import Foundation
import PatchTrackCore

extension WebhookStore {
    /// Coalesces the stages whose writer stopped adding to them `idleSeconds` ago (a process died in the middle of
    /// an import or a sync): their events are delivered, later than usual, never lost. Answers how many stages.
    public func flushAbandonedStages(idleSeconds: TimeInterval = 600) async throws -> Int {
        let now = context.now()
        let cutoff = Timestamp.format(now.addingTimeInterval(-idleSeconds))
        let stages = try await context.executor.read { session in
            try session.fetchAll("SELECT stage FROM eventStage GROUP BY stage HAVING max(createdAt) < \(cutoff)")
                .map { try $0.decode(0, as: String.self) }
        }
        for stage in stages {
            _ = try await context.executor.write { session in try Outbox.flush(stage, session, now: now) }
        }
        return stages.count
    }

    /// Announces once per finding that it is due soon or breached: `findings` are the SLA standings of now
    /// (``FleetStore/slaBreaches(includeDueSoon:severity:)``); those not yet noticed in their standing are noticed
    /// and written to the outbox as `sla.due_soon` / `sla.breached`, one event per image. Answers how many findings
    /// were announced.
    public func noticeSLA(_ findings: [FindingProgress]) async throws -> Int {
        let standing = findings.filter { $0.sla == .breached || $0.sla == .dueSoon }
        guard !standing.isEmpty else { return 0 }
        let now = context.now()
        let timestamp = Timestamp.format(now)
        return try await context.executor.write { session in
            var noticed = Set<String>()
            try session.forEachRow("SELECT findingId, kind FROM findingNotice WHERE findingId IN \(set: standing.map(\.findingId))") { row in
                noticed.insert("\(try row.decode(0, as: Int64.self)) \(try row.decode(1, as: String.self))")
            }
            var batch = EventBatch()
            var rows = SQLBatchInsert(into: "findingNotice", columns: ["findingId", "kind", "at"])
            for finding in standing {
                let kind = finding.sla.rawValue
                guard noticed.insert("\(finding.findingId) \(kind)").inserted else { continue }
                rows.append(finding.findingId, kind, timestamp)
                batch.add(
                    finding.sla == .breached ? .slaBreached : .slaDueSoon, imageId: finding.imageId,
                    finding: EventFinding(
                        findingId: finding.findingId, vulnerability: finding.vulnerabilityId, severity: finding.severity.rawValue,
                        package: finding.packageName, installedVersion: finding.installedVersion, fixedVersion: finding.fixedVersion,
                        due: finding.due.map(Timestamp.format)))
            }
            guard rows.count > 0 else { return 0 }
            try session.insert(rows)
            try Outbox.write(batch, session, now: now)
            return rows.count
        }
    }

    /// Announces the plan's changes (Core's ``RebuildNotice``): each image that entered the plan or whose reasons
    /// changed becomes a `rebuild.required` event; the reasons announced are remembered. Answers how many images
    /// were announced.
    public func noticePlan(_ plan: RebuildPlan) async throws -> Int {
        let now = context.now()
        return try await context.executor.write { session in
            var announced: [String: [String]] = [:]
            try session.forEachRow("SELECT digest, reasons FROM planNotice") { row in
                announced[try row.decode(0)] = try StoredJSON.decode([String].self, from: try row.decode(1))
            }
            let (announce, remember) = RebuildNotice.changes(announced: announced, plan: plan)
            let gone = announced.keys.filter { remember[$0] == nil }.sorted()
            if !gone.isEmpty { try session.execute("DELETE FROM planNotice WHERE digest IN \(set: gone)") }
            guard !announce.isEmpty else { return 0 }
            var rows = SQLBatchInsert(
                into: "planNotice", columns: ["digest", "reasons"], tail: "ON CONFLICT (digest) DO UPDATE SET reasons = excluded.reasons")
            for (entry, _) in announce { rows.append(entry.digest.value, try StoredJSON.text(remember[entry.digest.value] ?? [])) }
            try session.insert(rows)
            var ids: [String: Int64] = [:]
            try session.forEachRow("SELECT digest, id FROM image WHERE digest IN \(set: announce.map(\.entry.digest.value))") { row in
                ids[try row.decode(0)] = try row.decode(1)
            }
            let imageIds = Array(ids.values)
            let images = try Outbox.describeImages(session, imageIds)
            let running = try Outbox.running(session, imageIds)
            var batch = EventBatch()
            for (entry, previous) in announce {
                guard let id = ids[entry.digest.value], let image = images[id] else { continue }
                let places = running[id] ?? []
                let data = RebuildRequiredData(
                    image: image, reasons: remember[entry.digest.value] ?? [], previousReasons: previous, wave: entry.wave,
                    highestSeverity: entry.highestSeverity?.rawValue, fixableFindings: entry.fixableFindings.count, running: places)
                batch.add(try OutboxEvent(
                    type: .rebuildRequired, occurredAt: now,
                    facets: EventFacets(
                        severity: entry.highestSeverity, environments: Set(places.map(\.environment)), repositories: [image.repository]),
                    data: data))
            }
            try Outbox.write(batch, session, now: now)
            return announce.count
        }
    }
}
