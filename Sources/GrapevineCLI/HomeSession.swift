import GrapevineCore
import GrapevineStore
import Logging
import Sodium

/// An open home: my signing key and identity, and the store. Every write of the CLI goes
/// through `write`, which is the store's local write path; every query through `reader`, the
/// store's read model.
public final class HomeSession {
    public let home: GrapevineHome
    public let key: Ed25519.SigningKey
    public let me: PublicIdentity
    public let store: Store
    /// The store's read model: what every command shows comes from it.
    public let reader: StoreReader
    public let context: CLIContext
    public let logger: Logger

    init(home: GrapevineHome, key: Ed25519.SigningKey, me: PublicIdentity, store: Store, context: CLIContext,
         logger: Logger) {
        self.home = home
        self.key = key
        self.me = me
        self.store = store
        self.reader = store.reader
        self.context = context
        self.logger = logger
    }

    /// Opens an existing home: it must hold an identity made by `grapevine init`, and its store.
    /// A home whose store is missing is not given a new empty one silently: that would look like
    /// a healthy node with nothing in it (`grapevine init --recover` starts one on purpose).
    public static func open(home: GrapevineHome, context: CLIContext, logger: Logger) throws -> HomeSession {
        let (key, me) = try identity(home: home)
        guard home.hasStore else { throw missingStore(home) }
        let store = try Store(home: home, physicalMillis: context.physicalMillis())
        logger.debug("opened home", metadata: ["home": "\(home.path)", "id": "\(me.text)"])
        return HomeSession(home: home, key: key, me: me, store: store, context: context, logger: logger)
    }

    /// My signing key and identity from the home's key file alone, for commands that need no
    /// store (`id`), so they work while the store is missing, damaged or read-only.
    public static func identity(home: GrapevineHome) throws -> (key: Ed25519.SigningKey, me: PublicIdentity) {
        guard home.exists else {
            throw CLIError("no Grapevine home at \(home.path): run `grapevine init` first, or pass --home DIR")
        }
        let key = try KeyFile.load(from: home.keyFilePath)
        return (key, try identity(of: key))
    }

    /// Creates the home directory, a new identity and an empty store. Refuses to overwrite an
    /// existing identity.
    public static func create(home: GrapevineHome, context: CLIContext, logger: Logger) throws -> HomeSession {
        try home.createDirectory()
        let key: Ed25519.SigningKey
        do {
            key = try KeyFile.create(at: home.keyFilePath)
        } catch {
            if case .alreadyExists = error, !home.hasStore { throw missingStore(home) }
            throw error
        }
        let me = try identity(of: key)
        let store = try Store(home: home, physicalMillis: context.physicalMillis())
        logger.debug("created home", metadata: ["home": "\(home.path)", "id": "\(me.text)"])
        return HomeSession(home: home, key: key, me: me, store: store, context: context, logger: logger)
    }

    /// Starts a fresh, empty store beside the home's identity when its store is missing
    /// (`grapevine init --recover`). Entries signed before come back from peers through
    /// reconciliation once the node runs.
    public static func recover(home: GrapevineHome, context: CLIContext, logger: Logger) throws -> HomeSession {
        guard home.hasKeyFile else {
            throw CLIError("nothing to recover: \(home.path) holds no identity; run `grapevine init` without --recover to create one")
        }
        let (key, me) = try identity(home: home)
        guard !home.hasStore else {
            throw CLIError("\(home.storePath) is there, so there is nothing to recover; if it is damaged, move it aside (`mv \(home.storePath) \(home.storePath).damaged`) and run `grapevine init --recover` again")
        }
        let store = try Store(home: home, physicalMillis: context.physicalMillis())
        logger.debug("recovered home", metadata: ["home": "\(home.path)", "id": "\(me.text)"])
        return HomeSession(home: home, key: key, me: me, store: store, context: context, logger: logger)
    }

    /// The refusal for a home that has an identity but no store.
    static func missingStore(_ home: GrapevineHome) -> CLIError {
        CLIError("\(home.path) holds an identity but no store (\(home.storePath) is missing): run `grapevine init --recover` to start a fresh one; the network still holds your signed entries")
    }

    /// Signs `content` as me and stores it through the local write path, after checking what the
    /// user typed against the field's own limits.
    @discardableResult
    public func write(_ content: EntryContent) throws -> SignedEntry {
        try ValueLimits.check(content)
        let entry = try store.write(content, signingKey: key, physicalMillis: context.physicalMillis())
        logger.debug("wrote entry", metadata: ["entry": "\(entry.id.hex)", "kind": "\(entry.kind.name)"])
        tellNode()
        return entry
    }

    /// Wakes the home's running node, if any, to read the outbox now (`NodeWakeup`): a write
    /// reaches the network at once, not at the node's next poll.
    public func tellNode() {
        let woken = NodeWakeup.send(.outbox, home: home)
        logger.debug("outbox queued", metadata: ["node": "\(woken ? "woken" : "not running or not reachable")"])
    }

    /// Edits my card from what it holds now: `decide` gets my card's fields, my connections-only
    /// ones opened, as the store's write transaction reads them, and returns the fields to write
    /// with their visibility. Edits made at the same time by other processes are never lost, and
    /// connections-only values are sealed and my grants kept in step in the same transaction
    /// (see `Store.editCard(signingKey:physicalMillis:randomness:deciding:)`).
    @discardableResult
    public func editCard(_ decide: (_ current: [String: OwnField]) throws(CLIError) -> [FieldEdit]) throws
        -> [SignedEntry]
    {
        let entries = try store.editCard(signingKey: key, physicalMillis: context.physicalMillis()) {
            current throws(CLIError) -> [FieldEdit] in
            let edits = try decide(current)
            for edit in edits {
                for item in edit.values { try NameText.checkOwnName(field: edit.field, value: item.value) }
                try CardEditing.check(edit)
            }
            return edits
        }
        for entry in entries {
            logger.debug("wrote entry", metadata: ["entry": "\(entry.id.hex)", "kind": "\(entry.kind.name)"])
        }
        if !entries.isEmpty { tellNode() }
        return entries
    }

    /// Everyone this store knows, for resolving WHO and showing names (`resolver.names`).
    public func resolver() throws -> WhoResolver {
        try WhoResolver(known: reader.knownIdentities(), me: me, connected: reader.connections(of: me).recorded)
    }

    private static func identity(of key: Ed25519.SigningKey) throws -> PublicIdentity {
        guard let me = PublicIdentity(bytes: key.publicKey) else {
            throw CLIError("the key file holds no valid public key; restore it from a backup")
        }
        return me
    }
}
