import Foundation

/// The two date forms S3 sends: ISO 8601 in XML (`2026-11-25T10:00:00.000Z`) and RFC 7231's
/// IMF-fixdate in headers (`Wed, 25 Nov 2026 10:00:00 GMT`). Parsed by hand: the formatters'
/// thread-safety differs across Foundation versions, and these two forms are fixed.
enum HTTPDates {
    static func iso8601(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count >= 20, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T"),
            u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"), u.last == UInt8(ascii: "Z"),
            let year = int(u, 0, 4), let month = int(u, 5, 2), let day = int(u, 8, 2),
            let hour = int(u, 11, 2), let minute = int(u, 14, 2), let second = int(u, 17, 2)
        else { return nil }
        var fraction = 0.0
        if u.count > 20 {
            guard u[19] == UInt8(ascii: "."), let f = Double("0" + String(decoding: u[19..<(u.count - 1)], as: UTF8.self)) else { return nil }
            fraction = f
        }
        return make(year, month, day, hour, minute, second).map { $0.addingTimeInterval(fraction) }
    }

    static func imfFixdate(_ s: String) -> Date? {
        let parts = s.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                .firstIndex(of: String(parts[2]))
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        return make(year, month + 1, day, clock[0], clock[1], clock[2])
    }

    private static func int(_ u: [UInt8], _ at: Int, _ count: Int) -> Int? {
        Int(String(decoding: u[at..<(at + count)], as: UTF8.self))
    }

    private static func make(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Date? {
        guard (1...12).contains(mo), (1...31).contains(d), (0...23).contains(h), (0...59).contains(mi), (0...60).contains(s) else {
            return nil
        }
        var t = tm()
        t.tm_year = Int32(y - 1900)
        t.tm_mon = Int32(mo - 1)
        t.tm_mday = Int32(d)
        t.tm_hour = Int32(h)
        t.tm_min = Int32(mi)
        t.tm_sec = Int32(s)
        return Date(timeIntervalSince1970: TimeInterval(timegm(&t)))
    }
}
