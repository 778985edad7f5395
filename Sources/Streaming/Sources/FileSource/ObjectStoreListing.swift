import Formats

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileListing {
    /// The data files under an object-store prefix (`s3://bucket/prefix`) whose paths relative
    /// to it sort after `startAfter`, in key order: one paged listing that starts after that
    /// key (ListObjectsV2 `start-after`), so a source that remembers where its last listing
    /// ended pays only for the keys added since, not for the whole tree every batch.
    ///
    /// The local walk's rules apply to the key's components: a component starting with `.` or
    /// `_` hides the key, and `glob` is matched against the last component. There are no links
    /// in an object store, so every file has exactly one path.
    static func listObjects(root: String, glob: String?, startAfter: String?, storage: any ObjectStorage) throws -> FileListing {
        let files = try storage.listTree(root, startAfter: startAfter).compactMap { f -> ListedFile? in
            let parts = f.name.split(separator: "/", omittingEmptySubsequences: false)
            guard let name = parts.last, !parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") || $0.hasPrefix("_") }) else { return nil }
            if let glob, fnmatch(glob, String(name), 0) != 0 { return nil }
            return ListedFile(path: f.name, size: f.size, modifiedMillis: f.modifiedMillis)
        }
        return FileListing(files: files)
    }
}
