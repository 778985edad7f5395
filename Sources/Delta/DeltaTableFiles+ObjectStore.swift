import Formats

extension DeltaTableFiles {
    /// The files under a table in an object store: every key below the table's prefix (one
    /// paged listing), kept when each directory on its path passes `descendInto`, in path order.
    func objectStoreFiles(_ storage: any ObjectStorage, descendInto: (_ name: String, _ path: String) -> Bool) throws -> [Entry] {
        try storage.listTree(root).compactMap { f in
            let parts = f.name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            var relative = ""
            for dir in parts.dropLast() {
                relative = relative.isEmpty ? dir : relative + "/" + dir
                guard !dir.isEmpty, descendInto(dir, relative) else { return nil }
            }
            return Entry(path: f.name, size: f.size, modifiedMillis: f.modifiedMillis, device: 0, inode: 0)
        }
    }
}
