import Foundation
import GrapevineCore
import GrapevineStore
import Logging
import Sodium

/// An open home: my signing key and identity, and the store. Every write of the CLI goes
/// through `write`, which is the store's local write path.
public final class HomeSession {
    public let home: GrapevineHome
    public let key: Ed25519.SigningKey
    public let me: PublicIdentity
    public let store: Store
    public let context: CLIContext
    public let logger: Logger

    init(home: GrapevineHome, key: Ed25519.SigningKey, me: PublicIdentity, store: Store, context: CLIContext,
         logger: Logger) {
        self.home = home
        self.key = key
        self.me = me
        self.store = store
        self.context = context
        self.logger = logger
    }

    /// Opens an existing home: it must hold an identity made by `grapevine init`.
    public static func open(home: GrapevineHome, context: CLIContext, logger: Logger) throws -> HomeSession {
        guard home.exists else {
            throw CLIError("no Grapevine home at \(home.path): run `grapevine init` first, or pass --home DIR")
        }
        let key = try KeyFile.load(from: home.keyFilePath)
        let me = try identity(of: key)
        let store = try Store(home: home, physicalMillis: context.physicalMillis())
        logger.debug("opened home", metadata: ["home": "\(home.path)", "id": "\(me.text)"])
        return HomeSession(home: home, key: key, me: me, store: store, context: context, logger: logger)
    }

    /// Creates the home directory, a new identity and an empty store. Refuses to overwrite an
    /// existing identity.
    public static func create(home: GrapevineHome, context: CLIContext, logger: Logger) throws -> HomeSession {
        let parent = (home.path as NSString).deletingLastPathComponent
        if !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw CLIError("cannot create \(parent) for the home: choose a --home in a writable folder")
            }
        }
        try home.createDirectory()
        let key = try KeyFile.create(at: home.keyFilePath)
        let me = try identity(of: key)
        let store = try Store(home: home, physicalMillis: context.physicalMillis())
        logger.debug("created home", metadata: ["home": "\(home.path)", "id": "\(me.text)"])
        return HomeSession(home: home, key: key, me: me, store: store, context: context, logger: logger)
    }

    /// Signs `content` as me and stores it through the local write path.
    @discardableResult
    public func write(_ content: EntryContent) throws -> SignedEntry {
        let entry = try store.write(content, signingKey: key, physicalMillis: context.physicalMillis())
        logger.debug("wrote entry", metadata: ["entry": "\(entry.id.hex)", "kind": "\(entry.kind.name)"])
        return entry
    }

    /// Everyone this store knows, for resolving WHO and showing names (`resolver.names`).
    public func resolver() throws -> WhoResolver {
        try WhoResolver(known: store.knownIdentities(), me: me, connected: store.connections(of: me).recorded)
    }

    private static func identity(of key: Ed25519.SigningKey) throws -> PublicIdentity {
        guard let me = PublicIdentity(bytes: key.publicKey) else {
            throw CLIError("the key file holds no valid public key; restore it from a backup")
        }
        return me
    }
}
