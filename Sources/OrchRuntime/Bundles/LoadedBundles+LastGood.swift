import OrchCore

extension LoadedBundles {
    /// A reload keeps the last good version of a bundle that now fails to describe (crash, hang, no manifest)
    /// or to build without a previous build (the builder already keeps a previous build): its DAGs stay as
    /// `previous` had them, beside the new import error. A bundle that is gone (`missing`) takes its DAGs with it.
    public func keepingLastGood(of previous: LoadedBundles) -> LoadedBundles {
        let failed = Set(errors.filter { [.build, .describe, .timeout].contains($0.kind) && $0.dagId == nil }.map(\.bundle))
        let loadedBundles = Set(bundles.values)
        var dags = bag.dags, executables = executables, owners = bundles, versions = versions
        for dag in previous.bag.dags {
            guard let bundle = previous.bundles[dag.id], failed.contains(bundle), !loadedBundles.contains(bundle),
                  owners[dag.id] == nil else { continue }
            dags.append(dag)
            owners[dag.id] = bundle
            executables[dag.id] = previous.executables[dag.id]
            versions[dag.id] = previous.versions[dag.id]
        }
        return LoadedBundles(bag: DAGBag.lenient(dags).bag, executables: executables, bundles: owners, errors: errors,
                             dashboards: dashboards, connectionDefaults: connectionDefaults, versions: versions)
    }
}
