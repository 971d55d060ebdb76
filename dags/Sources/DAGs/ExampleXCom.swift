import OrchCore

/// Params merged with the run's conf, and XCom between in-process tasks.
let exampleXCom = DAG("example_xcom", description: "Params, conf and XCom", tags: ["example"],
                      params: ["greeting": "hello", "count": 3],
                      paramDescriptions: ["greeting": "The word produce repeats", "count": "How many times it repeats it"],
                      defaults: TaskDefaults(isolation: .inProcess)) { d in
    let produce = d.task("produce") { ctx in
        let greeting = ctx.params["greeting"]?.stringValue ?? "?"
        let count = ctx.params["count"]?.intValue ?? 0
        try ctx.push("message", .string(Array(repeating: greeting, count: count).joined(separator: " ")))
    }
    let consume = d.task("consume") { ctx in
        let message = try ctx.pull(from: "produce", key: "message")?.stringValue ?? "(none)"
        ctx.log("received: \(message)")
    }
    produce >> consume
}
