import Foundation

/// The events one write transaction causes, coalesced: findings are collected per (type, image) and become one
/// event per image, listing at most ``maximumItems`` findings (highest severity first) with their count, so an
/// advisory import that opens 40,000 findings on 300 images makes 300 `finding.opened` events, not 40,000.
public struct EventBatch: Sendable {
    /// Items listed per event; the rest are counted.
    public static let maximumItems = 100

    private struct Key: Hashable {
        let type: EventType
        let imageId: Int64
    }

    /// One (type, image)'s findings: every id and vulnerability counted, the items kept bounded (highest severity
    /// first), so a transaction opening 700,000 findings holds at most a few hundred items per image.
    private struct Accumulated: Sendable {
        var items: [EventFinding] = []
        var ids: Set<Int64> = []
        var vulnerabilities: Set<String> = []

        mutating func add(_ finding: EventFinding) {
            vulnerabilities.insert(finding.vulnerability)
            guard ids.insert(finding.findingId).inserted else {
                // The same finding again (a later advisory version in the same write): its last values count.
                if let index = items.firstIndex(where: { $0.findingId == finding.findingId }) { items[index] = finding }
                return
            }
            items.append(finding)
            if items.count >= 2 * EventBatch.maximumItems {
                items = Array(EventBatch.ranked(items).prefix(EventBatch.maximumItems))
            }
        }
    }

    private var findings: [Key: Accumulated] = [:]
    private var order: [Key] = []
    private var prepared: [OutboxEvent] = []

    public init() {}

    public var isEmpty: Bool { findings.isEmpty && prepared.isEmpty }

    /// The images whose description and running places ``events(images:running:at:)`` needs.
    public var imageIds: Set<Int64> { Set(order.map(\.imageId)) }

    /// Collects a finding of image `imageId` for an event of `type` (one of the image-findings types).
    public mutating func add(_ type: EventType, imageId: Int64, finding: EventFinding) {
        let key = Key(type: type, imageId: imageId)
        if findings[key] == nil { order.append(key) }
        findings[key, default: Accumulated()].add(finding)
    }

    /// Adds an event built by its cause.
    public mutating func add(_ event: OutboxEvent) {
        prepared.append(event)
    }

    /// The events, image-findings ones first in the order their images were first seen. `images` describes the
    /// images (an image missing there is skipped); `running` says where each runs now. `advisory.hits_running`
    /// is only made for images that run somewhere.
    public func events(images: [Int64: EventImage], running: [Int64: [RunningPlace]], at now: Date) throws -> [OutboxEvent] {
        var events: [OutboxEvent] = []
        for key in order {
            guard let image = images[key.imageId], let accumulated = findings[key] else { continue }
            let places = (running[key.imageId] ?? []).sorted()
            if key.type == .advisoryHitsRunning && places.isEmpty { continue }
            let sorted = Self.ranked(accumulated.items)
            let highest = sorted.first?.severityLevel ?? .unknown
            let count = accumulated.ids.count
            let data = ImageFindingsData(
                image: image, running: places, findings: Array(sorted.prefix(Self.maximumItems)), findingCount: count,
                truncated: count > Self.maximumItems, highestSeverity: highest.rawValue,
                vulnerabilities: accumulated.vulnerabilities.sorted())
            let facets = EventFacets(
                severity: highest, environments: Set(places.map(\.environment)), repositories: [image.repository])
            events.append(try OutboxEvent(type: key.type, occurredAt: now, facets: facets, data: data))
        }
        return events + prepared
    }

    /// The findings collected, per (type, image), as ids: what a write spanning several transactions stages.
    public var findingIds: [(type: EventType, imageId: Int64, ids: [Int64])] {
        order.compactMap { key in findings[key].map { (key.type, key.imageId, $0.ids.sorted()) } }
    }

    /// This batch without its findings: the events built by their causes.
    public var preparedOnly: EventBatch {
        var batch = EventBatch()
        batch.prepared = prepared
        return batch
    }

    /// Highest severity first, then by vulnerability and package.
    static func ranked(_ items: [EventFinding]) -> [EventFinding] {
        items.sorted { ($0.severityLevel, $1.vulnerability, $1.package) > ($1.severityLevel, $0.vulnerability, $0.package) }
    }
}
