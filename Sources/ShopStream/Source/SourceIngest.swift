/// The fetch step: every resource, fully paged, then landed for the date in one swap.
public enum SourceIngest {
    /// Fetches `resources` from the configured source and lands them under `<dataDir>/landing/<date>`.
    /// Nothing is landed unless every resource was fetched and validated.
    public static func fetch(resources: [SourceResource] = SourceResource.allCases, fetcher: SourceFetcher,
                             dataDir: String, date: String) throws -> FetchResult {
        let logicalDate = try LogicalDate(date)
        var pages: [SourceResource: [SourcePage]] = [:]
        for resource in resources {
            pages[resource] = try fetcher.fetchAll(resource)
        }
        let manifest = try SourceLanding.write(pages: pages, dataDir: dataDir, date: logicalDate,
                                               sourceURL: fetcher.configuration.baseURL)
        return FetchResult(date: logicalDate.description,
                           landingDirectory: SourceLanding.directory(dataDir: dataDir, date: logicalDate),
                           manifest: manifest,
                           records: pages.mapValues { $0.flatMap(\.records) })
    }
}
