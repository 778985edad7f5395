/// The files the source has logged and still remembers, in log order: what keeps a file from
/// being read twice, and what each compact log file holds.
///
/// A file is forgotten (`forget`) only when it is older than `maxFileAge` and was missing from
/// the latest listing: gone from the directory, so it cannot be read twice. Forgetting keeps
/// memory and restart time proportional to the files in the directory plus those of the last
/// `maxFileAge`, not to every file the query ever read.
struct SeenFiles: Sendable {
    private struct Remembered: Sendable {
        var logged: LoggedFile
        /// The number of the last listing that found the file (0: none since this run started).
        var lastListing = 0
        var forgotten = false
    }

    /// What a listing found out about one listed file.
    enum Observation: Equatable {
        case new
        case known
        /// Known, but its size or modification time differ from those remembered.
        case changed(before: ListedFile)
    }

    private var files: [Remembered] = []
    private var index: [String: Int] = [:]
    private var forgottenCount = 0
    /// The newest modification time of any file logged (the reference of `maxFileAge`).
    private(set) var newestModifiedMillis = Int64.min

    init(_ logged: [LoggedFile]) {
        files.reserveCapacity(logged.count)
        index.reserveCapacity(logged.count)
        for f in logged { add(f) }
    }

    var count: Int { files.count - forgottenCount }

    func contains(_ path: String) -> Bool { index[path] != nil }

    /// Remembers the files of a new log entry, taken from listing number `listing`.
    mutating func append(_ taken: [ListedFile], logId: Int64, listing: Int) {
        for f in taken { add(LoggedFile(logId: logId, file: f), listing: listing) }
    }

    private mutating func add(_ f: LoggedFile, listing: Int = 0) {
        index[f.file.path] = files.count
        files.append(Remembered(logged: f, lastListing: listing))
        newestModifiedMillis = max(newestModifiedMillis, f.file.modifiedMillis)
    }

    /// Looks up a file of listing number `listing` under its listed path and any other path
    /// to it, and marks it as present. A change is remembered, so it is reported once.
    mutating func observe(_ file: ListedFile, otherPaths: [String], listing: Int) -> Observation {
        var found = index[file.path]
        for other in otherPaths where found == nil { found = index[other] }
        guard let i = found else { return .new }
        files[i].lastListing = listing
        let before = files[i].logged.file
        guard before.size != file.size || before.modifiedMillis != file.modifiedMillis else { return .known }
        files[i].logged.file.size = file.size
        files[i].logged.file.modifiedMillis = file.modifiedMillis
        return .changed(before: before)
    }

    /// Forgets files of entries through `logId` that listing number `listing` did not find and
    /// whose modification time is before `cutoffMillis`. Returns how many it forgot.
    @discardableResult
    mutating func forget(missingFrom listing: Int, modifiedBefore cutoffMillis: Int64, through logId: Int64) -> Int {
        var forgot = 0
        for i in files.indices where !files[i].forgotten {
            let f = files[i]
            if f.logged.logId > logId { break }
            if f.lastListing < listing && f.logged.file.modifiedMillis < cutoffMillis {
                files[i].forgotten = true
                index[f.logged.file.path] = nil
                forgot += 1
            }
        }
        forgottenCount += forgot
        if forgottenCount > files.count / 2 {
            files.removeAll(where: \.forgotten)
            forgottenCount = 0
            index.removeAll(keepingCapacity: true)
            for (i, f) in files.enumerated() { index[f.logged.file.path] = i }
        }
        return forgot
    }

    /// Every remembered file, in log order.
    var logged: [LoggedFile] { files.lazy.filter { !$0.forgotten }.map(\.logged) }

    /// The remembered files of entries `from + 1 ... through`, in log order.
    func files(after from: Int64, through to: Int64) -> [ListedFile] {
        // Entries are in log order: find the first file past `from` by bisection.
        var lo = 0, hi = files.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if files[mid].logged.logId <= from { lo = mid + 1 } else { hi = mid }
        }
        return files[lo...].lazy.prefix { $0.logged.logId <= to }.filter { !$0.forgotten }.map(\.logged.file)
    }
}
