import Columnar
import Foundation
import Testing

@testable import Delta
@testable import Sinks

/// Errors per minute per service, as a streaming aggregation would write them.
private let perMinuteSchema = Schema([
    Field("window_start", .timestamp), Field("service", .string), Field("errors", .int64), Field("date", .date),
])

private func perMinute(from start: Int64, minutes: Int) -> RecordBatch {
    var rows: [[Value]] = []
    for m in 0..<minutes {
        let t = start + Int64(m) * Timestamps.microsPerMinute
        for s in 0..<3 where (m + s) % 4 != 0 {
            rows.append([.timestamp(t), .string("svc-\(s)"), .int64(Int64((m * 7 + s) % 5 + 1)), .date(Int32(Timestamps.floorDiv(t, Timestamps.microsPerDay)))])
        }
    }
    return try! RecordBatch.fromRows(rows, schema: perMinuteSchema)
}

@Suite struct DashboardTests {
    @Test func seriesSumsPerLocalHourAcrossTheFallBackChange() throws {
        let dir = DeltaTempDir("dash")
        let path = dir.sub("t")
        // 2026-10-31 12:00Z to 2026-11-02 12:00Z; New York falls back on 2026-11-01 at 06:00Z.
        let source = perMinute(from: Timestamps.make(year: 2026, month: 10, day: 31, hour: 12), minutes: 48 * 60)
        let sink = DeltaSink(path: path, partitionBy: ["date"])
        try sink.open(SinkContext(queryId: "agg", queryName: nil, outputMode: .append, schema: perMinuteSchema))
        try sink.addBatch(0, source.slice(0..<source.rowCount / 2))
        try sink.addBatch(1, source.slice(source.rowCount / 2..<source.rowCount))
        let dashboard = Dashboard(
            name: "errors", table: path, timeColumn: "window_start", measure: .sum("errors"), seriesKey: "service",
            chart: .stackedBars, bucketMicros: Timestamps.microsPerHour)
        // The local day 2026-11-01 in New York: 04:00Z to 05:00Z the next day, 25 hours.
        let from = Timestamps.make(year: 2026, month: 11, day: 1, hour: 4), to = Timestamps.make(year: 2026, month: 11, day: 2, hour: 5)
        let chart = try dashboard.series(from: from, to: to, timeZone: "America/New_York")
        #expect(chart.buckets.count == 25)
        #expect(chart.labels.filter { $0 == "2026-11-01 01:00" }.count == 2)
        #expect(chart.series.map(\.key) == ["svc-0", "svc-1", "svc-2"])
        for (si, s) in chart.series.enumerated() {
            for h in 0..<25 {
                let lo = from + Int64(h) * Timestamps.microsPerHour, hi = lo + Timestamps.microsPerHour
                var want: Int64 = 0
                var any = false
                for r in source.rows where r[1] == .string("svc-\(si)") {
                    guard case .timestamp(let t) = r[0], t >= lo, t < hi, case .int64(let e) = r[2] else { continue }
                    want += e
                    any = true
                }
                #expect(s.values[h] == (any ? Double(want) : nil), "series \(si) hour \(h)")
            }
        }
        // Only the days around the range are read.
        #expect(chart.statistics.filesPrunedByPartition + chart.statistics.filesSkippedByStats > 0)
        let json = try JSONEncoder().encode(chart)
        #expect(String(decoding: json, as: UTF8.self).contains("\"stackedBars\""))
    }

    @Test func dayBucketsFollowLocalMidnightsAndCountWithAFilter() throws {
        let dir = DeltaTempDir("dash")
        let path = dir.sub("t")
        let source = perMinute(from: Timestamps.make(year: 2026, month: 10, day: 30), minutes: 5 * 24 * 60)
        let sink = DeltaSink(path: path, partitionBy: ["date"])
        try sink.open(SinkContext(queryId: "agg", queryName: nil, outputMode: .append, schema: perMinuteSchema))
        try sink.addBatch(0, source)
        let dashboard = Dashboard(
            name: "busy", table: path, timeColumn: "window_start", measure: .count, chart: .lines,
            filter: col("errors") >= 4, bucketMicros: Timestamps.microsPerDay)
        let from = Timestamps.make(year: 2026, month: 10, day: 31, hour: 4), to = Timestamps.make(year: 2026, month: 11, day: 3, hour: 5)
        let chart = try dashboard.series(from: from, to: to, timeZone: "America/New_York")
        #expect(chart.buckets == [
            "2026-10-31T04:00:00Z", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z",
        ])
        let bounds = [from, Timestamps.make(year: 2026, month: 11, day: 1, hour: 4), Timestamps.make(year: 2026, month: 11, day: 2, hour: 5), to]
        for d in 0..<3 {
            let want = source.rows.filter { r in
                guard case .timestamp(let t) = r[0], case .int64(let e) = r[2] else { return false }
                return t >= bounds[d] && t < bounds[d + 1] && e >= 4
            }.count
            #expect(chart.series[0].values[d] == Double(want))
        }
        #expect(chart.series.count == 1 && chart.series[0].key == nil)
    }
}
