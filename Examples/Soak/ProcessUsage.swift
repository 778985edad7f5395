import Foundation
import Streaming

/// What the kernel and the allocator say about this process.
struct ProcessUsage: Sendable {
    /// Resident set size (VmRSS).
    var rssBytes: Int64
    /// The anonymous part of it (heap, stacks): what the process itself allocated. The rest is
    /// mostly pages of the executable and shared libraries, which grow as more code runs once
    /// and which the kernel may drop at any time.
    var rssAnonBytes: Int64
    /// Threads (a leaked thread per batch would show here).
    var threads: Int
    /// Open file descriptors (entries of /proc/self/fd, less the one listing them).
    var openFiles: Int
    /// Bytes malloc has handed out and not got back: growth here is live objects; growth of RSS
    /// without it is the allocator keeping freed memory.
    var heapInUseBytes: Int64?

    static func current() throws -> ProcessUsage {
        let status = try readProcFile("/proc/self/status")
        func field(_ name: String) -> Int64 {
            for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
                // "VmRSS:\t    1234 kB"
                return Int64(line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
            }
            return 0
        }
        return ProcessUsage(
            rssBytes: field("VmRSS") * 1024, rssAnonBytes: field("RssAnon") * 1024, threads: Int(field("Threads")),
            openFiles: max(0, try FileSystem.list("/proc/self/fd").count - 1), heapInUseBytes: heapInUse())
    }

    /// Files under /proc report size 0, so they are read until end of file, not by their size.
    static func readProcFile(_ path: String) throws -> String {
        guard let file = fopen(path, "r") else { throw SoakError("cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// In-use heap from glibc's `malloc_info`: memory obtained from the system by all arenas,
    /// less the free chunks they hold, plus chunks mapped on their own.
    static func heapInUse() -> Int64? {
        #if os(Linux)
        var buffer: UnsafeMutablePointer<CChar>?
        var length = 0
        guard let stream = open_memstream(&buffer, &length) else { return nil }
        let ok = glibcMallocInfo(0, stream) == 0
        fclose(stream)
        defer { free(buffer) }
        guard ok, let buffer else { return nil }
        let xml = String(cString: buffer)
        // The totals over all arenas are the last elements of the document, after the heaps.
        let totals = xml.range(of: "</heap>", options: .backwards).map { xml[$0.upperBound...] } ?? xml[...]
        func sizeAttribute(_ tag: String) -> Int64? {
            guard let r = totals.range(of: tag) else { return nil }
            let rest = totals[r.upperBound...]
            guard let open = rest.range(of: "size=\""), let close = rest[open.upperBound...].firstIndex(of: "\"") else { return nil }
            return Int64(rest[open.upperBound..<close])
        }
        guard let system = sizeAttribute("<system type=\"current\""), let fast = sizeAttribute("<total type=\"fast\""),
            let rest = sizeAttribute("<total type=\"rest\""), let mmap = sizeAttribute("<total type=\"mmap\"")
        else { return nil }
        return system - fast - rest + mmap
        #else
        return nil
        #endif
    }
}

#if os(Linux)
// glibc's <malloc.h> is not in the Glibc module map (see AllocatorTuning).
@_silgen_name("malloc_info")
private func glibcMallocInfo(_ options: Int32, _ stream: UnsafeMutablePointer<FILE>) -> Int32
#endif

struct SoakError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
