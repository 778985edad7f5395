/// How far a replay's reading has come, for progress bars and logs.
public struct ReplayProgress: Sendable, Equatable {
    /// Input batches, files and days of the range in all.
    public var batches: Int
    public var files: Int
    public var days: Int
    /// Days of the range all of whose files are read: known from `date=` directories (files are
    /// read in path order); for inputs without them it stays 0 until the end.
    public var daysDone: Int
    public var filesDone: Int
    public var batchesDone: Int
    /// Rows read so far, in range or not.
    public var rowsRead: Int

    /// After batch `index`: the days before the next batch's first day are done.
    mutating func advance(past index: Int, _ batchFiles: [(files: Int, firstDay: Int32?)], days range: Range<Int32>, rowsRead rows: Int) {
        batchesDone = index + 1
        filesDone += batchFiles[index].files
        rowsRead = rows
        if batchesDone >= batches {
            daysDone = days
        } else if let next = batchFiles[batchesDone].firstDay {
            daysDone = max(daysDone, Int(min(max(next, range.lowerBound), range.upperBound) - range.lowerBound))
        }
    }
}
