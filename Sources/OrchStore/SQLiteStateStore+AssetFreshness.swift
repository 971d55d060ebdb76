import Foundation
import OrchCore

/// What the freshness watcher remembers per asset: since when it has been stale (no row: fresh).
extension SQLiteStateStore {
    public func freshnessStates() throws -> [Int64: Double] {
        try locked {
            Dictionary(uniqueKeysWithValues: try db.query("SELECT asset_id, stale_since FROM asset_freshness").compactMap { r in
                r["asset_id"].int64.flatMap { id in r["stale_since"].double.map { (id, $0) } }
            })
        }
    }

    /// Records new freshness states and their alerts in one transaction (an alert is never lost or doubled).
    public func recordFreshness(_ states: [(assetId: Int64, staleSince: Double?)], alerts: [AlertDraft], now: Date) throws {
        try write {
            for s in states {
                if let since = s.staleSince {
                    try db.execute("""
                        INSERT INTO asset_freshness (asset_id, stale_since, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (asset_id) DO UPDATE SET stale_since = excluded.stale_since, updated_at = excluded.updated_at
                        """, [s.assetId, since, now.unix])
                } else {
                    try db.execute("DELETE FROM asset_freshness WHERE asset_id = ?", [s.assetId])
                }
            }
            try insertAlerts(alerts, now: now)
        }
    }
}
