/// A task's manifest entry: every field under its own name, as the synthesized conformance wrote it before the
/// settings moved into a shared box (manifests of bundles built before and after decode alike). Optional fields
/// are left out when nil.
extension TaskSpec: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, action, upstream, triggerRule, retry, executionTimeout, isolation, pool, poolSlots, doc
        case runningLimit, assets, checks, queue
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let settings = TaskSettings(
            triggerRule: try c.decode(TriggerRule.self, forKey: .triggerRule),
            retry: try c.decode(RetryPolicy.self, forKey: .retry),
            executionTimeout: try c.decodeIfPresent(Double.self, forKey: .executionTimeout),
            isolation: try c.decode(Isolation.self, forKey: .isolation),
            pool: try c.decode(String.self, forKey: .pool),
            poolSlots: try c.decode(Int.self, forKey: .poolSlots),
            doc: try c.decode(String.self, forKey: .doc),
            runningLimit: try c.decodeIfPresent(Double.self, forKey: .runningLimit),
            assets: try c.decode(TaskAssets.self, forKey: .assets),
            queue: try c.decodeIfPresent(String.self, forKey: .queue))
        self.init(id: try c.decode(String.self, forKey: .id), action: try c.decode(TaskAction.self, forKey: .action),
                  upstream: try c.decode([String].self, forKey: .upstream),
                  checks: try c.decode([AssetCheck].self, forKey: .checks), settings: settings)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let s = settings.value
        try c.encode(id, forKey: .id)
        try c.encode(action, forKey: .action)
        try c.encode(upstream, forKey: .upstream)
        try c.encode(s.triggerRule, forKey: .triggerRule)
        try c.encode(s.retry, forKey: .retry)
        try c.encodeIfPresent(s.executionTimeout, forKey: .executionTimeout)
        try c.encode(s.isolation, forKey: .isolation)
        try c.encode(s.pool, forKey: .pool)
        try c.encode(s.poolSlots, forKey: .poolSlots)
        try c.encode(s.doc, forKey: .doc)
        try c.encodeIfPresent(s.runningLimit, forKey: .runningLimit)
        try c.encode(s.assets, forKey: .assets)
        try c.encode(checks, forKey: .checks)
        try c.encodeIfPresent(s.queue, forKey: .queue)
    }
}
