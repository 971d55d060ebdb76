import ArgumentParser
import Foundation
import OrchAPI
import OrchStore

/// `orch tokens`: named API tokens with roles. The secret is printed once, at creation; only its SHA-256 is kept.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke API tokens with roles (viewer, operator, admin).",
        discussion: "viewer reads; operator also triggers, clears, marks, pauses and reads the audit log; admin also manages tokens. The token in ORCH_HOME/api-token (or ORCH_API_TOKEN) is always an admin token.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it (once: it is stored hashed).")
        @Option(help: "viewer, operator, admin or worker.") var role: String
        @Option(help: "A unique name (shown in the audit log), e.g. ci-deploy.") var name: String

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be viewer, operator, admin or worker, got '\(role)'") }
            guard TokenName.isValid(name) else { throw ValidationError("--name: \(TokenName.rule)") }
        }

        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            let secret = TokenSecret.generate()
            do {
                try store.createToken(name: name, role: Role(rawValue: role) ?? .viewer, tokenHash: TokenSecret.hash(secret),
                                      createdBy: "cli:\(unixUser())", now: Date())
            } catch let error as TokenError {
                throw ValidationError(error.description)
            }
            try ctx.audit(store, "token.create", ["name": name, "role": role])
            print(secret)
            printError("token '\(name)' (\(role)) created; it is shown only now. Send it as 'Authorization: Bearer <token>'.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: name, role, created, revoked (never the secrets).")
        func run() throws {
            let store = try CLIContext().store()
            printTable(["NAME", "ROLE", "CREATED", "BY", "REVOKED"], try store.tokens().map {
                [$0.name, $0.role.rawValue, formatDate($0.createdAt), $0.createdBy, formatDate($0.revokedAt)]
            })
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: requests carrying it get 401 from now on.")
        @Argument(help: "The token's name.") var name: String
        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            guard try store.revokeToken(name: name, now: Date()) else {
                throw ValidationError("no active token '\(name)'; `orch tokens list` shows them")
            }
            try ctx.audit(store, "token.revoke", ["name": name])
            print("token '\(name)' revoked")
        }
    }
}
