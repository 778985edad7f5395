/// The join types of a stream-stream join (Spark's `joinType` strings in comments).
public enum StreamJoinType: String, Sendable, Hashable, CaseIterable {
    /// `inner`: pairs that satisfy the condition.
    case inner
    /// `left_outer`: also every left row that finds no match, with nulls for the right side,
    /// once the watermark guarantees no match can come.
    case leftOuter
    /// `right_outer`: the mirror image of `leftOuter`.
    case rightOuter
    /// `full_outer`: unmatched rows of both sides, each with nulls for the other.
    case fullOuter
    /// `left_semi`: each left row that has a match, once, with the left side's columns only.
    case leftSemi

    /// Spark's name for the type in its messages (`LeftOuter`).
    public var sparkName: String {
        switch self {
        case .inner: return "Inner"
        case .leftOuter: return "LeftOuter"
        case .rightOuter: return "RightOuter"
        case .fullOuter: return "FullOuter"
        case .leftSemi: return "LeftSemi"
        }
    }

    /// Whether the left side's unmatched rows are emitted (with nulls on the right).
    public var preservesLeft: Bool { self == .leftOuter || self == .fullOuter }
    /// Whether the right side's unmatched rows are emitted (with nulls on the left).
    public var preservesRight: Bool { self == .rightOuter || self == .fullOuter }
}

/// One side of a join.
public enum JoinSide: Int, Sendable, Hashable {
    case left = 0
    case right = 1

    public var other: JoinSide { self == .left ? .right : .left }
}
