/// Process-wide memory allocator settings for executables that run queries.
public enum AllocatorTuning {
    /// Keeps freed memory in the process instead of returning it to the OS after every batch.
    ///
    /// Each batch allocates tens of MB of fresh column buffers; glibc by default hands large freed
    /// blocks back to the kernel, so the next batch page-faults all of them in again (measured:
    /// ~40 % of the CPU time of a full-schema JSON scan). Call once at startup of an executable;
    /// a library must not change this for its host process, so the engine never calls it itself.
    public static func keepFreedMemory() {
        #if os(Linux)
        // glibc's <malloc.h> is not in the Glibc module map; these are its documented values.
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3
        _ = glibcMallopt(trimThreshold, 256 << 20)
        _ = glibcMallopt(mmapThreshold, 32 << 20)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
