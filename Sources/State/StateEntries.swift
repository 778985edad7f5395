import Columnar

/// One key and its value.
public struct StateEntry: Sendable, Hashable {
    public let key: [Value]
    public let value: [Value]

    public init(key: [Value], value: [Value]) {
        self.key = key
        self.value = value
    }
}

/// The entries of some partitions of a state store, decoded as they are iterated.
public struct StateEntries: Sequence, Sendable {
    let partitions: ArraySlice<StatePartition>
    let keyCodec: RowCodec
    let valueCodec: RowCodec

    /// The exact number of entries.
    public var underestimatedCount: Int { partitions.reduce(0) { $0 + $1.map.count } }

    /// Iterates partition by partition.
    public func makeIterator() -> Iterator {
        Iterator(entries: self, nextPartition: partitions.startIndex, current: nil)
    }

    /// Decodes each entry as it is reached.
    public struct Iterator: IteratorProtocol {
        let entries: StateEntries
        var nextPartition: Int
        var current: Dictionary<StateRowBytes, StateRowBytes>.Iterator?

        public mutating func next() -> StateEntry? {
            while true {
                if let (k, v) = current?.next() {
                    return StateEntry(key: entries.keyCodec.decodeStored(k), value: entries.valueCodec.decodeStored(v))
                }
                guard nextPartition < entries.partitions.endIndex else { return nil }
                current = entries.partitions[nextPartition].map.makeIterator()
                nextPartition += 1
            }
        }
    }
}

extension RowCodec {
    /// Decodes a row the store encoded or validated on load, so failure is a bug, not bad input.
    func decodeStored(_ row: StateRowBytes) -> [Value] {
        do {
            return try decode(row.bytes)
        } catch {
            preconditionFailure("state row failed to decode although it was checked when stored: \(error)")
        }
    }
}
