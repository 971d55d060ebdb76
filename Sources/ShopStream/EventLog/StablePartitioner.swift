/// Maps a message key to a partition with a hash that is the same in every process and on every machine
/// (64-bit FNV-1a over the key's UTF-8 bytes). Swift's `Hasher` is seeded per process, so it must not be used here.
public enum StablePartitioner {
    /// 64-bit FNV-1a of the UTF-8 bytes of `key`.
    public static func fnv1a64(_ key: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The partition of `key` among `count` partitions. Keyless messages go to partition 0.
    public static func partition(forKey key: String?, count: Int) -> Int {
        precondition(count > 0, "a topic needs at least one partition")
        guard let key else { return 0 }
        return Int(fnv1a64(key) % UInt64(count))
    }
}
