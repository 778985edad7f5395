import Columnar

extension Dashboard {
    /// The chart over [`from`, `to`) (UTC microseconds) with buckets in `timeZone`, read from
    /// the table's latest version.
    public func series(from: Int64, to: Int64, timeZone: String) throws -> DashboardSeries {
        try series(snapshot: DeltaTable(path: table).snapshot(), from: from, to: to, timeZone: timeZone)
    }

    /// The chart over one snapshot of the table.
    public func series(snapshot: DeltaSnapshot, from: Int64, to: Int64, timeZone: String) throws -> DashboardSeries {
        guard bucketMicros > 0 else { throw DeltaError.invalidArgument("dashboard \(name): the bucket width must be positive") }
        let zone = try TimeZoneRules.named(timeZone)
        let starts = Self.bucketStarts(from: from, to: to, width: bucketMicros, zone: zone)
        guard starts.count <= 100_000 else {
            throw DeltaError.invalidArgument("dashboard \(name): \(starts.count) buckets is too many; choose a shorter range")
        }
        var columns = [timeColumn]
        if let k = seriesKey, !columns.contains(k) { columns.append(k) }
        if let m = measure.column, !columns.contains(m) { columns.append(m) }
        if let m = measure.column {
            guard let t = snapshot.schema.field(m)?.type else { throw ColumnarError.unknownColumn(m, available: snapshot.schema.names) }
            guard t.isNumeric else { throw DeltaError.invalidArgument("dashboard \(name): \(measure) needs a numeric column, \(m) is \(t)") }
        }
        var scan = try DeltaRangeScan(snapshot: snapshot, columns: columns, timeColumn: timeColumn, from: from, to: to, where: filter)
        var accumulators: [String?: [Accumulator]] = [:]
        if seriesKey == nil { accumulators[nil] = [Accumulator](repeating: Accumulator(), count: starts.count) }
        while let batch = try scan.next() {
            let ts = try batch.column(timeColumn).int64Values
            let keys = try seriesKey.map { try batch.column($0) }
            let measured = try measure.column.map { Casts.cast(try batch.column($0), to: .double) }
            let values = measured?.doubleValues
            for i in 0..<batch.rowCount {
                let b = Self.bucketIndex(ts[i], starts)
                let key: String? = keys.flatMap { $0.isValid(i) ? $0[i].description : nil }
                if accumulators[key] == nil { accumulators[key] = [Accumulator](repeating: Accumulator(), count: starts.count) }
                if let measured, let values {
                    if measured.isValid(i) { accumulators[key]![b].add(values[i]) }
                } else {
                    accumulators[key]![b].rows += 1
                }
            }
        }
        let series = accumulators.keys.sorted { a, b in
            guard let a else { return b != nil }
            guard let b else { return false }
            return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
        }.map { k in
            DashboardSeries.Series(key: k, values: accumulators[k]!.map { $0.value(measure) })
        }
        let label = try DateTimePattern("yyyy-MM-dd HH:mm")
        let watermark = try DeltaTable(path: snapshot.tablePath).recordedWatermark(atOrBefore: snapshot.version)
        return DashboardSeries(
            dashboard: name, chart: chart, measure: measure.description, timeZone: zone.id, from: Timestamps.format(from),
            to: Timestamps.format(to), bucketMicros: bucketMicros, buckets: starts.map(Timestamps.format),
            labels: starts.map { label.format($0, in: zone) }, series: series, tableVersion: snapshot.version, watermark: watermark.map(Timestamps.format),
            firstProvisionalBucket: watermark.flatMap { Self.firstProvisional(starts, to: to, width: bucketMicros, watermark: $0) },
            statistics: scan.statistics)
    }

    struct Accumulator {
        var rows = 0
        var count = 0
        var sum = 0.0
        var min = Double.infinity
        var max = -Double.infinity

        mutating func add(_ v: Double) {
            count += 1
            sum += v
            if v < min { min = v }
            if v > max { max = v }
        }

        func value(_ m: Measure) -> Double? {
            switch m {
            case .count: return Double(rows)
            case .sum: return count > 0 ? sum : nil
            case .min: return count > 0 ? min : nil
            case .max: return count > 0 ? max : nil
            case .avg: return count > 0 ? sum / Double(count) : nil
            }
        }
    }

    /// The start (UTC µs) of the bucket holding `t`: local-clock aligned; whole-day widths start at local midnight.
    public static func bucketStart(_ t: Int64, width: Int64, zone: TimeZoneRules) -> Int64 {
        let offset = zone.offsetMicros(atUTCMicros: t)
        let local = t + offset
        let localStart = Timestamps.floorDiv(local, width) * width
        if width % Timestamps.microsPerDay == 0 { return zone.utcMicros(fromLocal: localStart) }
        return localStart - offset
    }

    /// Bucket starts covering [from, to).
    static func bucketStarts(from: Int64, to: Int64, width: Int64, zone: TimeZoneRules) -> [Int64] {
        guard from < to else { return [] }
        var out = [bucketStart(from, width: width, zone: zone)]
        // Days vary in length across DST changes: step past the next local midnight, then align.
        let step = width % Timestamps.microsPerDay == 0 ? width + 3 * Timestamps.microsPerHour : width
        while true {
            let next = bucketStart(out[out.count - 1] + step, width: width, zone: zone)
            guard next < to else { break }
            out.append(next > out[out.count - 1] ? next : out[out.count - 1] + width)
        }
        return out
    }

    /// The first bucket whose end is after `watermark` (a bucket ends where the next starts; the
    /// last one a width later). Windows are taken to be no wider than a bucket and aligned to
    /// it, as with `window(ts, width)` charted at its own width: such a bucket is final once
    /// its end is at or before the watermark.
    static func firstProvisional(_ starts: [Int64], to: Int64, width: Int64, watermark: Int64) -> Int? {
        for i in starts.indices {
            let end = i + 1 < starts.count ? starts[i + 1] : starts[i] + width
            if end > watermark { return i }
        }
        return nil
    }

    /// The newest instant the table's `timeColumn` statistics show (nil without statistics): where
    /// a chart without an explicit range ends.
    public func newestTime(in snapshot: DeltaSnapshot) -> Int64? {
        var newest: Int64?
        for f in snapshot.addFiles {
            if case .timestamp(let t)? = f.parsedStats?.upperBound(timeColumn, type: .timestamp) {
                newest = Swift.max(newest ?? t, t)
            }
        }
        return newest
    }

    /// Index of the last bucket starting at or before `t`.
    static func bucketIndex(_ t: Int64, _ starts: [Int64]) -> Int {
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
